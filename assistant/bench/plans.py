"""Plan optimisation latency: pruning and the three solves on a generated catalogue of
thousands of offers (the work after the catalogue query)."""

from __future__ import annotations

import random
import time

import numpy as np


def plan_latency(offers: int = 5000, gaps: int = 60, repeats: int = 20) -> dict:
    """Pruning plus the three solves (best, cheapest, fastest) on a generated catalogue where
    every offer covers 1-4 of the gaps: the work build_plan does after its SQL query."""
    from assistant.plans.candidates import Candidate, prune
    from assistant.plans.solver import Limits, solve

    rng = random.Random(7)
    gap_ids = [f"g{i}" for i in range(gaps)]
    weights = {g: rng.choice([0.35, 0.65, 1.0, 1.3]) for g in gap_ids}
    cands = [
        Candidate(
            id=f"o{i:05d}",
            title="",
            cost_amount=0,
            cost_currency="USD",
            cost_usd=rng.choice([0, 0, 5, 10, 20, 40, 80]),
            hours=rng.choice([4, 8, 12, 20, 40]),
            weeks=2,
            start=None,
            mode="online",
            languages=["es"],
            quality=rng.choice([None, "accredited"]),
            endorsed_by=[],
            stacks_into=None,
            pathway_id=None,
            pathway_order=None,
            portable=rng.random() < 0.5,
            url=None,
            covers={
                g: rng.choice([0.7, 0.8, 0.9, 1.0]) for g in rng.sample(gap_ids, rng.randint(1, 4))
            },
        )
        for i in range(offers)
    ]
    limits = Limits(budget_cents=6000, hours_tenths=600, max_offers=5)
    samples, methods, gaps_seen = [], set(), []
    for _ in range(repeats):
        started = time.perf_counter()
        kept = prune(cands, weights)
        best = solve(kept, weights, limits)
        for goal in ("cost", "hours"):
            solve(kept, weights, limits, goal=goal, min_value=int(0.7 * best.value))
        samples.append((time.perf_counter() - started) * 1000)
        methods.add(best.method)
        if best.optimality_gap is not None:
            gaps_seen.append(best.optimality_gap)
    return {
        "offers": offers,
        "gaps": gaps,
        "candidates_after_pruning": len(prune(cands, weights)),
        "p50_ms": round(float(np.percentile(samples, 50)), 1),
        "p95_ms": round(float(np.percentile(samples, 95)), 1),
        "solver": sorted(methods),
        # the plan's distance from CP-SAT's proven bound (0: proved optimal); None: no bound
        "optimality_gap_max": round(max(gaps_seen), 4) if gaps_seen else None,
    }
