"""The /api/v1 key check (assistant/web/api_auth.py) on a small app built like the real
router (same dependency, route class and error handlers), against the migrated throw-away
database, with the settings swapped per test: development makes a key optional but checks a
given one; the OpenAPI tells it; limits per key and per address (X-Forwarded-For only from a
trusted proxy). The real web app in production is tested in
tests/integration/test_api_keys.py."""

from __future__ import annotations

import itertools

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from assistant.access import api_keys
from assistant.config import get_settings
from assistant.db.session import session_scope
from assistant.web import api_auth, errors

_addresses = itertools.count(1)


@pytest.fixture(scope="module")
def db():
    from assistant.db.migrate import upgrade

    upgrade()


def new_key(scopes=("api",)) -> str:
    with session_scope() as session:
        return api_keys.create(session, "unit", scopes)[1]


def client(monkeypatch, peer: str | None = None, **overrides) -> TestClient:
    """A toy /api/v1 app with these settings. Each client comes from its own address (or
    `peer`), so the per-address counts of tests do not mix."""
    settings = get_settings().model_copy(update={"redis_url": "", **overrides})
    monkeypatch.setattr(api_auth, "get_settings", lambda: settings)
    app = FastAPI()
    errors.install(app)
    api = APIRouter(
        prefix="/api/v1",
        dependencies=[Depends(api_auth.require_api_key)],
        responses=errors.API_ERRORS,
        route_class=api_auth.ApiKeyRoute,
    )

    @api.post("/engine")
    def engine() -> dict:
        return {"ok": True}

    @api.post("/widget/session")
    def widget_session() -> dict:
        return {"token": "t"}

    app.include_router(api)
    return TestClient(app, client=(peer or f"192.0.2.{next(_addresses)}", 50000))


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_development_allows_no_key_but_checks_a_given_one(db, monkeypatch):
    """GIVEN the development environment
    WHEN the engine route is called without a key, with a valid key, an unknown one, a
    chat-only one, and with a header that is not a bearer key
    THEN no key and the valid key pass; the others are 401/403 in the JSON error shape."""
    web = client(monkeypatch, environment="development")
    assert web.post("/api/v1/engine").status_code == 200
    assert web.post("/api/v1/engine", headers=bearer(new_key())).status_code == 200
    unknown = web.post("/api/v1/engine", headers=bearer("pk_" + "z" * 43))
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_api_key"
    assert "invalid_token" in unknown.headers["www-authenticate"]
    chat = web.post("/api/v1/engine", headers=bearer(new_key(["chat"])))
    assert chat.status_code == 403 and chat.json()["error"] == "insufficient_scope"
    basic = web.post("/api/v1/engine", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401 and "Bearer" in basic.json()["message"]


def test_production_requires_a_key_but_not_on_the_session_routes(db, monkeypatch):
    """GIVEN production
    WHEN the engine route and the widget's session route are called without a key
    THEN the engine route is 401 with WWW-Authenticate: Bearer and a message saying how keys
    are made; the session route answers."""
    web = client(monkeypatch, environment="production")
    missing = web.post("/api/v1/engine")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    body = missing.json()
    assert body["error"] == "unauthorized" and "assistant apikey create" in body["message"]
    assert web.post("/api/v1/widget/session").status_code == 200
    assert web.post("/api/v1/engine", headers=bearer(new_key())).status_code == 200


@pytest.mark.parametrize("environment", ["production", "development"])
def test_the_openapi_declares_the_key_on_protected_operations_only(db, monkeypatch, environment):
    """GIVEN the app in production or development
    WHEN its OpenAPI is generated
    THEN the bearer scheme is declared (naming `assistant apikey create`), the engine route
    requires it (optional in development: an empty requirement too) and declares 401/403/429;
    the widget's session route has no security."""
    schema = client(monkeypatch, environment=environment).app.openapi()
    scheme = schema["components"]["securitySchemes"]["ApiKey"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "assistant apikey create" in scheme["description"]
    engine = schema["paths"]["/api/v1/engine"]["post"]
    expected = [{"ApiKey": []}] + ([{}] if environment == "development" else [])
    assert engine["security"] == expected
    assert {"401", "403", "429"} <= set(engine["responses"])
    session = schema["paths"]["/api/v1/widget/session"]["post"]
    assert "security" not in session and "401" not in session["responses"]


def test_each_key_has_its_own_limit(db, monkeypatch):
    """GIVEN a limit of 3 requests a minute per key
    WHEN one key makes 4 requests and another key 1
    THEN the 4th is 429 with Retry-After and the JSON error shape; the other key still passes."""
    web = client(monkeypatch, environment="production", api_rate_per_key=3, api_rate_per_ip=0)
    key, other = new_key(), new_key()
    assert [web.post("/api/v1/engine", headers=bearer(key)).status_code for _ in range(3)] == [
        200
    ] * 3
    refused = web.post("/api/v1/engine", headers=bearer(key))
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert refused.json()["error"] == "rate_limited" and "3 requests" in refused.json()["message"]
    assert web.post("/api/v1/engine", headers=bearer(other)).status_code == 200


def test_requests_without_a_valid_key_are_limited_per_address(db, monkeypatch):
    """GIVEN a limit of 2 requests a minute per address, in development
    WHEN one address makes 3 anonymous requests, another makes 2 with a wrong key then 1, and a
    third uses a valid key 5 times
    THEN the 3rd of each of the first two is 429; the valid key is not counted per address."""
    first = client(monkeypatch, environment="development", api_rate_per_ip=2)
    codes = [first.post("/api/v1/engine").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    second = client(monkeypatch, environment="development", api_rate_per_ip=2)
    wrong = bearer("pk_" + "q" * 43)
    codes = [second.post("/api/v1/engine", headers=wrong).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    third = client(monkeypatch, environment="development", api_rate_per_ip=2)
    key = new_key()
    assert {third.post("/api/v1/engine", headers=bearer(key)).status_code for _ in range(5)} == {
        200
    }


def test_forwarded_for_counts_only_from_a_trusted_proxy(db, monkeypatch):
    """GIVEN a limit of 1 anonymous request a minute per address, and one trusted proxy
    WHEN two requests claim different X-Forwarded-For addresses, through that proxy and then
    from a peer that is not a proxy
    THEN through the proxy each claimed address has its own count (both pass); from the
    other peer both count against the peer itself (the second is 429)."""
    proxy = f"192.0.2.{next(_addresses)}"
    settings = {"environment": "development", "api_rate_per_ip": 1, "trusted_proxies": proxy}
    n = next(_addresses)
    claimed = [{"X-Forwarded-For": f"198.51.{n}.{i}"} for i in range(4)]
    through = client(monkeypatch, peer=proxy, **settings)
    assert [through.post("/api/v1/engine", headers=h).status_code for h in claimed[:2]] == [
        200,
        200,
    ]
    direct = client(monkeypatch, **settings)
    assert [direct.post("/api/v1/engine", headers=h).status_code for h in claimed[2:]] == [
        200,
        429,
    ]
