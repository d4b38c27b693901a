"""The plan solver on generated catalogues: limits hold, nothing is redundant, more money
never buys less coverage, the answer is deterministic and (on small cases) truly optimal."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.plans.candidates import Candidate
from assistant.plans.solver import Limits, _greedy, _solve_cp_sat, coverage_of, solve

GAPS = [f"g{i}" for i in range(8)]


def offer(i: int, cost: float, hours: float, covers: dict[str, float], qa=False) -> Candidate:
    return Candidate(
        id=f"o{i:02d}",
        title=f"offer {i}",
        cost_amount=cost,
        cost_currency="USD",
        cost_usd=cost,
        hours=hours,
        weeks=1,
        start=None,
        mode="online",
        languages=["es"],
        quality="accredited" if qa else None,
        endorsed_by=[],
        stacks_into=None,
        pathway_id=None,
        pathway_order=None,
        portable=False,
        url=None,
        covers=covers,
    )


@st.composite
def instances(draw, max_offers=9):
    n_gaps = draw(st.integers(1, len(GAPS)))
    gaps = GAPS[:n_gaps]
    weights = {g: draw(st.sampled_from([0.35, 0.65, 1.0, 1.3])) for g in gaps}
    offers = []
    for i in range(draw(st.integers(0, max_offers))):
        covered = draw(st.lists(st.sampled_from(gaps), min_size=1, max_size=3, unique=True))
        strengths = {g: draw(st.sampled_from([0.7, 0.8, 1.0])) for g in covered}
        offers.append(
            offer(
                i,
                draw(st.sampled_from([0, 5, 12, 30, 60])),
                draw(st.sampled_from([4, 10, 20, 40])),
                strengths,
                draw(st.booleans()),
            )
        )
    limits = Limits(
        budget_cents=100 * draw(st.sampled_from([0, 10, 25, 50, 100, 500])),
        hours_tenths=10 * draw(st.sampled_from([10, 20, 40, 80])),
        max_offers=draw(st.integers(1, 5)),
    )
    return offers, weights, limits


def _within(sel, limits):
    assert sum(round(c.cost_usd * 100) for c in sel.chosen) <= limits.budget_cents
    assert sum(c.hours * 10 for c in sel.chosen) <= limits.hours_tenths
    assert len(sel.chosen) <= limits.max_offers


def _no_redundancy(sel, weights):
    full = coverage_of(sel.chosen, weights)[0]
    for c in sel.chosen:
        rest = [o for o in sel.chosen if o is not c]
        assert coverage_of(rest, weights)[0] < full, f"{c.id} adds nothing"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plans_respect_limits_and_never_repeat_coverage_without_gain(instance):
    # GIVEN any catalogue, gaps and limits WHEN the plan is solved, with either method
    offers, weights, limits = instance
    for sel in (solve(offers, weights, limits), _greedy(offers, weights, limits)):
        # THEN budget, hours and length hold and every offer adds coverage
        _within(sel, limits)
        _no_redundancy(sel, weights)


@settings(max_examples=80, deadline=None)
@given(instances(max_offers=8))
def test_exact_plan_is_optimal_against_brute_force(instance):
    offers, weights, limits = instance
    sel = solve(offers, weights, limits)
    best = 0
    for k in range(0, limits.max_offers + 1):
        for combo in itertools.combinations(offers, k):
            if sum(round(c.cost_usd * 100) for c in combo) > limits.budget_cents:
                continue
            if sum(c.hours * 10 for c in combo) > limits.hours_tenths:
                continue
            best = max(best, coverage_of(list(combo), weights)[0])
    assert sel.value == best
    assert sel.method in ("cp-sat optimal", "enumerated optimal")
    # AND the plan says how far from optimal it is: proved, so nothing
    if sel.chosen:
        assert sel.optimality_gap == 0.0


@settings(max_examples=150, deadline=None)
@given(instances(max_offers=9))
def test_trying_every_plan_finds_what_the_cp_sat_model_finds(instance):
    # GIVEN a small model (solved by trying every plan) and the same model in CP-SAT
    offers, weights, limits = instance
    offers = [o for o in offers if any(g in weights for g in o.covers)]
    tried = solve(offers, weights, limits)
    model = _solve_cp_sat(
        offers, weights, limits, "quality", None, _greedy(offers, weights, limits)
    )
    assert tried.method == "enumerated optimal" and model.method == "cp-sat optimal"

    # THEN the best plan covers as much, with the same quality, cost and hours
    def spent(sel):
        return (
            sum(c.quality_score for c in sel.chosen),
            sum(round(c.cost_usd * 100) for c in sel.chosen),
            sum(c.hours for c in sel.chosen),
        )

    assert tried.value == model.value and spent(tried) == spent(model)
    # AND the cheapest and fastest plans keeping 70% of it cost and take as much as CP-SAT's
    floor = int(0.7 * tried.value)
    for goal, spent_on in (("cost", 1), ("hours", 2)):
        mine = solve(offers, weights, limits, goal=goal, min_value=floor)
        theirs = _solve_cp_sat(offers, weights, limits, goal, floor, None)
        assert theirs is not None and mine.value >= floor
        assert spent(mine)[spent_on] == spent(theirs)[spent_on]


@settings(max_examples=60, deadline=None)
@given(instances(), st.sampled_from([10, 50, 200, 1000]))
def test_more_budget_never_lowers_coverage(instance, extra_dollars):
    offers, weights, limits = instance
    richer = Limits(
        limits.budget_cents + 100 * extra_dollars, limits.hours_tenths, limits.max_offers
    )
    assert solve(offers, weights, richer).value >= solve(offers, weights, limits).value


@settings(max_examples=40, deadline=None)
@given(instances())
def test_results_are_deterministic(instance):
    offers, weights, limits = instance
    first = solve(offers, weights, limits)
    again = solve(list(reversed(offers)), dict(weights), limits)
    assert first.value == again.value
    assert sorted(c.id for c in first.chosen) == sorted(
        c.id for c in solve(offers, weights, limits).chosen
    )


def test_quality_breaks_ties_between_equal_coverage():
    # GIVEN two offers that cover the same gap equally, one quality-assured and dearer
    weights = {"g0": 1.0}
    plain, assured = offer(1, 5, 10, {"g0": 1.0}), offer(2, 8, 10, {"g0": 1.0}, qa=True)
    # WHEN both fit the budget THEN the assured one is chosen, and only one of them
    sel = solve([plain, assured], weights, Limits(5000, 1000, 5))
    assert [c.id for c in sel.chosen] == ["o02"]
    # AND when only the plain one fits, it is chosen
    assert [c.id for c in solve([plain, assured], weights, Limits(600, 1000, 5)).chosen] == ["o01"]


def test_cheapest_and_fastest_keep_the_coverage_floor():
    weights = {"g0": 1.0, "g1": 1.0}
    a = offer(1, 50, 5, {"g0": 1.0, "g1": 1.0})  # one dear, quick course
    b, c = offer(2, 5, 30, {"g0": 1.0}), offer(3, 5, 30, {"g1": 1.0})  # two cheap, long ones
    limits = Limits(10_000, 1000, 5)
    best = solve([a, b, c], weights, limits)
    cheap = solve([a, b, c], weights, limits, goal="cost", min_value=best.value)
    fast = solve([a, b, c], weights, limits, goal="hours", min_value=best.value)
    assert sorted(o.id for o in cheap.chosen) == ["o02", "o03"]
    assert [o.id for o in fast.chosen] == ["o01"]


def test_big_catalogues_plan_fast_within_limits_and_without_redundancy():
    import random

    # GIVEN 300 candidate offers over 40 gaps (more than the exact model takes quickly)
    rng = random.Random(3)
    gaps = [f"g{i}" for i in range(40)]
    weights = {g: rng.choice([0.35, 1.0, 1.3]) for g in gaps}
    offers = [
        offer(
            i,
            rng.choice([0, 5, 20, 60]),
            rng.choice([4, 10, 30]),
            {g: rng.choice([0.7, 1.0]) for g in rng.sample(gaps, rng.randint(1, 4))},
        )
        for i in range(300)
    ]
    limits = Limits(5000, 600, 5)
    best = solve(offers, weights, limits)
    # WHEN the cheapest and fastest alternatives are asked for the same floor
    for goal in ("cost", "hours"):
        alt = solve(offers, weights, limits, goal=goal, min_value=int(0.7 * best.value))
        # THEN they stay within the limits, repeat nothing and keep the floor
        _within(alt, limits)
        _no_redundancy(alt, weights)
        assert alt.value >= int(0.7 * best.value)
    _within(best, limits)
    _no_redundancy(best, weights)


def test_priority_decides_which_gap_a_limited_budget_covers():
    # GIVEN two gaps, one the target's core (high priority), one generic, and money for one
    weights = {"core": 1.4, "generic": 0.3}
    core_course = offer(1, 30, 10, {"core": 1.0})
    generic_course = offer(2, 10, 4, {"generic": 1.0})
    # WHEN the plan is solved
    best = solve([core_course, generic_course], weights, Limits(3000, 100, 5))
    # THEN the course on the core gap is chosen, though dearer and longer
    assert [o.id for o in best.chosen] == ["o01"]


def test_each_course_says_why_it_beat_the_others():
    from assistant.plans.explain import why_chosen

    # GIVEN a free, assured course and two rivals on the same gap
    mine = offer(1, 0, 8, {"g0": 1.0, "g1": 1.0}, qa=True)
    rivals = [offer(2, 20, 12, {"g0": 1.0}), offer(3, 40, 20, {"g0": 1.0})]
    # THEN its reason names what it wins on, in the worker's language
    why = why_chosen(mine, ["g0", "g1"], [mine, *rivals], "es")
    assert why.startswith("elegido frente a 2 opciones más")
    for point in ("cubre más", "gratis", "más corto", "calidad asegurada"):
        assert point in why
    # AND a course without rivals says it is the only one within the limits
    assert why_chosen(mine, ["g0"], [mine], "en") == (
        "the only course within your limits for these skills"
    )


def test_a_course_s_quality_assurance_is_named_in_the_worker_s_language():
    from dataclasses import replace

    from assistant.plans.planner import reason

    # GIVEN a course the demo catalogue says had an internal review by a named body
    course = replace(offer(1, 0, 8, {"g0": 1.0}), quality="internal review (Red Cóndor)")
    # WHEN its line is written for a Spanish and an English speaker
    es = reason(course, {"g0": "higiene"}, ["g0"], "es")
    en = reason(course, {"g0": "hygiene"}, ["g0"], "en")
    # THEN each reads it in their own language, the body's name as the catalogue gives it
    assert "calidad asegurada: revisión interna (Red Cóndor)" in es and "internal" not in es
    assert "quality assured: internal review (Red Cóndor)" in en
    # AND a catalogue's own wording is shown as it comes
    own = replace(course, quality="sello de calidad provincial")
    assert "calidad asegurada: sello de calidad provincial" in reason(own, {}, [], "es")


def test_core_gaps_without_courses_are_named_with_advice():
    from types import SimpleNamespace

    from assistant.plans.explain import advice, core_gaps

    # GIVEN five first gaps: three essential (one covered, one with no offer at all, one with
    # offers outside the limits) and two optional
    def gap(uri, essential):
        return SimpleNamespace(uri=uri, label=uri.upper(), kind="specific", essential=essential)

    gaps = [gap("a", True), gap("b", True), gap("c", True), gap("d", False), gap("e", False)]
    core = core_gaps(gaps, {"a": "o1"}, offered={"a", "c", "d"}, reachable={"a"})
    # THEN each essential gap is sorted by what the catalogue can do for it
    assert [g["uri"] for g in core["covered"]] == ["a"]
    assert [g["uri"] for g in core["no_offer"]] == ["b"]
    assert [g["uri"] for g in core["out_of_reach"]] == ["c"]
    # AND the advice names them and sends the worker to a counsellor or a recognised provider
    text = advice(core, "es")
    assert "B" in text and "C" in text and "orientador" in text
    assert advice({"covered": [], "no_offer": [], "out_of_reach": []}, "en") is None


def test_the_optimality_gap_is_the_distance_from_the_proven_bound():
    from assistant.plans.solver import Selection

    # GIVEN plans with and without a bound from CP-SAT
    # THEN the gap is (bound - value) / bound, 0 at the bound, unknown without one
    assert Selection([], {}, 900, "greedy", bound=1000).optimality_gap == 0.1
    assert Selection([], {}, 1000, "cp-sat optimal", bound=1000).optimality_gap == 0.0
    assert Selection([], {}, 900, "greedy").optimality_gap is None
