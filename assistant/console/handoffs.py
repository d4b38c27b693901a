"""Workers waiting for a person, and what counsellors do with them. Functions take the
session; every counsellor action is audited by the caller."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.console_models import Handoff
from assistant.db.conversation_models import Conversation, PlanRecord, ProfileVersion

OPEN = ("waiting", "taken")


def request(
    session: Session, conversation_id: str, sender_id: str, channel: str, reason: str
) -> Handoff:
    row = session.scalar(
        select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN))
    )
    if row is None:
        row = Handoff(
            conversation_id=conversation_id,
            sender_id=sender_id,
            channel=channel,
            reason=reason,
            status="waiting",
            notes=[],
            requested_at=datetime.now(UTC),
        )
        session.add(row)
    else:
        row.reason, row.sender_id = reason, sender_id
    session.flush()
    return row


def queue(session: Session) -> list[dict]:
    now = datetime.now(UTC)
    out = []
    for h, conv in session.execute(
        select(Handoff, Conversation)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .where(Handoff.status.in_(OPEN))
        .order_by(Handoff.requested_at)
    ):
        asked = h.requested_at if h.requested_at.tzinfo else h.requested_at.replace(tzinfo=UTC)
        out.append(
            {
                "id": h.id,
                "status": h.status,
                "reason": h.reason,
                "channel": h.channel,
                "language": conv.language,
                "phase": conv.phase,
                "code": conv.resume_code,
                "waiting_minutes": int((now - asked).total_seconds() // 60),
                "goal": (conv.state.get("goal") or {}).get("label"),
            }
        )
    return out


def set_status(handoff: Handoff, status: str, counsellor_id: int | None = None) -> None:
    handoff.status = status
    now = datetime.now(UTC)
    if status == "taken":
        handoff.counsellor_id, handoff.taken_at = counsellor_id, now
    if status == "closed":
        handoff.closed_at, handoff.sender_id = now, None  # the channel id is not kept


def summary(session: Session, handoff: Handoff) -> dict:
    """What a counsellor reads in ten seconds."""
    conv = session.get(Conversation, handoff.conversation_id)
    state = conv.state or {}
    profile = session.scalar(
        select(ProfileVersion)
        .where(ProfileVersion.conversation_id == conv.id)
        .order_by(ProfileVersion.version.desc())
        .limit(1)
    )
    plan = session.scalar(
        select(PlanRecord)
        .where(PlanRecord.conversation_id == conv.id)
        .order_by(PlanRecord.id.desc())
        .limit(1)
    )
    skills = [
        s for s in (profile.data["skills"] if profile else []) if s.get("status") != "rejected"
    ]
    by_kind: dict[str, list[dict]] = {"transversal": [], "digital": [], "specific": []}
    for s in skills:
        by_kind.setdefault(s.get("kind", "specific"), []).append(s)
    gaps = (state.get("gaps") or {}).get("gaps") or []
    return {
        "code": conv.resume_code,
        "channel": handoff.channel,
        "language": conv.language,
        "phase": conv.phase,
        "reason": handoff.reason,
        "experiences": (profile.data.get("experiences") if profile else None) or [],
        "skills": by_kind,
        "goal": (state.get("goal") or {}).get("label"),
        "gaps": [g["label"] for g in gaps[:6]],
        "plan": [o["title"] for o in (plan.data["offers"] if plan else [])],
        "plan_totals": plan.data.get("totals") if plan else None,
        "notes": handoff.notes,
        "status": handoff.status,
    }


PHASES = ("experiences", "skills_review", "goal", "constraints", "plan")


def state_at_phase(session: Session, handoff: Handoff, phase: str | None) -> dict | None:
    """The stored state moved to `phase` (and saved), or None to leave it as it is."""
    if phase not in PHASES:
        return None
    conv = session.get(Conversation, handoff.conversation_id)
    state = dict(conv.state or {})
    state["phase"] = phase
    if phase in ("goal", "constraints", "plan"):
        state["reviewed"] = True
    if phase in ("constraints", "plan") and not state.get("goal"):
        state["phase"] = "goal"
    conv.state, conv.phase = state, state["phase"]
    return state
