"""The web app (FastAPI): a home page, health, the engine's HTTP API under /api/v1/, the
worker's summaries and the counsellor console. The routes live in assistant.web.routes (one
module per resource) and assistant.console.routes; this module puts the app together."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from assistant.config import get_settings
from assistant.console.routes import console_router
from assistant.errors import ConfigurationError
from assistant.skills.engine import ESCO_ATTRIBUTION
from assistant.web import errors
from assistant.web.limits import BodyLimitMiddleware
from assistant.web.ops import install as install_ops
from assistant.web.routes.charts import chart_files_router, gaps_chart_router
from assistant.web.routes.goals import goals_router
from assistant.web.routes.pages import STATIC, pages_router
from assistant.web.routes.plans import plans_router
from assistant.web.routes.sessions import sessions_router
from assistant.web.routes.skills import skills_router
from assistant.web.routes.summary import router as summary_router


def create_app() -> FastAPI:
    settings = get_settings()
    try:  # fail closed: never serve on a missing, short or published secret
        settings.require_secrets()
    except ConfigurationError as exc:
        raise SystemExit(f"web app: refusing to start: {exc}") from exc
    app = FastAPI(
        title="Puente",
        version="0.1.0",
        description="Career guidance: everyday work to ESCO skills. " + ESCO_ATTRIBUTION,
    )

    # health, readiness, metrics, retention job, per-address limits, codes out of logs; its
    # middleware is the innermost, so its answers also pass the ones below
    install_ops(app)
    # outermost last: CORS headers on every answer, then the 500 guard, then the body cap
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(errors.ServerErrorGuard)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "Authorization"],
    )
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # in this order (the OpenAPI lists the operations as they come)
    for router in (
        console_router(),
        summary_router,
        pages_router(settings),
        chart_files_router(settings),
        sessions_router(settings),
        skills_router(),
        goals_router(),
        plans_router(),
        gaps_chart_router(),
    ):
        app.include_router(router)
    return app
