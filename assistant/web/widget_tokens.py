"""Short-lived tokens for the chat clients: the web widget (socket.io) and REST chat clients.
Rasa's channels (connectors/identity.py) check them and take the conversation from `sub`,
namespaced by channel (`widget:<sub>`, `rest:<sub>`), so a client cannot pick someone else's
conversation. A returning client presents its old token (expired is fine, up to RENEW_DAYS)
to keep the same conversation; a token for one channel never opens the other's."""

from __future__ import annotations

import secrets
import time

import jwt

from edge.secrets import REST_AUDIENCE as CHAT_AUDIENCE
from edge.secrets import WIDGET_AUDIENCE

PREFIX = {WIDGET_AUDIENCE: "widget:", CHAT_AUDIENCE: "rest:"}
RENEW_DAYS = 30


def issue(
    secret: str,
    minutes: int,
    previous: str | None = None,
    sender: str | None = None,
    audience: str = WIDGET_AUDIENCE,
) -> dict:
    sub = sender or _renewable_sub(secret, previous, audience) or secrets.token_hex(16)
    now = int(time.time())
    claims = {"sub": sub, "aud": audience, "iat": now, "exp": now + 60 * minutes}
    return {
        "token": jwt.encode(claims, secret, algorithm="HS256"),
        "sender_id": sub if sub.startswith(PREFIX[audience]) else PREFIX[audience] + sub,
        "expires_in": 60 * minutes,
    }


def _renewable_sub(secret: str, previous: str | None, audience: str) -> str | None:
    if not previous:
        return None
    try:
        claims = jwt.decode(
            previous,
            secret,
            algorithms=["HS256"],
            audience=audience,
            options={"verify_exp": False, "require": ["iat", "sub"]},
        )
    except jwt.PyJWTError:
        return None
    if claims["iat"] < time.time() - RENEW_DAYS * 86400:
        return None
    return claims["sub"]
