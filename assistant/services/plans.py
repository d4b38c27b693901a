"""Goals, gaps and plans as one service for the CLI, the web app and the actions."""

from __future__ import annotations

from assistant.db.session import session_scope
from assistant.errors import InvalidRequestError
from assistant.plans.constraints import PlanConstraints
from assistant.profiles.model import Profile

OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"


class UnknownOccupationError(InvalidRequestError):
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
    """Gaps for a goal; target skills the worker's own story shows are credited too."""
    from assistant.goals.gaps import StoryEvidence
    from assistant.services.skills import get_gap_analyser

    story = StoryEvidence(
        tuple(t for t in profile.experiences if t and t.strip()),
        profile.language if profile.language in ("en", "es", "pt") else "es",
        frozenset(s.uri for s in profile.skills if s.status == "rejected"),
    )
    return get_gap_analyser().analyse(
        profile.uris(), resolve_occupation(occupation), job_specific_first, story=story
    )


def make_plan(
    profile: Profile,
    occupation: str | None,
    constraints: PlanConstraints,
    job_specific_first: bool = False,
) -> dict:
    """{"gaps": <gap report>, "plan": <plan>} for a profile, a goal and constraints."""
    from assistant.plans.planner import build_plan
    from assistant.services.labels import localize, localize_report, localize_report_dict
    from assistant.services.skills import get_gap_analyser

    report = gap_report(profile, occupation, job_specific_first)
    localize_report(report, constraints.language)  # the plan's reasons name gaps in it too
    with session_scope() as session:
        plan = build_plan(session, get_gap_analyser(), report, constraints)
    shown = [plan, *((plan.get("alternatives") or {}).values())]
    for offer in (o for part in shown if part for o in part.get("offers") or []):
        localize(offer.get("covers") or [], constraints.language)
    return {"gaps": localize_report_dict(report.as_dict(), constraints.language), "plan": plan}


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


# On the tune part of tests/data/gapset, with a truthful worker answering: the credit after
# the question was .629/.576 (en/es) asking 4, .643/.609 asking 5 (docs/plans.md).
ASK_AT_MOST = 5
# A target skill this close (cosine) to one of the worker's sentences is plausible from the
# story without being credited: worth one question rather than a gap on trust.
ASK_FLOOR = 0.3


def skills_to_confirm(profile: Profile, occupation: str, language: str) -> list[dict]:
    """The target's essential skills Puente is least sure about: not credited from the story,
    but closest to something the worker said (so a yes is likely and worth asking for, and a
    no is a real gap). At most ASK_AT_MOST; none when nothing in the story comes close."""
    import re

    import numpy as np

    from assistant.services.labels import localize
    from assistant.services.skills import get_skill_engine
    from assistant.skills.embedders import get_embedder

    report = gap_report(profile, occupation)
    essential = [g for g in report.gaps if g.essential]
    sentences = [
        s.strip()
        for text in profile.experiences
        for s in re.split(r"[.!?;\n]+", text)
        if len(s.split()) >= 3
    ]
    if not essential or not sentences:
        return []
    items = localize([{"uri": g.uri, "label": g.label} for g in essential], language)
    engine = get_skill_engine()
    embedder = get_embedder(engine.models.get(language, engine.models.get("en", "minilm")))
    said = embedder.embed_queries(sentences)
    named = embedder.embed_labels([i["label"] for i in items])
    closeness = (named @ said.T).max(axis=1)
    order = np.argsort(-closeness)
    return [items[i] for i in order[:ASK_AT_MOST] if closeness[i] >= ASK_FLOOR]
