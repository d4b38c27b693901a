"""Actions for the protocol contract project, served by rasa-sdk 3.21 (Python 3.11)."""

from __future__ import annotations

from rasa_sdk import Action, FormValidationAction
from rasa_sdk.events import ConversationPaused, ConversationResumed, FollowupAction, SlotSet


class ValidateNameForm(FormValidationAction):
    def name(self) -> str:
        return "validate_name_form"

    def validate_name(self, value, dispatcher, tracker, domain):
        if not value or value.strip().lower() == "x":
            dispatcher.utter_message(text="That is not a name.")
            return {"name": None}
        return {"name": value.strip().title()}


class ActionSetSlot(Action):
    def name(self) -> str:
        return "action_set_slot"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(
            text="Pick one",
            buttons=[
                {"title": "Red", "payload": "/set_slot"},
                {"title": "Blue", "payload": "/custom"},
            ],
        )
        return [SlotSet("color", "blue")]


class ActionFollowup(Action):
    def name(self) -> str:
        return "action_followup"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Following up")
        return [FollowupAction("action_custom")]


class ActionCustom(Action):
    def name(self) -> str:
        return "action_custom"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(json_message={"kind": "chart", "points": [1, 2, 3]})
        return []


class ActionPause(Action):
    def name(self) -> str:
        return "action_pause"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="A person will take over")
        return [ConversationPaused()]


class ActionPauseResume(Action):
    def name(self) -> str:
        return "action_pause_resume"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Paused and back")
        return [ConversationPaused(), ConversationResumed()]
