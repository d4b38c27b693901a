"""The phases of a conversation and the pure functions that decide them.

The dialogue first applies what the user's turn means inside the phase whose work it is
(`working_phase`: a goal named at the review or later is the goal step's), then asks
`next_phase` where to go, given the facts after that turn, and asks that phase's question
(`phase_to_ask`: a phase with nothing left to ask hands over). The dialogue assigns the phase
only from these functions (tests/unit/test_phases.py checks its source). Nothing here touches
Rasa, the engine or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    WELCOME = "welcome"
    CONSENT = "consent"
    EXPERIENCES = "experiences"
    SKILLS_REVIEW = "skills_review"
    GOAL = "goal"
    CONSTRAINTS = "constraints"
    PLAN = "plan"
    WRAP_UP = "wrap_up"
    HANDOFF = "handoff"


# Intents that mean the same in every phase (answered in place, or a jump).
IN_PLACE = frozenset(
    {
        "ask_why",
        "ask_offer_details",
        "ask_help",
        "switch_language",
        "thanks",
        "goodbye",
        "greet",
        "resume",
        "delete_data",
        "ask_my_data",
        "nlu_fallback",
    }
)
CONSTRAINT_INTENTS = frozenset({"give_budget", "give_hours", "choose_mode"})
# Intents whose work is the goal step's: naming a goal, changing it, or asking for close jobs.
GOAL_INTENTS = frozenset({"set_goal", "change_goal", "ask_close_jobs"})


@dataclass(frozen=True)
class Facts:
    phase: Phase
    consent_answered: bool = False
    has_skills: bool = False
    reviewed: bool = False
    has_goal: bool = False
    constraints_complete: bool = False
    has_plan: bool = False


def progress_phase(f: Facts) -> Phase:
    """Where the work stands: the first thing still missing."""
    if not f.consent_answered:
        return Phase.CONSENT
    if not f.has_skills:
        return Phase.EXPERIENCES
    if not f.reviewed:
        return Phase.SKILLS_REVIEW
    if not f.has_goal:
        return Phase.GOAL
    if not f.constraints_complete:
        return Phase.CONSTRAINTS
    if not f.has_plan:
        return Phase.PLAN
    return Phase.WRAP_UP


def next_phase(f: Facts, intent: str) -> Phase:
    if f.phase == Phase.WELCOME:
        return Phase.CONSENT
    if intent == "ask_human":
        return Phase.HANDOFF
    if intent == "start_over":
        return Phase.CONSENT if not f.consent_answered else Phase.EXPERIENCES
    if not f.consent_answered:
        return Phase.CONSENT  # nothing else happens before the privacy question is answered
    if intent in ("add_experience", "tell_experience"):
        return Phase.EXPERIENCES
    if intent == "change_goal":
        return Phase.GOAL
    if f.phase == Phase.HANDOFF:
        return Phase.HANDOFF if intent in IN_PLACE else progress_phase(f)
    if intent in IN_PLACE:
        return f.phase
    return _forward(f, intent)


def _forward(f: Facts, intent: str) -> Phase:
    phase = f.phase
    if phase == Phase.CONSENT:
        return Phase.EXPERIENCES
    if phase == Phase.EXPERIENCES:
        if intent == "deny" and f.has_skills:
            return Phase.SKILLS_REVIEW
        if intent in ("set_goal", "ask_close_jobs") and f.has_skills:
            return Phase.GOAL if f.reviewed else Phase.SKILLS_REVIEW
        return Phase.EXPERIENCES
    if phase == Phase.SKILLS_REVIEW:
        if f.reviewed:
            return Phase.CONSTRAINTS if f.has_goal else Phase.GOAL
        return Phase.SKILLS_REVIEW
    if phase == Phase.GOAL:
        return Phase.CONSTRAINTS if f.has_goal else Phase.GOAL
    if phase == Phase.CONSTRAINTS:
        if not f.has_goal:
            return Phase.GOAL
        return Phase.PLAN if f.constraints_complete else Phase.CONSTRAINTS
    if phase == Phase.PLAN:
        if not (f.has_goal and f.constraints_complete):
            return progress_phase(f)
        if intent == "affirm" and f.has_plan:
            return Phase.WRAP_UP
        return Phase.PLAN
    if phase == Phase.WRAP_UP:
        if intent in CONSTRAINT_INTENTS and f.has_goal and f.constraints_complete:
            return Phase.PLAN
        return Phase.WRAP_UP if f.has_plan else progress_phase(f)
    return progress_phase(f)


def working_phase(f: Facts, intent: str) -> Phase:
    """The phase whose work the turn does, before `next_phase` moves on from it: a goal named
    or changed, or close jobs asked for, is searched by the goal step wherever it is said,
    except at the privacy question (answered first) and among the experiences (noted there,
    searched once the skills are reviewed)."""
    if intent in GOAL_INTENTS and f.phase not in (Phase.CONSENT, Phase.EXPERIENCES):
        return Phase.GOAL
    return f.phase


def phase_to_ask(f: Facts) -> Phase:
    """The phase whose question is asked when `f.phase` is about to ask its own: the
    constraints step with nothing left to ask (constraints and the goal's skill check settled)
    hands over to the plan, and a plan with no goal to the goal step; the others ask their own.
    One step at a time, since each phase's question may change the facts (the skill check)."""
    if f.phase == Phase.CONSTRAINTS and f.constraints_complete:
        return Phase.PLAN
    if f.phase == Phase.PLAN and not f.has_goal:
        return Phase.GOAL
    return f.phase
