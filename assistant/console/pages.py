"""The counsellor console's pages (server-rendered, Jinja2 with autoescape). Every POST needs
the session's CSRF token; every action is written to the audit log."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assistant.console import auth, handoffs, rasa_admin
from assistant.db.console_models import Handoff
from assistant.db.session import session_scope

COOKIE = "puente_console"
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
router = APIRouter(prefix="/console", include_in_schema=False)


def page(name: str, status: int = 200, **values) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**values), status_code=status)


async def form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def signed_in(session, request: Request, data: dict | None = None):
    """(counsellor, session row), or the response to send instead: the login page when not
    signed in, 403 when a form's CSRF token is wrong (`data` given for POSTs)."""
    found = auth.current(session, request.cookies.get(COOKIE))
    if not found:
        return to_login()
    if data is not None:
        try:
            auth.check_csrf(found[1], data.get("csrf"))
        except auth.AuthError as exc:
            return Response(str(exc), status_code=403)
    return found


@router.get("/login")
def login_page() -> HTMLResponse:
    return page("login.html")


@router.post("/login")
async def login(request: Request) -> Response:
    data = await form(request)
    try:
        with session_scope() as session:
            cookie, _ = auth.login(session, data.get("email", ""), data.get("password", ""))
    except auth.AuthError as exc:
        return page("login.html", status=401, error=str(exc))
    response = RedirectResponse("/console", status_code=303)
    response.set_cookie(
        COOKIE, cookie, httponly=True, samesite="strict", max_age=auth.SESSION_HOURS * 3600
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    data = await form(request)
    with session_scope() as session:
        found = auth.current(session, request.cookies.get(COOKIE))
        if found:
            auth.check_csrf(found[1], data.get("csrf"))
            auth.audit(session, found[0].id, "logout", found[0].email, {})
            auth.logout(session, request.cookies.get(COOKIE))
    response = to_login()
    response.delete_cookie(COOKIE)
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
            return json.dumps([(h["id"], h["status"]) for h in handoffs.queue(session)])

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


@router.get("/c/{handoff_id}")
def conversation_page(request: Request, handoff_id: int, error: str | None = None) -> Response:
    with session_scope() as session:
        found = signed_in(session, request)
        if isinstance(found, Response):
            return found
        user, row = found
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            return Response("not found", status_code=404)
        summary = handoffs.summary(session, handoff)
        auth.audit(session, user.id, "viewed", str(handoff_id), {})
        sender = handoff.sender_id
    transcript: list[dict] = []
    if sender:
        try:
            transcript = rasa_admin.transcript(sender)
        except rasa_admin.RasaUnavailable as exc:
            error = error or str(exc)
    chart = f"/s/{summary['code']}/chart.png" if summary["gaps"] else None
    return page(
        "conversation.html",
        user=user,
        csrf=row.csrf,
        s=summary,
        id=handoff_id,
        transcript=transcript,
        chart=chart,
        error=error,
    )


@router.post("/c/{handoff_id}/{action}")
async def act(request: Request, handoff_id: int, action: str) -> Response:
    data = await form(request)
    if action not in ("take", "send", "note", "handback", "close"):
        return Response("unknown action", status_code=404)
    with session_scope() as session:
        found = signed_in(session, request, data)
        if isinstance(found, Response):
            return found
        user, row = found
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            return Response("not found", status_code=404)
        text = (data.get("text") or "").strip()[:2000]
        sender = handoff.sender_id
        try:
            if action == "take" and handoff.status == "waiting" and sender:
                rasa_admin.pause(sender)  # the bot stays silent from now on
                handoffs.set_status(handoff, "taken", user.id)
            elif action == "send" and handoff.status == "taken" and text and sender:
                rasa_admin.send(sender, text, user.name)
            elif action == "note" and text:
                handoff.notes = [*handoff.notes, {"by": user.name, "text": text}]
            elif action == "handback" and handoff.status == "taken" and sender:
                rasa_admin.resume(
                    sender, handoffs.state_at_phase(session, handoff, data.get("phase"))
                )
                handoffs.set_status(handoff, "closed")
            elif action == "close" and handoff.status != "closed":
                if handoff.status == "taken" and sender:
                    rasa_admin.resume(sender)
                handoffs.set_status(handoff, "closed")
        except rasa_admin.RasaUnavailable as exc:
            return RedirectResponse(f"/console/c/{handoff_id}?error={exc}", status_code=303)
        auth.audit(session, user.id, action, str(handoff_id), {"chars": len(text)} if text else {})
    return RedirectResponse(f"/console/c/{handoff_id}", status_code=303)


@router.get("/case/new")
def new_case(request: Request) -> Response:
    """A session a counsellor starts with a client in person, in the widget, on this page."""
    import secrets

    from assistant.config import get_settings
    from assistant.web.widget_tokens import issue

    settings = get_settings()
    with session_scope() as session:
        found = signed_in(session, request)
        if isinstance(found, Response):
            return found
        user, row = found
        case = f"case-{secrets.token_hex(10)}"
        token = issue(settings.widget_jwt_secret.get_secret_value(), 120, sender=case)["token"]
        auth.audit(session, user.id, "case_opened", case, {})
    return page(
        "case.html",
        user=user,
        csrf=row.csrf,
        case=case,
        token=token,
        base=settings.base_url,
        rasa=settings.rasa_url,
    )


@router.post("/case/{case}/handover")
async def hand_over(request: Request, case: str) -> Response:
    """The code, link and QR code with which the client continues on their own device."""
    import segno

    from assistant.config import get_settings
    from assistant.profiles import repository as repo

    data = await form(request)
    with session_scope() as session:
        found = signed_in(session, request, data)
        if isinstance(found, Response):
            return found
        user, row = found
        if not case.startswith("case-"):
            return Response("not a counsellor-started session", status_code=404)
        conversation = repo.get_conversation(session, case)
        if conversation is None:
            return page(
                "case.html",
                status=409,
                user=user,
                csrf=row.csrf,
                case=case,
                error="La persona todavía no aceptó el aviso de privacidad: sin eso no se "
                "guarda nada y no hay código para continuar.",
            )
        code = conversation.resume_code
        auth.audit(session, user.id, "case_handed_over", case, {})
    link = f"{get_settings().base_url}/?code={code}"
    qr = segno.make(link, error="m").svg_inline(scale=4)
    return page("case.html", user=user, csrf=row.csrf, case=case, code=code, link=link, qr=qr)


@router.get("/audit")
def audit_page(request: Request) -> Response:
    from sqlalchemy import select

    from assistant.db.console_models import AuditEntry

    with session_scope() as session:
        found = signed_in(session, request)
        if isinstance(found, Response):
            return found
        user, row = found
        if user.role != "admin":
            auth.audit(session, user.id, "forbidden", "audit", {})
            return Response("admins only", status_code=403)
        entries = session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)
        ).all()
        return page("audit.html", user=user, csrf=row.csrf, entries=entries)
