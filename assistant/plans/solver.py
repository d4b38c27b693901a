"""Choosing offers: an exact CP-SAT model with a time limit, and a greedy fallback.

Variables: x[o] (offer chosen), z[g,o] (gap g credited to offer o, at most one per gap).
Stage 1 maximises priority-weighted coverage (weights x strength, in integer milli-units);
stage 2 keeps that coverage and prefers quality (assured, endorsed, stackable, portable),
then lower cost and hours. Every chosen offer must be the strictly best cover of at least one
gap among the chosen ones, so no offer is ever there without a gain in coverage.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from assistant.plans.candidates import Candidate

log = logging.getLogger(__name__)
TIME_LIMIT_S = 0.4


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
    try:
        exact = _solve_cp_sat(cands, weights, limits, goal, min_value)
    except Exception:  # noqa: BLE001 - any solver failure falls back, it is logged
        log.exception("CP-SAT failed; using the greedy plan")
        exact = None
    if exact is not None and exact.method == "cp-sat optimal":
        return exact
    greedy = _greedy(cands, weights, limits)
    if exact is not None and (exact.value >= greedy.value):
        return exact
    return greedy


def _solve_cp_sat(cands, weights, limits, goal, min_value) -> Selection | None:
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
        if covering:
            model.Add(sum(z[gap, c.id] for c in covering) <= 1)
            # no redundancy: u says "c is strictly the best chosen cover of this gap"
            for c in covering:
                rivals = [
                    o
                    for o in covering
                    if o.id != c.id and _value(weights, o, gap) >= _value(weights, c, gap)
                ]
                u = model.NewBoolVar("")
                model.AddImplication(u, z[gap, c.id])
                if rivals:
                    model.Add(sum(x[o.id] for o in rivals) == 0).OnlyEnforceIf(u)
                wins[c.id].append(u)
    for c in cands:
        model.Add(sum(wins[c.id]) >= 1).OnlyEnforceIf(x[c.id])
    model.Add(sum(_cents(c) * x[c.id] for c in cands) <= limits.budget_cents)
    model.Add(sum(_tenths(c) * x[c.id] for c in cands) <= limits.hours_tenths)
    model.Add(sum(x.values()) <= limits.max_offers)
    coverage = sum(_value(weights, by_id[o], g) * var for (g, o), var in z.items())

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S
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
    if goal == "quality":
        model.Maximize(coverage)
        if not run():
            return None
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
    chosen = [c for c in cands if solver.Value(x[c.id])]
    credited = {g: o for (g, o), var in z.items() if solver.Value(var)}
    value, _ = coverage_of(chosen, weights)
    return Selection(chosen, credited, value, "cp-sat optimal" if optimal else "cp-sat feasible")


def _greedy(cands: list[Candidate], weights: dict[str, float], limits: Limits) -> Selection:
    """Best marginal coverage per (dollar + hour), then drop any offer that adds nothing."""
    chosen: list[Candidate] = []
    budget, hours = limits.budget_cents, limits.hours_tenths
    current, _ = coverage_of(chosen, weights)
    while len(chosen) < limits.max_offers:
        best = None
        for c in cands:
            if c in chosen or _cents(c) > budget or _tenths(c) > hours:
                continue
            gain = coverage_of([*chosen, c], weights)[0] - current
            if gain <= 0:
                continue
            score = (gain / (1 + c.cost_usd + c.hours / 10), c.quality_score, c.id)
            if best is None or score > best[0]:
                best = (score, c)
        if best is None:
            break
        chosen.append(best[1])
        budget -= _cents(best[1])
        hours -= _tenths(best[1])
        current = coverage_of(chosen, weights)[0]
    for c in list(chosen):
        rest = [o for o in chosen if o is not c]
        if coverage_of(rest, weights)[0] >= current:
            chosen = rest
    value, credited = coverage_of(chosen, weights)
    return Selection(chosen, credited, value, "greedy")
