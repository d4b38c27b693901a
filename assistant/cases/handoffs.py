"""Workers waiting for a person, and what counsellors do with them. Functions take the
session; every counsellor action is audited by the caller."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.conversation.parse import display_code
from assistant.db.console_models import Counsellor, Handoff
from assistant.db.conversation_models import Conversation, PlanRecord, ProfileVersion
from assistant.taxonomy.repository import localize

OPEN = ("waiting", "taken")
WRITES = ("send", "note", "handback", "close")  # need holding the case


def may_write(handoff: Handoff, counsellor_id: int, action: str) -> bool:
    """Writing on a case (send, note, hand back, close) needs holding it: taken by this
    counsellor. A waiting case that nobody holds may also be closed. Admins alike."""
    if handoff.status == "taken" and handoff.counsellor_id == counsellor_id:
        return True
    return action == "close" and handoff.status == "waiting" and handoff.counsellor_id is None


def holder_name(session: Session, handoff: Handoff) -> str | None:
    """The name of whoever holds the case (taken), or None."""
    if handoff.status != "taken" or handoff.counsellor_id is None:
        return None
    holder = session.get(Counsellor, handoff.counsellor_id)
    return holder.name if holder else f"#{handoff.counsellor_id}"


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
    for h, conv, holder in session.execute(
        select(Handoff, Conversation, Counsellor.name)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .outerjoin(Counsellor, Counsellor.id == Handoff.counsellor_id)
        .where(Handoff.status.in_(OPEN))
        .order_by(Handoff.requested_at)
    ):
        asked = h.requested_at if h.requested_at.tzinfo else h.requested_at.replace(tzinfo=UTC)
        out.append(
            {
                "id": h.id,
                "status": h.status,
                "holder": holder if h.status == "taken" else None,
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
    gaps = [dict(g) for g in ((state.get("gaps") or {}).get("gaps") or [])[:6]]
    goal = dict(state["goal"]) if isinstance(state.get("goal"), dict) else None
    skills = [dict(s) for s in skills]
    # both languages side by side (the counsellor may read the worker's, ESCO's English, or
    # want both for a CV), whatever the stored state holds
    localize(session, [*skills, *gaps, *([goal] if goal else [])], "es")
    by_kind = {"transversal": [], "digital": [], "specific": []}
    for s in skills:
        by_kind.setdefault(s.get("kind", "specific"), []).append(s)
    return {
        "code": display_code(conv.resume_code) if conv.resume_code else "",
        "channel": handoff.channel,
        "language": conv.language,
        "phase": conv.phase,
        "reason": handoff.reason,
        "experiences": (profile.data.get("experiences") if profile else None) or [],
        "skills": by_kind,
        "goal": goal,
        "gaps": gaps,
        "plan": [o["title"] for o in (plan.data["offers"] if plan else [])],
        "plan_totals": plan.data.get("totals") if plan else None,
        "notes": handoff.notes,
        "status": handoff.status,
        "holder_id": handoff.counsellor_id if handoff.status == "taken" else None,
        "holder": holder_name(session, handoff),
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
