"""`next_phase` over every phase x intent x fact combination: the rules a counsellor would
state, checked on all 9 x 24 x 64 cases, plus the expected path of a normal conversation."""

from __future__ import annotations

import itertools

import pytest
import yaml

from assistant.config import PROJECT_ROOT
from assistant.conversation.phases import IN_PLACE, Facts, Phase, next_phase, progress_phase

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
