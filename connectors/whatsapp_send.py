"""Shaping bot messages for WhatsApp: reply buttons (<= 3, titles <= 20 characters), lists
(<= 10 rows, titles <= 24), numbered text otherwise, and texts split under a channel's limit
on sentence boundaries. Pure functions, shared by the Cloud API and Twilio channels."""

from __future__ import annotations

import hashlib
import re

# What a message without text (audio, image, sticker, location, document) gets back.
NO_TEXT = "Por ahora solo puedo leer mensajes de texto. ¿Me lo escribes, por favor?"
CLOUD_TEXT_LIMIT = 4096
TWILIO_TEXT_LIMIT = 1600


def masked(number: str) -> str:
    """Phone numbers never go to the logs in clear."""
    return "wa:" + hashlib.sha256(number.encode()).hexdigest()[:10]


def split_text(text: str, limit: int) -> list[str]:
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for piece in re.split(r"(?<=[.!?\n])\s+", text):
        while len(piece) > limit:  # a single over-long sentence: cut at a space
            cut = piece.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(piece[:cut].rstrip())
            piece = piece[cut:].lstrip()
        candidate = f"{current} {piece}".strip() if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut between words (never inside one, where a word fits),
    without a dangling 'de' or 'of', then '…'."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for word in text.split(" "):
        if len(" ".join([*kept, word])) > limit - 1:
            break
        kept.append(word)
    while kept and kept[-1].lower() in _DANGLING:
        kept.pop()
    return (" ".join(kept) if kept else text[: limit - 1]) + "…"


_DANGLING = {
    "de", "del", "la", "el", "los", "las", "en", "y", "o", "a", "con", "para", "por", "al",
    "of", "the", "and", "or", "for", "in", "on", "to", "with", "da", "do", "das", "dos", "e",
}  # fmt: skip


def choices_payload(text: str, buttons: list[dict]) -> dict | None:
    """An interactive message for 1-10 choices; None when there are more (numbered text)."""
    if not buttons:
        return None
    body = {"text": _cut(text or "·", 1024)}
    # Reply buttons hold 20 characters; a list row holds 24 and a 72-character description,
    # so choices with longer names (job titles, mostly) go in a list with the whole name.
    if len(buttons) <= 3 and all(len(" ".join(b["title"].split())) <= 20 for b in buttons):
        return {
            "type": "button",
            "body": body,
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {
                            "id": str(b.get("payload") or b["title"])[:256],
                            "title": _cut(b["title"], 20),
                        },
                    }
                    for b in buttons
                ]
            },
        }
    if len(buttons) <= 10:
        return {
            "type": "list",
            "body": body,
            "action": {
                "button": "Opciones",
                "sections": [
                    {
                        "title": "Opciones",
                        "rows": [_row(b) for b in buttons],
                    }
                ],
            },
        }
    return None


def _row(button: dict) -> dict:
    title = " ".join(str(button["title"]).split())
    row = {"id": str(button.get("payload") or title)[:200], "title": _cut(title, 24)}
    if row["title"] != title:
        row["description"] = _cut(title, 72)
    return row


def numbered(text: str, buttons: list[dict]) -> str:
    lines = [text] if text else []
    lines += [f"{i}. {b['title']}" for i, b in enumerate(buttons, 1)]
    return "\n".join(lines)
