"""The worker's summary and data export, opened by a link token (access.links): the page, its
PDF, JSON and chart, and "what do you know about me" as a JSON download. A resume code opens
none of these; an unknown, revoked or expired token answers 404, the same for each."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response

from assistant.web import errors

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _summary(token: str) -> dict:
    from assistant.db.session import session_scope
    from assistant.web.summary import load_summary

    with session_scope() as session:
        found = load_summary(session, token)
    if found is None:
        raise HTTPException(status_code=404, detail="no summary at this link (or it was revoked)")
    return found


def _chart_png(summary: dict) -> bytes | None:
    from assistant.services.plans import chart

    gaps = summary.get("gaps")
    if not gaps:
        return None
    return chart({**gaps, "occupation": summary.get("goal")}, "png", summary["language"])


@router.get("/s/{token}.json")
def summary_json(token: str) -> Response:
    found = _summary(token)
    found.pop("token", None)
    return errors.SafeJSONResponse(found, headers=NO_STORE)


@router.get("/s/{token}.pdf")
def summary_pdf(token: str) -> Response:
    from assistant.web.summary import render_pdf

    found = _summary(token)
    pdf = render_pdf(found, _chart_png(found))
    headers = {"Content-Disposition": 'attachment; filename="puente-resumen.pdf"', **NO_STORE}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/s/{token}/chart.png")
def summary_chart(token: str) -> Response:
    png = _chart_png(_summary(token))
    if png is None:
        raise HTTPException(status_code=404, detail="no gaps yet")
    return Response(png, media_type="image/png", headers=NO_STORE)


@router.get("/s/{token}/export.json")
async def export_json(token: str) -> Response:
    """Everything stored for the conversation this link opens (the chat links here when a
    worker asks what Puente knows about them). Counsellors' notes are not part of it."""
    from assistant.access import links
    from assistant.db.session import session_scope
    from assistant.privacy import export_conversation

    def load() -> dict | None:
        with session_scope() as session:
            row = links.resolve(session, token)
            return export_conversation(session, row) if row is not None else None

    data = await asyncio.to_thread(load)
    if data is None:
        return errors.json_error(404, "not_found", "no data at this link (or it was revoked)")
    headers = {"Content-Disposition": 'attachment; filename="puente-datos.json"', **NO_STORE}
    return JSONResponse(data, headers=headers)


@router.get("/s/{token}", response_class=HTMLResponse)
def summary_page(token: str) -> Response:
    from assistant.web.summary import render_html

    return HTMLResponse(render_html(_summary(token)), headers=NO_STORE)
