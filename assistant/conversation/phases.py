"""The phases of a conversation and the one pure function that decides the next.

The dialogue first applies what the user's turn means inside the current phase (an experience
is recorded, a goal is picked, a budget is noted), then asks `next_phase` where to go, given
the facts after that turn. Nothing here touches Rasa, the engine or the database.
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
