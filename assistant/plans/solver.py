"""Choosing offers: every plan tried when there are few (assistant/plans/enumerate_plans.py),
else an exact CP-SAT model with a time limit, and a greedy fallback.

Variables: x[o] (offer chosen), z[g,o] (gap g credited to offer o, at most one per gap).
Stage 1 maximises priority-weighted coverage (weights x strength, in integer milli-units);
stage 2 keeps that coverage and prefers quality (assured, endorsed, stackable, portable),
then lower cost and hours. Every chosen offer must be credited with a gap, and offers whose removal
loses no coverage are dropped afterwards, so no offer is ever there without a gain.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace

from assistant.plans.candidates import Candidate
from assistant.plans.enumerate_plans import ENUMERATE_AT_MOST, best_set, plans_to_try

log = logging.getLogger(__name__)
# Per stage (a plan has up to six): small models are proved optimal well within this; large
# ones keep the best solution found, compared with the greedy plan.
TIME_LIMIT_S = {"small": 0.4, "large": 0.08}
SMALL_MODEL = 80  # candidates


@dataclass(frozen=True)
class Limits:
    budget_cents: int
    hours_tenths: int
    max_offers: int


@dataclass
class Selection:
    chosen: list[Candidate]
    credited: dict[str, str]  # gap uri -> offer id
    value: int  # stage-1 objective (milli-units)
    method: str
    # CP-SAT's proven upper bound on the stage-1 objective, when it ran: how far from optimal
    # a plan may be, said rather than assumed (`optimality_gap`)
    bound: int | None = None

    @property
    def optimality_gap(self) -> float | None:
        """(bound - value) / bound: 0 for a plan proved optimal; None when unknown."""
        if self.bound is None:
            return None
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.value) / self.bound)


def _value(weights: dict[str, float], cand: Candidate, gap: str) -> int:
    return round(1000 * weights[gap] * cand.covers[gap])


def _cents(c: Candidate) -> int:
    return round(c.cost_usd * 100)


def _tenths(c: Candidate) -> int:
    return math.ceil(c.hours * 10)


def coverage_of(chosen: list[Candidate], weights: dict[str, float]) -> tuple[int, dict]:
    credited: dict[str, str] = {}
    total = 0
    for gap in weights:
        options = sorted((-_value(weights, c, gap), c.id) for c in chosen if gap in c.covers)
        if options and options[0][0] < 0:
            total -= options[0][0]
            credited[gap] = options[0][1]
    return total, credited


def solve(
    cands: list[Candidate],
    weights: dict[str, float],
    limits: Limits,
    goal: str = "quality",
    min_value: int | None = None,
) -> Selection:
    """goal: "quality" (max coverage, then quality), "cost" or "hours" (cheapest/fastest
    plan keeping at least `min_value` coverage)."""
    cands = [c for c in cands if any(g in weights for g in c.covers)]
    if plans_to_try(len(cands), limits.max_offers) <= ENUMERATE_AT_MOST:
        return _enumerated(cands, weights, limits, goal, min_value)
    greedy = _greedy(cands, weights, limits, goal, min_value)
    if goal != "quality" and len(cands) > SMALL_MODEL:
        return greedy  # alternatives on big catalogues: fast, and the floor is kept if it can be
    try:
        exact = _solve_cp_sat(cands, weights, limits, goal, min_value, greedy)
    except Exception:  # noqa: BLE001 - any solver failure falls back, it is logged
        log.exception("CP-SAT failed; using the greedy plan")
        exact = None
    if exact is None:
        return greedy
    if exact.method.endswith("optimal"):
        return exact
    if goal == "quality":
        return exact if exact.value >= greedy.value else replace(greedy, bound=exact.bound)
    return min((exact, greedy), key=lambda sel: (sel.value < (min_value or 0), _spent(sel, goal)))


def _enumerated(cands, weights, limits, goal, min_value) -> Selection:
    """A small model solved by trying every plan (assistant/plans/enumerate_plans.py)."""
    values = {
        c.id: {g: v for g in c.covers if g in weights and (v := _value(weights, c, g)) > 0}
        for c in cands
    }
    cents = {c.id: _cents(c) for c in cands}
    tenths = {c.id: _tenths(c) for c in cands}
    found = best_set(cands, values, cents, tenths, limits, goal, min_value)
    if found is None:  # no plan keeps the floor: the greedy one comes closest
        return _greedy(cands, weights, limits, goal, min_value)
    chosen = drop_redundant(found, weights)
    value, credited = coverage_of(chosen, weights)
    return Selection(chosen, credited, value, "enumerated optimal", value)


def _spent(sel: Selection, goal: str) -> tuple[int, int]:
    cost = sum(_cents(c) for c in sel.chosen)
    hours = sum(_tenths(c) for c in sel.chosen)
    return (cost, hours) if goal == "cost" else (hours, cost)


def _solve_cp_sat(cands, weights, limits, goal, min_value, hint) -> Selection | None:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = {c.id: model.NewBoolVar(f"x_{i}") for i, c in enumerate(cands)}
    by_id = {c.id: c for c in cands}
    z: dict[tuple[str, str], object] = {}
    wins: dict[str, list] = {c.id: [] for c in cands}
    for gi, gap in enumerate(weights):
        covering = [c for c in cands if gap in c.covers and _value(weights, c, gap) > 0]
        for ci, c in enumerate(covering):
            z[gap, c.id] = model.NewBoolVar(f"z_{gi}_{ci}")
            model.AddImplication(z[gap, c.id], x[c.id])
            wins[c.id].append(z[gap, c.id])
        if covering:
            model.Add(sum(z[gap, c.id] for c in covering) <= 1)
    # an offer credited with no gap adds nothing: never choose it
    for c in cands:
        model.Add(sum(wins[c.id]) >= 1).OnlyEnforceIf(x[c.id])
    model.Add(sum(_cents(c) * x[c.id] for c in cands) <= limits.budget_cents)
    model.Add(sum(_tenths(c) * x[c.id] for c in cands) <= limits.hours_tenths)
    model.Add(sum(x.values()) <= limits.max_offers)
    coverage = sum(_value(weights, by_id[o], g) * var for (g, o), var in z.items())
    if goal == "quality":  # start from the greedy plan: CP-SAT then only has to improve it
        picked = {c.id for c in hint.chosen}
        for c in cands:
            model.AddHint(x[c.id], int(c.id in picked))

    solver = cp_model.CpSolver()
    size = "small" if len(cands) <= SMALL_MODEL else "large"
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S[size]
    solver.parameters.num_workers = 1  # deterministic
    solver.parameters.random_seed = 0
    optimal = True

    def run() -> bool:
        nonlocal optimal
        status = solver.Solve(model)
        if status == cp_model.FEASIBLE:
            optimal = False
        return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)

    cost = sum(_cents(c) * x[c.id] for c in cands)
    hours = sum(_tenths(c) * x[c.id] for c in cands)
    quality = sum(c.quality_score * x[c.id] for c in cands)
    bound = None
    if goal == "quality":
        model.Maximize(coverage)
        if not run():
            return None
        bound = round(solver.BestObjectiveBound())
        model.Add(coverage >= round(solver.ObjectiveValue()))
        # then quality, then cost and hours (a dollar and an hour weigh about the same)
        model.Maximize(quality * 10_000 - cost * 10 - hours * 10)
    else:
        model.Add(coverage >= (min_value or 0))
        first, second = (cost, hours) if goal == "cost" else (hours, cost)
        model.Minimize(first)
        if not run():
            return None
        model.Add(first <= round(solver.ObjectiveValue()))
        model.Maximize(coverage * 1000 - second)
    if not run():
        return None
    chosen = drop_redundant([c for c in cands if solver.Value(x[c.id])], weights)
    value, credited = coverage_of(chosen, weights)
    method = "cp-sat optimal" if optimal else "cp-sat feasible"
    return Selection(chosen, credited, value, method, bound if bound is None else max(bound, value))


def drop_redundant(chosen: list[Candidate], weights: dict[str, float]) -> list[Candidate]:
    """Remove offers whose removal loses no coverage (the least assured and dearest first),
    so every offer left is the best cover of some gap."""
    full = coverage_of(chosen, weights)[0]
    for c in sorted(chosen, key=lambda c: (c.quality_score, -c.cost_usd, -c.hours, c.id)):
        rest = [o for o in chosen if o is not c]
        if coverage_of(rest, weights)[0] >= full:
            chosen = rest
    return chosen


def _greedy(
    cands: list[Candidate],
    weights: dict[str, float],
    limits: Limits,
    goal: str = "quality",
    min_value: int | None = None,
) -> Selection:
    """Best marginal coverage per unit of what the goal spares (dollars and hours for the
    plan, dollars for the cheapest, hours for the fastest); alternatives stop once they keep
    `min_value`. Offers that add nothing are dropped at the end."""
    per = {
        "quality": lambda c: 1 + c.cost_usd + c.hours / 10,
        "cost": lambda c: 1 + 10 * c.cost_usd + c.hours / 100,
        "hours": lambda c: 1 + 10 * c.hours + c.cost_usd / 100,
    }[goal]
    chosen: list[Candidate] = []
    best: dict[str, int] = {}
    budget, hours = limits.budget_cents, limits.hours_tenths
    value = 0
    while len(chosen) < limits.max_offers:
        if goal != "quality" and min_value is not None and value >= min_value:
            break
        pick = None
        for c in cands:
            if c in chosen or _cents(c) > budget or _tenths(c) > hours:
                continue
            gain = sum(
                max(0, _value(weights, c, g) - best.get(g, 0)) for g in c.covers if g in weights
            )
            if gain <= 0:
                continue
            score = (gain / per(c), c.quality_score, c.id)
            if pick is None or score > pick[0]:
                pick = (score, c)
        if pick is None:
            break
        c = pick[1]
        chosen.append(c)
        budget -= _cents(c)
        hours -= _tenths(c)
        for g in c.covers:
            if g in weights:
                new = _value(weights, c, g)
                if new > best.get(g, 0):
                    value += new - best.get(g, 0)
                    best[g] = new
    chosen = drop_redundant(chosen, weights)
    value, credited = coverage_of(chosen, weights)
    return Selection(chosen, credited, value, "greedy")
