"""A plan for a goal holds courses made for that goal: a course made for another job that
shares one skill with it is left out (assistant/plans/planner.py, `_aimed_at_goal`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.plans.planner import _aimed_at_goal
from tests.unit.test_plan_solver import offer

TARGET = "occ:shop-supervisor"


@dataclass
class View:
    essential: dict = field(
        default_factory=lambda: {TARGET: ["manage staff", "apply company policies", "budgets"]}
    )
    optional: dict = field(default_factory=lambda: {TARGET: ["merchandising"]})


def course(i: int, covers: list[str], teaches: list[str]):
    made = offer(i, 10, 5, dict.fromkeys(covers, 1.0))
    made.skills = frozenset(teaches)
    return made


def test_a_course_for_another_job_sharing_one_skill_is_left_out():
    # GIVEN a beauty-salon course that also lists "apply company policies", and a course for
    # supervisors
    salon = course(
        1, ["apply company policies"], ["apply company policies", "cut hair", "dye", "nails"]
    )
    supervisors = course(2, ["manage staff"], ["manage staff", "budgets", "lead a team"])
    # WHEN a plan for shop supervisor chooses among them
    kept = _aimed_at_goal([salon, supervisors], View(), TARGET)
    # THEN only the course made for the goal remains
    assert [c.id for c in kept] == [supervisors.id]


def test_a_course_for_another_job_stays_when_it_covers_several_essential_gaps():
    # GIVEN an office course covering two of the target's essential gaps among much else
    office = course(
        3,
        ["apply company policies", "budgets"],
        ["apply company policies", "budgets", "a", "b", "c", "d", "e"],
    )
    # WHEN aimed at the goal THEN it is kept: it answers two core needs at once
    assert _aimed_at_goal([office], View(), TARGET) == [office]


def test_a_course_without_known_skills_is_judged_by_what_it_covers_alone():
    # GIVEN an offer whose skill list was not loaded (no tags) WHEN aimed THEN covering an
    # essential skill is enough, as before
    bare = offer(4, 10, 5, {"manage staff": 1.0})
    assert _aimed_at_goal([bare], View(), TARGET) == [bare]
