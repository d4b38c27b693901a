"""A plan from a gap report and a worker's constraints: the recommended set of offers, the
cheapest and fastest alternatives, and the full stackable pathway where one exists. Every
offer explains itself in one line: the gaps it covers (each with why it matters for the goal)
and why it beat the other options considered. The core gaps the catalogue cannot answer are
named, with advice to ask a counsellor or a recognised provider (`assistant.plans.explain`);
with a target, every course must teach one of its essential skills, so the budget is never
filled with courses on side or generic skills alone."""

from __future__ import annotations

import math
import time

from sqlalchemy.orm import Session

from assistant.catalogue.money import from_usd, to_usd
from assistant.goals.gaps import GapReport
from assistant.plans.candidates import Candidate, find_candidates
from assistant.plans.constraints import PlanConstraints
from assistant.plans.explain import advice, core_gaps, why_chosen
from assistant.plans.solver import Limits, Selection, coverage_of, solve
from assistant.skills.engine import ESCO_ATTRIBUTION

ALTERNATIVE_SHARE = 0.7  # cheapest/fastest keep at least 70% of the best plan's coverage
MAX_GAPS = 60
# A course whose skills are mostly for another job: kept only when it covers this many of the
# target's essential gaps, or when at least this share of what it teaches is the target's.
OTHER_JOB_COVERS = 2
ON_TARGET_SHARE = 0.35

WORDS = {
    "en": {
        "covers": "Covers",
        "free": "free",
        "h": "h",
        "weeks": "weeks",
        "qa": "quality assured",
        "no_qa": "no external quality assurance",
        "endorsed": "endorsed by",
        "stacks": "stacks into",
        "starts": "starts",
        "self": "self-paced",
    },
    "es": {
        "covers": "Cubre",
        "free": "gratis",
        "h": "h",
        "weeks": "semanas",
        "qa": "calidad asegurada",
        "no_qa": "sin aseguramiento de calidad externo",
        "endorsed": "avalado por",
        "stacks": "suma para",
        "starts": "empieza el",
        "self": "a tu ritmo",
    },
}


def _money(amount: float, currency: str) -> dict:
    return {"amount": round(float(amount), 2), "currency": currency}


# The kinds of quality assurance the catalogue schema names in its examples, in the worker's
# language; a catalogue's own wording ("type" is free text) is shown as it comes.
QA_KINDS = {
    "es": {
        "internal review": "revisión interna",
        "accredited by national authority": "acreditado por la autoridad nacional",
        "iso 29993 certified": "certificado ISO 29993",
    }
}


def quality_in(quality: str, lang: str) -> str:
    """A course's quality assurance ("internal review (Some body)") in the worker's language."""
    for kind, local in QA_KINDS.get(lang, {}).items():
        if quality.lower().startswith(kind):
            return local + quality[len(kind) :]
    return quality


def _fmt_money(amount: float, currency: str, words: dict) -> str:
    if amount == 0:
        return words["free"]
    return f"{currency} {amount:,.0f}" if amount >= 100 else f"{currency} {amount:,.2f}"


def reason(
    c: Candidate,
    labels: dict[str, str],
    credited: list[str],
    lang: str,
    currency: str | None = None,
) -> str:
    w = WORDS.get(lang, WORDS["es"])
    parts = [f"{w['covers']}: " + ", ".join(labels[g] for g in credited)]
    price = _fmt_money(c.cost_amount, c.cost_currency, w)
    approx = from_usd(c.cost_usd, currency) if currency and currency != c.cost_currency else None
    if c.cost_amount and approx:  # also in the worker's own currency
        price += f" (≈ {_fmt_money(approx, currency, w)})"
    parts.append(price)
    parts.append(f"{c.hours:g} {w['h']}, {math.ceil(c.weeks)} {w['weeks']}")
    parts.append(f"{w['qa']}: {quality_in(c.quality, lang)}" if c.quality else w["no_qa"])
    if c.endorsed_by:
        parts.append(f"{w['endorsed']} {', '.join(c.endorsed_by[:2])}")
    if c.stacks_into:
        parts.append(f"{w['stacks']} {c.stacks_into}")
    return " · ".join(parts)


def _offer_json(c, credited, gaps, constraints, rivals=None) -> dict:
    labels = {g.uri: g.label for g in gaps}
    mine = [g for g in labels if credited.get(g) == c.id]
    line = reason(c, labels, mine, constraints.language, constraints.currency)
    why = why_chosen(c, mine, rivals, constraints.language) if rivals is not None else None
    return {
        "id": c.id,
        "title": c.title,
        "cost": _money(c.cost_amount, c.cost_currency),
        "cost_in_budget_currency": _money(
            from_usd(c.cost_usd, constraints.currency) or 0, constraints.currency
        ),
        "hours": c.hours,
        "weeks": math.ceil(c.weeks),
        "start": c.start.isoformat() if c.start else None,
        "mode": c.mode,
        "languages": c.languages,
        "covers": [
            {
                "uri": g.uri,
                "label": g.label,
                "kind": g.kind,
                "essential": g.essential,
                "why": g.reason_in(constraints.language),
            }
            for g in gaps
            if g.uri in mine
        ],
        "quality_assurance": c.quality,
        "endorsed_by": c.endorsed_by,
        "stacks_into": c.stacks_into,
        "url": c.url,
        "reason": f"{line} · {why}" if why else line,
        "why_chosen": why,
    }


