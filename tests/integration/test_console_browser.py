"""The counsellor console in a real browser: a worker asks for a person in the widget (on a
phone); a counsellor logs in, sees the queue, takes over and writes; the worker is told that
a person joined, the message reaches the widget as that person's (not the bot's) and the bot
stays silent; after the hand-back the worker is told so and the bot answers again. A
counsellor downloads what Puente knows about a person and deletes it. All of it under the
console's strict Content-Security-Policy (a page that needed an inline script would break
here)."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.browser import PHONE, axe_violations, chromium
from tests.conftest import ROOT
from tests.integration.test_widget_browser import wait_for

pytestmark = pytest.mark.servers
PASSWORD = "correct horse battery"
REASON = "La persona pidió en la oficina que borremos todo"


@pytest.fixture(scope="module")
def counsellor(esco_db):
    from assistant.console.auth import add_counsellor
    from assistant.db.session import session_scope

    with session_scope() as session:
        add_counsellor(session, "ana@example.org", "Ana Orientadora", PASSWORD, "counsellor")
    return "ana@example.org"


def _send(page, text: str, box: str = "Escribe tu mensaje…") -> None:
    page.get_by_label(box).fill(text)
    page.keyboard.press("Enter")


def _ask_for_a_person(worker, web: str, lang: str = "es") -> None:
    """A worker opens the widget (the greeting comes by itself), consents and asks for a
    person."""
    worker.goto(web + ("/?lang=en" if lang == "en" else "/"))
    worker.get_by_role(
        "button", name="Chat with Puente" if lang == "en" else "Hablar con Puente"
    ).click()
    wait_for(worker, "Do you agree?" if lang == "en" else "¿Aceptas?")
    worker.get_by_role("button", name="I agree" if lang == "en" else "Acepto").click()
    wait_for(worker, "Tell me about a job" if lang == "en" else "Cuéntame de un trabajo")
    if lang == "en":
        _send(worker, "I want to talk to a person please", "Type your message…")
        wait_for(worker, "putting you in touch")
    else:
        _send(worker, "quiero hablar con una persona por favor")
        wait_for(worker, "Te pongo en contacto")


def test_take_over_write_and_hand_back(stack, counsellor):
    with chromium() as browser:
        worker = browser.new_context(**PHONE).new_page()
        _ask_for_a_person(worker, stack.url("web"))

        desk = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        _sign_in(desk, stack.url("web"), counsellor)
        row = desk.locator("#queue tr", has_text="quiero hablar con una persona")
        row.get_by_role("link", name="Abrir").click()
        desk.get_by_role("button", name="Tomar el caso", exact=True).click()
        # THEN the worker is told that a person joined (a notice, not the bot speaking)
        joined = worker.locator(".puente-notice", has_text="se unió a la conversación")
        joined.wait_for(timeout=30_000)
        assert joined.inner_text().startswith("Ana, de orientación laboral")
        desk.get_by_label("Mensaje para la persona").fill("Hola, soy Ana. ¿En qué te ayudo?")
        desk.get_by_role("button", name="Enviar").click()
        desk.screenshot(path=str(ROOT / "docs" / "console.png"), full_page=True)

        # THEN the counsellor's words reach the widget as a person's: their own style, their
        # name shown and read out first, never as the bot's; and the bot stays silent
        wait_for(worker, "soy Ana")
        said = worker.locator(".puente-counsellor", has_text="soy Ana")
        assert said.locator(".puente-who").inner_text() == "Ana · orientación laboral"
        assert said.locator(".puente-sr").text_content() == "Ana (orientación laboral): "
        assert worker.locator(".puente-bot", has_text="soy Ana").count() == 0
        before = worker.locator(".puente-bot").count()
        _send(worker, "busco trabajo de cajera")
        # AND no "Puente is typing" while a person holds the conversation
        assert not worker.locator(".puente-typing").is_visible()
        worker.wait_for_timeout(6000)
        assert not worker.locator(".puente-typing").is_visible()
        assert worker.locator(".puente-bot").count() == before
        worker.screenshot(path=str(ROOT / "docs" / "screenshots" / "widget-phone-4-counsellor.png"))
        assert axe_violations(worker) == []
        desk.reload()
        transcript = desk.locator("#transcript").inner_text()
        assert "busco trabajo de cajera" in transcript
        assert "Ana, de orientación laboral, se unió a la conversación." in transcript

        # WHEN handed back THEN the worker is told, and the bot answers the next message
        desk.get_by_role("button", name="Devolver a Puente").click()
        worker.locator(
            ".puente-notice", has_text="Ana dejó la conversación: sigues con Puente"
        ).wait_for(timeout=30_000)
        _send(worker, "gracias")
        worker.locator(".puente-bot").nth(before).wait_for(timeout=60_000)


def test_a_person_joining_and_leaving_is_told_in_the_conversations_language(stack, counsellor):
    with chromium() as browser:
        worker = browser.new_context(**PHONE).new_page()
        _ask_for_a_person(worker, stack.url("web"), "en")
        desk = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        _sign_in(desk, stack.url("web"), counsellor)
        row = desk.locator("#queue tr", has_text="I want to talk to a person")
        row.get_by_role("link", name="Abrir").click()
        desk.get_by_role("button", name="Tomar el caso", exact=True).click()
        worker.locator(
            ".puente-notice", has_text="Ana, a careers counsellor, joined the conversation."
        ).wait_for(timeout=30_000)
        desk.get_by_label("Mensaje para la persona").fill("Hi, I'm Ana. How can I help?")
        desk.get_by_role("button", name="Enviar").click()
        said = worker.locator(".puente-counsellor", has_text="How can I help?")
        said.wait_for(timeout=30_000)
        assert said.locator(".puente-sr").text_content() == "Ana (counsellor): "
        # WHEN the counsellor closes the case THEN the worker is told, in English
        desk.get_by_role("button", name="Cerrar caso").click()
        worker.locator(
            ".puente-notice", has_text="Ana left the conversation: you're back with Puente."
        ).wait_for(timeout=30_000)


def test_the_console_refuses_wrong_passwords_and_forms_without_csrf(stack, counsellor):
    web = stack.url("web")
    bad = httpx.post(web + "/console/login", data={"email": counsellor, "password": "nope"})
    assert bad.status_code == 401 and "wrong email or password" in bad.text
    with httpx.Client(base_url=web) as client:
        ok = client.post("/console/login", data={"email": counsellor, "password": PASSWORD})
        assert ok.status_code == 303
        assert client.get("/console").status_code == 200
        forged = client.post("/console/c/1/close", data={"csrf": "forged"})
        assert forged.status_code == 403
    assert httpx.get(web + "/console", follow_redirects=False).status_code == 303


def test_a_counsellor_started_session_is_continued_by_the_client_with_its_code(stack, counsellor):
    with chromium() as browser:
        desk = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        desk.goto(stack.url("web") + "/console/login")
        desk.get_by_label("Correo").fill(counsellor)
        desk.get_by_label("Contraseña").fill(PASSWORD)
        desk.get_by_role("button", name="Entrar").click()
        desk.get_by_role("link", name="Nueva sesión en persona").click()
        # the intake, done together in the widget on the counsellor's screen (it greets)
        wait_for(desk, "¿Aceptas?")
        desk.get_by_role("button", name="Acepto").click()
        wait_for(desk, "Cuéntame de un trabajo")
        _send(desk, "Cuidé a mi abuela cuatro años: le daba sus medicamentos y la bañaba")
        wait_for(desk, "Anotado")
        desk.get_by_role("button", name="Entregar la sesión a la persona").click()
        code = desk.locator("#case-code").inner_text()
        link = desk.locator("#case-link").get_attribute("href")
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert desk.locator("svg").count() >= 1  # the QR code

        # WHEN the client opens the link on their own phone THEN the same conversation goes on
        phone = browser.new_context(viewport={"width": 390, "height": 760}).new_page()
        phone.goto(link)
        # (after a yes: a code alone never moves a conversation)
        wait_for(phone, "¿La sigo en este dispositivo?")
        phone.get_by_role("button", name="Sí, seguir aquí").click()
        wait_for(phone, "Seguimos donde quedamos")
        _send(phone, "no, eso es todo")
        wait_for(phone, "Estas son las habilidades")


def _sign_in(desk, web: str, email: str) -> None:
    desk.goto(web + "/console/login")
    desk.get_by_label("Correo").fill(email)
    desk.get_by_label("Contraseña").fill(PASSWORD)
    desk.get_by_role("button", name="Entrar").click()


def test_a_counsellor_downloads_and_then_deletes_a_persons_data(stack, counsellor):
    from sqlalchemy import select

    from assistant.db.console_models import AuditEntry
    from assistant.db.session import session_scope

    web = stack.url("web")
    with chromium() as browser:
        # GIVEN a worker who told Puente about a job and then asked for a person
        worker = browser.new_context(viewport={"width": 420, "height": 760}).new_page()
        worker.goto(web + "/")
        worker.get_by_role("button", name="Hablar con Puente").click()
        wait_for(worker, "¿Aceptas?")
        worker.get_by_role("button", name="Acepto").click()
        wait_for(worker, "Cuéntame de un trabajo")
        _send(worker, "Cuidé a mi abuela cuatro años: le daba sus medicamentos y la bañaba")
        wait_for(worker, "Anotado")
        _send(worker, "necesito una persona de verdad")
        wait_for(worker, "Te pongo en contacto")

        # WHEN a counsellor signs in, opens the conversation and downloads "what we know"
        desk = browser.new_context(
            viewport={"width": 1100, "height": 900}, accept_downloads=True
        ).new_page()
        _sign_in(desk, web, counsellor)
        cookies = desk.context.cookies()
        session = next(c for c in cookies if c["name"] == "puente_console")
        assert session["httpOnly"] and session["sameSite"] == "Strict"
        assert session["path"] == "/console" and not session["secure"]  # http, not production
        desk.locator("#queue tr", has_text="necesito una persona de verdad").get_by_role(
            "link", name="Abrir"
        ).click()
        handoff_id = int(re.search(r"/console/c/(\d+)", desk.url).group(1))
        with desk.expect_download() as download:
            desk.get_by_role("button", name="Descargar lo que sabemos").click()
        # THEN the file holds the person's data, including that Rasa has their messages
        assert download.value.suggested_filename.startswith("puente-datos-")
        data = json.loads(open(download.value.path(), encoding="utf-8").read())
        experiences = data["profile_versions"][-1]["data"]["experiences"]
        assert any("abuela" in e for e in experiences) and data["rasa_events"] > 0

        # WHEN they follow "delete", see what would go, and confirm with the reason a
        # counsellor (not an admin) must give
        desk.get_by_role("link", name="Borrar los datos de esta persona").click()
        assert int(desk.locator("#count-rasa_events").inner_text()) > 0
        desk.get_by_label("Motivo del borrado (obligatorio)").fill(REASON)
        desk.get_by_role("button", name="Sí, borrar todo definitivamente").click()
        # THEN the page shows the counts before and after: nothing is left
        desk.get_by_role("heading", name="Datos borrados").wait_for()
        assert desk.locator("#before-conversation").inner_text() == "1"
        assert int(desk.locator("#before-rasa_events").inner_text()) > 0
        for key in ("conversation", "profile_versions", "plans", "handoffs", "rasa_events"):
            assert desk.locator(f"#after-{key}").inner_text() == "0"
        # AND the conversation page is gone
        assert desk.goto(f"{web}/console/c/{handoff_id}").status == 404

    # AND the audit log has both, with counts and the counsellor, not the data
    with session_scope() as session:
        entries = {
            e.action: e
            for e in session.scalars(
                select(AuditEntry).where(
                    AuditEntry.target == str(handoff_id),
                    AuditEntry.action.in_(("data_exported", "data_erased")),
                )
            )
        }
    assert set(entries) == {"data_exported", "data_erased"}
    assert entries["data_erased"].detail["before"]["rasa_events"] > 0
    assert entries["data_erased"].detail["reason"] == REASON
    assert entries["data_exported"].counsellor_id == entries["data_erased"].counsellor_id
    assert "abuela" not in json.dumps([e.detail for e in entries.values()])
