"""What the web app's routers share: the /api/v1 router's rules, and `off_loop`, the one place
where Puente's errors become HTTP answers."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, HTTPException

from assistant.errors import InvalidRequestError, PuenteError
from assistant.profiles.model import Profile
from assistant.web import errors
from assistant.web.api_auth import ApiKeyRoute, require_api_key
from assistant.web.limits import json_only
from assistant.web.routes.schemas import TargetRequest


def api_router() -> APIRouter:
    """A router for the JSON API: under /api/v1, an API key (but on the widget's and chat's
    session routes; ApiKeyRoute), JSON bodies only, and the same declared error answers on
    every operation."""
    return APIRouter(
        prefix="/api/v1",
        dependencies=[Depends(require_api_key), Depends(json_only)],
        responses=errors.API_ERRORS,
        route_class=ApiKeyRoute,
    )


async def off_loop(fn):
    """Runs `fn` off the event loop; Puente's errors become HTTP answers: what the caller
    can fix is 422, what Puente lacks (taxonomy, models, indexes, settings) is 503."""
    try:
        return await asyncio.get_running_loop().run_in_executor(None, fn)
    except InvalidRequestError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    except PuenteError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc


def profile_of(body: TargetRequest) -> Profile:
    """The profile a request's skills describe (a skill without a status is active)."""
    return Profile(skills=[{"uri": s.uri, "status": s.status or "active"} for s in body.skills])
