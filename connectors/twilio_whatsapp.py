"""Twilio (WhatsApp or SMS) done safely, subclassing Rasa 3.6's channel, which validates no
X-Twilio-Signature, crashes on a missing Body, sends synchronously and fails over 1,600
characters. Here: the signature is checked (HMAC-SHA1 of the URL and sorted form fields
with the auth token, constant-time compare), messages without text get a polite answer,
sends are asynchronous (aiohttp, retries on 429/5xx) and texts are split under 1,600.

credentials.yml:
  connectors.twilio_whatsapp.PuenteTwilioInput:
    account_sid: ${PUENTE_TWILIO_ACCOUNT_SID}
    auth_token: ${PUENTE_TWILIO_AUTH_TOKEN}
    twilio_number: ${PUENTE_TWILIO_NUMBER}        # e.g. whatsapp:+14155238886
    api_url: ${PUENTE_TWILIO_API_URL}             # https://api.twilio.com
    webhook_url: ${PUENTE_TWILIO_WEBHOOK_URL}     # the public URL Twilio posts to
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request

from connectors import guard, identity
from connectors.whatsapp_send import NO_TEXT, TWILIO_TEXT_LIMIT, masked, numbered, split_text

log = logging.getLogger(__name__)
RETRIES = (0.5, 1.0, 2.0)


def signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    data = url + "".join(k + params[k] for k in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class PuenteTwilioOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, account_sid: str, auth_token: str, number: str, api_url: str) -> None:
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)
        self.number = number
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.sent = 0

    async def _post(self, data: dict) -> None:
        self.sent += 1
        data = {**data, "To": identity.address_of(data["To"])}  # "twilio:whatsapp:+1..." -> From
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
            for attempt, pause in enumerate((0.0, *RETRIES)):
                if pause:
                    await asyncio.sleep(pause)
                try:
                    async with session.post(self.url, data=data, auth=self.auth) as resp:
                        if resp.status < 300:
                            return
                        if resp.status != 429 and resp.status < 500:
                            log.error(
                                "Twilio refused a message to %s: %s",
                                masked(data["To"]),
                                resp.status,
                            )
                            return
                except (TimeoutError, aiohttp.ClientError) as exc:
                    log.warning("Twilio unreachable (attempt %d): %s", attempt + 1, exc)
        log.error("message to %s dropped", masked(data["To"]))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, TWILIO_TEXT_LIMIT):
            await self._post({"To": recipient_id, "From": self.number, "Body": part})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list, **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, numbered(text, buttons))

    async def send_custom_json(self, recipient_id: str, json_message: dict, **kwargs: Any) -> None:
        """Custom parts carry flags for the web widget only: nothing to send on WhatsApp."""

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._post({"To": recipient_id, "From": self.number, "MediaUrl": image})


class PuenteTwilioInput(TwilioInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioInput:
        c = credentials or {}
        channel = cls(
            c.get("account_sid") or "",
            c.get("auth_token") or "",
            c.get("twilio_number") or "",
            debug_mode=False,
        )
        channel.api_url = c.get("api_url") or "https://api.twilio.com"
        channel.webhook_url = c.get("webhook_url") or ""
        channel.limits = guard.Limits.from_env()
        return channel

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.twilio_number)

    def get_output_channel(self) -> OutputChannel | None:
        if not self.configured:
            return None
        return PuenteTwilioOutput(
            self.account_sid, self.auth_token, self.twilio_number, self.api_url
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("puente_twilio_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_request: Request):
            return response.json({"status": "ok" if self.configured else "not configured"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if not self.configured:
                return response.text("Twilio is not configured", status=503)
            params = {k: v[0] for k, v in request.form.items()}
            expected = signature(self.auth_token, self.webhook_url or request.url, params)
            given = request.headers.get("X-Twilio-Signature", "")
            if not hmac.compare_digest(expected, given):
                return response.text("invalid signature", status=403)
            sender, text = params.get("From"), params.get("Body")
            if not sender:
                return response.text("", status=204)
            sender = identity.twilio_id(sender)  # the From that Twilio signed, namespaced
            output = self.get_output_channel()
            task = asyncio.create_task(
                self._handle(sender, text, output, on_new_message, request.app)
            )
            task.add_done_callback(lambda t: t.exception() and log.error("Twilio turn failed"))
            return response.text("", status=204)

        return bp

    async def _handle(self, sender: str, text: str | None, output, on_new_message, app=None):
        if not text or not text.strip():
            await output.send_text_message(sender, NO_TEXT)
            return

        async def say(key: str, **values) -> None:
            await output.send_text_message(sender, guard.text(key, None, **values))

        if await guard.admit("twilio", sender, None, self.limits):
            return await say("too_fast")
        if len(text) > self.limits.max_chars:
            guard.TURNS.labels("twilio", "too_long").inc()
            return await say("too_long", n=self.limits.max_chars)
        message = UserMessage(text, output, sender, input_channel=self.name())
        await guard.converse(
            "twilio", app, sender, lambda: on_new_message(message), say, lambda: output.sent
        )