def _order(chosen: list[Candidate]) -> list[Candidate]:
    """Pathway modules in their order, then fixed-date cohorts by date, then the rest."""
    return sorted(
        chosen,
        key=lambda c: (
            c.pathway_id or "~",
            c.pathway_order or 99,
            c.start.isoformat() if c.start else "9999",
            c.id,
        ),
    )


def _summary(sel: Selection, gaps, weights, constraints, rivals=None) -> dict:
    ordered = _order(sel.chosen)
    cost_usd = sum(c.cost_usd for c in ordered)
    hours = sum(c.hours for c in ordered)
    total_weight = sum(1000 * w for w in weights.values()) or 1
    return {
        "offers": [_offer_json(c, sel.credited, gaps, constraints, rivals) for c in ordered],
        "totals": {
            "cost": _money(from_usd(cost_usd, constraints.currency) or 0, constraints.currency),
            "hours": round(hours, 1),
            "weeks": math.ceil(hours / constraints.hours_per_week) if hours else 0,
            "gaps_covered": len(sel.credited),
            "gaps_total": len(weights),
            "coverage": round(sel.value / total_weight, 3),
        },
        "solver": sel.method,
        "optimality_gap": None if sel.optimality_gap is None else round(sel.optimality_gap, 4),
    }


def _pathway(pathways: dict[str, list[Candidate]], weights, gaps, constraints) -> dict | None:
    best = None
    for pid, members in sorted(pathways.items()):
        value, credited = coverage_of(members, weights)
        if value and (best is None or value > best[0]):
            best = (value, pid, members, credited)
    if best is None:
        return None
    value, pid, members, credited = best
    sel = Selection(members, credited, value, "pathway")
    out = _summary(sel, gaps, weights, constraints)
    budget_usd = to_usd(constraints.budget, constraints.currency) or 0
    out.update(
        pathway_id=pid,
        stacks_into=members[0].stacks_into,
        fits_constraints=all(m.fits or m.why_not in ("budget", "time") for m in members)
        and sum(m.cost_usd for m in members) <= budget_usd + 0.005
        and sum(m.hours for m in members) <= constraints.total_hours,
    )
    return out


def _aimed_at_goal(cands: list[Candidate], view, target: str) -> list[Candidate]:
    """The courses a plan for a target may hold: each must teach one of the target's
    essential skills (optional and generic gaps then come along with it); only when no course
    reaches any of them, one of its optional skills will do. A course made for another job
    (few of what it teaches belongs to the target) is kept only when it covers several of
    the target's essential gaps: a beauty-salon course is no plan for a shop supervisor
    because both list "apply company policies"."""
    essential = set(view.essential.get(target, ()))
    linked = essential | set(view.optional.get(target, ()))
    for wanted in (essential, linked):
        kept = [
            c for c in cands if wanted.intersection(c.covers) and _for_goal(c, linked, essential)
        ]
        if kept:
            return kept
    return []


def _for_goal(cand: Candidate, linked: set[str], essential: set[str]) -> bool:
    if not cand.skills or len(essential.intersection(cand.covers)) >= OTHER_JOB_COVERS:
        return True
    return len(cand.skills & linked) / len(cand.skills) >= ON_TARGET_SHARE


def build_plan(session: Session, analyser, report: GapReport, constraints: PlanConstraints) -> dict:
    started = time.perf_counter()
    gaps = report.gaps[:MAX_GAPS]
    weights = {g.uri: g.priority for g in gaps}
    equivalents = analyser.equivalents(list(weights))
    # Only the target's essential skills may be met by a merely similar skill (label
    # embeddings): a course reaching nothing else of the goal is not worth the worker's money.
    essential = {g.uri for g in gaps if g.essential}
    for uri, eq in equivalents.items():
        if uri not in essential:
            equivalents[uri] = {s: link for s, link in eq.items() if link[0] != "similar"}
    seen: dict[str, set[str]] = {}
    cands, pathways = find_candidates(session, weights, equivalents, constraints, seen=seen)
    if report.occupation.get("uri"):
        cands = _aimed_at_goal(cands, analyser.view, report.occupation["uri"])
    limits = Limits(
        budget_cents=math.floor((to_usd(constraints.budget, constraints.currency) or 0) * 100),
        hours_tenths=math.floor(constraints.total_hours * 10),
        max_offers=constraints.max_offers,
    )
    best = solve(cands, weights, limits)
    plan = {
        "occupation": report.occupation,
        "constraints": constraints.model_dump(mode="json"),
        **_summary(best, gaps, weights, constraints, rivals=cands),
    }
    floor_value = math.ceil(ALTERNATIVE_SHARE * best.value)
    plan["alternatives"] = {
        goal_name: _summary(
            solve(cands, weights, limits, goal=goal, min_value=floor_value),
            gaps,
            weights,
            constraints,
        )
        for goal_name, goal in (("cheapest", "cost"), ("fastest", "hours"))
    }
    plan["alternatives"]["pathway"] = _pathway(pathways, weights, gaps, constraints)
    plan["uncovered"] = [
        {"uri": g.uri, "label": g.label, "kind": g.kind, "essential": g.essential}
        for g in gaps
        if g.uri not in best.credited
    ]
    plan["core_gaps"] = core_gaps(gaps, best.credited, seen["offered"], seen["reachable"])
    plan["advice"] = advice(plan["core_gaps"], constraints.language)
    plan["candidates_considered"] = len(cands)
    plan["elapsed_ms"] = round(1000 * (time.perf_counter() - started), 1)
    plan["attribution"] = ESCO_ATTRIBUTION
    return plan
