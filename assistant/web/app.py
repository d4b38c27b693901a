"""The web app (FastAPI): a home page, health, and the engine's HTTP API under /api/v1/."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from assistant.config import get_settings
from assistant.errors import ConfigurationError, InvalidRequestError, PuenteError
from assistant.plans.constraints import EARLIEST_START, LATEST_START, PlanConstraints
from assistant.profiles.model import Profile
from assistant.skills.engine import ESCO_ATTRIBUTION
from assistant.web import errors
from assistant.web.limits import (
    MAX_PROFILE_SKILLS,
    MAX_URI_CHARS,
    OCCUPATION_TEXT_CHARS,
    ApiText,
    BodyLimitMiddleware,
    json_only,
)

# Request bodies are validated strictly: `true` is not 1 and `0` is not false, as the schema
# says. (Dates stay lax: JSON has no date type, they come as strings.)
STRICT = ConfigDict(strict=True)


class ExtractRequest(BaseModel):
    model_config = STRICT
    # at most PUENTE_API_MAX_TEXT_CHARS characters (the description names the value)
    text: ApiText = Field(..., description="What the worker did, in their own words")
    top: int = Field(10, ge=1, le=100)
    lang: str = Field("auto", pattern="^(auto|en|es|pt)$")
    cutoff: bool = True


class EvidenceOut(BaseModel):
    text: str
    start: int
    end: int


class SkillOut(BaseModel):
    uri: str
    label: str = Field(description="In the language asked for, where ESCO or Puente has it")
    label_en: str
    label_language: str = Field(description="The language `label` is in (en when no other)")
    kind: str
    group: str
    score: float
    evidence: list[EvidenceOut]


class ExtractResponse(BaseModel):
    language: str
    text: str
    segments: list[EvidenceOut]
    skills: list[SkillOut]
    transversal: list[SkillOut]
    digital: list[SkillOut]
    occupations: list[dict]
    notes: list[str]
    attribution: str


class OccupationRequest(BaseModel):
    model_config = STRICT
    text: str = Field(
        ..., max_length=OCCUPATION_TEXT_CHARS, description="A job title or what the person does"
    )
    top: int = Field(10, ge=1, le=100)
    lang: str = Field("auto", pattern="^(auto|en|es|pt)$")


class OccupationOut(BaseModel):
    uri: str
    label: str
    label_en: str
    label_language: str
    score: float


class OccupationResponse(BaseModel):
    occupations: list[OccupationOut]


class ProfileSkill(BaseModel):
    model_config = STRICT
    uri: str = Field(..., max_length=MAX_URI_CHARS)
    status: str | None = Field(None, pattern="^(active|rejected)$")


class TargetRequest(BaseModel):
    model_config = STRICT
    skills: list[ProfileSkill] = Field(
        ..., min_length=1, max_length=MAX_PROFILE_SKILLS, description="The profile's skills"
    )
    occupation: str | None = Field(
        None, max_length=OCCUPATION_TEXT_CHARS, description="ESCO occupation URI or a job title"
    )
    job_specific_first: bool = False


class GapRequest(TargetRequest):
    lang: str = Field("en", pattern="^(en|es|pt)$", description="Language of the labels")


class PlanConstraintsIn(PlanConstraints):
    """The constraints as the API takes them: strict types and short codes (the bounds on
    dates and hours are PlanConstraints' own)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    currency: str = Field("USD", min_length=3, max_length=3, description="ISO 4217 code")
    hours_per_week: float = Field(
        ge=0.5, le=80, description="Hours a week for learning (at least half an hour)"
    )
    country: str | None = Field(None, max_length=64, description="ISO country for onsite offers")
    start_date: date | None = Field(
        None,
        strict=False,
        description=f"From {EARLIEST_START} to {LATEST_START}; empty means today",
    )


class PlanRequest(TargetRequest):
    """Labels and reasons come in `constraints.language`."""

    constraints: PlanConstraintsIn


class ChartRequest(TargetRequest):
    format: str = Field("png", pattern="^(png|svg)$")
    lang: str = Field("es", pattern="^(en|es)$")


def _profile(body: TargetRequest) -> Profile:
    return Profile(skills=[{"uri": s.uri, "status": s.status or "active"} for s in body.skills])


class WidgetSessionRequest(BaseModel):
    model_config = STRICT
    previous: str | None = Field(None, max_length=2000)


STATIC = Path(__file__).resolve().parent / "static"


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

    from assistant.web.ops import install as install_ops

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
    from assistant.web.api_auth import ApiKeyRoute, require_api_key

    # the JSON API: an API key (but on the widget's and chat's session routes; ApiKeyRoute),
    # JSON bodies only, and the same declared error answers on every operation
    api = APIRouter(
        prefix="/api/v1",
        dependencies=[Depends(require_api_key), Depends(json_only)],
        responses=errors.API_ERRORS,
        route_class=ApiKeyRoute,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    from assistant.console.pages import router as console_router

    app.include_router(console_router)
    from assistant.web.summary_routes import router as summary_router

    app.include_router(summary_router)

    @app.get("/", response_class=HTMLResponse)
    def home(lang: str = "es", code: str = "") -> str:
        lang = "en" if lang == "en" else "es"
        # a resume code handed over in a link (ABCD-EFGH-JK23): typed in the chat for the
        # person, who still confirms before anything moves
        code = code.upper() if re.fullmatch(r"[A-Za-z0-9]{4}(-?[A-Za-z0-9]{4}){2}", code) else ""
        base, rasa = html.escape(settings.base_url), html.escape(settings.rasa_url)
        intro = {
            "es": "Cuéntale a Puente lo que has hecho —trabajos pagados, informales o "
            "voluntarios— y te ayuda a nombrar tus habilidades, ver qué te falta para el "
            "trabajo que quieres y armar un plan corto y barato de cursos con certificado.",
            "en": "Tell Puente what you have done (paid, informal or volunteer work) and it "
            "helps you name your skills, see what you need for the job you want and build a "
            "short, affordable plan of certified courses.",
        }[lang]
        return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Puente</title>
<link rel="icon" href="{base}/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{base}/static/home.css"></head>
<body><main><h1>Puente</h1><p>{html.escape(intro)}</p>
<p><a href="/?lang={"es" if lang == "en" else "en"}">{"Español" if lang == "en" else "English"}</a>
· API: <a href="/docs">/docs</a></p>
<footer><p>{html.escape(ESCO_ATTRIBUTION)}</p></footer></main>
<script src="{base}/static/widget.js" data-api="{base}" data-socket="{rasa}" data-lang="{lang}"
 data-code="{code}" data-open="{"true" if code else "false"}" defer></script></body></html>"""

    @api.post(
        "/widget/session",
        responses={429: errors.RATE_LIMITED_DOC},
    )
    def widget_session(body: WidgetSessionRequest) -> dict:
        """A short-lived token for the chat widget; `previous` keeps the same conversation."""
        from assistant.web.widget_tokens import issue

        return issue(
            settings.widget_jwt_secret.get_secret_value(),
            settings.widget_token_minutes,
            body.previous,
        )

    @api.post(
        "/chat/session",
        responses={429: errors.RATE_LIMITED_DOC},
    )
    def chat_session(body: WidgetSessionRequest) -> dict:
        """A short-lived token for a REST chat client: send it as `Authorization: Bearer ...`
        to Rasa's POST /webhooks/rest/webhook; the conversation is the token's (no `sender`
        needed). `previous` (an earlier token, expired is fine) keeps the same conversation."""
        from assistant.web.widget_tokens import CHAT_AUDIENCE, issue

        return issue(
            settings.widget_jwt_secret.get_secret_value(),
            settings.widget_token_minutes,
            body.previous,
            audience=CHAT_AUDIENCE,
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(
            (STATIC / "favicon.svg").read_bytes(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    async def _off_loop(fn):
        """Runs `fn` off the event loop; Puente's errors become HTTP answers: what the caller
        can fix is 422, what Puente lacks (taxonomy, models, indexes, settings) is 503."""
        try:
            return await asyncio.get_running_loop().run_in_executor(None, fn)
        except InvalidRequestError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        except PuenteError as exc:
            raise HTTPException(status_code=503, detail=str(exc)) from exc

    @api.post(
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

        return await _off_loop(run)

    @api.post(
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

        return await _off_loop(run)

    @api.post("/gaps")
    async def gaps(body: GapRequest) -> dict:
        """Gaps against an occupation (URI or job title), or the demand profile."""
        from assistant.services.labels import localize_report, localize_report_dict
        from assistant.services.plans import gap_report

        def run() -> dict:
            report = gap_report(_profile(body), body.occupation, body.job_specific_first)
            localize_report(report, body.lang)
            return localize_report_dict(report.as_dict(), body.lang)

        return await _off_loop(run)

    @api.post("/plan")
    async def plan(body: PlanRequest) -> dict:
        """The plan (offers, totals, alternatives, one-line reasons) and the gaps it answers."""
        from assistant.services.plans import make_plan

        return await _off_loop(
            lambda: make_plan(
                _profile(body), body.occupation, body.constraints, body.job_specific_first
            )
        )

    @api.post(
        "/gaps/chart",
        response_class=Response,
        responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
    )
    async def gaps_chart(body: ChartRequest) -> Response:
        """Covered vs missing skills by group, as PNG or SVG."""
        from assistant.services.labels import localize_report
        from assistant.services.plans import chart, gap_report

        def run() -> bytes:
            report = gap_report(_profile(body), body.occupation, body.job_specific_first)
            localize_report(report, body.lang)
            return chart(report.as_dict(), body.format, body.lang)

        data = await _off_loop(run)
        media = "image/png" if body.format == "png" else "image/svg+xml"
        return Response(content=data, media_type=media)

    @app.get("/charts/{token}.png", include_in_schema=False)
    async def chart_file(token: str) -> Response:
        from assistant.plans.chart import chart_png

        if not re.fullmatch(r"[0-9a-f]{24}", token):
            raise HTTPException(status_code=404)
        data = await _off_loop(lambda: chart_png(settings.var_dir / "charts", token))
        if data is None:
            raise HTTPException(status_code=404)
        return Response(data, media_type="image/png")

    @app.get("/charts/{token}.svg", include_in_schema=False)
    async def chart_svg_file(token: str) -> Response:
        """The same chart as SVG, for the web widget (legible at a phone's width). Drawn on
        each fetch, never stored; the browser keeps it for the chart's lifetime."""
        from assistant.plans.chart import chart_svg

        if not re.fullmatch(r"[0-9a-f]{24}", token):
            raise HTTPException(status_code=404)
        data = await _off_loop(lambda: chart_svg(settings.var_dir / "charts", token))
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

    app.include_router(api)
    return app
