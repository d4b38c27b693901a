"""Counsellor accounts and login sessions: scrypt password hashes, random session cookies
(only their SHA-256 is stored), a CSRF token per session, roles.

Logins are throttled: 5 failures for one e-mail within 15 minutes lock it for 15 minutes
(an e-mail without an account is counted and locked the same way, so the answers never tell
whether an account exists), and one client address gets at most 20 failures per 15 minutes.
A session ends after 10 hours, after 30 minutes without a request, at logout, and when the
account's password changes. Functions take `now` so tests can move the clock."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import math
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.db.console_models import (
    AuditEntry,
    Counsellor,
    CounsellorSession,
    Lockout,
    LoginFailure,
)
from assistant.errors import PuenteError

ROLES = ("counsellor", "admin")
SESSION_HOURS = 10
IDLE_MINUTES = 30
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 10

MAX_FAILURES = 5  # per account within FAILURE_WINDOW ...
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)  # ... lock it this long
IP_MAX_FAILURES = 20  # per client address within FAILURE_WINDOW
KEEP_FAILURES = timedelta(days=1)  # older failure rows are pruned

WRONG = "wrong email or password"


class AuthError(PuenteError):
    """Wrong credentials, an expired session or a missing right."""


class TooManyAttempts(AuthError):
    """Logins refused for a while: the account is locked, or the client address is limited."""

    def __init__(self, message: str, minutes: int, scope: str) -> None:
        super().__init__(message)
        self.minutes = minutes
        self.scope = scope  # "account" | "ip"


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


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked when the e-mail has no account: the same scrypt work, the same answer."""
    return hash_password(secrets.token_urlsafe(12))


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def _email(email: str) -> str:
    return email.strip().lower()


def account_key(email: str) -> str:
    return hashlib.sha256(_email(email).encode()).hexdigest()


def _minutes(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")


def _by_email(session: Session, email: str) -> Counsellor | None:
    return session.scalar(select(Counsellor).where(Counsellor.email == _email(email)))


def add_counsellor(session: Session, email: str, name: str, password: str, role: str) -> Counsellor:
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)
    email = _email(email)
    if _by_email(session, email):
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


# -- throttling -------------------------------------------------------------------------------


def _ip_failures(session: Session, ip: str, now: datetime) -> list[datetime]:
    return [
        _aware(at)
        for at in session.scalars(
            select(LoginFailure.at)
            .where(LoginFailure.ip == ip, LoginFailure.at > now - FAILURE_WINDOW)
            .order_by(LoginFailure.at)
        )
    ]


def _account_failures(session: Session, account: str, now: datetime) -> int:
    return session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.account == account, LoginFailure.at > now - FAILURE_WINDOW)
    )


def _ip_limited(session: Session, ip: str, now: datetime) -> TooManyAttempts | None:
    failures = _ip_failures(session, ip, now)
    if len(failures) < IP_MAX_FAILURES:
        return None
    # free again when enough of them have left the window
    until = failures[len(failures) - IP_MAX_FAILURES] + FAILURE_WINDOW
    minutes = _minutes(until, now)
    return TooManyAttempts(
        f"too many login attempts from this address; try again in {minutes} minutes",
        minutes,
        "ip",
    )


def _locked(minutes: int) -> TooManyAttempts:
    return TooManyAttempts(
        f"{WRONG}. Too many attempts: try again in {minutes} minutes", minutes, "account"
    )


def _clear(session: Session, account: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.account == account))
    session.execute(delete(Lockout).where(Lockout.account == account))


def _record_failure(session: Session, email: str, account: str, ip: str, now: datetime) -> None:
    session.add(LoginFailure(at=now, account=account, ip=ip[:64]))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP_FAILURES))
    session.flush()
    audit(session, None, "login_failed", email[:200], {"ip": ip[:64]}, now)


def lock_state(session: Session, email: str, now: datetime | None = None) -> datetime | None:
    """When the account's lock ends, or None if it is not locked."""
    now = _now(now)
    lock = session.get(Lockout, account_key(email))
    if lock is None or _aware(lock.locked_until) <= now:
        return None
    return _aware(lock.locked_until)


