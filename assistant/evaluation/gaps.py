"""Gaps and plans against what a counsellor would say (issue #21), on tests/data/gapset.

Each case (a worker's story and a target job) goes through the services the API uses, in
process: skill extraction (`/api/v1/skills/extract`: the engine, top 10, the case's language),
the profile the chat builds from it, then `make_plan` (`/api/v1/plan`, whose `gaps` part is what
`/api/v1/gaps` returns) for the target's ESCO URI under one default constraint set
(DEFAULT_CONSTRAINTS: USD 100, 5 h a week for 12 weeks, any mode, the case's language, cohorts
from 2027-01-11 so the demo catalogue's 2027 dates count every year).

Per language (and per part of the fixed tune/test split, `assistant.skills.evaluate.part_of`),
pooled over skills, not averaged per case:
- credit recall: of the skills the counsellor credits, the share Puente counts as covered
  (also over the credited skills essential for the target: `credit_recall_essential`);
- credit after the question: the same once the confirmation turn (`skills_to_confirm`) is
  answered by a worker who says yes exactly to what the counsellor credits;
- wrong top-5 gaps: of the credited skills, the share among Puente's first five gaps; and the
  same after the question (the first five the worker is shown once the truthful worker's
  answers are credited: `wrong_top5_after_question`);
- top-5 relevance: of Puente's first five gaps, the share the counsellor names or ESCO links to
  the target (essential or optional);
- counsellor gaps in top 5: of the gaps the counsellor names, the share in Puente's first five;
- counsellor gaps credited: of the gaps the counsellor names, the share Puente counts as covered
  (credit given wrongly: the price of crediting from the story);
- plan coverage on essential target skills: of the skills the plan's courses cover, the share
  essential for the target;
- counsellor gaps the plan covers: of the gaps the counsellor names, the share some course in
  the plan covers;
- plans with no offer: cases whose plan has no course.
`python -m assistant.evaluation.gaps [--json] [--cases]` runs it on the configured database.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.config import PROJECT_ROOT

GAPSET_PATH = PROJECT_ROOT / "tests" / "data" / "gapset" / "cases.jsonl"
TOP = 5
DEFAULT_CONSTRAINTS = {
    "budget": 100,
    "currency": "USD",
    "hours_per_week": 5,
    "weeks": 12,
    "mode": "any",
    "start_date": "2027-01-11",
}


@dataclass(frozen=True)
class GapCase:
    id: str
    lang: str
    sector: str
    story: str
    target: str
    target_label: str
    credit: tuple[str, ...]
    gaps: tuple[str, ...]


def load_cases(path: Path = GAPSET_PATH) -> list[GapCase]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        cases.append(
            GapCase(
                row["id"],
                row["lang"],
                row["sector"],
                row["story"],
                row["target"]["uri"],
                row["target"]["label"],
                tuple(s["uri"] for s in row["credit"]),
                tuple(s["uri"] for s in row["gaps"]),
            )
        )
    return cases


def run_case(case: GapCase, constraints: dict | None = None) -> dict:
    """What Puente answers for one case: the covered skills, the ranked gaps and the plan."""
    from assistant.plans.constraints import PlanConstraints
    from assistant.profiles.model import Profile
    from assistant.services.plans import make_plan, skills_to_confirm
    from assistant.services.skills import get_skill_engine

    engine = get_skill_engine()
    extraction = engine.extract(case.story, language=case.lang, top=10).as_dict(10)
    profile = Profile.from_extraction(extraction)
    limits = PlanConstraints(language=case.lang, **(constraints or DEFAULT_CONSTRAINTS))
    started = time.perf_counter()
    result = make_plan(profile, case.target, limits)
    seconds = time.perf_counter() - started
    asked = [s["uri"] for s in skills_to_confirm(profile, case.target, case.lang)]
    return {
        "profile": profile.uris(),
        "covered": [c["required"] for c in result["gaps"]["covered"]],
        "gaps": [g["uri"] for g in result["gaps"]["gaps"]],
        "gap_labels": [g["label"] for g in result["gaps"]["gaps"][:TOP]],
        "offers": [
            {"id": o["id"], "title": o["title"], "covers": [c["uri"] for c in o["covers"]]}
            for o in result["plan"]["offers"]
        ],
        "uncovered": [g["uri"] for g in result["plan"].get("uncovered", [])],
        "asked": asked,
        "seconds": round(seconds, 3),
    }


def score_case(case: GapCase, answer: dict, essential: set[str], linked: set[str]) -> dict:
    """Counts (numerators and denominators) for one case; pooled later."""
    covered = set(answer["covered"])
    # the confirmation turn, answered by a truthful worker: yes to what the counsellor credits
    confirmed = covered | (set(answer.get("asked", ())) & set(case.credit))
    top = answer["gaps"][:TOP]
    shown = [g for g in answer["gaps"] if g not in confirmed][:TOP]  # after the question
    credit, named = set(case.credit), set(case.gaps)
    plan_skills = {uri for offer in answer["offers"] for uri in offer["covers"]}
    return {
        "credit": len(credit),
        "credit_covered": len(credit & covered),
        "credit_confirmed": len(credit & confirmed),
        "asked": len(answer.get("asked", ())),
        "credit_essential": len(credit & essential),
        "credit_essential_covered": len(credit & essential & covered),
        "credit_in_top": len(credit & set(top)),
        "credit_in_top_shown": len(credit & set(shown)),
        "top": len(top),
        "top_relevant": sum(1 for g in top if g in named or g in linked),
        "named": len(named),
        "named_in_top": len(named & set(top)),
        "named_covered": len(named & covered),
        "named_in_plan": len(named & plan_skills),
        "plan_skills": len(plan_skills),
        "plan_essential": len(plan_skills & essential),
        "no_offer": int(not answer["offers"]),
        "cases": 1,
    }


def summarise(counts: list[dict]) -> dict:
    total = {k: sum(c[k] for c in counts) for k in counts[0]} if counts else {}

    def share(num: str, den: str) -> float | None:
        return round(total[num] / total[den], 3) if total.get(den) else None

    return {
        "n": total.get("cases", 0),
        "credit_recall": share("credit_covered", "credit"),
        "credit_after_question": share("credit_confirmed", "credit"),
        "asked_per_case": share("asked", "cases"),
        "credit_recall_essential": share("credit_essential_covered", "credit_essential"),
        "wrong_top5": share("credit_in_top", "credit"),
        "wrong_top5_after_question": share("credit_in_top_shown", "credit"),
        "top5_relevance": share("top_relevant", "top"),
        "named_in_top5": share("named_in_top", "named"),
        "named_credited": share("named_covered", "named"),
        "plan_essential_share": share("plan_essential", "plan_skills"),
        "named_in_plan": share("named_in_plan", "named"),
        "plans_without_offer": total.get("no_offer", 0),
    }


@contextmanager
def behaviour_before_story_credit():
    """Puente as it was before it credited target skills from the story and asked about five
    (issue #21): the baseline reported beside the numbers of the same run."""
    import assistant.goals.gaps as gaps
    import assistant.services.plans as plans

    saved = gaps.STORY_CREDIT, plans.ASK_AT_MOST
    gaps.STORY_CREDIT, plans.ASK_AT_MOST = {}, 4
    try:
        yield
    finally:
        gaps.STORY_CREDIT, plans.ASK_AT_MOST = saved


def _summaries(rows: list, langs: list[str]) -> dict:
    from assistant.skills.evaluate import part_of

    return {
        "per_language": {
            lang: summarise([s for c, _, s in rows if c.lang == lang]) for lang in langs
        },
        "per_part": {
            part: {
                lang: summarise([s for c, _, s in rows if c.lang == lang and part_of(c.id) == part])
                for lang in langs
            }
            for part in ("tune", "test")
        },
    }


def run_gap_evaluation(
    path: Path = GAPSET_PATH,
    constraints: dict | None = None,
    refresh_catalogue: bool = True,
    keep_cases: bool = False,
    baseline: bool = True,
) -> dict:
    """Every case through extraction → gaps → plan; the metrics per language, and per
    language and part (tune/test). `refresh_catalogue` imports the demo catalogue first when
    it changed (as `assistant setup` does), so the numbers are for the catalogue in the repo.
    With `baseline`, `before` holds the same metrics for Puente before story credit."""
    from assistant.services.skills import get_skill_engine
    from assistant.skills.evaluate import part_of

    if refresh_catalogue:
        from assistant.bootstrap.setup_steps import setup_demo_catalogue
        from assistant.config import get_settings

        setup_demo_catalogue(get_settings())
    view = get_skill_engine().view
    cases = load_cases(path)
    langs = sorted({case.lang for case in cases})

    def run_all() -> list:
        rows = []
        for case in cases:
            essential = set(view.essential.get(case.target, []))
            linked = essential | set(view.optional.get(case.target, []))
            answer = run_case(case, constraints)
            rows.append((case, answer, score_case(case, answer, essential, linked)))
        return rows

    started = time.perf_counter()
    rows = run_all()
    result: dict = {
        "constraints": constraints or DEFAULT_CONSTRAINTS,
        **_summaries(rows, langs),
        "plan_seconds_max": max((a["seconds"] for _, a, _ in rows), default=0),
        "seconds": round(time.perf_counter() - started, 1),
    }
    if baseline:
        with behaviour_before_story_credit():
            result["before"] = _summaries(run_all(), langs)
    if keep_cases:
        result["cases"] = [
            {"id": c.id, "part": part_of(c.id), "target": c.target_label, **a, **s}
            | {"asked": a.get("asked", []), "asked_n": s.get("asked", 0)}
            for c, a, s in rows
        ]
    return result


METRICS = (
    "credit_recall",
    "credit_after_question",
    "named_credited",
    "credit_recall_essential",
    "wrong_top5",
    "wrong_top5_after_question",
    "top5_relevance",
    "named_in_top5",
    "plan_essential_share",
    "named_in_plan",
    "plans_without_offer",
)


def table(result: dict, part: str = "test") -> str:
    """One row per metric: per language, before story credit and now, on one part."""
    now = result["per_part"][part]
    before = (result.get("before") or {}).get("per_part", {}).get(part)
    langs = list(now)
    head = "".join(
        (f"{lang} before".rjust(11) + f"{lang} now".rjust(9)) if before else lang.rjust(9)
        for lang in langs
    )
    lines = [f"{part} part".ljust(26) + head]
    for metric in METRICS:
        cells = []
        for lang in langs:
            # a result from before a metric existed shows "-" for it
            pair = ([before[lang].get(metric)] if before else []) + [now[lang].get(metric)]
            for i, value in enumerate(pair):
                width = 11 if before and i == 0 else 9
                cells.append(("-" if value is None else f"{value:g}").rjust(width))
        lines.append(metric.ljust(26) + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    result = run_gap_evaluation(keep_cases="--cases" in argv)
    if "--json" in argv:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        print(table(result, "test"))
        print()
        print(table(result, "tune"))
        print(f"constraints: {result['constraints']}; {result['seconds']} s")


if __name__ == "__main__":
    main(sys.argv[1:])
