"""The running stack shared by the integration modules that talk to it over HTTP."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import uuid
from urllib.parse import quote

import httpx
import jwt
import pytest

from tests.conftest import ROOT
from tests.servers import action_command, make_stack, rasa_command, web_command

WHATSAPP = {
    "PUENTE_WHATSAPP_VERIFY_TOKEN": "verify-me",
    "PUENTE_WHATSAPP_APP_SECRET": "app-secret-for-tests",
    "PUENTE_WHATSAPP_ACCESS_TOKEN": "graph-token-for-tests",
    "PUENTE_WHATSAPP_PHONE_NUMBER_ID": "1234567890",
}


@pytest.fixture(scope="session")
def graph_api():
    from tests.fakes import FakeGraphAPI

    fake = FakeGraphAPI()
    yield fake
    fake.close()


TWILIO = {
    "PUENTE_TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "PUENTE_TWILIO_AUTH_TOKEN": "twilio-token-for-tests",
    "PUENTE_TWILIO_NUMBER": "whatsapp:+14155238886",
}


@pytest.fixture(scope="session")
def twilio_api():
    from tests.fakes import FakeTwilioAPI

    fake = FakeTwilioAPI()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def stack(esco_db, demo_catalogue, tmp_root, graph_api, twilio_api):
    from assistant.bootstrap.rasa_model import ensure_rasa_model
    from assistant.config import get_settings

    settings = get_settings()
    model = ensure_rasa_model(settings)
    stack = make_stack(settings, model, tmp_root / "logs-stack")
    stack.env.update(WHATSAPP, PUENTE_WHATSAPP_API_URL=graph_api.url)
    # the whole suite talks from 127.0.0.1: the per-address limit is proven in
    # test_production.py, with addresses given by a trusted proxy
    stack.env.update(PUENTE_RATE_PER_SENDER="30", PUENTE_RATE_PER_IP="0")
    stack.env.update(
        TWILIO,
        PUENTE_TWILIO_API_URL=twilio_api.url,
        PUENTE_TWILIO_WEBHOOK_URL=f"http://127.0.0.1:{stack.ports['rasa']}/webhooks/twilio/webhook",
    )
    stack.start("action", action_command(stack.ports["action"]))
    stack.start("rasa", rasa_command(stack, model))
    stack.start("web", web_command(stack.ports["web"]))
    try:
        stack.wait_http("action", "/health")
        stack.wait_http("rasa", "/")
        stack.wait_http("web", "/health")
        yield stack
    finally:
        stack.stop()


POSTGRES = os.environ.get("PUENTE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("PUENTE_TEST_REDIS", "redis://127.0.0.1:6379/4")
PRODUCTION_PER_IP = 25
# what an operator sets (docs/operations.md): long random values, never the published ones
PRODUCTION_SECRETS = {
    "PUENTE_RASA_JWT_SECRET": "rasa-" + secrets.token_urlsafe(40),
    "PUENTE_WIDGET_JWT_SECRET": "widget-" + secrets.token_urlsafe(40),
}


class Production:
    """The production profile on real servers: PUENTE_ENVIRONMENT=production with real
    secrets, PostgreSQL for everything, Redis for locks and limits, two Rasa instances and one
    action server and the web app; REST turns from an integration holding a chat API key."""

    def __init__(self, stack, database: str, proxy) -> None:
        self.stack, self.database, self.proxy = stack, database, proxy
        secret = stack.env["PUENTE_RASA_JWT_SECRET"]
        token = jwt.encode({"user": {"username": "test", "role": "admin"}}, secret, "HS256")
        self.admin = {"Authorization": f"Bearer {token}"}
        self.key_id, key = self.new_key("load-test integration", "chat")
        self.chat_headers = {"Authorization": f"Bearer {key}"}

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(ROOT / ".venv/bin/assistant"), *args],
            env=self.stack.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def new_key(self, name: str, *scopes: str) -> tuple[int, str]:
        args = ["apikey", "create", "--name", name, "--json"]
        for scope in scopes:
            args += ["--scope", scope]
        done = self.cli(*args)
        assert done.returncode == 0, done.stderr
        created = json.loads(done.stdout)
        return created["id"], created["key"]

    def rasa(self, i: int) -> str:
        return self.stack.url("rasa" if i % 2 == 0 else "rasa2")

    def rest_id(self, sender: str) -> str:
        """The conversation id the REST channel gives this integration's `sender`."""
        return f"rest:key-{self.key_id}:{sender}"

    def events(self, conversation_id: str) -> list[dict]:
        response = httpx.get(
            f"{self.rasa(0)}/conversations/{quote(conversation_id, safe=':+@')}/tracker",
            params={"include_events": "ALL"},
            headers=self.admin,
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["events"]

    def start_action_server(self) -> None:
        self.stack.start("action", action_command(self.stack.ports["action"]))
        self.stack.wait_http("action", "/health")

    def engine_url(self) -> str:
        return self.stack.env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://")


@pytest.fixture(scope="session")
def production(tmp_root, graph_api):
    """Shared by the production and identity modules (one PostgreSQL setup, one set of
    servers)."""
    import psycopg

    from assistant.bootstrap.rasa_model import ensure_rasa_model
    from assistant.config import get_settings
    from tests.conftest import free_port
    from tests.tcp_proxy import TcpProxy

    settings = get_settings()
    model = ensure_rasa_model(settings)
    name = f"puente_prod_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES.rsplit("/", 1)[0]
    proxy = TcpProxy("127.0.0.1", 5432).start()
    stack = make_stack(settings, model, tmp_root / "logs-prod")
    stack.ports["rasa2"] = free_port()
    stack.env.update(
        PRODUCTION_SECRETS,
        PUENTE_ENVIRONMENT="production",
        DATABASE_URL=f"{base}/{name}",
        # Rasa reaches the tracker database through a proxy the tests can cut
        PUENTE_TRACKER_URL=f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}",
        PUENTE_REDIS_URL=REDIS,
        REDIS_URL=REDIS,
        PUENTE_TRUSTED_PROXIES="127.0.0.1",  # the load test's users come "through" an LB
        PUENTE_RATE_PER_IP=str(PRODUCTION_PER_IP),
        PUENTE_CODE_TRIES_PER_ADDRESS="8",
        PUENTE_WHATSAPP_API_URL=graph_api.url,
        PUENTE_PUBLIC_URL=f"http://127.0.0.1:{stack.ports['web']}",
        **WHATSAPP,
    )
    # migrations by Alembic, ESCO and the demo catalogue, into PostgreSQL
    subprocess.run(
        [str(ROOT / ".venv/bin/assistant"), "setup", "--no-train"],
        env=stack.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=900,
    )
    prod = Production(stack, name, proxy)
    try:
        prod.start_action_server()
        stack.start("rasa", rasa_command(stack, model))
        stack.start("rasa2", rasa_command(stack, model, port=stack.ports["rasa2"]))
        stack.start("web", web_command(stack.ports["web"]))
        stack.wait_http("rasa", "/webhooks/ops/health")
        stack.wait_http("rasa2", "/webhooks/ops/health")
        stack.wait_http("web", "/healthz")
        yield prod
    finally:
        stack.stop()
        proxy.cut()
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
