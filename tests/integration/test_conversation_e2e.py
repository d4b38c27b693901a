"""Complete conversations through the REST channel against the real Rasa and action servers,
checked in the database (conversation, profile versions, plan), not only in the replies.
Buttons are sent as their payloads, as a channel does when one is tapped."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from assistant.db.conversation_models import Conversation, PlanRecord, ProfileVersion
from assistant.db.session import session_scope
from assistant.profiles.repository import sender_hash

pytestmark = pytest.mark.servers


def chat(stack, sender: str, message: str) -> str:
    response = httpx.post(
        stack.url("rasa") + "/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=180,
    )
    assert response.status_code == 200, response.text
    replies = response.json()
    assert replies, f"the bot stayed silent after {message!r}"
    return "\n".join(r.get("text") or r.get("image") or "" for r in replies)


def stored(sender: str):
    """What our tables hold for the REST channel's conversation `rest:<sender>`."""
    with session_scope() as session:
        row = session.scalar(
            select(Conversation).where(Conversation.sender_hash == sender_hash(f"rest:{sender}"))
        )
        if row is None:
            return None, [], []
        profiles = session.scalars(
            select(ProfileVersion)
            .where(ProfileVersion.conversation_id == row.id)
            .order_by(ProfileVersion.version)
        ).all()
        plans = session.scalars(
            select(PlanRecord).where(PlanRecord.conversation_id == row.id)
        ).all()
        session.expunge_all()
        return row, profiles, plans


