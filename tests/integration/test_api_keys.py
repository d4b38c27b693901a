"""API keys on the real web app in production (uvicorn, the test database, the real engine),
with keys made, listed and revoked by the real CLI (`assistant apikey`, a subprocess on the
same DATABASE_URL): no key, a wrong, revoked or chat-only key are refused; a valid key works;
each key and each address has its limit; the tighter caps hold; the widget's session route
needs no key; the OpenAPI declares the scheme."""

from __future__ import annotations

import json
import os
import secrets
import subprocess

import httpx
import pytest

from tests.conftest import ROOT
from tests.integration.test_web_bad_input import server_errors_logged, web_process

pytestmark = pytest.mark.servers

PER_KEY = 5  # PUENTE_API_RATE_PER_KEY for this server
PER_IP = 20  # PUENTE_API_RATE_PER_IP
PRODUCTION = {
    "PUENTE_ENVIRONMENT": "production",
    "PUENTE_RASA_JWT_SECRET": secrets.token_urlsafe(48),  # 64 characters, from 48 bytes
    "PUENTE_WIDGET_JWT_SECRET": secrets.token_urlsafe(48),
    "PUENTE_API_RATE_PER_KEY": str(PER_KEY),
    "PUENTE_API_RATE_PER_IP": str(PER_IP),
}
EXTRACT = "/api/v1/skills/extract"
OCCUPATIONS = "/api/v1/occupations/search"
# passes the key check, then fails validation (top over 100): proves a key is accepted without
# running the engine
ACCEPTED_BUT_INVALID = {"text": "cajera", "top": 101}
PROTECTED = [EXTRACT, OCCUPATIONS, "/api/v1/gaps", "/api/v1/plan", "/api/v1/gaps/chart"]


