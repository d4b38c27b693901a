"""Operations for the Rasa process, loaded as a channel (credentials.yml:
`connectors.ops.OpsInput:`) because a channel is the one place where Rasa 3.6 lets a
project add routes and listeners:

- GET /webhooks/ops/health  (liveness: the process answers)
- GET /webhooks/ops/ready   (readiness: model loaded, tracker store and lock store reachable)
- GET /webhooks/ops/metrics (Prometheus: turn latency and outcomes per channel, from guard.py)

a refusal to start when a secret is missing, short or published (outside development), and
these fixes at start-up:
- Rasa wraps every tracker store in a fail-safe one that, when the database fails, hands out
  an empty tracker and keeps events in memory, silently. Here its error callback raises, so a
  failed read or write refuses the turn (the channels answer 503) instead of forking the
  conversation;
- the HTTP API's model routes (upload, unload, train) are refused for everyone: the model is
  deployed with the process, never replaced over HTTP;
- action server responses are validated with a validator built once (action_responses.py):
  Rasa re-checked its own schema on every call, half of its CPU per turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from connectors import action_responses, identity

log = logging.getLogger(__name__)

STORE_ERRORS = Counter(
    "puente_tracker_store_errors_total", "Tracker store reads or writes that failed (turn refused)"
)
BLOCKED_ROUTES = {("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train")}


class TrackerStoreUnavailable(Exception):
    """The tracker store failed; the turn must not go on in memory."""


def _raise_store_error(error: Exception) -> None:
    STORE_ERRORS.inc()
    log.error("tracker store failed (%s); the turn is refused", type(error).__name__)
    raise TrackerStoreUnavailable(str(type(error).__name__)) from error


async def _block_model_routes(request: Request):
    path = request.path.rstrip("/") or "/"
    if (request.method, path) in BLOCKED_ROUTES:
        return response.json(
            {"error": "the model is deployed with the server and cannot be changed over HTTP"},
            status=403,
        )
    return None


def make_strict(agent: Any) -> bool:
    """Point the fail-safe tracker store's error callback at one that raises."""
    store = getattr(agent, "tracker_store", None)
    if store is None or not hasattr(store, "_on_tracker_store_error"):
        return False
    store._on_tracker_store_error = _raise_store_error
    return True


async def _ping_tracker_store(agent: Any) -> None:
    inner = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
    engine = getattr(inner, "engine", None)
    if engine is None:
        return
    import sqlalchemy as sa

    def ping() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    await asyncio.get_running_loop().run_in_executor(None, ping)


async def _ping_lock_store(agent: Any) -> None:
    ping = getattr(agent.lock_store, "ping", None)
    if ping is not None:
        await asyncio.get_running_loop().run_in_executor(None, ping)


class OpsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "ops"

    def __init__(self) -> None:
        # Loaded in every deployment: Rasa does not start on a weak secret (fail closed).
        identity.check_secrets()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("puente_ops", __name__)

        @bp.listener("before_server_start")
        async def guard_routes(app, _loop) -> None:
            app.register_middleware(_block_model_routes, "request")
            action_responses.install()

        @bp.listener("after_server_start")
        async def strict_store(app, _loop) -> None:
            agent = getattr(app.ctx, "agent", None)
            if not make_strict(agent):
                log.warning("could not make the tracker store strict")

        @bp.route("/health", methods=["GET"])
        async def health(_request: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/ready", methods=["GET"])
        async def ready(request: Request) -> response.HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            checks: dict[str, str] = {}
            checks["model"] = "ok" if agent is not None and agent.is_ready() else "not loaded"
            if agent is not None:
                make_strict(agent)  # a model loaded after start gets a new store wrapper
                probes = (("tracker_store", _ping_tracker_store), ("lock_store", _ping_lock_store))
                for name, probe in probes:
                    try:
                        await asyncio.wait_for(probe(agent), timeout=3)
                        checks[name] = "ok"
                    except Exception as exc:  # noqa: BLE001 - reported, not raised
                        checks[name] = f"failing: {type(exc).__name__}"
            ok = all(v == "ok" for v in checks.values())
            return response.json({"ready": ok, "checks": checks}, status=200 if ok else 503)

        @bp.route("/metrics", methods=["GET"])
        async def metrics(_request: Request) -> response.HTTPResponse:
            return response.raw(generate_latest(), content_type=CONTENT_TYPE_LATEST)

        return bp
