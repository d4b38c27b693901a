"""Console storage and pages without a browser: passwords, sessions, the queue, hand-back
phases; and, over HTTP in-process (Starlette's TestClient on the console's router, the real
test database), the login page's lockouts and address limit, cookie flags, fresh sessions at
login, idle expiry, security headers and the account commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.cases import handoffs
from assistant.config import Settings
from assistant.console import auth, common, pages
from assistant.console.routes import console_router
from assistant.db.console_models import AuditEntry, CounsellorSession
from assistant.db.session import session_scope
from assistant.profiles import repository as repo

PASSWORD = "a long enough password"


def test_passwords_are_salted_scrypt_and_checked():
    stored = auth.hash_password("una contraseña larga")
    assert stored.startswith("scrypt$") and "una contraseña" not in stored
    assert stored != auth.hash_password("una contraseña larga")  # salted
    assert auth.verify_password("una contraseña larga", stored)
    assert not auth.verify_password("otra contraseña larga", stored)
    assert not auth.verify_password("x", "md5$abc")


def test_accounts_sessions_and_expiry(esco_db):
    with session_scope() as session:
        with pytest.raises(auth.AuthError, match="at least"):
            auth.add_counsellor(session, "corto@example.org", "C", "short", "counsellor")
        with pytest.raises(auth.AuthError, match="role"):
            auth.add_counsellor(session, "r@example.org", "R", "a long enough one", "root")
        auth.add_counsellor(session, "luis@example.org", "Luis", "a long enough one", "admin")
    with session_scope() as session:
        with pytest.raises(auth.AuthError, match="wrong email or password"):
            auth.login(session, "luis@example.org", "not the password")
        cookie, user = auth.login(session, "LUIS@example.org ", "a long enough one")
    with session_scope() as session:
        found, row = auth.current(session, cookie)
        assert found.email == "luis@example.org" and row.id != cookie  # only a hash is stored
        with pytest.raises(auth.AuthError):
            auth.check_csrf(row, "forged")
        auth.check_csrf(row, row.csrf)
        session.get(CounsellorSession, row.id).expires_at = datetime.now(UTC) - timedelta(1)
    with session_scope() as session:
        assert auth.current(session, cookie) is None


def test_queue_summary_and_hand_back_to_a_phase(esco_db):
    with session_scope() as session:
        state = {"phase": "handoff", "goal": {"uri": "u", "label": "cashier"}, "language": "es"}
        conv = repo.save_conversation(session, "console-1", "socketio", "es", "handoff", state)
        first = handoffs.request(session, conv.id, "console-1", "socketio", "a petición propia")
        again = handoffs.request(session, conv.id, "console-1", "socketio", "otra vez")
        assert first.id == again.id  # one open request per conversation
        waiting = [h for h in handoffs.queue(session) if h["id"] == first.id]
        assert waiting[0]["goal"] == "cashier" and waiting[0]["reason"] == "otra vez"
        # the case names the goal (a concept ESCO does not know keeps its stored name)
        assert handoffs.summary(session, first)["goal"]["label"] == "cashier"
        moved = handoffs.state_at_phase(session, first, "constraints")
        assert moved["phase"] == "constraints" and moved["reviewed"] is True
        assert handoffs.state_at_phase(session, first, "nonsense") is None
        handoffs.set_status(first, "closed")
        assert first.sender_id is None  # the channel id is not kept after closing


# -- over HTTP, in-process ------------------------------------------------------------------


@pytest.fixture(scope="module")
def console_db():
    """The test database migrated (no ESCO import needed for the console's own tables)."""
    from assistant.db.migrate import upgrade

    upgrade()


@pytest.fixture(scope="module")
def console_app(console_db) -> FastAPI:
    app = FastAPI()
    app.include_router(console_router())
    return app


def client_for(app: FastAPI, ip: str) -> TestClient:
    """A browser at its own address (tests must not share the per-address limit)."""
    return TestClient(app, client=(ip, 50000), follow_redirects=False)


def new_account(email: str, role: str = "counsellor") -> str:
    with session_scope() as session:
        auth.add_counsellor(session, email, email.split("@")[0], PASSWORD, role)
    return email


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    return client.post("/console/login", data={"email": email, "password": password})


def csrf_of(client: TestClient) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/console").text).group(1)


def cookie_header(response, name: str = pages.COOKIE) -> str:
    """The Set-Cookie header that sets (not deletes) `name`."""
    return next(
        h
        for h in response.headers.get_list("set-cookie")
        if h.startswith(f"{name}=") and "Max-Age=0" not in h and 'name=""' not in h
    )


def plant(client: TestClient, value: str) -> None:
    """A session cookie in the browser, as the server would have set it."""
    client.cookies.set(pages.COOKIE, value, domain="testserver.local", path="/console")


def audited(action: str, target: str | None = None) -> list[AuditEntry]:
    with session_scope() as session:
        query = select(AuditEntry).where(AuditEntry.action == action)
        if target is not None:
            query = query.where(AuditEntry.target == target)
        return list(session.scalars(query))


def test_console_pages_carry_the_security_headers(console_app):
    # GIVEN a signed-in counsellor
    client = client_for(console_app, "203.0.113.10")
    sign_in(client, new_account("headers@example.org"))
    # WHEN they load the login page, the queue, the console's script and a 404
    for path in ("/console/login", "/console", "/console/static/queue.js", "/console/audit"):
        response = client.get(path)
        # THEN every answer forbids framing, referrers, caching and any inline script or style
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "style-src 'self'" in csp and "form-action 'self'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_templates_need_no_inline_script_or_style():
    # GIVEN the console's templates THEN scripts come from files, and no style or event
    # handler is written inline (the policy would block them)
    for template in (Path(pages.__file__).parent / "templates").glob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template.name
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), template.name


