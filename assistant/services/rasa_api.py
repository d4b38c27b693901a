"""Rasa's HTTP API, as the console and the dialogue use it (JWT-protected): read a transcript,
pause the bot (take over), send a counsellor's message to the worker on their own channel,
tell the worker when a person joins or leaves, resume, and tell a device that its
conversation moved to another.

A counsellor's words and the join/leave notices are bot events marked as a person's: the
metadata keeps the counsellor's full name (the console's transcript), and `custom` carries
the name the worker sees ({"counsellor": "Ana"}), which the widget's channel delivers with
the text as one message (connectors/socketio_channel.py). WhatsApp and Twilio send the text
as usual and ignore that custom part (their send_custom_json only acts on list rows)."""

from __future__ import annotations

import time

import httpx
import jwt

from assistant.config import get_settings
from assistant.errors import PuenteError


class RasaUnavailable(PuenteError):
    """Rasa's HTTP API could not be reached or refused the request."""


def _headers(sender: str) -> dict:
    """A one-minute token for this one conversation: Rasa's role "user" only reaches the
    conversation whose id is the username, so the console never holds an admin token."""
    settings = get_settings()
    token = jwt.encode(
        {"user": {"username": sender, "role": "user"}, "exp": int(time.time()) + 60},
        settings.rasa_jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    return {"Authorization": f"Bearer {token}"}


def _url(sender: str, path: str) -> str:
    from urllib.parse import quote

    settings = get_settings()
    base = f"http://{settings.host}:{settings.rasa_port}"
    # Rasa's routes (Sanic) do not unquote path parameters: the channel prefix's ":" and a
    # phone number's "+" must arrive as they are ("whatsapp:+57...")
    return f"{base}/conversations/{quote(sender, safe=':+@')}{path}"


def _call(method: str, sender: str, path: str, **kwargs) -> httpx.Response:
    url = _url(sender, path)
    try:
        response = httpx.request(method, url, headers=_headers(sender), timeout=30, **kwargs)
    except httpx.HTTPError as exc:
        raise RasaUnavailable(f"Rasa's API is not reachable: {exc}") from exc
    if response.status_code >= 400:
        raise RasaUnavailable(f"Rasa's API refused ({response.status_code}): {response.text[:200]}")
    return response


def transcript(sender: str) -> list[dict]:
    events = _call("GET", sender, "/tracker", params={"include_events": "ALL"}).json()
    out = []
    for e in events.get("events", []):
        if e.get("event") == "user":
            out.append({"from": "user", "text": e.get("text") or "", "at": e.get("timestamp")})
        elif e.get("event") == "bot" and (e.get("metadata") or {}).get("notice"):
            out.append({"from": "system", "text": e.get("text") or "", "at": e.get("timestamp")})
        elif e.get("event") == "bot":
            who = (e.get("metadata") or {}).get("counsellor")
            out.append(
                {
                    "from": "counsellor" if who else "bot",
                    "who": who,
                    "text": e.get("text") or "",
                    "at": e.get("timestamp"),
                }
            )
        elif e.get("event") in ("pause", "resume"):
            out.append({"from": "system", "text": e["event"], "at": e.get("timestamp")})
    return out


def pause(sender: str) -> None:
    _call("POST", sender, "/tracker/events", json=[{"event": "pause"}])


def resume(sender: str, state: dict | None = None) -> None:
    """Hand back to the bot; with `state`, the conversation's state (its phase) is replaced.
    action_listen after resume: otherwise Rasa predicts from a half-finished turn."""
    events: list[dict] = [{"event": "resume"}]
    if state is not None:
        events.append({"event": "slot", "name": "puente_state", "value": state})
    events.append({"event": "action", "name": "action_listen"})
    _call("POST", sender, "/tracker/events", json=events)


NOTICES = {
    "joined": {
        "es": "{name}, de orientación laboral, se unió a la conversación.",
        "en": "{name}, a careers counsellor, joined the conversation.",
    },
    "left": {
        "es": "{name} dejó la conversación: sigues con Puente.",
        "en": "{name} left the conversation: you're back with Puente.",
    },
}


def shown_name(counsellor: str) -> str:
    """The name a worker sees: the first name only ("Ana Pérez" -> "Ana")."""
    return (counsellor or "").split()[0] if (counsellor or "").strip() else "—"


def _say_as(sender: str, text: str, counsellor: str, notice: str | None = None) -> None:
    custom = {"counsellor": shown_name(counsellor)}
    metadata = {"counsellor": counsellor}
    if notice:
        custom["notice"] = metadata["notice"] = notice
    _call(
        "POST",
        sender,
        "/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true"},
        json=[{"event": "bot", "text": text, "data": {"custom": custom}, "metadata": metadata}],
    )


def send(sender: str, text: str, counsellor: str) -> None:
    """A bot event with the counsellor's words, sent on the worker's latest channel, marked
    as a person's."""
    _say_as(sender, text, counsellor)


def joined(sender: str, counsellor: str, language: str = "es") -> None:
    """Tell the worker that a person took the conversation ("Ana, ... se unió ...")."""
    _notice(sender, "joined", counsellor, language)


def left(sender: str, counsellor: str, language: str = "es") -> None:
    """Tell the worker that the person left and Puente answers again."""
    _notice(sender, "left", counsellor, language)


def _notice(sender: str, which: str, counsellor: str, language: str) -> None:
    texts = NOTICES[which]
    text = texts.get(language, texts["es"]).format(name=shown_name(counsellor))
    _say_as(sender, text, counsellor, notice=which)


def tell_moved(sender: str, text: str) -> None:
    """The device a conversation was moved away from: its state is cleared (it starts anew if
    it writes again) and it is told why, on its own channel."""
    _call(
        "POST",
        sender,
        "/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true"},
        json=[
            {"event": "slot", "name": "puente_state", "value": None},
            {"event": "bot", "text": text},
        ],
    )
