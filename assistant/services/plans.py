"""Goals, gaps and plans as one service for the CLI, the web app and the actions."""

from __future__ import annotations

from assistant.db.session import session_scope
from assistant.errors import PuenteError
from assistant.plans.constraints import PlanConstraints
from assistant.profiles.model import Profile

OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"


class UnknownOccupationError(PuenteError):
    """No ESCO occupation matches what was asked for."""


def resolve_occupation(value: str | None) -> str | None:
    """An ESCO URI is taken as is; anything else is searched as a job title."""
    from assistant.services.skills import get_occupation_search, get_skill_engine

    if not value:
        return None
    if value.startswith(OCCUPATION_PREFIX):
        if value not in get_skill_engine().view.occupations:
            raise UnknownOccupationError(f"unknown ESCO occupation {value}")
        return value
    hits = get_occupation_search().search(value, top=1)
    if not hits:
        raise UnknownOccupationError(f"no ESCO occupation found for {value!r}")
    return hits[0].uri


def gap_report(profile: Profile, occupation: str | None, job_specific_first: bool = False):
    from assistant.services.skills import get_gap_analyser

    return get_gap_analyser().analyse(
        profile.uris(), resolve_occupation(occupation), job_specific_first
    )


def make_plan(
    profile: Profile,
    occupation: str | None,
    constraints: PlanConstraints,
    job_specific_first: bool = False,
) -> dict:
    """{"gaps": <gap report>, "plan": <plan>} for a profile, a goal and constraints."""
    from assistant.plans.planner import build_plan
    from assistant.services.skills import get_gap_analyser

    report = gap_report(profile, occupation, job_specific_first)
    with session_scope() as session:
        plan = build_plan(session, get_gap_analyser(), report, constraints)
    return {"gaps": report.as_dict(), "plan": plan}


def skill_kinds(report: dict) -> dict[str, tuple[str, str]]:
    from assistant.services.skills import get_skill_engine

    skills = get_skill_engine().view.skills
    return {
        c["required"]: (skills[c["required"]].kind, skills[c["required"]].group)
        for c in report.get("covered", [])
        if c["required"] in skills
    }


def chart(report: dict, fmt: str = "png", lang: str = "es") -> bytes:
    from assistant.plans.chart import render

    return render(report, skill_kinds(report), fmt, lang)