def test_the_in_person_case_page_allows_only_the_widget_origins(console_app):
    client = client_for(console_app, "203.0.113.11")
    sign_in(client, new_account("case-csp@example.org"))
    csp = client.get("/console/case/new").headers["content-security-policy"]
    settings = pages.get_settings()
    assert settings.base_url in csp and settings.rasa_url in csp
    assert "ws://" + settings.rasa_url.split("://")[1] in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    ("environment", "public_url", "secure"),
    [
        ("development", "", False),
        ("development", "https://p.example.org", True),
        ("production", "", True),
    ],
)
def test_the_session_cookie_flags_in_production_and_development(
    console_app, monkeypatch, environment, public_url, secure
):
    # GIVEN the web app running in an environment
    settings = Settings(
        environment=environment,
        public_url=public_url,
        rasa_jwt_secret="a real secret",
        widget_jwt_secret="a real secret",
    )
    monkeypatch.setattr(common, "get_settings", lambda: settings)
    email = new_account(f"cookie-{environment}-{secure}@example.org")
    # WHEN a counsellor signs in
    response = sign_in(client_for(console_app, f"203.0.113.{20 + secure}"), email)
    # THEN the cookie is HttpOnly, SameSite=Strict, limited to /console; Secure when it must be
    assert response.status_code == 303
    header = cookie_header(response)
    assert "HttpOnly" in header and "SameSite=strict" in header and "Path=/console" in header
    assert ("Secure" in header) is secure


def test_a_login_over_http_replaces_the_cookie_the_browser_had(console_app):
    # GIVEN a browser that arrives with a cookie value someone planted, and signs in
    email = new_account("fixation@example.org")
    client = client_for(console_app, "203.0.113.30")
    plant(client, "planted-by-someone-else")
    first = sign_in(client, email)
    first_cookie = client.cookies.get(pages.COOKIE)
    # THEN the session is a new, server-generated one
    assert first.status_code == 303 and first_cookie != "planted-by-someone-else"
    assert client.get("/console").status_code == 200
    # WHEN the same browser signs in again
    sign_in(client, email)
    second_cookie = client.cookies.get(pages.COOKIE)
    # THEN it gets yet another cookie, and the one it presented no longer opens anything
    assert second_cookie not in (first_cookie, None)
    stale = client_for(console_app, "203.0.113.31")
    plant(stale, first_cookie)
    assert stale.get("/console").headers["location"] == "/console/login"
    assert client.get("/console").status_code == 200


def test_logout_deletes_the_session_and_the_cookie(console_app):
    client = client_for(console_app, "203.0.113.32")
    sign_in(client, new_account("logout@example.org"))
    cookie = client.cookies.get(pages.COOKIE)
    response = client.post("/console/logout", data={"csrf": csrf_of(client)})
    assert response.status_code == 303
    assert any(
        h.startswith(f"{pages.COOKIE}=") and "Max-Age=0" in h
        for h in response.headers.get_list("set-cookie")
    )
    with session_scope() as session:
        assert session.get(CounsellorSession, auth._key(cookie)) is None
    assert audited("logout", "logout@example.org")


