"""Skills found in what a worker wrote: POST /api/v1/skills/extract."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.web import errors
from assistant.web.routes.schemas import ExtractRequest, ExtractResponse
from assistant.web.routes.shared import api_router, off_loop


def skills_router() -> APIRouter:
    router = api_router()

    @router.post(
        "/skills/extract",
        response_model=ExtractResponse,
        responses={503: errors.error_doc("The engine's models or indexes are not available")},
    )
    async def extract(body: ExtractRequest) -> dict:
        from assistant.services.skills import get_skill_engine

        def run() -> dict:
            from assistant.services.labels import localize_extraction

            engine = get_skill_engine()
            found = engine.extract(
                body.text, language=body.lang, top=body.top, cutoff=body.cutoff
            ).as_dict(body.top)
            wanted = found["language"] if body.lang == "auto" else body.lang
            return localize_extraction(found, wanted)

        return await off_loop(run)

    return router
