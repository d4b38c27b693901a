"""Operations for the web app: liveness and readiness, Prometheus metrics, the retention job
while the app runs, per-address limits where a code could be guessed or sessions farmed,
and link tokens and resume codes kept out of the access log."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from assistant.web.errors import json_error

log = logging.getLogger(__name__)
RETENTION_EVERY_SECONDS = 6 * 3600
# Requests per minute per client address on routes that take a resume code (guessing one)
# or hand out widget sessions.
ADDRESS_LIMITS = (("/s/", 60), ("/api/v1/widget/session", 30), ("/api/v1/chat/session", 30))

REQUEST_SECONDS = Histogram(
    "puente_web_request_seconds",
    "Web app request latency by route template and status class",
    ["route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEB_ERRORS = Counter("puente_web_errors_total", "Web app responses with a 5xx status", ["route"])
HANDOFF_QUEUE = Gauge(
    "puente_handoff_queue_length", "Workers waiting for a counsellor (not yet taken)"
)
RETENTION_ERASED = Counter(
    "puente_retention_erased_total", "Conversations erased by the retention job"
)

# /s/<token>, /s/<token>.pdf ... carry a link token, ?code=... a resume code: not for logs.
CODE_IN_PATH = re.compile(r"(/s/)[A-Za-z0-9_-]{4,64}")
CODE_IN_QUERY = re.compile(r"((?:\?|&)code=)[^&\s\"]*")


def redact(path: str) -> str:
    return CODE_IN_QUERY.sub(r"\1[code]", CODE_IN_PATH.sub(r"\1[code]", path))


class RedactCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def _waiting_handoffs() -> int:
    from sqlalchemy import func, select

    from assistant.db.console_models import Handoff
    from assistant.db.session import session_scope

    with session_scope() as session:
        return session.scalar(select(func.count()).where(Handoff.status == "waiting")) or 0


async def _retention_loop() -> None:
    from assistant.retention import run_once

    while True:
        try:
            result = await asyncio.to_thread(run_once)
            RETENTION_ERASED.inc(result.get("conversations", 0))
        except Exception:  # noqa: BLE001 - retried at the next round
            log.exception("retention job failed")
        await asyncio.sleep(RETENTION_EVERY_SECONDS)


@asynccontextmanager
async def lifespan(_app: FastAPI):
    from assistant.config import get_settings

    task = None
    if get_settings().retention_days > 0:
        task = asyncio.create_task(_retention_loop())
    yield
    if task:
        task.cancel()


router = APIRouter(include_in_schema=False, lifespan=lifespan)


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz() -> Response:
    from sqlalchemy import text

    from assistant.db.session import session_scope

    def ping() -> None:
        with session_scope() as session:
            session.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(asyncio.to_thread(ping), timeout=3)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return JSONResponse({"ready": False, "database": type(exc).__name__}, status_code=503)
    return JSONResponse({"ready": True, "database": "ok"})


@router.get("/metrics")
async def metrics() -> Response:
    try:
        HANDOFF_QUEUE.set(await asyncio.to_thread(_waiting_handoffs))
    except Exception:  # noqa: BLE001 - the other metrics still count
        log.warning("handoff queue length unavailable")
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _address(request: Request) -> str:
    from assistant.config import get_settings
    from assistant.web.addresses import request_address

    return request_address(request, get_settings().trusted_proxies)


def install(app: FastAPI) -> None:
    from assistant.config import get_settings
    from edge.limiter import RateLimiter

    app.include_router(router)
    logging.getLogger("uvicorn.access").addFilter(RedactCodes())
    limiter = RateLimiter(get_settings().redis_url or None, prefix="puente:web-rate:")

    @app.middleware("http")
    async def measure(request: Request, call_next):
        started = time.perf_counter()
        path = request.url.path
        for prefix, limit in ADDRESS_LIMITS:
            if path.startswith(prefix) and not await limiter.allow(
                f"{prefix}:{_address(request)}", limit
            ):
                return json_error(
                    429,
                    "rate_limited",
                    "too many requests from your address; wait a minute",
                    headers={"Retry-After": "60"},
                )
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        REQUEST_SECONDS.labels(name, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        if response.status_code >= 500:
            WEB_ERRORS.labels(name).inc()
        return response