def test_a_session_idle_for_30_minutes_sends_back_to_the_login(console_app):
    # GIVEN a signed-in counsellor whose last request was 31 minutes ago
    client = client_for(console_app, "203.0.113.33")
    sign_in(client, new_account("idle@example.org"))
    assert client.get("/console").status_code == 200
    key = auth._key(client.cookies.get(pages.COOKIE))
    with session_scope() as session:
        row = session.get(CounsellorSession, key)
        row.last_seen = datetime.now(UTC) - timedelta(minutes=31)
    # WHEN they click on anything THEN they must sign in again, and the session is gone
    assert client.get("/console").headers["location"] == "/console/login"
    with session_scope() as session:
        assert session.get(CounsellorSession, key) is None


def test_a_locked_account_and_an_unknown_email_get_the_same_429_page(console_app):
    # GIVEN one e-mail with an account and one without, each tried five times wrongly
    real, ghost = new_account("locked@example.org"), "ghost@example.org"
    pages_seen = {}
    for email, ip in ((real, "203.0.113.40"), (ghost, "203.0.113.41")):
        client = client_for(console_app, ip)
        answers = [sign_in(client, email, "wrong password!") for _ in range(5)]
        assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
        assert all("wrong email or password" in a.text for a in answers)
        pages_seen[email] = (answers[3].text, answers[4])
        # AND while locked, the right password gets the same answer
        assert sign_in(client, email).status_code == 429
    # THEN the pages are identical: nothing tells which e-mail has an account
    assert pages_seen[real][0] == pages_seen[ghost][0]
    assert pages_seen[real][1].text == pages_seen[ghost][1].text
    locked = pages_seen[real][1]
    assert "try again in 15 minutes" in locked.text and "Demasiados intentos" in locked.text
    assert locked.headers["retry-after"] == "900"
    assert audited("account_locked", real) and audited("account_locked", ghost)
    # WHEN an admin unlocks the account (CLI) THEN the right password works again
    from assistant.cli.console_cmd import app as console_cli

    result = CliRunner().invoke(console_cli, ["unlock", real])
    assert result.exit_code == 0 and "unlocked" in result.output
    assert sign_in(client_for(console_app, "203.0.113.42"), real).status_code == 303
    assert audited("account_unlocked", real)


def test_one_address_hammering_gets_a_429_page(console_app):
    # GIVEN 20 failed logins from one address (all different e-mails, no account lock)
    client = client_for(console_app, "203.0.113.50")
    email = new_account("address-limit@example.org")
    for n in range(19):
        assert sign_in(client, f"spray{n}@example.org", "123456").status_code == 401
    assert sign_in(client, "spray19@example.org", "123456").status_code == 429
    # WHEN the same address tries a real account with its right password
    refused = sign_in(client, email)
    # THEN it is refused with a clear 429 page; another address signs in normally
    assert refused.status_code == 429
    assert "too many login attempts from this address" in refused.text
    assert "Demasiados intentos" in refused.text and int(refused.headers["retry-after"]) > 0
    assert sign_in(client_for(console_app, "203.0.113.51"), email).status_code == 303
    assert audited("login_ip_limited", "203.0.113.50")


def test_set_password_from_the_command_line_ends_the_sessions(console_app):
    # GIVEN a counsellor signed in
    email = new_account("newpass@example.org")
    client = client_for(console_app, "203.0.113.60")
    sign_in(client, email)
    assert client.get("/console").status_code == 200
    # WHEN an admin sets a new password with `assistant console set-password`
    from assistant.cli.console_cmd import app as console_cli

    result = CliRunner().invoke(
        console_cli, ["set-password", email, "--password-stdin"], input="another long password\n"
    )
    assert result.exit_code == 0 and "1 session(s) ended" in result.output
    # THEN the open session is gone, the old password fails and the new one works
    assert client.get("/console").headers["location"] == "/console/login"
    assert sign_in(client, email).status_code == 401
    assert sign_in(client, email, "another long password").status_code == 303
    assert audited("password_changed", email)
