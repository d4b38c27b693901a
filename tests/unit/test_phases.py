"""`next_phase` over every phase x intent x fact combination: the rules a counsellor would
state, checked on all 9 x 25 x 64 cases, plus the expected path of a normal conversation;
likewise `working_phase` and `phase_to_ask`, and a check that the dialogue sets the phase only
through these functions."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools

import pytest
import yaml

from assistant.config import PROJECT_ROOT
from assistant.conversation import phases
from assistant.conversation.phases import (
    GOAL_INTENTS,
    IN_PLACE,
    Facts,
    Phase,
    next_phase,
    phase_to_ask,
    progress_phase,
    working_phase,
)

INTENTS = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"]
FLAGS = [
    "consent_answered",
    "has_skills",
    "reviewed",
    "has_goal",
    "constraints_complete",
    "has_plan",
]


def all_cases():
    for phase, intent, bits in itertools.product(
        Phase, INTENTS, itertools.product([False, True], repeat=len(FLAGS))
    ):
        yield Facts(phase, **dict(zip(FLAGS, bits, strict=True))), intent


CASES = list(all_cases())


def test_the_domain_and_the_phases_know_the_same_intents():
    assert len(INTENTS) == 25 and IN_PLACE <= set(INTENTS)
    assert len(CASES) == 9 * 25 * 64


def test_every_case_lands_on_a_phase_and_welcome_is_never_returned_to():
    for facts, intent in CASES:
        assert next_phase(facts, intent) in set(Phase) - {Phase.WELCOME}


def test_nothing_happens_before_the_privacy_question_is_answered():
    for facts, intent in CASES:
        if facts.consent_answered or facts.phase == Phase.WELCOME:
            continue
        expected = Phase.HANDOFF if intent == "ask_human" else Phase.CONSENT
        assert next_phase(facts, intent) == expected, (facts, intent)


def test_asking_for_a_person_always_reaches_one():
    for facts, intent in CASES:
        if intent == "ask_human" and facts.phase != Phase.WELCOME:
            assert next_phase(facts, intent) == Phase.HANDOFF


def test_digressions_answered_in_place_never_move_the_conversation():
    for facts, intent in CASES:
        if (
            intent in IN_PLACE
            and facts.consent_answered
            and facts.phase
            not in (
                Phase.WELCOME,
                Phase.HANDOFF,
            )
        ):
            assert next_phase(facts, intent) == facts.phase, (facts, intent)


@pytest.mark.parametrize(
    ("target", "needs"),
    [
        (Phase.SKILLS_REVIEW, ["has_skills"]),
        (Phase.CONSTRAINTS, ["has_goal"]),
        (Phase.PLAN, ["has_goal", "constraints_complete"]),
        (Phase.WRAP_UP, ["has_plan"]),
    ],
)
def test_a_phase_is_entered_only_when_what_it_needs_exists(target, needs):
    for facts, intent in CASES:
        result = next_phase(facts, intent)
        if result == target and facts.phase != target:
            assert all(getattr(facts, flag) for flag in needs), (facts, intent)


def test_jumps_work_from_everywhere_after_consent():
    for facts, intent in CASES:
        if not facts.consent_answered or facts.phase == Phase.WELCOME:
            continue
        result = next_phase(facts, intent)
        if intent in ("add_experience", "tell_experience"):
            assert result == Phase.EXPERIENCES
        if intent == "change_goal":
            assert result == Phase.GOAL
        if intent == "start_over":
            assert result == Phase.EXPERIENCES


def test_leaving_a_person_returns_to_where_the_work_stands():
    for facts, intent in CASES:
        if facts.phase == Phase.HANDOFF and facts.consent_answered and intent not in IN_PLACE:
            if intent in (
                "ask_human",
                "add_experience",
                "tell_experience",
                "change_goal",
                "start_over",
            ):
                continue
            assert next_phase(facts, intent) == progress_phase(facts)


def test_the_happy_path_in_order():
    # GIVEN the facts after each turn of a normal conversation
    steps = [
        (Facts(Phase.WELCOME), "greet", Phase.CONSENT),
        (Facts(Phase.CONSENT, True), "affirm", Phase.EXPERIENCES),
        (Facts(Phase.EXPERIENCES, True, True), "tell_experience", Phase.EXPERIENCES),
        (Facts(Phase.EXPERIENCES, True, True), "deny", Phase.SKILLS_REVIEW),
        (Facts(Phase.SKILLS_REVIEW, True, True), "select_number", Phase.SKILLS_REVIEW),
        (Facts(Phase.SKILLS_REVIEW, True, True, True), "affirm", Phase.GOAL),
        (Facts(Phase.GOAL, True, True, True), "set_goal", Phase.GOAL),
        (Facts(Phase.GOAL, True, True, True, True), "select_number", Phase.CONSTRAINTS),
        (Facts(Phase.CONSTRAINTS, True, True, True, True), "give_budget", Phase.CONSTRAINTS),
        (Facts(Phase.CONSTRAINTS, True, True, True, True, True), "choose_mode", Phase.PLAN),
        (Facts(Phase.PLAN, True, True, True, True, True, True), "affirm", Phase.WRAP_UP),
        (Facts(Phase.WRAP_UP, True, True, True, True, True, True), "give_budget", Phase.PLAN),
    ]
    # THEN each turn moves exactly as a counsellor would
    for facts, intent, expected in steps:
        assert next_phase(facts, intent) == expected, (facts, intent)


def test_no_more_experiences_without_any_skill_keeps_asking():
    assert next_phase(Facts(Phase.EXPERIENCES, True), "deny") == Phase.EXPERIENCES


# -- working_phase: whose work a turn is, before next_phase moves on ----------------------------


def test_the_goal_intents_are_the_domains():
    assert GOAL_INTENTS <= set(INTENTS)


def test_a_turn_that_names_no_goal_is_the_current_phases_work():
    # GIVEN every case whose intent is not about the goal
    for facts, intent in CASES:
        if intent in GOAL_INTENTS:
            continue
        # THEN the turn is worked where the conversation is, whatever exists
        assert working_phase(facts, intent) == facts.phase, (facts, intent)


@pytest.mark.parametrize("intent", sorted(GOAL_INTENTS))
@pytest.mark.parametrize("phase", list(Phase))
def test_a_goal_named_past_the_experiences_is_the_goal_steps_work(phase, intent):
    # GIVEN a goal named, changed or close jobs asked for, in any phase and with any facts
    for facts, case_intent in CASES:
        if facts.phase != phase or case_intent != intent:
            continue
        # WHEN the dialogue asks whose work the turn is
        result = working_phase(facts, intent)
        # THEN the goal step searches it, except at the privacy question (answered first) and
        # among the experiences (noted there, searched after the review)
        if phase in (Phase.CONSENT, Phase.EXPERIENCES):
            assert result == phase, facts
        else:
            assert result == Phase.GOAL, facts


def test_after_a_goal_turn_next_phase_goes_on_from_the_goal_step():
    # GIVEN a goal named at the review (now confirmed) that the search has not settled yet
    facts = Facts(Phase.SKILLS_REVIEW, True, True, True)
    acted = working_phase(facts, "set_goal")
    # THEN the goal step stays until one is picked, then the constraints come
    assert acted == Phase.GOAL
    assert next_phase(Facts(acted, True, True, True), "set_goal") == Phase.GOAL
    assert next_phase(Facts(acted, True, True, True, True), "select_number") == Phase.CONSTRAINTS


# -- phase_to_ask: the question actually asked --------------------------------------------------

ALL_FACTS = [
    Facts(phase, **dict(zip(FLAGS, bits, strict=True)))
    for phase in Phase
    for bits in itertools.product([False, True], repeat=len(FLAGS))
]


@pytest.mark.parametrize("phase", list(Phase))
def test_each_phase_asks_its_own_question_unless_it_has_nothing_to_ask(phase):
    # GIVEN every combination of facts in this phase
    for facts in (f for f in ALL_FACTS if f.phase == phase):
        # WHEN the phase is about to ask its question
        result = phase_to_ask(facts)
        # THEN complete constraints hand over to the plan, a plan with no goal to the goal
        # step, and every other phase asks its own
        if phase == Phase.CONSTRAINTS and facts.constraints_complete:
            assert result == Phase.PLAN, facts
        elif phase == Phase.PLAN and not facts.has_goal:
            assert result == Phase.GOAL, facts
        else:
            assert result == phase, facts


def test_asking_settles_within_two_hand_overs_and_never_loops():
    # GIVEN every phase and facts WHEN the hand-overs are followed, as the dialogue's prompt
    # does, with the facts unchanged
    for facts in ALL_FACTS:
        seen = [facts.phase]
        while (after := phase_to_ask(dataclasses.replace(facts, phase=seen[-1]))) != seen[-1]:
            seen.append(after)
            # THEN no phase is visited twice and at most two hand-overs happen
            assert len(seen) == len(set(seen)) <= 3, seen


# -- the dialogue sets the phase only through these functions -----------------------------------


def _phase_functions() -> set[str]:
    return {
        name
        for name, obj in vars(phases).items()
        if inspect.isfunction(obj) and obj.__module__ == phases.__name__
    }


@pytest.mark.parametrize("module", ["dialogue.py", "steps.py"])
def test_the_phase_is_assigned_only_from_a_function_of_phases(module):
    """The rules above are tested on every case only if the dialogue follows them: a
    `state.phase = Phase.X` written in dialogue.py or steps.py would decide a move that no
    test here sees (issue 23). So every assignment to a `.phase` attribute there must be a
    call to a function of phases.py (the syntax tree, so tuple targets count too)."""
    # GIVEN the source of the module that runs the turns
    tree = ast.parse((PROJECT_ROOT / "assistant" / "conversation" / module).read_text())
    allowed = _phase_functions()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target, value in _pairs(targets, node.value):
                if isinstance(target, ast.Attribute) and target.attr == "phase":
                    found.append(ast.unparse(value))
                    # THEN its value is computed by phases.py, not written in place
                    assert (
                        not isinstance(node, ast.AugAssign)
                        and isinstance(value, ast.Call)
                        and isinstance(value.func, ast.Name)
                        and value.func.id in allowed
                    ), f"{module}:{node.lineno}: phase = {ast.unparse(value)}"
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr":
            assert not any(isinstance(a, ast.Constant) and a.value == "phase" for a in node.args), (
                f"{module}:{node.lineno}: setattr of the phase"
            )
    # AND the check saw the dialogue's assignments (a renamed attribute would pass silently)
    if module == "dialogue.py":
        assert found


def _pairs(targets: list[ast.expr], value: ast.expr | None):
    """Each assigned target with the expression it receives (`a.phase, b = f(), c` pairs
    `a.phase` with `f()`); a tuple target from a single value pairs each with that value."""
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List):
            if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
                yield from zip(target.elts, value.elts, strict=True)
            else:
                yield from ((elt, value) for elt in target.elts)
        else:
            yield target, value
