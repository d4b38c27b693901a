"""The console's own pages: sign-in and out, the queue (and its live stream), a case's
conversation and transcript, and the in-person case a counsellor starts with a client (with
the widget, then handed over by a code, link and QR code). The case actions, the privacy pages
and the audit page are in their own modules; assistant.console.routes puts them together."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from assistant.cases import handoffs
from assistant.config import get_settings
from assistant.console import auth, wording
from assistant.console.common import (
    COOKIE,
    client_ip,
    content_security_policy,
    cookie_options,
    forget_cookie,
    form,
    page,
    signed_in,
    signed_in_case,
    to_login,
)
from assistant.db.session import session_scope
from assistant.services import rasa_api

STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {
    "console.css": "text/css",
    "queue.js": "text/javascript",
    "conversation.js": "text/javascript",
}


def _transcript(sender: str | None) -> tuple[list[dict], str | None]:
    """The conversation as the counsellor reads it, or the reason it cannot be read."""
    if not sender:
        return [], None
    try:
        return wording.readable(rasa_api.transcript(sender)), None
    except rasa_api.RasaUnavailable as exc:
        return [], str(exc)


def _case_page(user, row, case: str, status: int = 200, **values) -> Response:
    """The in-person case page, with the widget: its script, styles, images and socket come
    from the web app's and Rasa's public addresses, which its policy allows."""
    from assistant.web.widget_tokens import issue

    settings = get_settings()
    token = issue(settings.widget_jwt_secret.get_secret_value(), 120, sender=case)["token"]
    response = page(
        "case.html",
        status=status,
        user=user,
        csrf=row.csrf,
        case=case,
        token=token,
        base=settings.base_url,
        rasa=settings.rasa_url,
        **values,
    )
    web, rasa = urlsplit(settings.base_url), urlsplit(settings.rasa_url)
    web_origin = f"{web.scheme}://{web.netloc}"
    rasa_origin = f"{rasa.scheme}://{rasa.netloc}"
    socket_origin = f"{'wss' if rasa.scheme == 'https' else 'ws'}://{rasa.netloc}"
    response.headers["Content-Security-Policy"] = content_security_policy(
        {
            "script-src": [web_origin],
            "style-src": [web_origin],
            "img-src": [web_origin],
            "connect-src": [web_origin, rasa_origin, socket_origin],
        }
    )
    return response


def register(router: APIRouter) -> None:
    """Adds the sign-in, queue, conversation and in-person case pages to the console's router."""

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC_TYPES:
            return Response("not found", status_code=404)
        return Response((STATIC / name).read_bytes(), media_type=STATIC_TYPES[name])

    @router.get("/login")
    def login_page() -> HTMLResponse:
        return page("login.html")

    @router.post("/login")
    async def login(request: Request) -> Response:
        """A fresh session on every login; the session the browser presented, if any, is
        deleted. Wrong credentials: 401; locked account or limited address: 429."""
        data = await form(request)
        previous = request.cookies.get(COOKIE)
        failure: auth.AuthError | None = None
        with session_scope() as session:  # committed even on failure: failures are counted
            try:
                cookie, _ = auth.login(
                    session,
                    data.get("email", ""),
                    data.get("password", ""),
                    ip=client_ip(request),
                    previous=previous,
                )
            except auth.AuthError as exc:
                failure = exc
        if isinstance(failure, auth.TooManyAttempts):
            response = page(
                "login.html",
                status=429,
                error=str(failure),
                retry_minutes=failure.minutes,
                scope=failure.scope,
            )
            response.headers["Retry-After"] = str(failure.minutes * 60)
            return response
        if failure is not None:
            return page("login.html", status=401, error=str(failure))
        response = RedirectResponse("/console", status_code=303)
        # the new cookie replaces the one presented (whose session is gone); one from before
        # cookies were limited to /console is deleted too
        response.delete_cookie(COOKIE, path="/")
        response.set_cookie(COOKIE, cookie, max_age=auth.SESSION_HOURS * 3600, **cookie_options())
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        data = await form(request)
        with session_scope() as session:
            found = signed_in(session, request, data)
            if isinstance(found, Response) and found.status_code == 403:
                return found
            if not isinstance(found, Response):
                auth.audit(session, found[0].id, "logout", found[0].email, {})
                auth.logout(session, request.cookies.get(COOKIE))
        response = to_login()
        forget_cookie(response)
        return response

    @router.get("")
    def queue_page(request: Request) -> Response:
        with session_scope() as session:
            found = signed_in(session, request)
            if isinstance(found, Response):
                return found
            user, row = found
            return page("queue.html", user=user, csrf=row.csrf, queue=handoffs.queue(session))

    @router.get("/queue/stream")
    async def queue_stream(request: Request) -> Response:
        """Server-sent events: one event whenever the queue changes (the page then reloads)."""
        with session_scope() as session:
            if not auth.current(session, request.cookies.get(COOKIE)):
                return Response(status_code=401)

        def snapshot() -> str:
            with session_scope() as session:
                return json.dumps(
                    [(h["id"], h["status"], h["holder"]) for h in handoffs.queue(session)]
                )

        async def events():
            first = await asyncio.to_thread(snapshot)
            yield ": connected\n\n"
            while not await request.is_disconnected():
                await asyncio.sleep(2)
                now = await asyncio.to_thread(snapshot)
                if now != first:
                    yield f"data: {now}\n\n"
                    return

        return StreamingResponse(events(), media_type="text/event-stream")

    @router.get("/c/{handoff_id}/transcript")
    def transcript_fragment(request: Request, handoff_id: int) -> Response:
        """The transcript's items alone: the conversation page polls it to follow the chat."""
        with session_scope() as session:
            found = signed_in_case(session, request, handoff_id)
            if isinstance(found, RedirectResponse):
                return Response(status_code=401)  # polled: a login page is no list of messages
            if isinstance(found, Response):
                return found
            sender = found[2].sender_id
        transcript, error = _transcript(sender)
        if error:
            return Response(status_code=503)
        return page("transcript.html", transcript=transcript)

    @router.get("/c/{handoff_id}")
    def conversation_page(
        request: Request,
        handoff_id: int,
        error: str | None = None,
        revoked: int | None = None,
        sent: int | None = None,
    ) -> Response:
        with session_scope() as session:
            found = signed_in_case(session, request, handoff_id)
            if isinstance(found, Response):
                return found
            user, row, handoff = found
            summary = handoffs.summary(session, handoff)
            holding = handoffs.may_write(handoff, user.id, "send")
            can_close = handoffs.may_write(handoff, user.id, "close")
            auth.audit(session, user.id, "viewed", str(handoff_id), {})
            sender = handoff.sender_id
        transcript, unavailable = _transcript(sender)
        error = error or unavailable
        chart = f"/console/c/{handoff_id}/chart.png" if summary["gaps"] else None
        return page(
            "conversation.html",
            user=user,
            csrf=row.csrf,
            s=summary,
            id=handoff_id,
            transcript=transcript,
            chart=chart,
            error=error,
            holding=holding,
            can_close=can_close,
            revoked=revoked,
            sent=sent,
        )

    @router.get("/case/new")
    def new_case(request: Request) -> Response:
        """A session a counsellor starts with a client in person, in the widget, on this page."""
        import secrets

        with session_scope() as session:
            found = signed_in(session, request)
            if isinstance(found, Response):
                return found
            user, row = found
            case = f"case-{secrets.token_hex(10)}"
            auth.audit(session, user.id, "case_opened", case, {})
        return _case_page(user, row, case)

    @router.post("/case/{case}/handover")
    async def hand_over(request: Request, case: str) -> Response:
        """The code, link and QR code with which the client continues on their own device."""
        import segno

        from assistant.profiles import repository as repo

        data = await form(request)
        with session_scope() as session:
            found = signed_in(session, request, data)
            if isinstance(found, Response):
                return found
            user, row = found
            if not case.startswith("case-"):
                return Response("not a counsellor-started session", status_code=404)
            # the widget's conversation id for this case (connectors/identity.py)
            conversation = repo.get_conversation(session, f"widget:{case}")
            if conversation is None:
                auth.audit(
                    session, user.id, "case_handover_refused", case, {"reason": "no consent"}
                )
                return _case_page(
                    user,
                    row,
                    case,
                    status=409,
                    error="La persona todavía no aceptó el aviso de privacidad: sin eso no se "
                    "guarda nada y no hay código para continuar.",
                )
            from assistant.conversation.parse import display_code

            code = display_code(conversation.resume_code)
            auth.audit(session, user.id, "case_handed_over", case, {})
        link = f"{get_settings().base_url}/?code={code}"
        qr = segno.make(link, error="m").svg_inline(scale=4)
        return page("case.html", user=user, csrf=row.csrf, case=case, code=code, link=link, qr=qr)
