"""API keys for the open API (`api`: the /api/v1 engine routes) and the REST chat channel
(`chat`, checked on the Rasa side against the same table).

A key is "pk_" + 32 random bytes (URL-safe base64). Only its sha256 (hex, of the whole key)
is stored, with its first characters (`prefix`) so a person can tell keys apart in a list.
The plaintext is returned once, by `create`, and never stored or logged. Scopes are stored
comma-separated ("api", "chat" or "api,chat"); a key is revoked when `revoked_at` is set.

Every function takes the session; the caller commits (`session_scope` does)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.access_models import ApiKey
from assistant.errors import PuenteError

SCOPES = ("api", "chat")
KEY_START = "pk_"
PREFIX_CHARS = 10
# a key is 3 + 43 characters; anything much longer is not one of ours (nothing to look up)
MAX_KEY_CHARS = 128
NAME_CHARS = 100  # ApiKey.name's column
# last_used_at is written at most this often per key, so busy keys do not write every request
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyError(PuenteError):
    """A key cannot be made or changed as asked (bad name, unknown scope)."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def scopes_of(row: ApiKey) -> list[str]:
    return [s for s in row.scopes.split(",") if s]


def normalize_scopes(scopes) -> list[str]:
    """The scopes asked for, checked, without repeats, in a stable order."""
    asked = [str(s).strip().lower() for s in scopes or ()]
    unknown = sorted({s for s in asked if s not in SCOPES})
    if unknown:
        raise ApiKeyError(
            f"unknown scope {', '.join(map(repr, unknown))}; a scope is one of: {', '.join(SCOPES)}"
        )
    if not asked:
        raise ApiKeyError(f"give at least one scope ({', '.join(SCOPES)})")
    return [s for s in SCOPES if s in asked]


def create(
    session: Session, name: str, scopes=("api",), now: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key: the stored row and the plaintext, which is shown once and kept nowhere."""
    name = (name or "").strip()
    if not name:
        raise ApiKeyError("give the key a name (who or what uses it)")
    if len(name) > NAME_CHARS:
        raise ApiKeyError(f"the name is longer than {NAME_CHARS} characters")
    checked = normalize_scopes(scopes)
    key = KEY_START + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name,
        prefix=key[:PREFIX_CHARS],
        key_hash=hash_key(key),
        scopes=",".join(checked),
        created_at=_now(now),
    )
    session.add(row)
    session.flush()  # the id, for the caller to show
    return row, key


def find(session: Session, key: str) -> ApiKey | None:
    """The active (not revoked) key with this plaintext, whatever its scopes."""
    if not isinstance(key, str) or not key.startswith(KEY_START) or len(key) > MAX_KEY_CHARS:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    return row


def verify(session: Session, key: str, scope: str, now: datetime | None = None) -> ApiKey | None:
    """The key if it exists, is not revoked and has `scope`; otherwise None. A successful use
    is recorded in last_used_at, at most once a minute."""
    row = find(session, key)
    if row is None or scope not in scopes_of(row):
        return None
    now = _now(now)
    if row.last_used_at is None or now - _aware(row.last_used_at) >= TOUCH_EVERY:
        row.last_used_at = now
    return row


def revoke(session: Session, key_id: int, now: datetime | None = None) -> bool:
    """Revoke the key with this id. False when there is no such key; revoking a revoked key
    again is True and keeps the first revocation time."""
    row = session.get(ApiKey, key_id)
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = _now(now)
    return True


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def describe(row: ApiKey) -> dict:
    """What may be shown about a key (never its hash)."""

    def when(value: datetime | None) -> str | None:
        return _aware(value).isoformat(timespec="seconds") if value else None

    return {
        "id": row.id,
        "name": row.name,
        "prefix": row.prefix,
        "scopes": scopes_of(row),
        "created_at": when(row.created_at),
        "last_used_at": when(row.last_used_at),
        "revoked_at": when(row.revoked_at),
        "revoked": row.revoked_at is not None,
    }
