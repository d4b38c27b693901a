"""The running stack shared by the integration modules that talk to it over HTTP."""

from __future__ import annotations

import pytest

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
    from assistant.config import get_settings
    from assistant.services.runtime import ensure_rasa_model

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
