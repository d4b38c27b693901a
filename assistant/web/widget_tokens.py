"""Short-lived tokens for the chat widget. The socket.io channel (connectors/) checks them
and takes the conversation's sender id from `sub`, so a browser cannot pick someone else's
conversation. A returning browser presents its old token (expired is fine, up to
RENEW_DAYS) to keep the same conversation."""

from __future__ import annotations

import secrets
import time

import jwt

AUDIENCE = "puente-widget"
RENEW_DAYS = 30


def issue(
    secret: str, minutes: int, previous: str | None = None, sender: str | None = None
) -> dict:
    sender = sender or _renewable_sender(secret, previous) or f"web-{secrets.token_hex(12)}"
    now = int(time.time())
    claims = {"sub": sender, "aud": AUDIENCE, "iat": now, "exp": now + 60 * minutes}
    return {
        "token": jwt.encode(claims, secret, algorithm="HS256"),
        "sender_id": sender,
        "expires_in": 60 * minutes,
    }


def _renewable_sender(secret: str, previous: str | None) -> str | None:
    if not previous:
        return None
    try:
        claims = jwt.decode(
            previous,
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            options={"verify_exp": False, "require": ["iat", "sub"]},
        )
    except jwt.PyJWTError:
        return None
    if claims["iat"] < time.time() - RENEW_DAYS * 86400:
        return None
    return claims["sub"]
