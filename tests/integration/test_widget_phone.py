"""The chat widget on a phone (390x844, touch) against the real stack: the greeting at once,
a panel that fits the screen with 16 px text and 44 px targets, a reload that keeps the
panel and its choices, a typing line that never covers a message, a chart legible at that
width, and no serious accessibility problem. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
import secrets
import time
from urllib.parse import quote

import httpx
import jwt
import pytest

from tests.browser import PHONE, axe_violations, browser_context, contrast
from tests.conftest import ROOT
from tests.integration.test_widget_browser import wait_for

pytestmark = pytest.mark.servers
SHOTS = ROOT / "docs" / "screenshots"
STORY = (
    "Trabajé dos años de cajera en una tienda de barrio: cobraba, hacía el cierre de caja, "
    "atendía a los clientes y llevaba el inventario en un cuaderno."
)


@pytest.fixture()
def phone(stack):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_context(**PHONE) as context:
        yield context.new_page()


def _open(stack, page, path: str = "/") -> None:
    page.goto(stack.url("web") + path)
    page.get_by_role("button", name="Hablar con Puente").click()


def _box(locator) -> dict:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, top: r.top,"
        " bottom: r.bottom, width: r.width, height: r.height}; }"
    )


def test_on_a_phone_the_widget_greets_at_once_and_fits_the_screen(stack, phone):
    # WHEN a worker opens the widget on a phone
    _open(stack, phone)
    # THEN the greeting and the privacy question come at once, without typing
    wait_for(phone, "¿Aceptas?", timeout=30_000)
    assert phone.locator(".puente-user").count() == 0
    phone.screenshot(path=str(SHOTS / "widget-phone-1-greeting.png"))
    # AND the panel fills the screen, with the text box inside it
    panel, form = _box(phone.locator(".puente-panel")), _box(phone.locator(".puente-form"))
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 390, 844)
    assert form["bottom"] <= 844
    # AND the text box's font is 16 px or more (iOS zooms into smaller ones)
    size = phone.locator(".puente-form textarea").evaluate("e => getComputedStyle(e).fontSize")
    assert float(size.removesuffix("px")) >= 16
    # AND the close button, the choices and the send button are 44x44 px tap targets
    targets = [
        phone.get_by_role("button", name="Cerrar"),
        phone.get_by_role("button", name="Acepto"),
        phone.get_by_role("button", name="No, gracias"),
        phone.get_by_role("button", name="Enviar"),
    ]
    for target in targets:
        box = _box(target)
        assert box["width"] >= 44 and box["height"] >= 44, (target, box)
    # AND nothing is sized by 100vh alone (a phone's address bar would hide the text box):
    # every vh height has a dvh one after it, in the same rule
    css = (ROOT / "assistant/web/static/widget.css").read_text()
    for rule in re.findall(r"\{([^{}]*)\}", css):
        declarations = [d.strip() for d in rule.split(";")]
        for i, d in enumerate(declarations):
            prop, _, value = d.partition(":")
            if re.search(r"\d(vh)\b", value):
                later = declarations[i + 1 :]
                assert any(x.startswith(prop + ":") and "dvh" in x for x in later), d
    # AND no serious or critical accessibility problem on the page with the widget open
    assert axe_violations(phone) == []


def test_after_a_reload_on_a_phone_the_panel_and_its_choices_are_still_there(stack, phone):
    _open(stack, phone)
    wait_for(phone, "¿Aceptas?", timeout=30_000)
    # WHEN the page is reloaded before answering
    phone.reload()
    # THEN the panel is open as it was, and the pending choices can still be used
    phone.locator(".puente-panel").wait_for(state="visible", timeout=10_000)
    accept = phone.get_by_role("button", name="Acepto")
    assert accept.is_enabled()
    accept.click()
    # AND focus stays in the widget (the conversation, on a touch screen: no keyboard pops
    # up over the answer), never on the page
    assert phone.evaluate("document.activeElement.className") == "puente-log"
    wait_for(phone, "Cuéntame de un trabajo")
    chosen = phone.locator(".puente-used button", has_text="Acepto")
    assert chosen.get_attribute("aria-pressed") == "true" and contrast(chosen) >= 4.5
    assert contrast(phone.locator(".puente-used button", has_text="No, gracias")) >= 4.5
    # WHEN the worker tells a story THEN "Puente is typing" shows, and the worker's message
    # stays in full view above it
    phone.get_by_label("Escribe tu mensaje…").fill(STORY)
    phone.get_by_role("button", name="Enviar").click()
    assert phone.locator(".puente-typing").is_visible()
    mine = _box(phone.locator(".puente-user").last)
    log, typing = _box(phone.locator(".puente-log")), _box(phone.locator(".puente-typing"))
    assert log["top"] <= mine["top"] and mine["bottom"] <= log["bottom"] + 1, (mine, log)
    assert mine["bottom"] <= typing["top"], (mine, typing)
    wait_for(phone, "Anotado")
    assert not phone.locator(".puente-typing").is_visible()
    phone.screenshot(path=str(SHOTS / "widget-phone-2-story.png"))
    assert axe_violations(phone) == []


def _bot_says(stack, page, event: dict) -> None:
    """A bot event in the widget's own conversation, sent on its channel by Rasa's API."""
    sub = jwt.decode(
        page.evaluate("localStorage.getItem('puente.token')"), options={"verify_signature": False}
    )["sub"]
    conversation = quote(f"widget:{sub}", safe=":+@")
    response = httpx.post(
        f"{stack.url('rasa')}/conversations/{conversation}/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true"},
        json=[{"event": "bot", **event}],
        headers=stack.admin_headers(),
        timeout=30,
    )
    response.raise_for_status()


def _chart(stack) -> str:
    """A chart's data where the dialogue writes it; its URL as the dialogue gives it."""
    from assistant.config import get_settings
    from assistant.plans.chart import write_chart_source

    covered = {
        f"http://example.org/skill/{i}": kind
        for i, kind in enumerate(
            [("transversal", "T4.1"), ("digital", "DC1.1"), ("specific", ""), ("specific", "")]
        )
    }
    gaps = [
        {"kind": "transversal", "group": "T2.1"},
        {"kind": "transversal", "group": "T4.2"},
        {"kind": "digital", "group": "DC5.1"},
        {"kind": "digital", "group": "DC1.2"},
        {"kind": "digital", "group": "DC1.3"},
        *[{"kind": "specific", "group": ""} for _ in range(6)],
    ]
    report = {
        "occupation": {"label": "cajero/cajera"},
        "covered": [{"required": uri} for uri in covered],
        "gaps": gaps,
    }
    token = secrets.token_hex(12)
    write_chart_source(get_settings().var_dir / "charts", token, report, covered, "es")
    return f"{stack.url('web')}/charts/{token}.png"


