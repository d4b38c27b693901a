"""The running stack shared by the integration modules that talk to it over HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.servers import make_stack, rasa_command


@pytest.fixture(scope="session")
def stack(esco_db, demo_catalogue, tmp_root):
    from assistant.config import get_settings
    from assistant.services.runtime import ensure_rasa_model

    settings = get_settings()
    model = ensure_rasa_model(settings)
    stack = make_stack(settings, model, tmp_root / "logs-stack")
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
