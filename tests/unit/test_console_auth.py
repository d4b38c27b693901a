"""Console logins on a real (migrated, throw-away SQLite) database, with a clock the tests
move: lockout and its expiry, the per-address limit, fresh sessions at every login, idle
expiry, password changes ending sessions, and the cookie's flags per environment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from assistant.config import Settings
from assistant.console import auth
from assistant.console.common import cookie_options
from assistant.db.console_models import AuditEntry, Counsellor, CounsellorSession, LoginFailure
from assistant.db.session import session_scope

PASSWORD = "a long enough password"
# the tests' clock starts hours before the real one: failures it records are outside the real
# 15-minute windows of other tests, and old enough rows are not pruned by them
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


@pytest.fixture(scope="module")
def db():
    from assistant.db.migrate import upgrade

    upgrade()


@pytest.fixture
def account(db, request):
    """A fresh counsellor for each test (their e-mail names the test)."""
    email = f"{request.node.name.replace('_', '-')[:60]}@example.org"
    with session_scope() as session:
        auth.add_counsellor(session, email, "Tester", PASSWORD, "counsellor")
    return email


def attempt(email: str, password: str, now: datetime, ip: str | None = None, previous=None):
    """One login in its own transaction, committed whatever happens (as the login page
    does): the cookie, or the AuthError raised. By default each e-mail has its own client
    address, so tests do not run into each other's address limit."""
    ip = ip or "test-" + auth.account_key(email)[:12]
    with session_scope() as session:
        try:
            return auth.login(session, email, password, ip=ip, now=now, previous=previous)[0]
        except auth.AuthError as exc:
            return exc


def actions(target: str) -> list[str]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.target == target).order_by(AuditEntry.id)
            )
        )


def actions_of_counsellor(email: str) -> list[str]:
    with session_scope() as session:
        user = session.scalar(select(Counsellor).where(Counsellor.email == email))
        return list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.counsellor_id == user.id))
        )


def test_five_failures_lock_the_account_for_fifteen_minutes(account):
    # GIVEN four wrong passwords within a few minutes: each is a plain "wrong email or password"
    for minute in range(4):
        failure = attempt(account, "wrong password!", T0 + timedelta(minutes=minute))
        assert type(failure) is auth.AuthError and str(failure) == auth.WRONG
    # WHEN the fifth comes within 15 minutes
    fifth = attempt(account, "wrong password!", T0 + timedelta(minutes=10))
    # THEN the account is locked for 15 minutes, with the same generic message plus the wait
    assert isinstance(fifth, auth.TooManyAttempts) and fifth.scope == "account"
    assert fifth.minutes == 15 and str(fifth).startswith(auth.WRONG)
    assert "try again in 15 minutes" in str(fifth)
    # AND even the right password is refused while it lasts, with the time left
    during = attempt(account, PASSWORD, T0 + timedelta(minutes=16))
    assert isinstance(during, auth.TooManyAttempts) and during.minutes == 9
    with session_scope() as session:
        assert auth.lock_state(session, account, T0 + timedelta(minutes=16)) == T0 + timedelta(
            minutes=25
        )
    # WHEN the 15 minutes are over THEN the right password works again
    after = attempt(account, PASSWORD, T0 + timedelta(minutes=25, seconds=1))
    assert isinstance(after, str)
    assert actions(account).count("account_locked") == 1
    assert "lockout_expired" in actions(account) and actions(account)[-1] == "login"


def test_failures_spread_over_more_than_15_minutes_do_not_lock(account):
    # GIVEN four failures, then a fifth 16 minutes after the first
    for minute in (0, 1, 2, 3, 16):
        failure = attempt(account, "wrong password!", T0 + timedelta(minutes=minute))
    # THEN only four fall within any 15 minutes: not locked
    assert type(failure) is auth.AuthError
    assert isinstance(attempt(account, PASSWORD, T0 + timedelta(minutes=17)), str)