def test_a_chart_on_a_phone_is_legible_and_tells_covered_from_missing(stack, phone):
    from assistant.plans.chart import GROUP_NAMES, _wrap

    _open(stack, phone)
    wait_for(phone, "¿Aceptas?", timeout=30_000)
    # WHEN the bot sends the chart of what the worker has and what they miss
    url = _chart(stack)
    _bot_says(stack, phone, {"text": "Así quedan tus habilidades:", "data": {"image": url}})
    image = phone.locator(".puente-log img")
    image.wait_for(timeout=30_000)
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    # THEN the widget shows it as SVG, across the bubble's width
    src = image.get_attribute("src")
    assert src.endswith(".svg"), src
    shown = _box(image)["width"]
    assert shown >= 300
    # AND at that width every label is at least 12 px high (the attribution line 9 px)
    svg = httpx.get(src, timeout=60).text
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    texts = re.findall(r'<text [^>]*font-size="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    assert len(texts) >= 10
    attribution = set(_wrap(GROUP_NAMES["es"]["attribution"], 58))
    for size, text in texts:
        px = float(size) * shown / width
        assert px >= (9 if text in attribution else 12), (text, px)
    # AND covered and missing differ in colour and pattern, and the legend says which is which
    assert "ya tienes" in svg and "por aprender" in svg and "2 de 8" in svg
    fills = set(re.findall(r'fill(?:: |=")(#[0-9a-f]{6})', svg))
    assert {"#1b6e5a", "#fbe3c4"} <= fills and "<pattern" in svg  # solid vs hatched
    image.scroll_into_view_if_needed()
    time.sleep(0.3)
    phone.screenshot(path=str(SHOTS / "widget-phone-3-chart.png"))
    assert axe_violations(phone) == []


def test_on_a_phone_skills_and_jobs_are_named_in_spanish_with_whole_word_buttons(stack, phone):
    # GIVEN a Spanish conversation in the widget, a story told and finished
    _open(stack, phone)
    wait_for(phone, "¿Aceptas?", timeout=30_000)
    phone.get_by_role("button", name="Acepto").click()
    wait_for(phone, "Cuéntame de un trabajo")
    phone.get_by_label("Escribe tu mensaje…").fill(STORY)
    phone.get_by_role("button", name="Enviar").click()
    wait_for(phone, "Anotado")
    phone.get_by_role("button", name="No, es todo").click()
    wait_for(phone, "Estas son las habilidades")
    # THEN the skills are listed with ESCO's Spanish names, none in English unmarked
    # (the review is several bubbles: the skills by kind, then "¿Están bien?")
    review = phone.locator(".puente-log").inner_text().split("Estas son las habilidades")[-1]
    assert re.search(r"\b(manejar|contar|atender|tramitar|gestionar)\b", review), review
    assert "cash register" not in review and "process payments" not in review
    # WHEN a goal is asked for THEN the jobs offered are Spanish names on whole-word buttons
    phone.get_by_role("button", name="Están bien").click()
    wait_for(phone, "¿Qué trabajo te gustaría")
    phone.get_by_label("Escribe tu mensaje…").fill("quiero ser supervisora de tienda")
    phone.get_by_role("button", name="Enviar").click()
    wait_for(phone, "supervisor/a de tienda")
    titles = phone.locator(".puente-buttons").last.locator("button").all_inner_texts()
    assert "supervisor/a de tienda" in titles, titles
    assert not any(t.endswith("…") for t in titles), titles
    phone.screenshot(path=str(SHOTS / "widget-phone-4-goal-es.png"))
    assert axe_violations(phone) == []
