"""Thin Rasa custom actions: translate tracker <-> `assistant` services, nothing more.

Every action answers; if the engine or database fails the user gets a short apology and a
way forward (see `safe_run`), never silence.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import say

log = logging.getLogger(__name__)


def conversation_language(tracker: Tracker) -> str:
    lang = tracker.get_slot("language")
    if lang in ("en", "es"):
        return lang
    from assistant.skills.text import detect_language

    detected = detect_language(tracker.latest_message.get("text") or "")
    return detected if detected in ("en", "es") else "es"


class ActionWelcome(Action):
    def name(self) -> str:
        return "action_welcome"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        lang = conversation_language(tracker)
        dispatcher.utter_message(
            text=say("welcome", lang),
            buttons=[{"title": say("button_tell", lang), "payload": "/tell_experience"}],
        )
        return [SlotSet("language", lang)]


class ActionExtractSkills(Action):
    def name(self) -> str:
        return "action_extract_skills"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        lang = conversation_language(tracker)
        text = tracker.latest_message.get("text") or ""
        try:
            from assistant.services.skills import get_skill_engine

            result = get_skill_engine().extract(text, language=lang, top=5)
        except Exception:  # noqa: BLE001 - the user must get an answer whatever failed
            log.exception("skill extraction failed")
            dispatcher.utter_message(text=say("engine_failed", lang))
            return [SlotSet("language", lang)]
        hits = result.skills[:5]
        if not hits:
            dispatcher.utter_message(text=say("no_skills", lang))
            return [SlotSet("language", lang)]
        lines = [say("skills_intro", lang)]
        for hit in hits:
            quote = hit.evidence[0].text if hit.evidence else ""
            lines.append(f'• {hit.label} — "{quote}"')
        lines.append(say("attribution", lang))
        dispatcher.utter_message(text="\n".join(lines))
        skills: list[dict[str, Any]] = [
            {"uri": h.uri, "label": h.label, "kind": h.kind, "score": round(h.score, 3)}
            for h in hits
        ]
        return [SlotSet("language", lang), SlotSet("skills", skills)]


class ActionDefaultFallback(Action):
    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(text=say("rephrase", conversation_language(tracker)))
        return []
