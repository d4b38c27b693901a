"""Where a worker wants to go: occupations found from a job title or description
(POST /api/v1/occupations/search) and the gaps against one (POST /api/v1/gaps)."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.web import errors
from assistant.web.routes.schemas import GapRequest, OccupationRequest, OccupationResponse
from assistant.web.routes.shared import api_router, off_loop, profile_of


def goals_router() -> APIRouter:
    router = api_router()

    @router.post(
        "/occupations/search",
        response_model=OccupationResponse,
        responses={503: errors.error_doc("The engine's models or indexes are not available")},
    )
    async def occupations(body: OccupationRequest) -> dict:
        from assistant.services.skills import get_occupation_search

        def run() -> dict:
            from assistant.services.labels import localize
            from assistant.skills.text import detect_language

            hits = get_occupation_search().search(body.text, body.lang, body.top)
            wanted = detect_language(body.text) if body.lang == "auto" else body.lang
            return {"occupations": localize([h.as_dict() for h in hits], wanted)}

        return await off_loop(run)

    @router.post("/gaps")
    async def gaps(body: GapRequest) -> dict:
        """Gaps against an occupation (URI or job title), or the demand profile."""
        from assistant.services.labels import localize_report, localize_report_dict
        from assistant.services.plans import gap_report

        def run() -> dict:
            report = gap_report(profile_of(body), body.occupation, body.job_specific_first)
            localize_report(report, body.lang)
            return localize_report_dict(report.as_dict(), body.lang)

        return await off_loop(run)

    return router
