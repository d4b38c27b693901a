"""The bodies the web app's JSON API takes and answers (their names are the OpenAPI schema's)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from assistant.plans.constraints import EARLIEST_START, LATEST_START, PlanConstraints
from assistant.web.limits import (
    MAX_PROFILE_SKILLS,
    MAX_URI_CHARS,
    OCCUPATION_TEXT_CHARS,
    ApiText,
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


class WidgetSessionRequest(BaseModel):
    model_config = STRICT
    previous: str | None = Field(None, max_length=2000)
