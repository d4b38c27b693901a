"""What a counsellor does on a case (POST /console/c/{id}/{action}): take a waiting case,
take over one another counsellor holds, and write on it (send, note, hand back, close).
Writing needs holding the case (handoffs.may_write), for admins too; anything else is
refused with a 403 page, changes nothing and is audited ("forbidden").

The worker is told, in their conversation's language, when a person joins (take) and leaves
(hand back, close of a taken case). Those notices are best effort: the case changes even if
one could not be sent (logged as a warning)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from assistant.cases import handoffs
from assistant.console import auth
from assistant.console.common import form, page, signed_in_case
from assistant.db.console_models import Handoff
from assistant.db.conversation_models import Conversation
from assistant.db.session import session_scope
from assistant.services import rasa_api

# what POST /console/c/{id}/{action} does; any other action is 404
ACTIONS = ("take", "takeover", "send", "note", "handback", "close")
NOT_YOURS = "Este caso lo atiende otra persona: tómalo primero."
NOBODY = "Nadie atiende este caso todavía: tómalo primero."
CLOSED = "Este caso ya está cerrado."
log = logging.getLogger(__name__)


def _language(session, handoff: Handoff) -> str:
    conv = session.get(Conversation, handoff.conversation_id)
    return conv.language if conv is not None and conv.language in ("es", "en") else "es"


def _tell(case_id: int, sender: str, which: str, name: str, language: str) -> None:
    """Tell the worker that `name` joined or left. Called once the case's change is committed:
    Rasa's tracker store may be this same database, and must not wait for our transaction."""
    try:
        getattr(rasa_api, which)(sender, name, language)
    except rasa_api.RasaUnavailable as exc:
        log.warning("case %s: the worker was not told that a person %s: %s", case_id, which, exc)


def _refusal(session, handoff: Handoff) -> tuple[str, str | None]:
    """Why a write is refused, and the name of whoever holds the case (if someone does)."""
    holder = handoffs.holder_name(session, handoff)
    if handoff.status == "closed":
        return CLOSED, None
    return (NOT_YOURS, holder) if holder else (NOBODY, None)


def _forbidden(session, user, row, handoff: Handoff, action: str) -> Response:
    """403: the viewer does not hold the case. Nothing changes; the attempt is audited."""
    message, holder = _refusal(session, handoff)
    auth.audit(
        session,
        user.id,
        "forbidden",
        str(handoff.id),
        {"action": action, "status": handoff.status, "holder": handoff.counsellor_id},
    )
    return _refused_page(user, row, handoff, 403, message, holder)


def _refused_page(user, row, handoff: Handoff, status: int, message: str, holder) -> Response:
    return page(
        "forbidden.html",
        status=status,
        user=user,
        csrf=row.csrf,
        id=handoff.id,
        message=message,
        holder=holder,
        status_now=handoff.status,
    )


def _take_over(session, user, row, handoff: Handoff) -> Response:
    """One click: the signed-in counsellor holds a case another counsellor holds. The bot is
    already paused, so Rasa is not called (nor is the worker told of the change of person).
    Audited with the previous holder."""
    previous = handoff.counsellor_id
    if handoff.status != "taken" or previous == user.id:
        # nothing to take over: the case is waiting (take it), closed, or already theirs
        auth.audit(
            session,
            user.id,
            "takeover_refused",
            str(handoff.id),
            {"status": handoff.status, "holder": previous},
        )
        if previous == user.id and handoff.status == "taken":
            return RedirectResponse(f"/console/c/{handoff.id}", status_code=303)
        message = CLOSED if handoff.status == "closed" else NOBODY
        return _refused_page(user, row, handoff, 409, message, None)
    handoffs.set_status(handoff, "taken", user.id)
    auth.audit(session, user.id, "taken_over", str(handoff.id), {"previous": previous})
    return RedirectResponse(f"/console/c/{handoff.id}", status_code=303)


def register(router: APIRouter) -> None:
    """Adds the case actions to the console's router."""

    @router.post("/c/{handoff_id}/{action}")
    async def act(request: Request, handoff_id: int, action: str) -> Response:
        data = await form(request)
        if action not in ACTIONS:
            return Response("unknown action", status_code=404)
        with session_scope() as session:
            found = signed_in_case(session, request, handoff_id, data)
            if isinstance(found, Response):
                return found
            user, row, handoff = found
            if action in handoffs.WRITES and not handoffs.may_write(handoff, user.id, action):
                return _forbidden(session, user, row, handoff, action)
            if action == "takeover":
                return _take_over(session, user, row, handoff)
            text = (data.get("text") or "").strip()[:2000]
            sender = handoff.sender_id
            detail = {"chars": len(text)} if text else {}
            notice = None  # joined | left: told once the case's change is committed
            try:
                if action == "take" and handoff.status == "waiting" and sender:
                    rasa_api.pause(sender)  # the bot stays silent from now on
                    handoffs.set_status(handoff, "taken", user.id)
                    notice = "joined"
                elif action == "send" and text and sender:
                    rasa_api.send(sender, text, user.name)
                elif action == "note" and text:
                    handoff.notes = [*handoff.notes, {"by": user.name, "text": text}]
                elif action == "handback" and sender:
                    rasa_api.resume(
                        sender, handoffs.state_at_phase(session, handoff, data.get("phase"))
                    )
                    handoffs.set_status(handoff, "closed")
                    notice = "left"
                elif action == "close":
                    if handoff.status == "taken" and sender:
                        rasa_api.resume(sender)
                        notice = "left"
                    handoffs.set_status(handoff, "closed")
            except rasa_api.RasaUnavailable as exc:
                session.rollback()  # nothing changes here when Rasa did not take it
                auth.audit(session, user.id, action, str(handoff_id), {**detail, "failed": "rasa"})
                return RedirectResponse(
                    f"/console/c/{handoff_id}?error={quote(str(exc))}", status_code=303
                )
            language = _language(session, handoff) if notice else "es"
            name = user.name  # read before the session closes
            auth.audit(session, user.id, action, str(handoff_id), detail)
        if notice and sender:
            _tell(handoff_id, sender, notice, name, language)
        # back at the conversation, where the sent message shows, with a confirmation
        done = "?sent=1#transcript" if action == "send" else ""
        return RedirectResponse(f"/console/c/{handoff_id}{done}", status_code=303)
