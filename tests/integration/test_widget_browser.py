"""The chat widget in a real browser against the real stack, and the socket.io channel's
defences (token, Origin, length) exercised from a page."""

from __future__ import annotations

import http.server
import threading
import time

import jwt
import pytest

from tests.browser import browser_context
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
    """A worker opens the widget on the home page, greets and accepts the privacy notice."""
    page.goto(stack.url("web") + "/")
    page.get_by_role("button", name="Hablar con Puente").click()
    page.get_by_label("Escribe tu mensaje…").fill("hola")
    page.keyboard.press("Enter")
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
    # WHEN the page is reloaded THEN the transcript is still there and the bot continues the
    # same conversation (it knows the experience told before the reload)
    page.reload()
    page.get_by_role("button", name="Hablar con Puente").click()
    assert "Anotado" in bot_text(page)
    page.get_by_label("Escribe tu mensaje…").fill("no, eso es todo")
    page.keyboard.press("Enter")
    wait_for(page, "Estas son las habilidades")
    assert "operate cash register" in bot_text(page)


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
