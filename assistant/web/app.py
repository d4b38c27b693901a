"""The web app (FastAPI): a home page, health, and the engine's HTTP API under /api/v1/."""

from __future__ import annotations

import asyncio
import html

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from assistant.config import get_settings
from assistant.errors import InputTextError, PuenteError
from assistant.skills.engine import ESCO_ATTRIBUTION


class ExtractRequest(BaseModel):
    text: str = Field(..., description="What the worker did, in their own words")
    top: int = Field(10, ge=1, le=500)
    lang: str = Field("auto", pattern="^(auto|en|es|pt)$")
    cutoff: bool = True


class EvidenceOut(BaseModel):
    text: str
    start: int
    end: int


class SkillOut(BaseModel):
    uri: str
    label: str
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
    text: str = Field(..., description="A job title or what the person does")
    top: int = Field(10, ge=1, le=200)
    lang: str = Field("auto", pattern="^(auto|en|es|pt)$")


class OccupationOut(BaseModel):
    uri: str
    label: str
    score: float


class OccupationResponse(BaseModel):
    occupations: list[OccupationOut]


class ProfileSkill(BaseModel):
    uri: str
    status: str | None = None


class GapRequest(BaseModel):
    skills: list[ProfileSkill] = Field(..., min_length=1, description="The profile's skills")
    occupation: str | None = Field(None, description="ESCO occupation URI or a job title")
    job_specific_first: bool = False


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="Puente",
        version="0.1.0",
        description="Career guidance: everyday work to ESCO skills. " + ESCO_ATTRIBUTION,
    )

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        rasa = html.escape(f"http://{settings.host}:{settings.rasa_port}")
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Puente</title></head>
<body><main><h1>Puente</h1>
<p>Career guidance assistant. Running here: this web app, the Rasa server at {rasa}
(REST channel <code>/webhooks/rest/webhook</code>) and the action server.</p>
<p>API: <a href="/docs">/docs</a> (OpenAPI). The chat widget arrives with a later release.</p>
<footer><p>{html.escape(ESCO_ATTRIBUTION)}</p></footer></main></body></html>"""

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/api/v1/skills/extract", response_model=ExtractResponse)
    async def extract(body: ExtractRequest) -> dict:
        from assistant.services.skills import get_skill_engine

        def run() -> dict:
            engine = get_skill_engine()
            return engine.extract(
                body.text, language=body.lang, top=body.top, cutoff=body.cutoff
            ).as_dict(body.top)

        try:
            return await asyncio.get_running_loop().run_in_executor(None, run)
        except InputTextError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        except PuenteError as exc:
            raise HTTPException(status_code=503, detail=str(exc)) from exc

    @app.post("/api/v1/occupations/search", response_model=OccupationResponse)
    async def occupations(body: OccupationRequest) -> dict:
        from assistant.services.skills import get_occupation_search

        def run() -> dict:
            hits = get_occupation_search().search(body.text, body.lang, body.top)
            return {"occupations": [h.as_dict() for h in hits]}

        try:
            return await asyncio.get_running_loop().run_in_executor(None, run)
        except InputTextError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc

    @app.post("/api/v1/gaps")
    async def gaps(body: GapRequest) -> dict:
        from assistant.services.skills import get_gap_analyser, get_occupation_search

        def run() -> dict:
            target = body.occupation
            if target and not target.startswith("http://data.europa.eu/esco/occupation/"):
                hits = get_occupation_search().search(target, top=1)
                target = hits[0].uri if hits else None
            profile = [s.uri for s in body.skills if s.status != "rejected"]
            return get_gap_analyser().analyse(profile, target, body.job_specific_first).as_dict()

        try:
            return await asyncio.get_running_loop().run_in_executor(None, run)
        except InputTextError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        except PuenteError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc

    return app
