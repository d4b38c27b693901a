"""WhatsApp over the Cloud API: signed webhooks shaped like Meta's, answered through a fake
Graph API on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.integration.conftest import WHATSAPP

pytestmark = pytest.mark.servers
SECRET = WHATSAPP["PUENTE_WHATSAPP_APP_SECRET"]
_ids = itertools.count(1)
# message ids unique to this run: Meta's ids are remembered (in Redis, for days) to answer a
# retried webhook once, and a later run must not look like a retry
RUN = uuid.uuid4().hex[:8]


def webhook(number: str, message: dict) -> dict:
    """The shape Meta documents for a messages webhook."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA_ID",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "5215550000000",
                                "phone_number_id": WHATSAPP["PUENTE_WHATSAPP_PHONE_NUMBER_ID"],
                            },
                            "contacts": [{"profile": {"name": "Rosa"}, "wa_id": number}],
                            "messages": [
                                {
                                    "from": number,
                                    "id": message.pop("id", f"wamid.in{RUN}.{next(_ids)}"),
                                    "timestamp": "1764300000",
                                    **message,
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def post(stack, payload: dict, secret: str | None = SECRET) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Hub-Signature-256"] = (
            "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        )
    return httpx.post(
        stack.url("rasa") + "/webhooks/whatsapp/webhook", content=body, headers=headers, timeout=30
    )


def text(body: str, **extra) -> dict:
    return {"type": "text", "text": {"body": body}, **extra}


def tap(payload: str, title: str = "x") -> dict:
    return {
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": payload, "title": title}},
    }


def said(messages: list[dict]) -> str:
    out = []
    for m in messages:
        if m["type"] == "text":
            out.append(m["text"]["body"])
        elif m["type"] == "interactive":
            out.append(m["interactive"]["body"]["text"])
            action = m["interactive"]["action"]
            out += [b["reply"]["title"] for b in action.get("buttons", [])]
            for section in action.get("sections", []):
                out += [f"{r['title']} | {r.get('description', '')}" for r in section["rows"]]
        elif m["type"] == "image":
            out.append(m["image"]["link"])
    return "\n".join(out)


def turn(stack, graph_api, number: str, message: dict, expect: str) -> str:
    before = len(graph_api.to(number))
    assert post(stack, webhook(number, message)).status_code == 200
    got = graph_api.wait_for(number, lambda ms: expect in said(ms[before:]))
    return said(got[before:])


def test_webhook_verification(stack):
    url = stack.url("rasa") + "/webhooks/whatsapp/webhook"
    ok = httpx.get(
        url,
        params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"},
    )
    assert ok.status_code == 200 and ok.text == "42"
    bad = httpx.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"}
    )
    assert bad.status_code == 403


def test_a_complete_conversation_over_whatsapp_reaches_a_plan(stack, graph_api):
    me = "5215550001111"
    reply = turn(stack, graph_api, me, text("hola"), "¿Aceptas?")
    assert "Acepto" in reply  # reply buttons
    turn(stack, graph_api, me, tap("/affirm", "Acepto"), "Cuéntame de un trabajo")
    turn(
        stack,
        graph_api,
        me,
        text(
            "Trabajé tres años de cajera en un supermercado: cobraba, hacía el cierre de "
            "caja y atendía reclamos."
        ),
        "Anotado",
    )
    turn(stack, graph_api, me, tap("/deny", "No, es todo"), "Estas son las habilidades")
    turn(stack, graph_api, me, tap("/affirm", "Están bien"), "¿Qué trabajo te gustaría")
    reply = turn(stack, graph_api, me, text("quiero ser supervisora de tienda"), "supervisor/a")
    assert "1. supervisor/a de tienda" in reply and "shop supervisor" not in reply
    before = len(graph_api.to(me))
    assert (
        post(
            stack, webhook(me, tap('/select_number{"number": "1"}', "supervisor/a de…"))
        ).status_code
        == 200
    )
    got = graph_api.wait_for(
        me, lambda ms: any(k in said(ms[before:]) for k in ("¿Cuánto dinero", "¿Ya hiciste"))
    )
    if "¿Ya hiciste" in said(got[before:]):  # the target's skills in doubt: "Ninguna"
        turn(stack, graph_api, me, tap("/deny", "Ninguna"), "¿Cuánto dinero")
    turn(stack, graph_api, me, text("50 dólares"), "¿Cuántas horas")
    turn(stack, graph_api, me, text("5 horas por semana por 3 meses"), "en línea")
    reply = turn(stack, graph_api, me, tap('/choose_mode{"mode": "any"}', "Me da igual"), "Tu plan")
    assert "Cubre:" in reply and "/charts/" in reply  # the chart went as an image
    assert all(m["auth"] == "Bearer graph-token-for-tests" for m in graph_api.to(me))
    for m in graph_api.to(me):
        if m["type"] == "text":
            assert len(m["text"]["body"]) <= 4096
        if m["type"] == "interactive":
            # WhatsApp's limits: body 1,024 characters, 3 buttons of 20, list rows of 24, 10 rows
            assert 0 < len(m["interactive"]["body"]["text"]) <= 1024
            action = m["interactive"]["action"]
            assert len(action.get("buttons", [])) <= 3
            assert all(len(b["reply"]["title"]) <= 20 for b in action.get("buttons", []))
            rows = [r for section in action.get("sections", []) for r in section["rows"]]
            assert len(rows) <= 10 and all(len(r["title"]) <= 24 for r in rows)
            # a title is never cut inside a word: a shortened one ends at a word's end and
            # its description holds the whole name
            titles = [b["reply"]["title"] for b in action.get("buttons", [])]
            for row in rows:
                if row["title"].endswith("…"):
                    kept = row["title"][:-1]
                    assert row["description"].startswith(kept + " "), row
                titles.append(row["title"])
            assert all(not t.endswith("…") or " " in t or len(t) < 20 for t in titles)


def test_bad_or_missing_signatures_are_refused_and_nothing_is_stored(stack, graph_api):
    from assistant.db.session import session_scope
    from assistant.profiles import repository as repo

    me = "5215550002222"
    assert post(stack, webhook(me, text("hola")), secret="wrong").status_code == 403
    assert post(stack, webhook(me, text("hola")), secret=None).status_code == 403
    tracker = httpx.get(
        stack.url("rasa") + f"/conversations/whatsapp:+{me}/tracker", headers=stack.admin_headers()
    ).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]
    with session_scope() as session:
        assert repo.get_conversation(session, f"whatsapp:+{me}") is None
    assert graph_api.to(me) == []


