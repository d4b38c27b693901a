"""What every channel checks before a message reaches Rasa, and what it answers instead:
rate limits per sender and per client IP, message length, and the apologies for a busy or
broken back end. Shared by the REST, socket.io and WhatsApp channels (Rasa runtime); no Rasa
import here, so it is tested on its own.

Limits are counted in Redis when PUENTE_REDIS_URL is set (so that several Rasa instances share
them), otherwise in this process's memory.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

from prometheus_client import Counter, Histogram

from edge.addresses import trusted_proxies
from edge.limiter import RateLimiter

log = logging.getLogger(__name__)

TURN_SECONDS = Histogram(
    "puente_turn_seconds",
    "Time from a user's message arriving to the bot's answer being ready, by channel",
    ["channel"],
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30),
)
TURNS = Counter(
    "puente_turns_total",
    "User messages by channel and outcome "
    "(answered, fallback, refused_store, rate_limited, too_long, invalid, unauthenticated)",
    ["channel", "outcome"],
)

BOTH = "{es}\n\n{en}"
TEXTS = {
    "too_fast": {
        "es": "Vas muy rápido: espera un minuto y vuelve a escribirme.",
        "en": "You are writing very fast: please wait a minute and write again.",
    },
    "too_long": {
        "es": "Tu mensaje es muy largo (máximo {n} caracteres). ¿Me lo cuentas en partes?",
        "en": "Your message is too long (at most {n} characters). Could you send it in parts?",
    },
    "empty": {
        "es": "No me llegó ningún texto. Escríbeme con palabras, por favor.",
        "en": "No text reached me. Please write to me in words.",
    },
    "fallback": {
        "es": "Perdona, algo falló de mi lado. Escríbeme de nuevo en un momento; "
        "no se perdió nada de lo que ya me contaste.",
        "en": "Sorry, something went wrong on my side. Please write again in a moment; "
        "nothing you already told me is lost.",
    },
    "unavailable": {
        "es": "Ahora mismo no puedo guardar la conversación, así que no procesé tu mensaje. "
        "Por favor, envíalo de nuevo en unos minutos.",
        "en": "I cannot save the conversation right now, so I did not process your message. "
        "Please send it again in a few minutes.",
    },
}


def text(key: str, language: str | None = None, **values) -> str:
    """The reply in the conversation's language when known, otherwise in both."""
    entry = TEXTS[key]
    if language in entry:
        return entry[language].format(**values)
    return BOTH.format(es=entry["es"], en=entry["en"]).format(**values)


def language_of(metadata: dict) -> str | None:
    language = metadata.get("language")
    return language if language in ("es", "en") else None


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        log.warning("%s is not a whole number; using %s", name, default)
        return default


@dataclass(frozen=True)
class Limits:
    per_sender: int  # messages per minute per conversation; 0 switches the limit off
    per_ip: int  # requests per minute per client address; 0 switches it off
    max_chars: int
    trusted_proxies: frozenset[str]

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            per_sender=_int_env("PUENTE_RATE_PER_SENDER", 20),
            per_ip=_int_env("PUENTE_RATE_PER_IP", 300),
            max_chars=_int_env("PUENTE_MAX_MESSAGE_CHARS", 2000),
            trusted_proxies=trusted_proxies(os.environ.get("PUENTE_TRUSTED_PROXIES", "")),
        )


_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter(os.environ.get("PUENTE_REDIS_URL") or None)
    return _limiter


async def admit(
    channel: str, sender: str, ip: str | None, limits: Limits, now: float | None = None
) -> str | None:
    """None when the message may go on; otherwise the scope that refused it."""
    if ip is not None and not await limiter().allow(f"ip:{ip}", limits.per_ip, now):
        TURNS.labels(channel, "rate_limited").inc()
        return "ip"
    if not await limiter().allow(f"sender:{channel}:{sender}", limits.per_sender, now):
        TURNS.labels(channel, "rate_limited").inc()
        return "sender"
    return None


async def paused(app, sender: str) -> bool:
    """Whether a counsellor has taken the conversation over (then the bot's silence is right)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or getattr(agent, "tracker_store", None) is None:
        return False
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception:  # noqa: BLE001 - unknown: answer rather than stay silent
        return False
    return bool(tracker and tracker.is_paused())


async def converse(channel: str, app, sender: str, deliver, say, sent) -> None:
    """Run one turn for a channel that answers asynchronously (socket.io, WhatsApp, Twilio):
    `deliver()` hands the message to Rasa, `say(key)` sends one of TEXTS, `sent()` counts what
    the bot has sent. Store failures refuse the turn with a message; silence gets an apology
    unless a counsellor has the conversation."""
    started = time.perf_counter()
    try:
        await deliver()
    except Exception as exc:  # noqa: BLE001 - the store failed: refuse, visibly
        log.error("turn refused: %s", type(exc).__name__)
        TURNS.labels(channel, "refused_store").inc()
        await say("unavailable")
        return
    outcome = "answered"
    if sent() == 0 and not await paused(app, sender):
        outcome = "fallback"
        await say("fallback")
    TURNS.labels(channel, outcome).inc()
    TURN_SECONDS.labels(channel).observe(time.perf_counter() - started)