def login(
    session: Session,
    email: str,
    password: str,
    ip: str = "unknown",
    now: datetime | None = None,
    previous: str | None = None,
) -> tuple[str, Counsellor]:
    """A new session cookie for the right e-mail and password. `previous` is the session
    cookie the browser presented, if any: it is deleted on success (no session fixation).

    Raises AuthError (wrong credentials) or TooManyAttempts. The failure, the lockout and
    their audit entries are added to `session`: commit it even when this raises."""
    now = _now(now)
    email = _email(email)
    account = account_key(email)
    limited = _ip_limited(session, ip, now)
    if limited:
        raise limited  # not even counted: the address is already refused
    lock = session.get(Lockout, account)
    if lock is not None:
        if _aware(lock.locked_until) > now:
            _record_failure(session, email, account, ip, now)
            raise _locked(_minutes(_aware(lock.locked_until), now))
        _clear(session, account)  # the lock has run out: a fresh count
        audit(session, None, "lockout_expired", email[:200], {}, now)
        session.flush()
    user = _by_email(session, email)
    ok = verify_password(password, user.password_hash if user else _dummy_hash())
    if not (user and ok and user.active):
        _record_failure(session, email, account, ip, now)
        if _account_failures(session, account, now) >= MAX_FAILURES:
            session.add(Lockout(account=account, locked_at=now, locked_until=now + LOCK_FOR))
            audit(
                session,
                None,
                "account_locked",
                email[:200],
                {"failures": MAX_FAILURES, "minutes": int(LOCK_FOR.total_seconds() // 60)},
                now,
            )
            raise _locked(_minutes(now + LOCK_FOR, now))
        limited = _ip_limited(session, ip, now)
        if limited:
            audit(session, None, "login_ip_limited", ip[:200], {"minutes": limited.minutes}, now)
            raise limited
        raise AuthError(WRONG)
    _clear(session, account)  # a successful login resets the count
    if previous:
        session.execute(delete(CounsellorSession).where(CounsellorSession.id == _key(previous)))
    cookie = secrets.token_urlsafe(32)
    session.add(
        CounsellorSession(
            id=_key(cookie),
            counsellor_id=user.id,
            csrf=secrets.token_urlsafe(24),
            expires_at=now + timedelta(hours=SESSION_HOURS),
            last_seen=now,
        )
    )
    audit(session, user.id, "login", user.email, {}, now)
    return cookie, user


def unlock(session: Session, email: str, by: str = "cli", now: datetime | None = None) -> bool:
    """Lift an account's lock and forget its failures; True if it was locked."""
    email = _email(email)
    was_locked = lock_state(session, email, now) is not None
    _clear(session, account_key(email))
    audit(session, None, "account_unlocked", email[:200], {"by": by, "was_locked": was_locked}, now)
    return was_locked


def set_password(session: Session, email: str, password: str, by: str = "cli") -> int:
    """A new password; every session of the account ends. Returns how many ended."""
    user = _by_email(session, email)
    if user is None:
        raise AuthError(f"{_email(email)} has no account")
    _check_password(password)
    user.password_hash = hash_password(password)
    revoked = session.execute(
        delete(CounsellorSession).where(CounsellorSession.counsellor_id == user.id)
    ).rowcount
    audit(session, user.id, "password_changed", user.email, {"by": by, "sessions_ended": revoked})
    return revoked


# -- sessions ---------------------------------------------------------------------------------


def current(
    session: Session, cookie: str | None, now: datetime | None = None
) -> tuple[Counsellor, CounsellorSession] | None:
    """The signed-in counsellor and the session row, or None. Each call counts as activity
    (the idle clock restarts); an expired or idle session is deleted."""
    if not cookie:
        return None
    now = _now(now)
    row = session.get(CounsellorSession, _key(cookie))
    if row is None:
        return None
    idle = row.last_seen is None or _aware(row.last_seen) + timedelta(minutes=IDLE_MINUTES) < now
    if _aware(row.expires_at) < now or idle:
        audit(session, row.counsellor_id, "session_expired", None, {"idle": idle}, now)
        session.delete(row)
        return None
    user = session.get(Counsellor, row.counsellor_id)
    if not (user and user.active):
        return None
    row.last_seen = now
    return user, row


def logout(session: Session, cookie: str | None) -> None:
    if cookie:
        session.execute(delete(CounsellorSession).where(CounsellorSession.id == _key(cookie)))


def check_csrf(row: CounsellorSession, token: str | None) -> None:
    if not token or not hmac.compare_digest(row.csrf, token):
        raise AuthError("the form expired; reload the page and try again")


def audit(
    session: Session,
    who: int | None,
    action: str,
    target: str | None,
    detail: dict,
    now: datetime | None = None,
) -> None:
    session.add(
        AuditEntry(at=_now(now), counsellor_id=who, action=action, target=target, detail=detail)
    )
