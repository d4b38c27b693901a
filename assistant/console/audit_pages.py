"""The audit page, for administrators only: first the erasures counsellors made with a
written reason (who, when, which case, the reason), then the latest entries of the whole
log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from assistant.console import auth
from assistant.console.common import page, signed_in
from assistant.db.console_models import AuditEntry, Counsellor
from assistant.db.session import session_scope

LATEST = 500


def counsellor_erasures(session, limit: int = 200) -> list[AuditEntry]:
    """The latest erasures made by counsellors (not admins), each with its reason."""
    erased = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "data_erased")
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [e for e in erased if (e.detail or {}).get("role") == "counsellor"]


def register(router: APIRouter) -> None:
    """Adds the audit page to the console's router."""

    @router.get("/audit")
    def audit_page(request: Request) -> Response:
        with session_scope() as session:
            found = signed_in(session, request)
            if isinstance(found, Response):
                return found
            user, row = found
            if user.role != "admin":
                auth.audit(session, user.id, "forbidden", "audit", {})
                return Response("admins only", status_code=403)
            entries = session.scalars(
                select(AuditEntry).order_by(AuditEntry.id.desc()).limit(LATEST)
            ).all()
            erasures = counsellor_erasures(session)
            ids = {e.counsellor_id for e in [*entries, *erasures] if e.counsellor_id is not None}
            people = {
                c.id: f"{c.name} <{c.email}>"
                for c in session.scalars(select(Counsellor).where(Counsellor.id.in_(ids)))
            }
            return page(
                "audit.html",
                user=user,
                csrf=row.csrf,
                entries=entries,
                erasures=erasures,
                people=people,
            )
