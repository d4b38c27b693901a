"""The whole stack as it runs: real Rasa 3.6, the real action server (rasa-sdk 3.21), the web
app, one SQL database. HTTP API checks here; complete conversations in
test_conversation_e2e.py (same stack fixture)."""

from __future__ import annotations

import httpx
import jwt
import pytest

pytestmark = pytest.mark.servers


def say(stack, sender: str, message: str) -> list[dict]:
    response = httpx.post(
        stack.url("rasa") + "/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert response.status_code == 200
    return response.json()


def test_rasa_http_api_needs_the_jwt(stack):
    url = stack.url("rasa") + "/conversations/skeleton-1/tracker"
    assert httpx.get(url, timeout=10).status_code == 401
    token = jwt.encode(
        {"user": {"username": "puente", "role": "admin"}},
        stack.env["PUENTE_RASA_JWT_SECRET"],
        algorithm="HS256",
    )
    ok = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert ok.status_code == 200
    assert ok.json()["sender_id"] == "skeleton-1"


def test_web_app_home_and_extract_api(stack):
    home = httpx.get(stack.url("web") + "/", timeout=10)
    assert "ESCO classification of the European Commission" in home.text
    result = httpx.post(
        stack.url("web") + "/api/v1/skills/extract",
        json={"text": "I did the accounts of the shop in Excel"},
        timeout=60,
    )
    assert result.status_code == 200
    labels = [s["label"] for s in result.json()["skills"]]
    assert "use spreadsheets software" in labels
    bad = httpx.post(stack.url("web") + "/api/v1/skills/extract", json={"text": "🙂"}, timeout=10)
    assert bad.status_code == 422


def test_web_app_occupations_and_gaps_api(stack):
    found = httpx.post(
        stack.url("web") + "/api/v1/occupations/search",
        json={"text": "cajera de super", "top": 3},
        timeout=120,
    )
    assert found.status_code == 200
    # a Spanish title is answered in Spanish (lang "auto": the text's language), with the
    # English label beside it
    first = found.json()["occupations"][0]
    assert (first["label"], first["label_en"], first["label_language"]) == (
        "cajero/a",
        "cashier",
        "es",
    )
    skills = httpx.post(
        stack.url("web") + "/api/v1/skills/extract",
        json={"text": "I ran the till and helped customers"},
        timeout=60,
    ).json()
    gaps = httpx.post(
        stack.url("web") + "/api/v1/gaps",
        json={"skills": skills["skills"], "occupation": "shop supervisor"},
        timeout=180,
    )
    assert gaps.status_code == 200, gaps.text
    data = gaps.json()
    assert data["occupation"]["label"] == "shop supervisor" and data["gaps"]
    bad = httpx.post(stack.url("web") + "/api/v1/gaps", json={"skills": []}, timeout=10)
    assert bad.status_code == 422
    schema = httpx.get(stack.url("web") + "/openapi.json", timeout=10).json()
    assert {"/api/v1/skills/extract", "/api/v1/occupations/search", "/api/v1/gaps"} <= set(
        schema["paths"]
    )


def test_plan_and_chart_api(stack):
    skills = httpx.post(
        stack.url("web") + "/api/v1/skills/extract",
        json={"text": "Trabajé de cajera, cobraba y le enseñaba a las nuevas", "lang": "es"},
        timeout=60,
    ).json()["skills"]
    body = {
        "skills": skills,
        "occupation": "supervisor de tienda",
        "constraints": {
            "budget": 60,
            "currency": "USD",
            "hours_per_week": 5,
            "weeks": 12,
            "language": "es",
            "mode": "any",
            "start_date": "2027-01-11",
        },
    }
    result = httpx.post(stack.url("web") + "/api/v1/plan", json=body, timeout=180)
    assert result.status_code == 200, result.text
    plan = result.json()["plan"]
    assert plan["offers"] and plan["totals"]["cost"]["currency"] == "USD"
    assert {"cheapest", "fastest", "pathway"} <= plan["alternatives"].keys()
    bad = httpx.post(
        stack.url("web") + "/api/v1/plan",
        json={**body, "constraints": {**body["constraints"], "currency": "XYZ"}},
        timeout=30,
    )
    assert bad.status_code == 422 and "XYZ" in bad.text
    png = httpx.post(
        stack.url("web") + "/api/v1/gaps/chart",
        json={"skills": skills, "occupation": "supervisor de tienda", "format": "png"},
        timeout=120,
    )
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    schema = httpx.get(stack.url("web") + "/openapi.json", timeout=10).json()
    assert {"/api/v1/plan", "/api/v1/gaps/chart"} <= set(schema["paths"])


def test_the_home_page_is_styled_and_has_an_icon(stack):
    # GIVEN the web app WHEN a browser asks for the home page and its icon
    home = httpx.get(stack.url("web") + "/", timeout=30)
    icon = httpx.get(stack.url("web") + "/favicon.ico", timeout=30)
    # THEN the page links a stylesheet that is served, and the icon is there (not 404)
    assert 'rel="stylesheet"' in home.text
    css = httpx.get(stack.url("web") + "/static/home.css", timeout=30)
    assert css.status_code == 200 and "font" in css.text
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/")
