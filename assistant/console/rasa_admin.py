"""Rasa's HTTP API, as the console uses it (JWT-protected): read a transcript, pause the bot
(take over), send a counsellor's message to the worker on their own channel, and resume."""

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
    return f"{base}/conversations/{quote(sender, safe='')}{path}"


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


def send(sender: str, text: str, counsellor: str) -> None:
    """A bot event with the counsellor's words, sent on the worker's latest channel."""
    _call(
        "POST",
        sender,
        "/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true"},
        json=[{"event": "bot", "text": text, "metadata": {"counsellor": counsellor}}],
    )
