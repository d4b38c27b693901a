"""The exact plan for a small model, by trying every plan (assistant/plans/solver.py).

A conversation's plan usually weighs a handful of courses (7-9 for the demo flows): every set
of at most `max_offers` of them within the budget and hours is a few hundred sets, scored in
under a millisecond, where building and solving the CP-SAT model took about 5 ms a solve,
three solves a plan (py-spy: a fifth of the action server's CPU under load). The sets are
scored as the CP-SAT model scores them, so the plan is the same optimum:

- every chosen offer must be credited with a gap of its own that it covers best (the model's
  "an offer credited with no gap adds nothing");
- "quality": the most coverage, then quality x 10,000 - cost x 10 - hours x 10 (cents and
  tenths of an hour, as the model counts them);
- "cost" / "hours": at least `min_value` coverage, the least cost (hours), then the most
  coverage x 1,000 - hours (cost).

Ties go to the first set in the order of the offers' ids, so the answer does not depend on
the order the catalogue returned them in."""

from __future__ import annotations

from math import comb

from assistant.plans.candidates import Candidate

ENUMERATE_AT_MOST = 3500  # sets of offers: C(14, <=5) is 3,473, tried in ~7 ms here


def plans_to_try(n: int, max_offers: int) -> int:
    return sum(comb(n, k) for k in range(min(n, max_offers) + 1))


def best_set(
    cands: list[Candidate],
    values: dict[str, dict[str, int]],
    cents: dict[str, int],
    tenths: dict[str, int],
    limits,
    goal: str = "quality",
    min_value: int | None = None,
) -> list[Candidate] | None:
    """The best set (None when no set meets `min_value`). `values[offer id][gap]` is what
    crediting the gap to the offer is worth (> 0 only), `cents` and `tenths` each offer's
    cost and hours as the solver counts them."""
    order = sorted(cands, key=lambda c: c.id)
    best: tuple | None = None
    best_chosen: list[Candidate] = []
    chosen: list[Candidate] = []

    def score(cost: int, hours: int) -> tuple | None:
        value = _coverage(chosen, values)
        if goal == "quality":
            quality = sum(c.quality_score for c in chosen)
            return (value, quality * 10_000 - cost * 10 - hours * 10)
        if value < (min_value or 0):
            return None
        first, second = (cost, hours) if goal == "cost" else (hours, cost)
        return (-first, value * 1000 - second)

    def visit(start: int, cost: int, hours: int) -> None:
        nonlocal best, best_chosen
        key = score(cost, hours)
        # the matching only for a set that would win
        if key is not None and (best is None or key > best) and _each_credited(chosen, values):
            best, best_chosen = key, list(chosen)
        if len(chosen) == limits.max_offers:
            return
        for i in range(start, len(order)):
            c = order[i]
            spent, took = cost + cents[c.id], hours + tenths[c.id]
            if spent > limits.budget_cents or took > limits.hours_tenths:
                continue
            chosen.append(c)
            visit(i + 1, spent, took)
            chosen.pop()

    visit(0, 0, 0)
    return None if best is None else best_chosen


def _coverage(chosen: list[Candidate], values: dict[str, dict[str, int]]) -> int:
    best: dict[str, int] = {}
    for c in chosen:
        for gap, value in values[c.id].items():
            if value > best.get(gap, 0):
                best[gap] = value
    return sum(best.values())


def _each_credited(chosen: list[Candidate], values: dict[str, dict[str, int]]) -> bool:
    """Whether each offer can be credited a gap of its own that no other chosen offer covers
    better (a matching of offers to gaps, found by augmenting paths: at most five offers)."""
    if not chosen:
        return True
    top: dict[str, int] = {}
    for c in chosen:
        for gap, value in values[c.id].items():
            top[gap] = max(top.get(gap, 0), value)
    wins = {c.id: [g for g, v in values[c.id].items() if v == top[g]] for c in chosen}
    holder: dict[str, str] = {}

    def place(offer: str, seen: set[str]) -> bool:
        for gap in wins[offer]:
            if gap in seen:
                continue
            seen.add(gap)
            if gap not in holder or place(holder[gap], seen):
                holder[gap] = offer
                return True
        return False

    return all(place(c.id, set()) for c in chosen)
