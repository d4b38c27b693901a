"""Bad input, limits and operations on the real Rasa server (Puente's REST channel and ops
channel) and the web app's health endpoints: every request gets a clear answer, never a
crash, and nothing stored is touched by what is refused."""

from __future__ import annotations

import uuid

import httpx
import jwt
import pytest

pytestmark = pytest.mark.servers
TOO_LONG = ("muy largo", "too long")
EMPTY = ("No me llegó ningún texto", "No text reached me")


def rest(stack, body: bytes | str, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(
        stack.url("rasa") + "/webhooks/rest/webhook",
        content=body,
        headers={"Content-Type": content_type},
        timeout=60,
    )


def chat(stack, sender: str, message, **extra) -> httpx.Response:
    return httpx.post(
        stack.url("rasa") + "/webhooks/rest/webhook",
        json={"sender": sender, "message": message, **extra},
        timeout=60,
    )


def text_of(response: httpx.Response) -> str:
    return "\n".join(m.get("text") or "" for m in response.json())


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"sender": "x", "message": "hola"}', "text/plain", 415),
        ('{"sender": "x", "message": "hola"', "application/json", 400),
        (b"\xff\xfe\x00\x81binary", "application/json", 400),
        ('["sender", "x"]', "application/json", 400),
        ('{"message": "hola"}', "application/json", 422),
        ('{"sender": "a\\u0000b", "message": "hola"}', "application/json", 422),
        ('{"sender": "' + "s" * 200 + '", "message": "hola"}', "application/json", 422),
        ('{"sender": "x", "message": 42}', "application/json", 422),
        ('{"sender": "x", "message": "hola", "metadata": [1]}', "application/json", 422),
    ],
)
def test_malformed_requests_get_a_clear_4xx(stack, body, content_type, status):
    response = rest(stack, body, content_type)
    assert response.status_code == status
    assert response.json()["error"]  # a sentence saying what is wrong


def test_empty_and_too_long_messages_are_answered_without_reaching_the_bot(stack):
    me = f"bad-{uuid.uuid4().hex[:6]}"
    assert any(e in text_of(chat(stack, me, "   ")) for e in EMPTY)
    long = chat(stack, me, "palabra " * 12_800)  # ~100 KB
    assert long.status_code == 200 and any(t in text_of(long) for t in TOO_LONG)
    # a body over the server's limit (1 MB by default) is refused before it is read
    huge = rest(stack, '{"sender": "x", "message": "' + "a" * 1_200_000 + '"}')
    assert huge.status_code == 413


@pytest.mark.parametrize(
    "message",
    [
        "😀😀😀🙏",
        "عملت في متجر لمدة عامين",  # right-to-left
        "'; DROP TABLE events; --",
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "Robert'); DELETE FROM conversation WHERE ('1'='1",
    ],
)
def test_odd_messages_get_an_answer_and_corrupt_nothing(stack, message):
    # GIVEN a conversation in progress
    me = f"odd-{uuid.uuid4().hex[:6]}"
    assert chat(stack, me, "hola").status_code == 200
    # WHEN an odd message arrives THEN the bot answers it like any other
    response = chat(stack, me, message)
    assert response.status_code == 200 and text_of(response).strip()
    # AND the stored conversation is intact: the message is kept as plain text, once
    secret = stack.env["PUENTE_RASA_JWT_SECRET"]
    token = jwt.encode({"user": {"username": "t", "role": "admin"}}, secret, "HS256")
    tracker = httpx.get(
        stack.url("rasa") + f"/conversations/rest:{me}/tracker",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hola", message]


def test_a_sender_over_the_rate_limit_gets_a_friendly_429_and_others_do_not(stack):
    limit = int(stack.env.get("PUENTE_RATE_PER_SENDER", "20"))
    me, other = f"fast-{uuid.uuid4().hex[:6]}", f"calm-{uuid.uuid4().hex[:6]}"
    statuses = [chat(stack, me, "/greet").status_code for _ in range(limit)]
    refused = chat(stack, me, "/greet")
    assert set(statuses) == {200}
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "muy rápido" in text_of(refused) and "very fast" in text_of(refused)
    assert chat(stack, other, "/greet").status_code == 200


def test_rasas_api_takes_a_jwt_only_in_the_header_and_never_changes_the_model(stack):
    secret = stack.env["PUENTE_RASA_JWT_SECRET"]
    admin = jwt.encode({"user": {"username": "t", "role": "admin"}}, secret, "HS256")
    url = stack.url("rasa") + "/conversations/someone/tracker"
    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, params={"token": admin}, timeout=10).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"Bearer {admin}"}).status_code == 200
    headers = {"Authorization": f"Bearer {admin}"}
    assert httpx.put(stack.url("rasa") + "/model", headers=headers, json={}).status_code == 403
    assert httpx.post(stack.url("rasa") + "/model/train", headers=headers).status_code == 403


def test_health_readiness_and_metrics_of_the_embedded_profile(stack):
    ready = httpx.get(stack.url("rasa") + "/webhooks/ops/ready", timeout=10)
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert httpx.get(stack.url("action") + "/ready", timeout=10).json()["ready"] is True
    assert httpx.get(stack.url("web") + "/healthz").json() == {"status": "ok"}
    assert httpx.get(stack.url("web") + "/readyz").json()["ready"] is True
    web_metrics = httpx.get(stack.url("web") + "/metrics").text
    assert "puente_handoff_queue_length" in web_metrics
    assert "puente_web_request_seconds" in web_metrics
    rasa_metrics = httpx.get(stack.url("rasa") + "/webhooks/ops/metrics").text
    assert 'puente_turn_seconds_bucket{channel="rest"' in rasa_metrics
