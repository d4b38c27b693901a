"""Start the action server (rasa-sdk) for Puente's actions, warming the engine first.

`python -m actions --port 5055`. One process (no Sanic worker pool): the engine's models and
indexes are loaded once in `before_server_start`, not at import and not per worker.
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import create_app

log = logging.getLogger("actions")


def _executor():
    """rasa-sdk's executor, taking Rasa 3.6's calls without a domain: endpoints.yml enables
    the selective domain (our one action never reads it, so Rasa does not send it on every
    turn), and rasa-sdk 3.21 would answer such a call 449, waiting for a domain digest that
    Rasa 3.6 never sends."""
    from rasa_sdk.executor import ActionExecutor

    class Executor(ActionExecutor):
        def update_and_return_domain(self, payload, action_name):
            if payload.get("domain") is None and not payload.get("domain_digest"):
                return self.domain or {}
            return super().update_and_return_domain(payload, action_name)

    return Executor()


async def _warm_up(app, _loop) -> None:
    import asyncio

    from assistant.services.skills import get_skill_engine

    def warm() -> None:
        try:
            get_skill_engine().warm_up()
        except Exception:  # noqa: BLE001 - actions answer with a fallback if this stays broken
            log.exception("engine warm-up failed; actions will answer with a fallback")

    await asyncio.get_running_loop().run_in_executor(None, warm)


def _ping_database() -> None:
    from sqlalchemy import text

    from assistant.db.session import session_scope

    with session_scope() as session:
        session.execute(text("SELECT 1"))


def main() -> None:
    parser = argparse.ArgumentParser(description="Puente action server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PUENTE_ACTION_PORT", 5055)))
    parser.add_argument("--host", default=os.environ.get("PUENTE_HOST", "127.0.0.1"))
    parser.add_argument("--no-warm-up", action="store_true")
    args = parser.parse_args()
    from assistant.config import get_settings
    from assistant.errors import ConfigurationError

    try:  # fail closed: no serving on a missing, short or published secret
        get_settings().require_secrets()
    except ConfigurationError as exc:
        raise SystemExit(f"actions: refusing to start: {exc}") from exc
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    executor = _executor()
    executor.register_package("actions.actions")
    app = create_app(executor, cors_origins=[])
    # Rasa sends the tracker of the chat session on every turn; the dialogue's state is no
    # longer in it, but trackers from before (a whole state per turn) are still taken once,
    # so the limit stays well above the 1 MB the channels get. Only Rasa talks to this server.
    app.config.REQUEST_MAX_SIZE = 256 * 1024 * 1024

    @app.on_request
    async def count_bytes(request):
        """The size of what Rasa sends per turn (the bench reads it, per turn)."""
        if request.path == "/webhook" and request.body:
            from actions.actions import REQUEST_BYTES

            REQUEST_BYTES.observe(len(request.body))

    if not args.no_warm_up:
        app.register_listener(_warm_up, "before_server_start")

    @app.get("/ready")
    async def ready(_request):
        """Ready when the database answers (every turn reads and writes it)."""
        import asyncio

        from sanic.response import json as sanic_json

        try:
            await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(None, _ping_database), timeout=3
            )
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return sanic_json({"ready": False, "database": type(exc).__name__}, status=503)
        return sanic_json({"ready": True, "database": "ok"})

    @app.get("/metrics")
    async def metrics(_request):
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
        from sanic.response import raw

        return raw(generate_latest(), content_type=CONTENT_TYPE_LATEST)

    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
