"""Puente's socket.io channel for the web widget, fixing Rasa 3.6's own:

- the token is a short-lived JWT issued by the web app (`POST /api/v1/widget/session`), and
  the conversation id is `widget:<sub>` from its claim, never what the client asks for;
- `enter_room` is awaited (python-socketio >= 5.10 made it a coroutine; Rasa issue 13027),
  so every tab of the same conversation receives the bot's answers;
- Origin is checked against PUENTE_ALLOWED_ORIGINS (the web app's own origin by default),
  also when no CORS origins are configured;
- messages longer than PUENTE_MAX_MESSAGE_CHARS, and senders or addresses over their rate
  limit, get a clear reply and go no further (connectors/guard.py);
- when the bot cannot answer (the action server failed), the user gets an apology, not
  silence; when the store fails, the turn is refused with a message;
- a counsellor's words (and their join/leave notices), sent through Rasa's HTTP API, reach
  the widget as one message marked with the person's name, never as the bot's.

credentials.yml: `connectors.socketio_channel.PuenteSocketIOInput: {}`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from socketio import AsyncServer

from connectors import guard, identity
from edge.origins import allowed_origins as edge_origins
from edge.secrets import WIDGET_AUDIENCE

log = logging.getLogger(__name__)


def allowed_origins() -> list[str]:
    return edge_origins(
        os.environ.get("PUENTE_ALLOWED_ORIGINS", ""), os.environ.get("PUENTE_WEB_PORT", "8000")
    )


def sender_from_token(token: Any) -> str | None:
    sub = identity.token_sub(token, WIDGET_AUDIENCE)
    return identity.widget_id(sub) if sub else None


class CountingSocketIOOutput(SocketIOOutput):
    """Counts what the bot sends, so that silence can be told from an answer."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        # A text with a list, with the "forget" flag, or from a counsellor, goes out as one
        # message the widget reads whole (Rasa would send the text, then the custom part on
        # its own). A counsellor's event (assistant/services/rasa_api.py) carries the name in
        # `custom`; Rasa 3.6 also merges the event's metadata into the message.
        custom = message.get("custom")
        custom = custom if isinstance(custom, dict) else {}
        who = custom.get("counsellor") or message.get("counsellor")
        if who:
            out = {"text": message.get("text") or "", "counsellor": str(who)}
            if custom.get("notice") in ("joined", "left"):
                out["notice"] = custom["notice"]
            await self._send_message(recipient_id, out)
            return
        if custom.get("forget"):
            await self._send_message(recipient_id, {"text": message.get("text") or "", **custom})
            return
        await super().send_response(recipient_id, message)


class PuenteSocketIOInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(self, user_message_evt, bot_message_evt, namespace, socketio_path) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.namespace = namespace
        self.socketio_path = socketio_path
        self.limits = guard.Limits.from_env()
        self.sio: AsyncServer | None = None

    def get_output_channel(self) -> SocketIOOutput | None:
        # Used when a counsellor writes or Rasa's API answers on the "latest" channel.
        return CountingSocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        origins = allowed_origins()
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins)
        self.sio = sio
        bp = SocketBlueprint(sio, self.socketio_path, "puente_socketio", __name__)

        @bp.listener("before_server_start")
        async def keep_app(app, _loop) -> None:
            sio.puente_app = app  # to look at the tracker when the bot said nothing

        @bp.route("/", methods=["GET"])
        async def health(_request):
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            origin = (environ.get("HTTP_ORIGIN") or "").rstrip("/")
            if origin and origin not in origins:
                log.warning("socket.io connection from a foreign origin refused: %s", origin)
                return False
            sender = sender_from_token((auth or {}).get("token"))
            if sender is None:
                return False
            await sio.save_session(sid, {"sender": sender}, namespace=self.namespace)
            await sio.enter_room(sid, sender, namespace=self.namespace)
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, _data: dict | None) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            await sio.emit("session_confirm", session["sender"], room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: dict) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            sender = session["sender"]
            text = (data or {}).get("message", "")
            if not isinstance(text, str):
                return
            metadata = (data or {}).get("customData") or {}
            metadata = dict(metadata) if isinstance(metadata, dict) else {}
            metadata.pop("puente", None)  # the channel's own, never the client's
            language = guard.language_of(metadata)

            async def say(key: str, **values) -> None:
                reply = {"text": guard.text(key, language, **values)}
                await sio.emit(self.bot_message_evt, reply, room=sid)

            # engine.io's Sanic driver reports every peer as 127.0.0.1, so no per-address
            # limit here: the web app limits widget sessions per address when it issues them.
            if await guard.admit("socketio", sender, None, self.limits):
                return await say("too_fast")
            if not text.strip():
                return await say("empty")
            if len(text) > self.limits.max_chars:
                guard.TURNS.labels("socketio", "too_long").inc()
                return await say("too_long", n=self.limits.max_chars)
            output = CountingSocketIOOutput(sio, self.bot_message_evt)
            message = UserMessage(
                text, output, sender, input_channel=self.name(), metadata=metadata
            )
            await guard.converse(
                "socketio",
                getattr(sio, "puente_app", None),
                sender,
                lambda: on_new_message(message),
                say,
                lambda: output.sent,
            )

        return bp
