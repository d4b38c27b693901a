"""The walking skeleton end to end: REST message -> real Rasa 3.6 -> real action server
(rasa-sdk 3.21) -> the engine; the tracker lands in the same SQL database."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT
from tests.servers import make_stack, rasa_command

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def stack(esco_db, tmp_root):
    from assistant.config import get_settings
    from assistant.services.runtime import ensure_rasa_model

    settings = get_settings()
    model = ensure_rasa_model(settings)
    stack = make_stack(settings, model, tmp_root / "logs-skeleton")
    stack.start(
        "action",
        [str(ROOT / ".venv/bin/python"), "-m", "actions", "--port", str(stack.ports["action"])],
    )
    stack.start("rasa", rasa_command(stack, model))
    stack.start(
        "web",
        [
            str(ROOT / ".venv/bin/uvicorn"),
            "assistant.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(stack.ports["web"]),
        ],
    )
    try:
        stack.wait_http("action", "/health")
        stack.wait_http("rasa", "/")
        stack.wait_http("web", "/health")
        yield stack
    finally:
        stack.stop()


def say(stack, sender: str, message: str) -> list[dict]:
    response = httpx.post(
        stack.url("rasa") + "/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert response.status_code == 200
    return response.json()


def test_greeting_is_answered_by_the_custom_action(stack):
    replies = say(stack, "skeleton-1", "hello")
    assert replies, "the bot stayed silent"
    assert "Puente" in replies[0]["text"]
    assert replies[0]["buttons"][0]["payload"] == "/tell_experience"


def test_experience_is_turned_into_skills_through_the_action_server(stack, esco_db):
    # WHEN the worker describes a task
    replies = say(stack, "skeleton-2", "I fixed bikes for my neighbours")
    # THEN the custom action names a bicycle-repair skill and credits ESCO
    body = "\n".join(r.get("text", "") for r in replies)
    assert "bicycle" in body.lower(), body
    assert "ESCO classification of the European Commission" in body
    # AND the tracker, with the action and the skills slot, is stored in the database
    engine = create_engine(esco_db)
    deadline = time.monotonic() + 10
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT type_name, action_name, data FROM events WHERE sender_id = :s"),
                {"s": "skeleton-2"},
            ).all()
        if (
            any(r.action_name == "action_extract_skills" for r in rows)
            or time.monotonic() > deadline
        ):
            break
        time.sleep(0.5)
    assert any(r.action_name == "action_extract_skills" for r in rows)
    assert any(r.type_name == "slot" and '"skills"' in r.data for r in rows)


def test_spanish_experience(stack):
    replies = say(stack, "skeleton-3", "cuidaba a mi abuela y le daba sus medicamentos")
    body = "\n".join(r.get("text", "") for r in replies).lower()
    assert "esto es lo que encuentro" in body


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
    assert found.json()["occupations"][0]["label"] == "cashier"
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