def test_a_successful_login_resets_the_count(account):
    # GIVEN four failures WHEN the right password follows, then four more failures
    for minute in range(4):
        attempt(account, "wrong password!", T0 + timedelta(minutes=minute))
    assert isinstance(attempt(account, PASSWORD, T0 + timedelta(minutes=5)), str)
    for minute in range(6, 10):
        failure = attempt(account, "wrong password!", T0 + timedelta(minutes=minute))
    # THEN the account is not locked: the count started again
    assert type(failure) is auth.AuthError
    assert isinstance(attempt(account, PASSWORD, T0 + timedelta(minutes=11)), str)


def test_an_unknown_email_hammered_gets_the_same_locked_answer(account):
    # GIVEN an e-mail with an account and one without, each hammered five times
    ghost = "nobody-" + account
    answers = {}
    for email in (account, ghost):
        for minute in range(5):
            answers[email] = attempt(email, "wrong password!", T0 + timedelta(minutes=minute))
    # THEN both answers are identical: nothing tells whether the account exists
    assert isinstance(answers[ghost], auth.TooManyAttempts)
    assert str(answers[ghost]) == str(answers[account])
    assert answers[ghost].minutes == answers[account].minutes
    assert isinstance(attempt(ghost, PASSWORD, T0 + timedelta(minutes=6)), auth.TooManyAttempts)


def test_an_admin_lifts_a_lock_and_it_is_audited(account):
    # GIVEN a locked account
    for minute in range(5):
        attempt(account, "wrong password!", T0 + timedelta(minutes=minute))
    # WHEN an admin unlocks it (what `assistant console unlock` does)
    with session_scope() as session:
        assert auth.unlock(session, account, now=T0 + timedelta(minutes=5)) is True
    # THEN the right password works at once; the lock and the unlock are in the audit log
    assert isinstance(attempt(account, PASSWORD, T0 + timedelta(minutes=6)), str)
    log = actions(account)
    assert log.index("account_locked") < log.index("account_unlocked") < log.index("login")


def test_one_address_gets_at_most_twenty_failures_per_15_minutes(db):
    # GIVEN 20 failed logins from one address, each for a different e-mail (no account locks)
    ip = "198.51.100.20"
    with session_scope() as session:
        auth.add_counsellor(session, "ip-limit@example.org", "IP", PASSWORD, "counsellor")
    for n in range(20):
        failure = attempt(f"guess{n}@example.org", "123456", T0 + timedelta(seconds=n), ip)
    # THEN the 20th already says so, and the next attempt, even right, is refused unchecked
    assert isinstance(failure, auth.TooManyAttempts) and failure.scope == "ip"
    refused = attempt("ip-limit@example.org", PASSWORD, T0 + timedelta(minutes=1), ip)
    assert isinstance(refused, auth.TooManyAttempts) and refused.scope == "ip"
    assert refused.minutes == 14 and "too many login attempts" in str(refused)
    # AND the refusals while limited are not even counted (the table does not grow)
    with session_scope() as session:
        assert session.scalar(select(func.count()).where(LoginFailure.ip == ip)) == 20
    # AND another address is not affected
    assert isinstance(attempt("ip-limit@example.org", PASSWORD, T0, "198.51.100.21"), str)
    # WHEN 15 minutes have passed since the first failures THEN the address may try again
    later = T0 + timedelta(minutes=15, seconds=20)
    assert isinstance(attempt("ip-limit@example.org", PASSWORD, later, ip), str)
    assert "login_ip_limited" in actions(ip)


