"""The chat widget in a real browser against the real stack (a laptop's size here; a phone's
in test_widget_phone.py), and the socket.io channel's defences (token, Origin, length)
exercised from a page."""

from __future__ import annotations

import http.server
import json
import threading
import time

import jwt
import pytest

from tests.browser import DESKTOP, axe_violations, browser_context, contrast
from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.servers
DOCS = ROOT / "docs"


@pytest.fixture()
def page(stack):
    with browser_context(viewport={"width": 420, "height": 760}) as context:
        yield context.new_page()


def bot_text(page) -> str:
    return page.locator(".puente-log").inner_text()


def wait_for(page, text: str, timeout: float = 120_000) -> None:
    page.locator(".puente-log").get_by_text(text, exact=False).last.wait_for(timeout=timeout)


def open_the_widget_and_consent(stack, page) -> None:
    """A worker opens the widget on the home page (the greeting comes without typing) and
    accepts the privacy notice."""
    page.goto(stack.url("web") + "/")
    page.get_by_role("button", name="Hablar con Puente").click()
    wait_for(page, "¿Aceptas?")
    page.get_by_role("button", name="Acepto").click()
    wait_for(page, "Cuéntame de un trabajo")


def test_a_worker_chats_in_the_widget_and_a_reload_keeps_the_conversation(stack, page):
    open_the_widget_and_consent(stack, page)
    page.get_by_label("Escribe tu mensaje…").fill(
        "Trabajé dos años de cajera en una tienda: cobraba, hacía el cierre de caja y atendía "
        "a los clientes."
    )
    page.get_by_role("button", name="Enviar").click()
    wait_for(page, "Anotado")
    page.screenshot(path=str(DOCS / "widget.png"))
    # WHEN the page is reloaded THEN the panel is still open, the transcript is still there
    # and the bot continues the same conversation (it knows the experience told before)
    page.reload()
    page.locator(".puente-panel").wait_for(state="visible", timeout=10_000)
    assert "Anotado" in bot_text(page)
    page.get_by_label("Escribe tu mensaje…").fill("no, eso es todo")
    page.keyboard.press("Enter")
    wait_for(page, "Estas son las habilidades")
    assert "manejar una caja registradora" in bot_text(page)  # ESCO's Spanish label


def _try_connect(page, stack, token) -> str:
    return page.evaluate(
        """([url, token]) => new Promise(resolve => {
            const s = io(url, {path: "/socket.io", transports: ["websocket"], auth: {token},
                               reconnection: false});
            s.on("connect", () => { s.close(); resolve("connected"); });
            s.on("connect_error", e => resolve("refused: " + e.message));
            setTimeout(() => resolve("timeout"), 15000);
        })""",
        [stack.url("rasa"), token],
    )


def _token(stack, **claims) -> str:
    now = int(time.time())
    base = {"sub": "web-test", "aud": "puente-widget", "iat": now, "exp": now + 300}
    secret = claims.pop("secret", stack.env["PUENTE_WIDGET_JWT_SECRET"])
    return jwt.encode({**base, **claims}, secret, algorithm="HS256")


def test_forged_and_expired_tokens_are_refused(stack, page):
    page.goto(stack.url("web") + "/docs")
    page.add_script_tag(url=stack.url("web") + "/static/vendor/socket.io.min.js")
    assert _try_connect(page, stack, _token(stack)) == "connected"
    assert _try_connect(page, stack, _token(stack, secret="not-the-secret")).startswith("refused")
    assert _try_connect(page, stack, _token(stack, exp=int(time.time()) - 60)).startswith("refused")
    assert _try_connect(page, stack, _token(stack, aud="someone-else")).startswith("refused")
    assert _try_connect(page, stack, None).startswith("refused")


def test_a_foreign_origin_is_refused(stack, page):
    port = free_port()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), http.server.SimpleHTTPRequestHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{port}/")  # any page of another origin
        page.add_script_tag(url=stack.url("web") + "/static/vendor/socket.io.min.js")
        assert _try_connect(page, stack, _token(stack)).startswith("refused")
    finally:
        server.shutdown()


def test_an_over_long_message_gets_a_clear_reply(stack, page):
    page.goto(stack.url("web") + "/docs")
    page.add_script_tag(url=stack.url("web") + "/static/vendor/socket.io.min.js")
    reply = page.evaluate(
        """([url, token, text]) => new Promise(resolve => {
            const s = io(url, {path: "/socket.io", transports: ["websocket"], auth: {token}});
            const data = {message: text, customData: {language: "es"}};
            s.on("connect", () => s.emit("user_uttered", data));
            s.on("bot_uttered", m => { s.close(); resolve(m.text); });
            setTimeout(() => resolve("timeout"), 15000);
        })""",
        [stack.url("rasa"), _token(stack, sub="web-long"), "a" * 2500],
    )
    assert "muy largo" in reply and "2000" in reply


