"""The console's privacy pages: "what we know about this person" as a JSON download, and
erasing it after a confirmation step with counts. Audited with who, when, which conversation
and how many records; never the data. The routes are the console router's own (imported by
pages.py once that router exists)."""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import Response

from assistant import privacy
from assistant.console import auth
from assistant.console.pages import form, page, router, signed_in
from assistant.db.console_models import Handoff
from assistant.db.conversation_models import Conversation
from assistant.db.session import session_scope


def _signed_in_person(session, request: Request, handoff_id: int, data: dict | None = None):
    """(user, login session row, conversation), or the response to send instead (sign-in
    page, CSRF refusal, or 404)."""
    found = signed_in(session, request, data)
    if isinstance(found, Response):
        return found
    handoff = session.get(Handoff, handoff_id)
    conv = session.get(Conversation, handoff.conversation_id) if handoff else None
    if conv is None:
        return Response("not found", status_code=404)
    return (*found, conv)


@router.post("/c/{handoff_id}/privacy/export")
async def privacy_export(request: Request, handoff_id: int) -> Response:
    """ "What we know about this person", as a JSON download (privacy.export by the
    conversation's code). The audit entry keeps who, when, which conversation and how many
    records; never the data."""
    data = await form(request)
    with session_scope() as session:
        found = _signed_in_person(session, request, handoff_id, data)
        if isinstance(found, Response):
            return found
        user, _, conv = found
        exported = privacy.export(session, conv.resume_code)
        if exported is None:
            return Response("not found", status_code=404)
        counts = {
            "profile_versions": len(exported["profile_versions"]),
            "plans": len(exported["plans"]),
            "handoffs": len(exported["handoffs"]),
            "rasa_events": exported["rasa_events"],
        }
        auth.audit(
            session,
            user.id,
            "data_exported",
            str(handoff_id),
            {"conversation": conv.id, "counts": counts},
        )
    body = json.dumps(exported, ensure_ascii=False, indent=2)
    filename = f"puente-datos-{exported['code']}.json"
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/c/{handoff_id}/privacy/erase")
def erase_confirm(request: Request, handoff_id: int) -> Response:
    """The confirmation step: what would be deleted, counted."""
    with session_scope() as session:
        found = _signed_in_person(session, request, handoff_id)
        if isinstance(found, Response):
            return found
        user, row, conv = found
        counts = privacy.counts(session, conv, privacy.rasa_senders(session, conv.sender_hash))
        return page(
            "erase_confirm.html",
            user=user,
            csrf=row.csrf,
            id=handoff_id,
            code=conv.resume_code,
            counts=counts,
        )


@router.post("/c/{handoff_id}/privacy/erase")
async def erase(request: Request, handoff_id: int) -> Response:
    """Delete everything stored for the person (privacy.erase) and show the counts."""
    data = await form(request)
    with session_scope() as session:
        found = _signed_in_person(session, request, handoff_id, data)
        if isinstance(found, Response):
            return found
        user, row, conv = found
        result = privacy.erase(session, conv.resume_code)
        if result is None:
            return Response("not found", status_code=404)
        auth.audit(
            session,
            user.id,
            "data_erased",
            str(handoff_id),
            {"conversation": conv.id, "before": result["before"], "after": result["after"]},
        )
        return page("erased.html", user=user, csrf=row.csrf, result=result)
