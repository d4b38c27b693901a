"""The conversation's state between turns: in Puente's tables, versioned (an unconsented
worker's only while the chat session lasts; a consenting worker's with their profile and
plan), never in Rasa's tracker (assistant/profiles/state_store.py, docs/conversation.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.conversation.phases import Facts, Phase
from assistant.profiles.model import Profile


class Constraints(BaseModel):
    budget: float | None = None
    currency: str | None = None
    hours_per_week: float | None = None
    weeks: int | None = None
    mode: str | None = None

    def missing(self) -> str | None:
        if self.budget is None:
            return "budget"
        if self.hours_per_week is None:
            return "hours"
        if self.mode is None:
            return "mode"
        return None


class ConversationState(BaseModel):
    phase: Phase = Phase.WELCOME
    language: str = "es"
    consent: bool | None = None
    consent_at: str | None = None  # ISO time of the answer
    notice_version: str | None = None  # which privacy notice was answered
    profile: Profile = Field(default_factory=Profile)
    asked_tasks: list[int] = Field(default_factory=list)  # experiences already followed up
    reviewed: bool = False
    review_list: list[str] = Field(default_factory=list)  # numbered skill URIs shown
    goal: dict | None = None  # {"uri", "label"}
    goal_text: str | None = None  # a goal mentioned before its turn came
    goal_options: list[dict] = Field(default_factory=list)
    goal_best: bool = False  # the first option was well ahead: "yes" takes it
    constraints: Constraints = Field(default_factory=Constraints)
    # The target's skills asked about before the plan ("¿ya hiciste alguna de estas?"), and
    # whether that question is settled for the current goal (asked and answered, or nothing
    # worth asking).
    confirm_options: list[dict] = Field(default_factory=list)
    confirm_done: bool = False
    plan: dict | None = None
    gaps: dict | None = None
    # what the plan and gaps were made from (steps.plan_inputs), and the chart shown with
    # them: a plan shown again with nothing changed (after "help", a greeting) is not remade
    plan_inputs: str | None = None
    chart: str | None = None
    misses: int = 0
    misses_before_person: bool = False
    pending: str | None = None  # "delete" or "move": a question waiting for yes or no
    pending_code: str | None = None  # the code a "move" would claim
    pending_text: str | None = None
    handoff_requested: bool = False
    buttons: list[dict] = Field(default_factory=list)  # the last reply's, to match typed words
    resume_code: str | None = None

    def facts(self, phase: Phase | None = None) -> Facts:
        return Facts(
            phase=phase or self.phase,
            consent_answered=self.consent is not None,
            has_skills=bool(self.profile.active),
            reviewed=self.reviewed,
            has_goal=self.goal is not None,
            constraints_complete=self.constraints.missing() is None
            and (self.confirm_done or self.goal is None),
            has_plan=self.plan is not None,
        )

    @classmethod
    def load(cls, data: dict | None) -> ConversationState:
        if not data:
            return cls()
        try:
            return cls.model_validate(data)
        except ValueError:
            return cls()  # a state from an older release: start cleanly rather than fail
