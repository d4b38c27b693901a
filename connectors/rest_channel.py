"""Puente's REST channel, in place of Rasa's own `rest` (same URL and JSON shape:
POST /webhooks/rest/webhook {"sender", "message", "metadata"?} -> [{"recipient_id", "text", ...}]).

What it adds, because Rasa 3.6's channel has none of it:
- authentication (connectors/identity.py): outside development a bearer token is required,
  either a chat token from the web app (POST /api/v1/chat/session; the conversation is the
  token's, `sender` is not needed) or an API key with the "chat" scope (server-to-server; the
  integration's `sender` names one of its own conversations). Conversation ids are
  namespaced `rest:...`, so no request here reaches a WhatsApp, Twilio or widget conversation;
- clear 4xx answers for a wrong content type, malformed JSON, a missing sender or message;
- rate limits per sender and per client address (429 with a friendly message and Retry-After);
- messages over PUENTE_MAX_MESSAGE_CHARS and empty ones answered without reaching the bot;
- when the action server fails the turn, Rasa answers nothing: here the user gets an apology
  (unless a counsellor has taken the conversation over, when silence is right);
- when the tracker store or lock store fails, the turn is refused with 503, never processed
  in memory (see connectors/ops.py, which makes Rasa's fail-safe tracker store raise).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from connectors import guard, identity
from edge.addresses import client_ip

log = logging.getLogger(__name__)
MAX_SENDER = 128


def _error(status: int, message: str, **extra) -> response.HTTPResponse:
    return response.json({"error": message, **extra}, status=status)


def _reply(sender: str, text: str, status: int = 200, **headers) -> response.HTTPResponse:
    return response.json([{"recipient_id": sender, "text": text}], status=status, headers=headers)


def parse_body(request: Request) -> tuple[str, str, dict] | response.HTTPResponse:
    """(sender, message, metadata), or the 4xx response explaining what is wrong."""
    kind = (request.content_type or "").split(";")[0].strip().lower()
    if kind != "application/json":
        return _error(415, "send JSON with Content-Type: application/json")
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "the body is not valid UTF-8 JSON")
    if not isinstance(body, dict):
        return _error(400, 'the body must be a JSON object: {"sender": ..., "message": ...}')
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if sender is not None and (
        not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER
    ):
        return _error(422, f"'sender' must be a non-empty string of at most {MAX_SENDER} chars")
    if sender is not None and not sender.isprintable():
        return _error(422, "'sender' must not contain control characters")
    if message is None:
        message = ""
    if not isinstance(message, str):
        return _error(422, "'message' must be a string")
    if metadata is not None and not isinstance(metadata, dict):
        return _error(422, "'metadata' must be a JSON object")
    metadata = dict(metadata or {})
    metadata.pop("puente", None)  # set by the channel below, never by the client
    return sender or "", message, metadata


class PuenteRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self) -> None:
        import os

        identity.check_secrets()
        self.limits = guard.Limits.from_env()
        self.keys = identity.ApiKeys(os.environ.get("PUENTE_TRACKER_URL") or None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("puente_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_request: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            started = time.perf_counter()
            parsed = parse_body(request)
            if isinstance(parsed, response.HTTPResponse):
                guard.TURNS.labels("rest", "invalid").inc()
                return parsed
            body_sender, message, metadata = parsed
            language = guard.language_of(metadata)
            ip = client_ip(
                request.ip, request.headers.get("x-forwarded-for"), self.limits.trusted_proxies
            )
            try:
                caller = await identity.rest_caller(request.headers.get("authorization"), self.keys)
            except identity.Refused as refused:
                guard.TURNS.labels("rest", "unauthenticated").inc()
                if not await guard.limiter().allow(f"ip:{ip}", self.limits.per_ip):
                    return _error(429, "too many requests", retry_after=60)
                headers = {"WWW-Authenticate": 'Bearer realm="puente-chat"'}
                return response.json({"error": refused.message}, refused.status, headers)
            if caller.conversation_id is None and caller.key_id is None and ":" in body_sender:
                return _error(422, "'sender' must not contain ':' (ids are namespaced here)")
            sender = identity.rest_conversation(caller, body_sender)
            if sender is None:
                guard.TURNS.labels("rest", "invalid").inc()
                return _error(422, "'sender' is required: which of your conversations is this?")
            # for the resume-code limits: a hash, so no address is kept in the tracker
            metadata["puente"] = {"address": hashlib.sha256(f"ip:{ip}".encode()).hexdigest()}
            refused = await guard.admit("rest", sender, ip, self.limits)
            if refused:
                too_fast = guard.text("too_fast", language)
                return _reply(sender, too_fast, 429, **{"Retry-After": "60"})
            if not message.strip():
                guard.TURNS.labels("rest", "invalid").inc()
                return _reply(sender, guard.text("empty", language))
            if len(message) > self.limits.max_chars:
                guard.TURNS.labels("rest", "too_long").inc()
                return _reply(sender, guard.text("too_long", language, n=self.limits.max_chars))
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(message, collector, sender, input_channel="rest", metadata=metadata)
                )
            except Exception as exc:  # noqa: BLE001 - the store failed: refuse the turn, visibly
                log.error("turn refused: %s", type(exc).__name__)
                guard.TURNS.labels("rest", "refused_store").inc()
                return _reply(sender, guard.text("unavailable", language), 503)
            messages = collector.messages
            outcome = "answered"
            if not messages and not await guard.paused(request.app, sender):
                outcome = "fallback"
                messages = [{"recipient_id": sender, "text": guard.text("fallback", language)}]
            guard.TURNS.labels("rest", outcome).inc()
            guard.TURN_SECONDS.labels("rest").observe(time.perf_counter() - started)
            return response.json(messages)

        return bp
