"""What the console's pages share, and no routes. Every POST needs the session's CSRF token
(`signed_in` checks it); every action is written to the audit log. Every response carries the
console's security headers (ConsoleRoute: a strict Content-Security-Policy, no framing, no
referrer, no caching); the session cookie is HttpOnly, SameSite=Strict, limited to /console,
and Secure in production or behind an https public URL. The console's router is made in
assistant.console.routes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assistant.config import get_settings
from assistant.console import auth, wording
from assistant.db.console_models import Handoff
from assistant.web.addresses import request_address

COOKIE = "puente_console"
COOKIE_PATH = "/console"
CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
}
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
templates.globals["words"] = wording


def content_security_policy(extra: dict[str, list[str]] | None = None) -> str:
    sources = {k: list(v) for k, v in CSP.items()}
    for directive, more in (extra or {}).items():
        sources[directive] = [s for s in sources.get(directive, []) if s != "'none'"] + [
            s for s in more if s not in sources.get(directive, [])
        ]
    return "; ".join(f"{k} {' '.join(v)}" for k, v in sources.items())


class ConsoleRoute(APIRoute):
    """Adds the security headers to whatever a console route answers (a page may set its own,
    wider Content-Security-Policy first, as the in-person case page does for the widget)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            response = await handler(request)
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return with_headers


def cookie_options(settings=None) -> dict:
    """HttpOnly, SameSite=Strict, only under /console; Secure in production or on https."""
    settings = settings or get_settings()
    secure = settings.environment == "production" or settings.public_url.strip().lower().startswith(
        "https://"
    )
    return {"httponly": True, "samesite": "strict", "secure": secure, "path": COOKIE_PATH}


def forget_cookie(response: Response) -> None:
    """Delete the session cookie (and one from before cookies were limited to /console)."""
    response.delete_cookie(COOKIE, **cookie_options())
    response.delete_cookie(COOKIE, path="/")


def client_ip(request: Request) -> str:
    """The caller's address; X-Forwarded-For is believed only from a trusted proxy."""
    return request_address(request, get_settings().trusted_proxies)


def page(name: str, status: int = 200, **values) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**values), status_code=status)


async def form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


def signed_in(session, request: Request, data: dict | None = None):
    """(counsellor, session row), or the response to send instead: the login page when not
    signed in, 403 when a form's CSRF token is wrong (`data` given for POSTs; audited)."""
    found = auth.current(session, request.cookies.get(COOKIE))
    if not found:
        return to_login()
    # the session's activity is saved now: a write transaction left open would hold SQLite's
    # lock while the page calls Rasa's API, and Rasa writes its events to the same database
    session.commit()
    if data is not None:
        try:
            auth.check_csrf(found[1], data.get("csrf"))
        except auth.AuthError as exc:
            auth.audit(session, found[0].id, "csrf_refused", request.url.path[:200], {})
            return Response(str(exc), status_code=403)
    return found


def signed_in_case(session, request: Request, handoff_id: int, data: dict | None = None):
    """(counsellor, session row, handoff), or the response to send instead: as `signed_in`,
    and 404 for an unknown case."""
    found = signed_in(session, request, data)
    if isinstance(found, Response):
        return found
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        return Response("not found", status_code=404)
    return (*found, handoff)