def test_deleting_my_data_also_clears_the_widgets_copy_and_starts_afresh(stack, page):
    # GIVEN a worker who consented in the widget
    open_the_widget_and_consent(stack, page)
    first_token = page.evaluate("localStorage.getItem('puente.token')")
    # WHEN they ask to delete their data and confirm
    page.get_by_label("Escribe tu mensaje…").fill("borra mis datos")
    page.keyboard.press("Enter")
    wait_for(page, "¿Seguro")
    page.get_by_role("button", name="Sí, borrar").click()
    wait_for(page, "borré todos tus datos")
    # THEN the answer says what was erased, the browser keeps no transcript or session,
    # and the next message starts a new conversation (the privacy question again)
    assert "Borrado: 1 registro de conversación" in bot_text(page)
    assert "Cuéntame de un trabajo" not in bot_text(page)
    assert page.evaluate("localStorage.getItem('puente.log')") in (None, "[]")
    page.get_by_label("Escribe tu mensaje…").fill("hola")
    page.keyboard.press("Enter")
    wait_for(page, "¿Aceptas?")
    assert page.evaluate("localStorage.getItem('puente.token')") != first_token


@pytest.fixture()
def desk(stack):
    with browser_context(**DESKTOP) as context:
        yield context.new_page()


def test_on_a_laptop_the_widget_greets_at_once_and_choices_stay_legible(stack, desk):
    # WHEN a worker opens the widget for the first time
    desk.goto(stack.url("web") + "/")
    desk.get_by_role("button", name="Hablar con Puente").click()
    # THEN the bot's greeting and privacy question come without typing anything, and what
    # the widget said to get them is not shown as the worker's
    wait_for(desk, "¿Aceptas?", timeout=30_000)
    assert "Soy Puente" in bot_text(desk)
    assert desk.locator(".puente-user").count() == 0
    # AND the page with the widget open has no serious or critical accessibility problem
    assert axe_violations(desk) == []
    # WHEN they choose "Acepto"
    desk.get_by_role("button", name="Acepto").click()
    # THEN focus stays in the widget, on the text box, not on the page
    assert desk.evaluate("document.activeElement.tagName") == "TEXTAREA"
    wait_for(desk, "Cuéntame de un trabajo")
    # AND the used choices stay legible (4.5:1), the chosen one marked as chosen
    chosen = desk.locator(".puente-used button", has_text="Acepto")
    other = desk.locator(".puente-used button", has_text="No, gracias")
    assert chosen.get_attribute("aria-pressed") == "true"
    assert other.get_attribute("aria-pressed") == "false"
    assert contrast(chosen) >= 4.5 and contrast(other) >= 4.5
    assert axe_violations(desk) == []


def _history(n: int) -> list[dict]:
    first = [
        {"from": "bot", "text": "¡Hola! Soy Puente (el saludo de hace un mes)."},
        {"from": "user", "text": "Acepto"},
        {"from": "user", "text": "Fui cajera en una panadería (la primera historia)."},
    ]
    return first + [
        {"from": "bot" if i % 2 else "user", "text": f"mensaje {i} " + "bla " * 20}
        for i in range(n - len(first))
    ]


def _seed(page, stack, items: list[dict]) -> None:
    page.goto(stack.url("web") + "/")
    page.evaluate("items => localStorage.setItem('puente.log', JSON.stringify(items))", items)
    page.reload()
    page.get_by_role("button", name="Hablar con Puente").click()


def _stored(page) -> list[dict]:
    return json.loads(page.evaluate("localStorage.getItem('puente.log')"))


def test_a_long_conversation_is_kept_whole_after_a_reload(stack, desk):
    # GIVEN a conversation of 150 messages kept in this browser
    _seed(desk, stack, _history(150))
    # WHEN the worker writes again and reloads the page
    desk.get_by_label("Escribe tu mensaje…").fill("hola")
    desk.keyboard.press("Enter")
    wait_for(desk, "¿Aceptas?")
    desk.reload()
    # THEN the panel is open as it was, and the beginning (greeting, consent, first story)
    # is still there, with everything after it
    desk.locator(".puente-panel").wait_for(state="visible", timeout=10_000)
    assert "el saludo de hace un mes" in bot_text(desk)
    assert "la primera historia" in bot_text(desk)
    assert len(_stored(desk)) >= 152
    assert desk.locator(".puente-msg").count() >= 152


def test_a_very_long_conversation_is_bounded_without_losing_its_beginning(stack, desk):
    # GIVEN 1000 messages kept in this browser (more than it keeps)
    _seed(desk, stack, _history(1000))
    desk.get_by_label("Escribe tu mensaje…").fill("hola")
    desk.keyboard.press("Enter")
    wait_for(desk, "¿Aceptas?")
    # THEN what is kept is bounded, starts as the conversation started, says how much of the
    # middle was dropped, and ends with the latest messages
    items = _stored(desk)
    assert len(items) <= 400 and len(json.dumps(items)) <= 400_000
    assert "el saludo de hace un mes" in items[0]["text"]
    gap = next(i for i in items if i["from"] == "gap")
    assert gap["n"] > 500
    assert items[-1]["from"] == "bot"
    desk.reload()
    desk.locator(".puente-panel").wait_for(state="visible", timeout=10_000)
    assert "ya no se guardan en este navegador" in bot_text(desk)
    assert "el saludo de hace un mes" in bot_text(desk)
