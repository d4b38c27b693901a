"""Who is writing, as each channel has authenticated it (Rasa runtime; never imports the
engine). A conversation's id is namespaced by the channel that proved it:

    whatsapp:+573001234567   the number Meta signed the webhook for
    twilio:whatsapp:+1415... the From that Twilio signed
    widget:<sub>             the `sub` of the web app's widget token
    rest:<sub>               the `sub` of a REST chat token issued by the web app
    rest:key-<id>:<sender>   a server-to-server integration (API key with the "chat" scope)
                             naming its own conversations
    rest:<sender>            development only: the REST body's sender, unauthenticated

so a sender id posted on one channel can never address another channel's conversation. The
prefix is decided here, by the connector, never taken from what a client sends.

Also the start-up check of the secrets this process relies on (fail closed outside
development).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from dataclasses import dataclass

import jwt

from edge.secrets import MIN_SECRET_BYTES, REST_AUDIENCE, secret_problem

log = logging.getLogger(__name__)

CHANNEL_PREFIX = {"whatsapp": "whatsapp:", "twilio": "twilio:", "socketio": "widget:"}
MAX_SUB = 100


def development() -> bool:
    return os.environ.get("PUENTE_ENVIRONMENT", "").strip() == "development"


def whatsapp_id(number: str) -> str:
    return "whatsapp:+" + number.lstrip("+")


def twilio_id(sender: str) -> str:
    return "twilio:" + sender


def widget_id(sub: str) -> str:
    return sub if sub.startswith("widget:") else "widget:" + sub


def address_of(conversation_id: str) -> str:
    """What the channel's API needs to reach the person (the number, Twilio's From)."""
    if conversation_id.startswith("whatsapp:+"):
        return conversation_id[len("whatsapp:+") :]
    if conversation_id.startswith("twilio:"):
        return conversation_id[len("twilio:") :]
    return conversation_id


# -- secrets -------------------------------------------------------------------------------


def check_secrets(names: tuple[str, ...] = ("PUENTE_RASA_JWT_SECRET", "PUENTE_WIDGET_JWT_SECRET")):
    """Stop Rasa at start when a secret it relies on is weak, outside development."""
    for name in names:
        problem = secret_problem(os.environ.get(name, ""))
        if problem and not (development() and problem != "is not set"):
            raise SystemExit(
                f"refusing to start: {name} {problem} (at least {MIN_SECRET_BYTES} random "
                "bytes are needed; PUENTE_ENVIRONMENT=development only allows a weak one)"
            )


def widget_secret() -> str:
    return os.environ.get("PUENTE_WIDGET_JWT_SECRET", "")


def token_sub(token: str, audience: str) -> str | None:
    """The `sub` of a valid token the web app issued for this audience, or None."""
    if not isinstance(token, str) or not token or not widget_secret():
        return None
    try:
        claims = jwt.decode(
            token,
            widget_secret(),
            algorithms=["HS256"],
            audience=audience,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.PyJWTError as exc:
        log.info("%s token refused: %s", audience, type(exc).__name__)
        return None
    sub = claims.get("sub")
    return sub if isinstance(sub, str) and 0 < len(sub) <= MAX_SUB and sub.isprintable() else None


# -- the REST channel's credentials ------------------------------------------------------------


@dataclass(frozen=True)
class RestCaller:
    conversation_id: str | None  # None: the caller must say which of its conversations
    key_id: int | None = None


class ApiKeys:
    """API keys with the "chat" scope, read from the engine's `api_key` table (same database
    as Rasa's tracker store) by their SHA-256; answers are kept a short while, so a revoked key
    stops working within CACHE_SECONDS."""

    CACHE_SECONDS = 30.0

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._engine = None
        self._cache: dict[str, tuple[float, int | None]] = {}

    def _lookup(self, key_hash: str) -> int | None:
        import sqlalchemy as sa

        if self._engine is None:
            self._engine = sa.create_engine(self.url, pool_pre_ping=True)
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT id, scopes FROM api_key WHERE key_hash = :h AND revoked_at IS NULL"
                ),
                {"h": key_hash},
            ).first()
        if row is None or "chat" not in str(row[1]).split(","):
            return None
        return int(row[0])

    async def key_id(self, key: str) -> int | None:
        if not self.url:
            return None
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        cached = self._cache.get(key_hash)
        if cached and time.monotonic() - cached[0] < self.CACHE_SECONDS:
            return cached[1]
        try:
            found = await asyncio.to_thread(self._lookup, key_hash)
        except Exception as exc:  # noqa: BLE001 - refused (fail closed), and said why in the log
            log.error("API key lookup failed: %s", type(exc).__name__)
            return None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key_hash] = (time.monotonic(), found)
        return found


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def rest_caller(authorization: str | None, keys: ApiKeys) -> RestCaller:
    """Who is calling the REST channel, from its bearer token: a chat token from the web app
    (the conversation is the token's), an API key with the chat scope (the integration names
    its conversations), or nobody (development only). Raises Refused otherwise."""
    scheme, _, credential = (authorization or "").partition(" ")
    credential = credential.strip()
    if not authorization:
        if development():
            return RestCaller(None)
        raise Refused(401, "send 'Authorization: Bearer <token>' (a chat token or an API key)")
    if scheme.lower() != "bearer" or not credential:
        raise Refused(401, "the Authorization header must be 'Bearer <token>'")
    if credential.startswith("pk_"):
        key_id = await keys.key_id(credential)
        if key_id is None:
            raise Refused(401, "unknown or revoked API key, or one without the chat scope")
        return RestCaller(None, key_id)
    sub = token_sub(credential, REST_AUDIENCE)
    if sub is None:
        raise Refused(401, "the chat token is invalid or expired: ask the web app for a new one")
    return RestCaller("rest:" + sub)


def rest_conversation(caller: RestCaller, body_sender: str | None) -> str | None:
    """The conversation id for a REST turn, or None when the body must name one."""
    if caller.conversation_id:
        return caller.conversation_id
    if not body_sender:
        return None
    if caller.key_id is not None:
        return f"rest:key-{caller.key_id}:{body_sender}"
    return "rest:" + body_sender