def test_a_login_always_issues_a_fresh_session_and_deletes_the_one_presented(account):
    # GIVEN a browser with a valid session cookie
    first = attempt(account, PASSWORD, T0)
    # WHEN it logs in again, presenting that cookie
    second = attempt(account, PASSWORD, T0 + timedelta(minutes=1), previous=first)
    # THEN it gets a different cookie, and the old one is no longer valid
    assert isinstance(second, str) and second != first
    with session_scope() as session:
        assert auth.current(session, first, T0 + timedelta(minutes=2)) is None
        assert auth.current(session, second, T0 + timedelta(minutes=2)) is not None
    # AND a cookie value chosen by someone else before login is never adopted
    planted = "attacker-chosen-value"
    third = attempt(account, PASSWORD, T0 + timedelta(minutes=3), previous=planted)
    assert third != planted
    with session_scope() as session:
        assert auth.current(session, planted, T0 + timedelta(minutes=4)) is None


def test_logout_deletes_the_session_row(account):
    cookie = attempt(account, PASSWORD, T0)
    with session_scope() as session:
        auth.logout(session, cookie)
    with session_scope() as session:
        assert session.get(CounsellorSession, auth._key(cookie)) is None


def test_sessions_end_after_30_minutes_idle_and_after_10_hours(account):
    # GIVEN a session used every 29 minutes: it stays alive past the first half hour
    cookie = attempt(account, PASSWORD, T0)
    for step in (29, 58, 87):
        with session_scope() as session:
            assert auth.current(session, cookie, T0 + timedelta(minutes=step)) is not None
    # WHEN nobody uses it for 31 minutes THEN it has ended, and its row is gone
    with session_scope() as session:
        assert auth.current(session, cookie, T0 + timedelta(minutes=87 + 31)) is None
    with session_scope() as session:
        assert session.get(CounsellorSession, auth._key(cookie)) is None
    # AND a session in constant use still ends 10 hours after the login
    busy = attempt(account, PASSWORD, T0)
    for minutes in range(20, 10 * 60, 20):
        with session_scope() as session:
            alive = auth.current(session, busy, T0 + timedelta(minutes=minutes))
        assert alive is not None
    with session_scope() as session:
        assert auth.current(session, busy, T0 + timedelta(hours=10, minutes=1)) is None
    assert actions_of_counsellor(account).count("session_expired") == 2


def test_a_password_change_ends_every_session_of_the_account(account):
    # GIVEN the account signed in on two devices
    laptop, phone = attempt(account, PASSWORD, T0), attempt(account, PASSWORD, T0)
    # WHEN its password is changed
    with session_scope() as session:
        with pytest.raises(auth.AuthError, match="at least"):
            auth.set_password(session, account, "short")
        assert auth.set_password(session, account, "a brand new passphrase") == 2
    # THEN both sessions have ended; only the new password works
    with session_scope() as session:
        assert auth.current(session, laptop, T0 + timedelta(minutes=1)) is None
        assert auth.current(session, phone, T0 + timedelta(minutes=1)) is None
    assert isinstance(attempt(account, PASSWORD, T0 + timedelta(minutes=2)), auth.AuthError)
    assert isinstance(attempt(account, "a brand new passphrase", T0 + timedelta(minutes=3)), str)
    assert "password_changed" in actions(account)


@pytest.mark.parametrize(
    ("environment", "public_url", "secure"),
    [
        ("development", "", False),
        ("development", "http://127.0.0.1:8000", False),
        ("development", "https://puente.example.org", True),
        ("development", "HTTPS://puente.example.org/", True),
        ("production", "", True),
        ("production", "http://internal:8000", True),
    ],
)
def test_cookie_flags_per_environment(environment, public_url, secure):
    # GIVEN the settings of a deployment THEN the session cookie is HttpOnly, SameSite=Strict,
    # limited to /console, and Secure in production or whenever the public URL is https
    settings = Settings(
        environment=environment,
        public_url=public_url,
        rasa_jwt_secret="not the dev secret",
        widget_jwt_secret="not the dev secret",
    )
    assert cookie_options(settings) == {
        "httponly": True,
        "samesite": "strict",
        "secure": secure,
        "path": "/console",
    }
