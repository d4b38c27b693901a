"""The gap chart: drawn on request by the API (POST /api/v1/gaps/chart), and the chart files
the dialogue links to (/charts/<token>.png and .svg, no API key: the token is the key)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from assistant.config import Settings
from assistant.plans.chart import TOKEN
from assistant.web.routes.schemas import ChartRequest
from assistant.web.routes.shared import api_router, off_loop, profile_of


def gaps_chart_router() -> APIRouter:
    router = api_router()

    @router.post(
        "/gaps/chart",
        response_class=Response,
        responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
    )
    async def gaps_chart(body: ChartRequest) -> Response:
        """Covered vs missing skills by group, as PNG or SVG."""
        from assistant.services.labels import localize_report
        from assistant.services.plans import chart, gap_report

        def run() -> bytes:
            report = gap_report(profile_of(body), body.occupation, body.job_specific_first)
            localize_report(report, body.lang)
            return chart(report.as_dict(), body.format, body.lang)

        data = await off_loop(run)
        media = "image/png" if body.format == "png" else "image/svg+xml"
        return Response(content=data, media_type=media)

    return router


def chart_files_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/charts/{token}.png", include_in_schema=False)
    async def chart_file(token: str) -> Response:
        from assistant.plans.chart import chart_png

        if not TOKEN.fullmatch(token):
            raise HTTPException(status_code=404)
        data = await off_loop(lambda: chart_png(settings.var_dir / "charts", token))
        if data is None:
            raise HTTPException(status_code=404)
        return Response(data, media_type="image/png")

    @router.get("/charts/{token}.svg", include_in_schema=False)
    async def chart_svg_file(token: str) -> Response:
        """The same chart as SVG, for the web widget (legible at a phone's width). Drawn on
        each fetch, never stored; the browser keeps it for the chart's lifetime."""
        from assistant.plans.chart import chart_svg

        if not TOKEN.fullmatch(token):
            raise HTTPException(status_code=404)
        data = await off_loop(lambda: chart_svg(settings.var_dir / "charts", token))
        if data is None:
            raise HTTPException(status_code=404)
        return Response(
            data,
            media_type="image/svg+xml",
            headers={
                "Cache-Control": "private, max-age=604800",
                # opened on its own, an SVG is a document: it may run nothing
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            },
        )

    return router
