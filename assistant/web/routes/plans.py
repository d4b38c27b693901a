"""A learning plan for a profile and a goal: POST /api/v1/plan."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.web.routes.schemas import PlanRequest
from assistant.web.routes.shared import api_router, off_loop, profile_of


def plans_router() -> APIRouter:
    router = api_router()

    @router.post("/plan")
    async def plan(body: PlanRequest) -> dict:
        """The plan (offers, totals, alternatives, one-line reasons) and the gaps it answers."""
        from assistant.services.plans import make_plan

        return await off_loop(
            lambda: make_plan(
                profile_of(body), body.occupation, body.constraints, body.job_specific_first
            )
        )

    return router
