"""WhatsApp Business Cloud API channel for Rasa 3.6 (the Rasa runtime; never imports the
engine).

Inbound: GET verification (hub.mode / hub.verify_token / hub.challenge); POST verified with
X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret, constant-time compare),
answered 200 at once and processed in the background; each message id handled once; status
callbacks ignored; text, button and list replies mapped to text or payloads; other media get
a polite explanation. Outbound through the Graph API (aiohttp, timeouts, retries with backoff
on 429/5xx); outside the 24-hour window only a configured template is sent.

credentials.yml (values from the environment):
  connectors.whatsapp_cloud.WhatsAppCloudInput:
    verify_token: ${PUENTE_WHATSAPP_VERIFY_TOKEN}
    app_secret: ${PUENTE_WHATSAPP_APP_SECRET}
    access_token: ${PUENTE_WHATSAPP_ACCESS_TOKEN}
    phone_number_id: ${PUENTE_WHATSAPP_PHONE_NUMBER_ID}
    api_url: ${PUENTE_WHATSAPP_API_URL}
    template: ${PUENTE_WHATSAPP_TEMPLATE}
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from connectors import guard, identity
from connectors.whatsapp_send import (
    CLOUD_TEXT_LIMIT,
    NO_TEXT,
    choices_payload,
    masked,
    numbered,
    split_text,
)

log = logging.getLogger(__name__)
WINDOW_SECONDS = 24 * 3600
SEEN_MAX = 10_000
RETRIES = (0.5, 1.0, 2.0)


class WhatsAppMemory:
    """Message ids already handled (Meta retries webhooks) and when each number last wrote (the
    24-hour customer-service window). In Redis when PUENTE_REDIS_URL is set, so that every Rasa
    instance sees the same (a retry may reach another instance); in this process otherwise."""

    def __init__(self, redis_url: str | None) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._last: dict[str, float] = {}
        self._redis = None
        if redis_url:
            import redis.asyncio as aioredis

            self._redis = aioredis.from_url(redis_url, socket_timeout=2)

    async def first_time(self, message_id: str) -> bool:
        if not message_id:
            return False
        if self._redis is not None:
            try:
                key = f"puente:wa:seen:{message_id}"
                return bool(await self._redis.set(key, 1, nx=True, ex=2 * WINDOW_SECONDS))
            except Exception:  # noqa: BLE001 - fall back to this process's memory
                log.warning("WhatsApp dedupe: Redis unreachable; remembering in memory")
        if message_id in self._seen:
            return False
        self._seen[message_id] = None
        if len(self._seen) > SEEN_MAX:
            self._seen.popitem(last=False)
        return True

    async def heard_from(self, number: str, when: float) -> None:
        self._last[number] = when
        if self._redis is not None:
            try:
                await self._redis.set(f"puente:wa:last:{number}", when, ex=WINDOW_SECONDS + 60)
            except Exception:  # noqa: BLE001 - the in-process value still counts here
                log.warning("WhatsApp window: Redis unreachable")

    async def last_heard(self, number: str) -> float | None:
        if self._redis is not None:
            try:
                value = await self._redis.get(f"puente:wa:last:{number}")
                return float(value) if value is not None else None
            except Exception:  # noqa: BLE001
                log.warning("WhatsApp window: Redis unreachable")
        return self._last.get(number)


_memory: WhatsAppMemory | None = None


def memory() -> WhatsAppMemory:
    global _memory
    if _memory is None:
        _memory = WhatsAppMemory(os.environ.get("PUENTE_REDIS_URL") or None)
    return _memory


class GraphAPI:
    def __init__(self, api_url: str, phone_number_id: str, access_token: str, template: str):
        self.url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self.token = access_token
        self.template = template
        self._session: aiohttp.ClientSession | None = None

    async def post(self, to: str, payload: dict) -> bool:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            **payload,
        }
        headers = {"Authorization": f"Bearer {self.token}"}
        for attempt, pause in enumerate((0.0, *RETRIES)):
            if pause:
                await asyncio.sleep(pause)
            try:
                async with self._session.post(self.url, json=body, headers=headers) as resp:
                    if resp.status < 300:
                        return True
                    if resp.status != 429 and resp.status < 500:
                        log.error("Graph API refused a message to %s: %s", masked(to), resp.status)
                        return False
                    log.warning(
                        "Graph API %s for %s (attempt %d)", resp.status, masked(to), attempt + 1
                    )
            except (TimeoutError, aiohttp.ClientError) as exc:
                log.warning(
                    "Graph API unreachable for %s (attempt %d): %s", masked(to), attempt + 1, exc
                )
        log.error("message to %s dropped after %d attempts", masked(to), len(RETRIES) + 1)
        return False


class WhatsAppCloudOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(self, api: GraphAPI) -> None:
        self.api = api
        self.sent = 0

    async def _send(self, recipient_id: str, payload: dict) -> None:
        self.sent += 1
        to = identity.address_of(recipient_id)  # "whatsapp:+57..." -> the number Meta knows
        last = await memory().last_heard(to)
        if last is None or time.time() - last > WINDOW_SECONDS:
            # Outside the 24-hour window WhatsApp allows templates only.
            if self.api.template:
                await self.api.post(
                    to,
                    {
                        "type": "template",
                        "template": {"name": self.api.template, "language": {"code": "es"}},
                    },
                )
            else:
                log.warning(
                    "outside the 24-hour window for %s and no template: not sent", masked(to)
                )
            return
        await self.api.post(to, payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, CLOUD_TEXT_LIMIT):
            await self._send(
                recipient_id, {"type": "text", "text": {"body": part, "preview_url": True}}
            )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list, **kwargs: Any
    ) -> None:
        interactive = choices_payload(text, buttons)
        if interactive and len(text or "") <= 1024:
            await self._send(recipient_id, {"type": "interactive", "interactive": interactive})
        elif interactive:  # long text: send it, then the choices on their own
            await self.send_text_message(recipient_id, text)
            await self._send(
                recipient_id, {"type": "interactive", "interactive": choices_payload("…", buttons)}
            )
        else:
            await self.send_text_message(recipient_id, numbered(text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list, **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient_id, {"type": "image", "image": {"link": image}})

    async def send_custom_json(self, recipient_id: str, json_message: dict, **kwargs: Any) -> None:
        """Custom parts carry flags for the web widget only: nothing to send on WhatsApp.
        Choices go as buttons, or as a list when a title is longer than a button holds."""


def _verify(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :])


def _message_text(message: dict) -> str | None:
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body")
    if kind == "interactive":
        inter = message.get("interactive") or {}
        reply = inter.get("button_reply") or inter.get("list_reply") or {}
        return reply.get("id") or reply.get("title")
    if kind == "button":
        button = message.get("button") or {}
        return button.get("payload") or button.get("text")
    return None


class WhatsAppCloudInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        c = credentials or {}
        return cls(
            c.get("verify_token") or "",
            c.get("app_secret") or "",
            c.get("access_token") or "",
            c.get("phone_number_id") or "",
            c.get("api_url") or "https://graph.facebook.com/v20.0",
            c.get("template") or "",
        )

    def __init__(self, verify_token, app_secret, access_token, phone_number_id, api_url, template):
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.api = GraphAPI(api_url, phone_number_id, access_token, template)
        self.configured = all([verify_token, app_secret, access_token, phone_number_id])
        self._tasks: set[asyncio.Task] = set()
        self.limits = guard.Limits.from_env()

    def get_output_channel(self) -> OutputChannel | None:
        # The counsellor console writes through this (Rasa's output_channel=latest).
        return WhatsAppCloudOutput(self.api) if self.configured else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("whatsapp_cloud_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_request: Request):
            return response.json({"status": "ok" if self.configured else "not configured"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request):
            args = request.args
            if (
                self.configured
                and args.get("hub.mode") == "subscribe"
                and hmac.compare_digest(args.get("hub.verify_token", ""), self.verify_token)
            ):
                return response.text(args.get("hub.challenge", ""))
            return response.text("forbidden", status=403)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if not self.configured:
                return response.text("WhatsApp is not configured", status=503)
            if not _verify(
                self.app_secret, request.body, request.headers.get("X-Hub-Signature-256")
            ):
                return response.text("invalid signature", status=403)
            try:
                payload = json.loads(request.body)
            except ValueError:
                return response.text("not JSON", status=400)
            for entry in payload.get("entry") or []:
                for change in entry.get("changes") or []:
                    value = change.get("value") or {}
                    for message in value.get("messages") or []:  # statuses are ignored
                        if await memory().first_time(message.get("id", "")):
                            task = asyncio.create_task(
                                self._handle(message, on_new_message, request.app)
                            )
                            self._tasks.add(task)
                            task.add_done_callback(self._tasks.discard)
            return response.text("ok")

        return bp

    async def _handle(self, message: dict, on_new_message, app=None) -> None:
        number = message.get("from", "")
        if not number:
            return
        # the number Meta signed this webhook for, namespaced: no other channel can reach it
        sender = identity.whatsapp_id(number)
        await memory().heard_from(number, time.time())
        output = WhatsAppCloudOutput(self.api)
        text = _message_text(message)

        async def say(key: str, **values) -> None:
            await output.send_text_message(sender, guard.text(key, None, **values))

        try:
            if text is None:
                await output.send_text_message(sender, NO_TEXT)
                return
            if await guard.admit("whatsapp", sender, None, self.limits):
                return await say("too_fast")
            if len(text) > self.limits.max_chars:
                guard.TURNS.labels("whatsapp", "too_long").inc()
                return await say("too_long", n=self.limits.max_chars)
            user_message = UserMessage(
                text,
                output,
                sender,
                input_channel=self.name(),
                metadata={"whatsapp_message_id": message.get("id")},
            )
            await guard.converse(
                "whatsapp",
                app,
                sender,
                lambda: on_new_message(user_message),
                say,
                lambda: output.sent,
            )
        except Exception:  # noqa: BLE001 - a background task must log, not vanish
            log.exception("WhatsApp message from %s failed", masked(sender))
