"""Counsellor accounts and login sessions: scrypt password hashes, random session cookies
(only their SHA-256 is stored), a CSRF token per session, roles."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.db.console_models import AuditEntry, Counsellor, CounsellorSession
from assistant.errors import PuenteError

ROLES = ("counsellor", "admin")
SESSION_HOURS = 10
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 10


class AuthError(PuenteError):
    """Wrong credentials, an expired session or a missing right."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    check = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, **SCRYPT)
    return hmac.compare_digest(check, base64.b64decode(digest))


def add_counsellor(session: Session, email: str, name: str, password: str, role: str) -> Counsellor:
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    email = email.strip().lower()
    if session.scalar(select(Counsellor).where(Counsellor.email == email)):
        raise AuthError(f"{email} already has an account")
    user = Counsellor(
        email=email,
        name=name.strip() or email,
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    audit(session, user.id, "account_created", email, {"role": role})
    return user


def _key(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def login(session: Session, email: str, password: str) -> tuple[str, Counsellor]:
    user = session.scalar(select(Counsellor).where(Counsellor.email == email.strip().lower()))
    # the same work and the same answer whether the account exists or not
    ok = verify_password(password, user.password_hash if user else hash_password("x" * 12))
    if not (user and ok and user.active):
        audit(session, None, "login_failed", email.strip().lower()[:200], {})
        raise AuthError("wrong email or password")
    cookie = secrets.token_urlsafe(32)
    session.add(
        CounsellorSession(
            id=_key(cookie),
            counsellor_id=user.id,
            csrf=secrets.token_urlsafe(24),
            expires_at=datetime.now(UTC) + timedelta(hours=SESSION_HOURS),
        )
    )
    audit(session, user.id, "login", user.email, {})
    return cookie, user


def current(session: Session, cookie: str | None) -> tuple[Counsellor, CounsellorSession] | None:
    if not cookie:
        return None
    row = session.get(CounsellorSession, _key(cookie))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires < datetime.now(UTC):
        session.delete(row)
        return None
    user = session.get(Counsellor, row.counsellor_id)
    return (user, row) if user and user.active else None


def logout(session: Session, cookie: str | None) -> None:
    if cookie:
        session.execute(delete(CounsellorSession).where(CounsellorSession.id == _key(cookie)))


def check_csrf(row: CounsellorSession, token: str | None) -> None:
    if not token or not hmac.compare_digest(row.csrf, token):
        raise AuthError("the form expired; reload the page and try again")


def audit(session: Session, who: int | None, action: str, target: str | None, detail: dict) -> None:
    session.add(
        AuditEntry(
            at=datetime.now(UTC), counsellor_id=who, action=action, target=target, detail=detail
        )
    )