def test_the_same_message_delivered_twice_is_answered_once(stack, graph_api):
    me = "5215550003333"
    payload = webhook(me, text("hola", id="wamid.duplicate-1"))
    assert post(stack, payload).status_code == 200
    assert post(stack, json.loads(json.dumps(payload))).status_code == 200
    graph_api.wait_for(me, lambda ms: "¿Aceptas?" in said(ms))
    import time

    time.sleep(3)
    assert said(graph_api.to(me)).count("¿Aceptas?") == 1


def test_fifty_webhooks_at_once_are_all_answered(stack, graph_api):
    numbers = [f"52155510{i:05d}" for i in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(lambda n: post(stack, webhook(n, text("hola"))).status_code, numbers))
    assert codes == [200] * 50
    for number in numbers:
        graph_api.wait_for(number, lambda ms: "¿Aceptas?" in said(ms), timeout=300)


def test_media_gets_a_polite_explanation(stack, graph_api):
    me = "5215550004444"
    post(
        stack, webhook(me, {"type": "audio", "audio": {"id": "MEDIA_ID", "mime_type": "audio/ogg"}})
    )
    graph_api.wait_for(me, lambda ms: "solo puedo leer mensajes de texto" in said(ms))


def test_a_counsellors_takeover_message_reaches_whatsapp(stack, graph_api):
    me = "5215550005555"
    turn(stack, graph_api, me, text("hola"), "¿Aceptas?")
    turn(stack, graph_api, me, tap("/affirm", "Acepto"), "Cuéntame")
    turn(stack, graph_api, me, text("quiero hablar con una persona"), "Te pongo en contacto")
    from assistant.services import rasa_api

    env = {
        "PUENTE_RASA_PORT": str(stack.ports["rasa"]),
        "PUENTE_RASA_JWT_SECRET": stack.env["PUENTE_RASA_JWT_SECRET"],
    }
    _with_env(
        env,
        lambda: (
            # the conversation's id, as the WhatsApp channel namespaces it
            rasa_api.pause(f"whatsapp:+{me}"),
            rasa_api.send(f"whatsapp:+{me}", "Hola Rosa, soy Ana, tu orientadora.", "Ana"),
        ),
    )
    graph_api.wait_for(me, lambda ms: "soy Ana" in said(ms))


def _with_env(env: dict, fn):
    import os

    from assistant.config import get_settings

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        return fn()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
