"""Contract: a real Rasa 3.6.21 server drives a real rasa-sdk 3.21 action server over
/webhook, through every feature Puente relies on."""

from __future__ import annotations

import httpx
import jwt
import pytest

from tests.conftest import ROOT
from tests.servers import make_stack, rasa_command

pytestmark = pytest.mark.servers
PROJECT = ROOT / "tests" / "contract" / "project"


@pytest.fixture(scope="module")
def stack(esco_db, tmp_root):
    from assistant.bootstrap.rasa_model import ensure_rasa_model
    from assistant.config import get_settings

    settings = get_settings()
    model = ensure_rasa_model(
        settings,
        root=PROJECT,
        data="data",
        inputs=("config.yml", "domain.yml", "data"),
        name="contract",
    )
    stack = make_stack(settings, model, tmp_root / "logs-contract")
    stack.start(
        "action",
        [
            str(ROOT / ".venv/bin/python"),
            "-m",
            "rasa_sdk",
            "--actions",
            "tests.contract.contract_actions",
            "--port",
            str(stack.ports["action"]),
        ],
    )
    command = rasa_command(
        stack,
        model,
        endpoints=str(PROJECT / "endpoints.yml"),
        credentials=str(PROJECT / "credentials.yml"),
    )
    stack.start("rasa", command)
    try:
        stack.wait_http("action", "/health")
        stack.wait_http("rasa", "/")
        yield stack
    finally:
        stack.stop()


def send(stack, sender: str, message: str) -> list[dict]:
    reply = httpx.post(
        stack.url("rasa") + "/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def tracker(stack, sender: str) -> dict:
    token = jwt.encode(
        {"user": {"username": "t", "role": "admin"}},
        stack.env["PUENTE_RASA_JWT_SECRET"],
        algorithm="HS256",
    )
    reply = httpx.get(
        f"{stack.url('rasa')}/conversations/{sender}/tracker",
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert reply.status_code == 200
    return reply.json()


def texts(replies: list[dict]) -> list[str]:
    return [r.get("text", "") for r in replies]


def test_form_with_form_validation_action(stack):
    assert texts(send(stack, "form", "/start_form")) == ["What is your name?"]
    # the validation action rejects "x" and asks again
    assert texts(send(stack, "form", '/inform{"name": "x"}')) == [
        "That is not a name.",
        "What is your name?",
    ]
    assert texts(send(stack, "form", '/inform{"name": "ana maria"}')) == ["Which city?"]
    assert texts(send(stack, "form", '/inform{"city": "Lima"}')) == ["Thanks Ana Maria from Lima."]
    state = tracker(stack, "form")
    assert state["slots"]["name"] == "Ana Maria"
    assert state["active_loop"] == {} or state["active_loop"].get("name") is None


def test_slot_set_and_buttons(stack):
    replies = send(stack, "slots", "/set_slot")
    assert replies[0]["text"] == "Pick one"
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/set_slot", "/custom"]
    assert tracker(stack, "slots")["slots"]["color"] == "blue"


def test_followup_action_runs_the_next_action(stack):
    replies = send(stack, "followup", "/followup")
    assert replies[0]["text"] == "Following up"
    assert replies[1]["custom"] == {"kind": "chart", "points": [1, 2, 3]}
    names = [e.get("name") for e in tracker(stack, "followup")["events"] if e["event"] == "action"]
    assert names[-3:] == ["action_followup", "action_custom", "action_listen"]


def test_custom_json_message(stack):
    assert send(stack, "custom", "/custom")[0]["custom"]["kind"] == "chart"


def test_conversation_paused_then_resumed_through_the_api(stack):
    assert texts(send(stack, "pause", "/pause")) == ["A person will take over"]
    # paused: the bot stays silent
    assert send(stack, "pause", "/custom") == []
    token = jwt.encode(
        {"user": {"username": "t", "role": "admin"}},
        stack.env["PUENTE_RASA_JWT_SECRET"],
        algorithm="HS256",
    )
    # Handing back: resume, then action_listen, so the next user turn starts a fresh rule
    # (without it RulePolicy sees a user turn not preceded by a listen and falls back).
    resumed = httpx.post(
        f"{stack.url('rasa')}/conversations/pause/tracker/events",
        json=[{"event": "resume"}, {"event": "action", "name": "action_listen"}],
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert resumed.status_code == 200
    reply = send(stack, "pause", "/custom")
    assert reply and reply[0].get("custom", {}).get("kind") == "chart", reply


def test_paused_and_resumed_events_from_an_action(stack):
    assert texts(send(stack, "pr", "/pause_resume")) == ["Paused and back"]
    events = [e["event"] for e in tracker(stack, "pr")["events"]]
    assert "pause" in events and "resume" in events
    assert send(stack, "pr", "/custom")[0]["custom"]["kind"] == "chart"