def test_a_complete_conversation_in_spanish(stack):
    me = "e2e-es"
    assert "¿Aceptas?" in chat(stack, me, "hola, buenas tardes")
    assert "Cuéntame de un trabajo" in chat(stack, me, "sí, acepto")
    reply = chat(
        stack,
        me,
        "Trabajé tres años de cajera en un supermercado. Cobraba en la caja, hacía el cierre y "
        "atendía los reclamos de los clientes y le enseñaba a las nuevas a usar la caja.",
    )
    assert "Anotado" in reply and "¿Hiciste algún otro trabajo" in reply
    reply = chat(stack, me, "no, eso es todo")
    assert "Estas son las habilidades" in reply and "«" in reply
    assert "¿Qué trabajo te gustaría" in chat(stack, me, "/affirm")
    reply = chat(stack, me, "quiero ser supervisora de tienda")
    assert "1. shop supervisor" in reply
    assert "¿Cuánto dinero" in chat(stack, me, '/select_number{"number": "1"}')
    assert "¿Cuántas horas" in chat(stack, me, "puedo gastar unos 60 dólares")
    assert "en línea, presenciales" in chat(stack, me, "5 horas a la semana durante 3 meses")
    reply = chat(stack, me, '/choose_mode{"mode": "any"}')
    assert "Tu plan" in reply and "Cubre:" in reply, reply
    # the chart image: drawn by the web app when first fetched, then kept
    chart_url = re.search(r"http://\S+/charts/[0-9a-f]{24}\.png", reply).group()
    for _ in range(2):
        image = httpx.get(chart_url, timeout=60)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content[:8] == b"\x89PNG\r\n\x1a\n"
    reply = chat(stack, me, "/affirm")
    assert "Tu código para volver" in reply and "/s/" in reply
    link = re.search(r"http://\S+/s/[A-Za-z0-9_-]{24}", reply).group()

    # THEN the database holds the conversation, the confirmed profile and the plan
    row, profiles, plans = stored(me)
    assert row.phase == "wrap_up" and row.state["goal"]["label"] == "shop supervisor"
    skills = profiles[-1].data["skills"]
    assert any(s["label"] == "operate cash register" and s["source"] == "confirmed" for s in skills)
    assert any(s["evidence"] for s in skills)
    plan = plans[-1]
    assert plan.occupation_uri == row.state["goal"]["uri"] and plan.data["offers"]
    assert plan.data["totals"]["cost"]["amount"] <= 60
    # AND the printable summary is served at the link, as a page, a PDF and JSON
    page = httpx.get(link, timeout=30)
    assert page.status_code == 200 and "shop supervisor" in page.text and "ESCO" in page.text
    pdf = httpx.get(f"{link}.pdf", timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = httpx.get(f"{link}.json", timeout=30).json()
    assert data["plan"]["offers"][0]["id"] == plan.data["offers"][0]["id"]
    # AND the resume code opens nothing on the web
    assert httpx.get(f"{stack.url('web')}/s/{row.resume_code}", timeout=30).status_code == 404


def test_a_complete_conversation_in_english_with_digressions(stack):
    me = "e2e-en"
    assert "Do you agree?" in chat(stack, me, "hello")
    chat(stack, me, "yes, I agree")
    reply = chat(
        stack,
        me,
        "I taught myself to build websites. I made sites for small shops with WordPress, "
        "wrote some HTML and CSS, and fixed their contact forms.",
    )
    assert "Noted" in reply
    reply = chat(stack, me, "nothing else")
    assert "These are the skills I found" in reply
    assert "Each skill comes from your own words" in chat(stack, me, "why?")
    assert "What job would you like" in chat(stack, me, "/affirm")
    assert "1. " in chat(stack, me, "I want to be a junior web developer")
    chat(stack, me, '/select_number{"number": "1"}')
    chat(stack, me, "about 100 dollars")
    chat(stack, me, "8 hours a week for 20 weeks")
    reply = chat(stack, me, '/choose_mode{"mode": "online"}')
    assert "Your plan" in reply and "Covers:" in reply
    assert "Cost:" in chat(stack, me, "tell me more about course 1")
    assert "seguimos en español" in chat(stack, me, "can we continue in Spanish?")
    row, profiles, plans = stored(me)
    assert row.language == "es" and plans and profiles
    assert all("online" == o["mode"] for o in plans[-1].data["offers"])


def test_declining_consent_keeps_nothing_in_our_tables(stack):
    me = "e2e-anon"
    chat(stack, me, "hola")
    assert "sin guardar nada" in chat(stack, me, "/deny")
    assert "Anotado" in chat(stack, me, "Cuidé a mi abuela: le daba sus medicamentos y la bañaba")
    row, profiles, plans = stored(me)
    assert row is None and not profiles and not plans


def test_a_returning_worker_resumes_with_the_code_and_can_delete_everything(stack):
    me = "e2e-return"
    chat(stack, me, "hola")
    chat(stack, me, "/affirm")
    chat(stack, me, "Trabajé en el campo cosechando fruta y cargando los camiones por dos años")
    row, _, _ = stored(me)
    reply = chat(stack, "e2e-return-new-phone", f"mi código es {row.resume_code}")
    assert "¿La sigo en este dispositivo?" in reply  # nothing moves before a yes
    assert stored(me)[0] is not None
    assert "Seguimos donde quedamos" in chat(stack, "e2e-return-new-phone", "/affirm")
    moved, profiles, _ = stored("e2e-return-new-phone")
    assert moved is not None and moved.id == row.id and profiles
    assert "¿Seguro" in chat(stack, "e2e-return-new-phone", "borra mis datos")
    assert "borré todos tus datos" in chat(stack, "e2e-return-new-phone", "/affirm")
    assert stored("e2e-return-new-phone")[0] is None


def test_gibberish_twice_offers_a_person(stack):
    me = "e2e-lost"
    chat(stack, me, "hola")
    chat(stack, me, "/affirm")
    chat(stack, me, "/nlu_fallback")
    reply = chat(stack, me, "/nlu_fallback")
    assert "¿Quieres hablar con una persona?" in reply


def _rasa_events(sender: str) -> int:
    from assistant.privacy import rasa_event_count

    with session_scope() as session:
        return rasa_event_count(session, [f"rest:{sender}"])


def test_privacy_export_and_delete_by_code_erase_rasa_events_too(stack):
    import json
    import subprocess

    from tests.conftest import ROOT

    me = "e2e-privacy"
    chat(stack, me, "hola")
    chat(stack, me, "/affirm")
    chat(stack, me, "Cuidé a mi abuela: le daba sus medicamentos y la bañaba")
    row, _, _ = stored(me)
    cli = str(ROOT / ".venv/bin/assistant")
    exported = json.loads(
        subprocess.run(
            [cli, "privacy", "export", row.resume_code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert exported["profile_versions"] and exported["rasa_events"] > 0
    result = json.loads(
        subprocess.run(
            [cli, "privacy", "delete", row.resume_code, "--yes"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert result["before"]["rasa_events"] > 0 and result["before"]["conversation"] == 1
    assert set(result["after"].values()) == {0}
    assert stored(me)[0] is None and _rasa_events(me) == 0


def test_delete_my_data_in_chat_also_erases_the_chat_history(stack):
    import time

    me = "e2e-forget-me"
    chat(stack, me, "hola")
    chat(stack, me, "/affirm")
    chat(stack, me, "borra mis datos")
    assert "borré todos tus datos" in chat(stack, me, "/affirm")
    deadline = time.monotonic() + 30
    while _rasa_events(me) and time.monotonic() < deadline:
        time.sleep(1)
    assert _rasa_events(me) == 0 and stored(me)[0] is None