def cli(*args: str) -> subprocess.CompletedProcess:
    """`assistant apikey ...` as an operator runs it, on the test database."""
    env = {**os.environ, **PRODUCTION}
    return subprocess.run(
        [str(ROOT / ".venv/bin/assistant"), "apikey", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def create_key(name: str, *scopes: str) -> dict:
    args = ["create", "--name", name, "--json"]
    for scope in scopes:
        args += ["--scope", scope]
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    assert "will not be shown again" in done.stderr
    return json.loads(done.stdout)


def listed() -> dict[int, dict]:
    done = cli("list", "--json")
    assert done.returncode == 0, done.stderr
    return {row["id"]: row for row in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def web(esco_db, tmp_root):
    # uvicorn runs with --no-proxy-headers (tests/servers.py, as the Procfile): the app's own
    # rule (PUENTE_TRUSTED_PROXIES, unset here) decides whether X-Forwarded-For counts
    env = dict(PRODUCTION)
    with web_process(tmp_root / "logs-api-keys", **env) as stack:
        yield stack


def post(web, path: str, body: dict, key: str | None = None, **headers: str) -> httpx.Response:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(web.url("web") + path, json=body, headers=headers, timeout=240)


def assert_error(response: httpx.Response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error and body["message"] and body["detail"]
    return body


@pytest.mark.parametrize("path", PROTECTED)
def test_no_key_is_401_with_www_authenticate(web, path):
    """GIVEN the web app in production
    WHEN an engine route is called without a key
    THEN the answer is 401 with `WWW-Authenticate: Bearer ...`, in the JSON error shape,
    saying how keys are made."""
    response = post(web, path, {"text": "cajera"})
    body = assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "assistant apikey create" in body["message"]


def test_a_wrong_key_is_401(web):
    """GIVEN a real key made by the CLI
    WHEN the API is called with a made-up key, the real key with one character changed, and
    the key's prefix alone
    THEN each answer is 401 invalid_api_key with WWW-Authenticate."""
    real = create_key("wrong-key test")["key"]
    changed = real[:-1] + ("A" if real[-1] != "A" else "B")
    for key in ("pk_" + secrets.token_urlsafe(32), changed, real[:10]):
        response = post(web, EXTRACT, ACCEPTED_BUT_INVALID, key)
        assert_error(response, 401, "invalid_api_key")
        assert "invalid_token" in response.headers["www-authenticate"]


def test_a_key_revoked_with_the_cli_is_401(web):
    """GIVEN a key that the API accepts
    WHEN it is revoked with `assistant apikey revoke ID`
    THEN the API refuses it (401) and `assistant apikey list` shows it revoked; revoking an
    id that does not exist fails with a message and a non-zero exit code."""
    made = create_key("to revoke")
    assert post(web, EXTRACT, ACCEPTED_BUT_INVALID, made["key"]).status_code == 422
    done = cli("revoke", str(made["id"]))
    assert done.returncode == 0, done.stderr
    assert_error(post(web, EXTRACT, ACCEPTED_BUT_INVALID, made["key"]), 401, "invalid_api_key")
    assert listed()[made["id"]]["revoked"] is True
    missing = cli("revoke", "987654")
    assert missing.returncode != 0 and "no API key with id 987654" in missing.stderr


def test_a_chat_only_key_is_403(web):
    """GIVEN a key made with --scope chat only
    WHEN it calls the engine API
    THEN the answer is 403 insufficient_scope."""
    chat = create_key("chat client", "chat")
    assert chat["scopes"] == ["chat"]
    body = assert_error(
        post(web, EXTRACT, ACCEPTED_BUT_INVALID, chat["key"]), 403, "insufficient_scope"
    )
    assert "`api` scope" in body["message"]


def test_a_valid_key_gets_the_answer_and_its_use_is_recorded(web):
    """GIVEN a key made with the default scope (api)
    WHEN it asks for the skills in a sentence
    THEN the answer is 200 with skills, and `assistant apikey list` shows when it was used
    (never the key: only its prefix)."""
    made = create_key("partner")
    assert made["scopes"] == ["api"] and made["key"].startswith(made["prefix"])
    response = post(web, EXTRACT, {"text": "Trabajé de cajera y atendía clientes"}, made["key"])
    assert response.status_code == 200, response.text[:300]
    assert response.json()["skills"]
    row = listed()[made["id"]]
    assert row["last_used_at"] is not None and row["revoked"] is False
    assert made["key"] not in cli("list").stdout + json.dumps(row)


def test_text_over_the_cap_and_top_over_100_are_422(web):
    """GIVEN a valid key
    WHEN the extractor gets 5,001 characters, or top=101, and occupation search top=101
    THEN each is 422 naming the limit (5000 characters, 100); 5,000 characters pass the check."""
    key = create_key("caps")["key"]
    long = post(web, EXTRACT, {"text": "a" * 5001}, key)
    assert "5000 characters" in assert_error(long, 422, "invalid_request")["message"]
    for path in (EXTRACT, OCCUPATIONS):
        body = assert_error(
            post(web, path, {"text": "cajera", "top": 101}, key), 422, "invalid_request"
        )
        assert "top" in body["message"] and "100" in body["message"]
    at_cap = post(web, EXTRACT, {"text": "a" * 5000, "top": 0}, key)  # only top is wrong
    message = assert_error(at_cap, 422, "invalid_request")["message"]
    assert "text" not in message and "top" in message


def test_over_the_per_key_limit_is_429(web):
    """GIVEN PUENTE_API_RATE_PER_KEY=5 and two fresh keys
    WHEN one key makes 6 requests within the minute
    THEN the 6th is 429 with Retry-After in the JSON error shape; the other key still works."""
    key, other = create_key("limited")["key"], create_key("neighbour")["key"]
    codes = [post(web, EXTRACT, ACCEPTED_BUT_INVALID, key).status_code for _ in range(PER_KEY)]
    assert codes == [422] * PER_KEY
    refused = post(web, EXTRACT, ACCEPTED_BUT_INVALID, key)
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["retry-after"]) > 0
    assert post(web, EXTRACT, ACCEPTED_BUT_INVALID, other).status_code == 422


def test_the_widget_session_needs_no_key(web):
    """GIVEN the web app in production
    WHEN the widget asks for a session without a key
    THEN it gets one."""
    response = post(web, "/api/v1/widget/session", {})
    assert response.status_code == 200, response.text[:300]
    assert response.json()["token"]


def test_the_openapi_declares_the_key_scheme(web):
    """GIVEN the web app in production
    WHEN its OpenAPI document is fetched
    THEN it declares a bearer scheme naming `assistant apikey create`, required on every
    engine operation (with 401/403/429 declared), and not on the widget's session route."""
    schema = httpx.get(web.url("web") + "/openapi.json", timeout=30).json()
    scheme = schema["components"]["securitySchemes"]["ApiKey"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "assistant apikey create" in scheme["description"]
    for path in PROTECTED:
        operation = schema["paths"][path]["post"]
        assert operation["security"] == [{"ApiKey": []}], path
        assert {"401", "403", "429"} <= set(operation["responses"]), path
    widget = schema["paths"]["/api/v1/widget/session"]["post"]
    assert "security" not in widget
    extract = schema["components"]["schemas"]["ExtractRequest"]["properties"]
    assert extract["text"]["maxLength"] == 5000 and extract["top"]["maximum"] == 100


def test_zz_requests_without_a_valid_key_are_limited_per_address(web):
    """GIVEN PUENTE_API_RATE_PER_IP=20 and no trusted proxy
    WHEN one address keeps sending made-up keys, each claiming another X-Forwarded-For
    THEN within 21 requests it gets 429 with Retry-After (the claimed addresses are not
    believed); a valid key from the same address still works."""
    answers = []
    for n in range(PER_IP + 1):
        response = post(
            web,
            EXTRACT,
            ACCEPTED_BUT_INVALID,
            "pk_" + secrets.token_urlsafe(32),
            **{"X-Forwarded-For": f"198.51.100.{n}"},
        )
        answers.append(response.status_code)
        if response.status_code == 429:
            assert_error(response, 429, "rate_limited")
            assert response.headers["retry-after"] == "60"
            break
    assert answers[-1] == 429 and set(answers[:-1]) <= {401}
    key = create_key("after the flood")["key"]
    assert post(web, EXTRACT, ACCEPTED_BUT_INVALID, key).status_code == 422


def test_zz_no_server_error_was_logged(web):
    """GIVEN all the requests above
    WHEN the web app's log is read
    THEN it has no unhandled exception, no 5xx, and no key."""
    assert server_errors_logged(web) == []
    log = (web.logs / "web.log").read_text(errors="replace")
    assert "pk_" not in log
