"""The console's privacy pages: "what we know about this person" as a JSON download, and
erasing it after a confirmation step with counts. Audited with who, when, which conversation
and how many records; never the data. Erasing is for administrators; a counsellor may erase
only with a written reason (REASON_MIN to REASON_MAX characters), which goes to the audit
entry and to the administrators' audit page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from assistant import privacy
from assistant.console import auth
from assistant.console.common import form, page, signed_in_case
from assistant.db.conversation_models import Conversation
from assistant.db.session import session_scope

REASON_MIN = 10  # non-blank characters
REASON_MAX = 1000
REASON_PROBLEMS = {
    "missing": "Falta el motivo: para borrar los datos de una persona sin ser administrador "
    f"tienes que escribir por qué (al menos {REASON_MIN} caracteres). Lo verán los "
    "administradores.",
    "too_short": f"El motivo es demasiado corto: escribe al menos {REASON_MIN} caracteres "
    "(sin contar los espacios).",
    "too_long": f"El motivo es demasiado largo: como mucho {REASON_MAX} caracteres.",
}


def reason_problem(reason: str, required: bool) -> str | None:
    """What is wrong with an erasure's reason ("missing", "too_short", "too_long"), or None.
    Required for counsellors; optional for admins (but never over REASON_MAX)."""
    if len(reason) > REASON_MAX:
        return "too_long"
    if not required:
        return None
    if not reason:
        return "missing"
    return "too_short" if len("".join(reason.split())) < REASON_MIN else None


def _signed_in_person(session, request: Request, handoff_id: int, data: dict | None = None):
    """(user, login session row, conversation), or the response to send instead (sign-in
    page, CSRF refusal, or 404)."""
    found = signed_in_case(session, request, handoff_id, data)
    if isinstance(found, Response):
        return found
    user, row, handoff = found
    conv = session.get(Conversation, handoff.conversation_id)
    if conv is None:
        return Response("not found", status_code=404)
    return user, row, conv


def _confirm_page(session, user, row, handoff_id: int, conv, status: int = 200, **values):
    counts = privacy.counts(session, conv, privacy.rasa_senders(session, conv.sender_hash))
    return page(
        "erase_confirm.html",
        status=status,
        user=user,
        csrf=row.csrf,
        id=handoff_id,
        code=conv.resume_code,
        counts=counts,
        reason_required=user.role != "admin",
        reason_min=REASON_MIN,
        reason_max=REASON_MAX,
        **values,
    )


def for_person(with_form: bool):
    """Makes `handle(session, user, row, conv, data)` the endpoint of a page about one person:
    it runs for a signed-in counsellor with a valid CSRF token (`with_form`) on an existing
    conversation, inside one database session; anyone else gets the sign-in page, a CSRF
    refusal or a 404 (_signed_in_person)."""

    def wrap(handle):
        async def endpoint(request: Request, handoff_id: int) -> Response:
            data = await form(request) if with_form else None
            with session_scope() as session:
                found = _signed_in_person(session, request, handoff_id, data)
                if isinstance(found, Response):
                    return found
                return handle(session, *found, handoff_id, data)

        # not functools.wraps: FastAPI would read the handler's signature through __wrapped__
        endpoint.__name__, endpoint.__doc__ = handle.__name__, handle.__doc__
        return endpoint

    return wrap


def register(router: APIRouter) -> None:
    """Adds the privacy pages (export, erase, links, chart) to the console's router."""

    @router.post("/c/{handoff_id}/privacy/export")
    @for_person(with_form=True)
    def privacy_export(session, user, row, conv, handoff_id: int, data) -> Response:
        """ "What we know about this person", as a JSON download (privacy.export by the
        conversation's code). The audit entry keeps who, when, which conversation and how many
        records; never the data."""
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
        filename = f"puente-datos-{conv.resume_code}.json"
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @router.get("/c/{handoff_id}/privacy/erase")
    @for_person(with_form=False)
    def erase_confirm(session, user, row, conv, handoff_id: int, data) -> Response:
        """The confirmation step: what would be deleted, counted (and, for a counsellor who is
        not an administrator, the reason they must give)."""
        return _confirm_page(session, user, row, handoff_id, conv)

    @router.post("/c/{handoff_id}/privacy/erase")
    @for_person(with_form=True)
    def erase(session, user, row, conv, handoff_id: int, data) -> Response:
        """Delete everything stored for the person (privacy.erase) and show the counts. A
        counsellor without a valid reason gets the confirmation page again (400), saying what is
        missing; nothing is erased, and the refusal is audited."""
        reason = (data.get("reason") or "").strip()
        problem = reason_problem(reason, required=user.role != "admin")
        if problem:
            auth.audit(
                session,
                user.id,
                "erase_refused",
                str(handoff_id),
                {"conversation": conv.id, "missing": problem, "chars": len(reason)},
            )
            return _confirm_page(
                session,
                user,
                row,
                handoff_id,
                conv,
                status=400,
                error=REASON_PROBLEMS[problem],
                reason=reason[: REASON_MAX + 100],
            )
        result = privacy.erase(session, conv.resume_code)
        if result is None:
            return Response("not found", status_code=404)
        detail = {
            "conversation": conv.id,
            "before": result["before"],
            "after": result["after"],
            "role": user.role,
        }
        if reason:
            detail["reason"] = reason
        auth.audit(session, user.id, "data_erased", str(handoff_id), detail)
        return page("erased.html", user=user, csrf=row.csrf, result=result)

    @router.post("/c/{handoff_id}/privacy/revoke-links")
    @for_person(with_form=True)
    def revoke_links(session, user, row, conv, handoff_id: int, data) -> Response:
        """Switch off every link to the person's summary and export (e.g. one was shared by
        mistake); the person gets a new one at the end of their next plan. Audited."""
        from fastapi.responses import RedirectResponse

        from assistant.access import links

        revoked = links.revoke_all(session, conv.id)
        auth.audit(
            session,
            user.id,
            "links_revoked",
            str(handoff_id),
            {"conversation": conv.id, "n": revoked},
        )
        return RedirectResponse(f"/console/c/{handoff_id}?revoked={revoked}", status_code=303)

    @router.get("/c/{handoff_id}/chart.png")
    @for_person(with_form=False)
    def chart(session, user, row, conv, handoff_id: int, data) -> Response:
        """The person's gap chart, for the counsellor (links opened by tokens are the worker's)."""
        from assistant.services.plans import chart as draw

        state = conv.state or {}
        gaps = state.get("gaps")
        if not gaps:
            return Response("no gaps yet", status_code=404)
        png = draw({**gaps, "occupation": state.get("goal")}, "png", conv.language)
        return Response(png, media_type="image/png")
