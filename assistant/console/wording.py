"""What the console shows a counsellor, in their words rather than the system's: statuses,
phases, channels and the transcript (button payloads and pause/resume events read as what
happened)."""

from __future__ import annotations

import json

from assistant.conversation.texts import PHASE_WORDS

STATUS = {"waiting": "esperando", "taken": "atendido", "closed": "cerrado"}
PHASE = PHASE_WORDS  # one list of phase names, also used in the reason a case gives
ROLE = {"admin": "administración", "counsellor": "orientación"}
CHANNEL = {"socketio": "chat web", "rest": "REST", "whatsapp": "WhatsApp", "twilio": "Twilio"}
PAYLOADS = {
    "affirm": "sí",
    "deny": "no",
    "add_experience": "agregar otro trabajo",
    "ask_human": "hablar con una persona",
    "greet": "hola",
    "delete_data": "borrar mis datos",
    "ask_my_data": "qué saben de mí",
}
SYSTEM = {
    "pause": "Puente en pausa: atiende una persona",
    "resume": "Puente retoma la conversación",
}


def payload_text(text: str) -> str:
    """A tapped button's payload ("/affirm", '/select_number{"number": "1"}') as words."""
    if not text.startswith("/"):
        return text
    name, _, rest = text[1:].partition("{")
    values: dict = {}
    if rest:
        try:
            values = json.loads("{" + rest)
        except ValueError:
            values = {}
    if name == "select_number" and "number" in values:
        words = f"la opción {values['number']}"
    elif name == "choose_mode" and "mode" in values:
        words = {"online": "en línea", "onsite": "presencial"}.get(values["mode"], "me da igual")
    else:
        words = PAYLOADS.get(name, name.replace("_", " "))
    return f"[botón] {words}"


def readable(transcript: list[dict]) -> list[dict]:
    """The transcript as a counsellor reads it: who, and what was meant."""
    out = []
    for m in transcript:
        who = {"user": "Persona", "bot": "Puente", "counsellor": m.get("who") or "Orientador/a"}
        if m["from"] == "system":
            out.append({**m, "who": "", "text": SYSTEM.get(m["text"], m["text"])})
        elif m["from"] == "user":
            out.append({**m, "who": who["user"], "text": payload_text(m.get("text") or "")})
        else:
            out.append({**m, "who": who.get(m["from"], "Puente")})
    return out
