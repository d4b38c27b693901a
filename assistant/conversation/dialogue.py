"""One turn of the conversation: state in, state and messages out.

`Dialogue.handle` reads the user's turn (intent, entities, text), answers digressions that
work anywhere (why, details, language, help, start over, a person, delete my data, come back
with a code), lets the current phase act on the turn (`steps`), asks `next_phase` where to go
and then asks that phase's question. Every phase it sets comes from a pure function of
`phases.py` (tested on every case there). It never imports Rasa; the action is a thin adapter.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assistant.conversation import parse, steps, understand
from assistant.conversation.locale import currency_of, currency_of_place
from assistant.conversation.phases import (
    CONSTRAINT_INTENTS,
    GOAL_INTENTS,
    Phase,
    next_phase,
    phase_to_ask,
    working_phase,
)
from assistant.conversation.ports import DialogueServices
from assistant.conversation.state import ConversationState
from assistant.conversation.texts import NOTICE_VERSION, PHASE_WORDS, Message, button, say
from assistant.taxonomy.display import shown

log = logging.getLogger(__name__)
MISSES_BEFORE_PERSON = 2


@dataclass
class Turn:
    sender_id: str
    text: str
    intent: str
    entities: list[dict] = field(default_factory=list)
    channel: str = "rest"
    address: str | None = None  # a hash of the client's address, where the channel knows it
    locale: str | None = None  # the browser's language tag, where the widget says it
    timezone: str | None = None  # the browser's IANA time zone, likewise


@dataclass
class Reply:
    state: dict
    messages: list[Message]
    language: str


class Dialogue:
    def __init__(self, services: DialogueServices) -> None:
        self.services = services

    def handle(self, state_data: dict | None, turn: Turn) -> Reply:
        state = ConversationState.load(state_data)
        messages: list[Message] = []
        if state.phase == Phase.WELCOME:
            stored = self.services.load(turn.sender_id)
            if stored:  # a returning worker: a new chat session, or their history was lost
                state = ConversationState.load(stored)
                messages.append(Message(say("resumed", state.language)))
            elif state.pending is None:
                state.language = _detect_language(turn.text)
        if state.constraints.currency is None:  # prices in the worker's money, not asked
            state.constraints.currency = currency_of(turn.sender_id) or currency_of_place(
                turn.locale, turn.timezone
            )
        plan_before = state.plan
        intent = self._interpret(state, turn)
        if state.phase == Phase.WELCOME and intent != "resume" and state.pending != "move":
            messages += self._welcome(state, turn, intent)
        else:
            messages += self._turn(state, turn, intent)
        if len(messages) > 1 and messages[0].text == messages[1].text:
            del messages[1]  # "hola" on coming back: welcomed back once, not twice
        state.buttons = next((m.buttons for m in reversed(messages) if m.buttons), [])
        if state.consent:
            data = state.model_dump(mode="json")
            state.resume_code = self.services.save(turn.sender_id, turn.channel, data)
            if state.plan and state.plan != plan_before:
                self.services.save_plan(turn.sender_id, state.model_dump(mode="json"))
        return Reply(state.model_dump(mode="json"), messages, state.language)

    # -- reading the turn --------------------------------------------------------------------
    def _interpret(self, state: ConversationState, turn: Turn) -> str:
        """Rasa's intent, corrected by what the phase expects when Rasa is unsure."""
        intent, text = turn.intent or "nlu_fallback", turn.text or ""
        if state.pending == "move" and intent in ("affirm", "deny"):
            return intent
        if intent != "resume" and parse.resume_code(text) and len(text.split()) <= 4:
            return "resume"
        if parse.revoke_link(text):
            return "revoke_links"
        tapped = _typed_button(state, turn)
        if tapped:
            return tapped
        words = len(text.split())
        phase = state.phase
        # the phase's expected answer wins over a look-alike intent: a review command is
        # never "delete my data", a job title at the goal step is the goal (understand.py)
        intent = understand.plausible(intent, text)
        expected = understand.expected(state, text, intent)
        if expected:
            return expected
        if intent == "delete_data" and not parse.delete_request(text):
            return "nlu_fallback"  # only an explicit phrase starts a deletion
        if (
            phase == Phase.GOAL
            and not state.goal_options
            and intent in ("tell_experience", "add_experience", "nlu_fallback", "inform")
            and 1 <= words <= 8
        ):
            return "set_goal"
        if intent != "nlu_fallback":
            return intent
        if phase == Phase.EXPERIENCES and words >= 4:
            return "tell_experience"
        if phase == Phase.GOAL and not state.goal_options and 1 <= words <= 8:
            return "set_goal"
        if phase in (Phase.GOAL, Phase.SKILLS_REVIEW) and parse.numbers(text):
            return "select_number"
        if phase in (Phase.CONSTRAINTS, Phase.PLAN):
            missing = state.constraints.missing()
            if missing == "budget" and parse.budget(text) is not None:
                return "give_budget"
            if missing == "hours" and any(parse.hours_and_weeks(text)):
                return "give_hours"
            if parse.mode(text):
                return "choose_mode"
        if phase == Phase.CONSENT and words >= 4:
            return "tell_experience"
        return intent

    # -- the turn ----------------------------------------------------------------------------
    def _welcome(self, state: ConversationState, turn: Turn, intent: str) -> list[Message]:
        if intent == "tell_experience" or len(turn.text.split()) >= 6:
            state.pending_text = turn.text  # told before consent: used once they answer
        state.phase = next_phase(state.facts(), intent)  # the privacy question, always
        return [Message(say("welcome", state.language)), self._consent_question(state)]

    def _consent_question(self, state: ConversationState, key: str = "privacy") -> Message:
        lang = state.language
        return Message(
            say(key, lang),
            buttons=[button("btn_accept", "/affirm", lang), button("btn_decline", "/deny", lang)],
        )

    def _turn(self, state: ConversationState, turn: Turn, intent: str) -> list[Message]:
        lang = state.language
        if intent == "nlu_fallback":
            state.misses += 1
            if state.misses >= MISSES_BEFORE_PERSON:
                state.misses = 0
                state.misses_before_person = True
                return [
                    Message(
                        say("offer_person", lang),
                        buttons=[
                            button("btn_person", "/ask_human", lang),
                            button("btn_keep_trying", "/affirm", lang),
                        ],
                    )
                ]
            return [Message(say("rephrase", lang)), *self._prompt(state, state.phase)]
        state.misses = 0
        if intent != "ask_human":
            state.misses_before_person = False
        if state.pending == "move":
            state.pending, code, state.pending_code = None, state.pending_code, None
            if intent == "affirm" and code:
                return self._move_here(state, turn, code)
            if intent in ("affirm", "deny"):
                return [Message(say("move_cancelled", lang)), *self._prompt(state, state.phase)]
        if state.pending == "delete":
            state.pending = None
            if intent == "affirm":
                return self._delete(state, turn)
            if intent == "deny":
                return [Message(say("kept", lang)), *self._prompt(state, state.phase)]
        handled = self._anywhere(state, turn, intent)
        if handled is not None:
            return handled
        messages = self._act(state, turn, intent)
        acted = state.phase  # _act may already have moved (e.g. to the goal search)
        state.phase = next_phase(state.facts(acted), intent)
        if (
            state.phase != acted
            or not messages
            or state.phase == Phase.CONSTRAINTS
            or (state.phase == Phase.PLAN and state.plan is None)
        ):
            messages += self._prompt(state, state.phase)
        return messages

    def _anywhere(self, state, turn: Turn, intent: str) -> list[Message] | None:
        lang, phase = state.language, state.phase
        if intent == "resume":
            return self._found_code(state, turn)
        if intent == "revoke_links":
            if not state.consent:
                return [Message(say("no_links", lang)), *self._prompt(state, phase)]
            n = self.services.revoke_links(turn.sender_id)
            return [Message(say("links_revoked", lang, n=n)), *self._prompt(state, phase)]
        if intent == "delete_data":
            state.pending = "delete"
            what = say(
                "delete_what",
                lang,
                experiences=len(state.profile.experiences),
                skills=len(state.profile.active),
                goal=shown(state.goal, lang) if state.goal else "-",
                plans=1 if state.plan else 0,
            )
            return [
                Message(
                    say("confirm_delete", lang, what=what),
                    buttons=[
                        button("btn_delete", "/affirm", lang),
                        button("btn_keep", "/deny", lang),
                    ],
                )
            ]
        if intent == "ask_my_data":
            return [*self._my_data(state, turn), *self._prompt(state, phase)]
        if intent == "switch_language":
            wanted = steps.entity(turn.entities, "language") or parse.language(turn.text)
            state.language = wanted if wanted in ("en", "es") else ("en" if lang == "es" else "es")
            steps.relabel(state, self.services)
            return [Message(say("language_set", state.language)), *self._prompt(state, phase)]
        if intent == "ask_help":
            return [Message(say("help", lang)), *self._prompt(state, phase)]
        if intent == "ask_why":
            return steps.why(state, turn.text, turn.entities, phase)
        if intent == "ask_offer_details" and not (phase == Phase.GOAL and state.goal_options):
            return steps.offer_details(state, turn.text, turn.entities, self.services)
        if intent == "thanks":
            return [Message(say("thanks", lang))]
        if intent == "goodbye":
            grouped = parse.display_code(state.resume_code)
            code = say("goodbye_code", lang, code=grouped) if state.resume_code else ""
            return [Message(say("goodbye", lang) + code)]
        if intent == "greet" and phase != Phase.CONSENT:
            return [Message(say("resumed", lang)), *self._prompt(state, phase)]
        if intent == "start_over":
            keep = {
                "language": lang,
                "consent": state.consent,
                "consent_at": state.consent_at,
                "notice_version": state.notice_version,
                "resume_code": state.resume_code,
            }
            state.__dict__.update(ConversationState(**keep).__dict__)
            state.phase = next_phase(state.facts(Phase.CONSENT), "start_over")
            return [Message(say("restart", lang)), *self._prompt(state, state.phase)]
        return None

    def _act(self, state: ConversationState, turn: Turn, intent: str) -> list[Message]:
        """What the turn means in the current phase (before moving on)."""
        lang, phase, text = state.language, state.phase, turn.text
        if intent == "ask_human":
            state.handoff_requested = True
            if state.consent:  # a counsellor can only see a conversation that may be stored
                state.resume_code = self.services.save(
                    turn.sender_id, turn.channel, state.model_dump(mode="json")
                )
                self.services.request_person(turn.sender_id, turn.channel, _reason(state, turn))
            return []
        if phase == Phase.CONSENT:
            if intent not in ("affirm", "deny"):
                if intent == "tell_experience":
                    state.pending_text = text
                return [self._consent_question(state, "consent_again")]
            state.consent = intent == "affirm"
            state.consent_at = datetime.now(UTC).isoformat(timespec="seconds")
            state.notice_version = NOTICE_VERSION
            if state.consent:
                state.resume_code = self.services.save(
                    turn.sender_id, turn.channel, state.model_dump(mode="json")
                )
            return [Message(say("consent_yes" if state.consent else "consent_no", lang))]
        if intent == "tell_experience":
            return steps.record_experience(state, text, self.services)
        if phase == Phase.CONSTRAINTS and state.confirm_options and not state.confirm_done:
            answered = steps.confirm_turn(state, intent, text, turn.entities)
            if answered:
                return answered
        if intent in CONSTRAINT_INTENTS or phase == Phase.CONSTRAINTS:
            noted = steps.apply_constraints(state, intent, text, turn.entities)
            if noted:
                return [Message(say("noted_constraint", lang, what=", ".join(noted)))]
            if phase == Phase.CONSTRAINTS:
                return []  # the question is asked again
        if phase == Phase.EXPERIENCES:
            if intent == "deny" and not state.profile.active:
                return [Message(say("need_experience", lang) + say("ask_experience", lang))]
            if intent in ("set_goal", "change_goal"):
                state.goal_text = text
            if intent == "affirm":
                return [Message(say("ask_experience", lang))]
            return []
        if phase == Phase.SKILLS_REVIEW:
            if intent in ("set_goal", "ask_close_jobs"):
                steps.review_turn(state, "affirm", text, turn.entities)
                state.phase = working_phase(state.facts(), intent)
                return steps.goal_turn(state, intent, text, turn.entities, self.services)
            return steps.review_turn(state, intent, text, turn.entities)
        if phase == Phase.GOAL or intent in GOAL_INTENTS:
            if intent == "change_goal":
                state.goal, state.goal_options, state.plan = None, [], None
                if len(steps.goal_title(text, turn.entities).split()) < 1 or intent_only(text):
                    return []
            state.phase = working_phase(state.facts(), intent)
            return steps.goal_turn(state, intent, text, turn.entities, self.services)
        if phase == Phase.PLAN and intent == "deny":
            return [Message(say("plan_empty", lang).split(". ", 1)[-1])]
        return []

    def _prompt(self, state: ConversationState, phase: Phase) -> list[Message]:
        """The question that opens (or re-opens) a phase."""
        lang = state.language
        if phase in (Phase.WELCOME, Phase.CONSENT):
            return [self._consent_question(state)]
        if phase == Phase.EXPERIENCES:
            if state.pending_text:
                text, state.pending_text = state.pending_text, None
                return steps.record_experience(state, text, self.services)
            return [Message(say("ask_experience", lang))]
        if phase == Phase.SKILLS_REVIEW:
            return steps.review_message(state)
        if phase == Phase.GOAL:
            if state.goal_options:
                return [steps.goal_options_message(state, state.goal_options, "goal_options")]
            if state.goal_text:
                text, state.goal_text = state.goal_text, None
                return steps.search_goal(state, text, self.services)
            return [steps.goal_prompt(state)]
        if phase == Phase.CONSTRAINTS:
            if state.goal and not state.confirm_done:
                asked = steps.confirm_question(state, self.services)
                if asked:
                    return [asked]
            question = steps.constraint_question(state)
            if question:
                return [question]
            state.phase = phase_to_ask(state.facts(phase))  # nothing left to ask: the plan
            return self._prompt(state, state.phase)
        if phase == Phase.PLAN:
            state.phase = phase_to_ask(state.facts(phase))
            if state.phase == Phase.GOAL:  # no goal any more: asked for, not searched again
                return [steps.goal_prompt(state)]
            return steps.present_plan(state, self.services)
        if phase == Phase.WRAP_UP:
            return steps.wrap_up(state, self.services)
        if phase == Phase.HANDOFF:
            contact = self.services.counsellor_contact() or say("default_contact", lang)
            out = [Message(say("handoff", lang, contact=contact))]
            if not state.consent:
                out.append(Message(say("handoff_unsaved", lang)))
            return out
        return []

    def _found_code(self, state: ConversationState, turn: Turn) -> list[Message]:
        """A code moves a saved conversation here only after the worker confirms (the next
        turn): the code alone is never enough."""
        lang, phase = state.language, state.phase
        typed = steps.entity(turn.entities, "resume_code") or turn.text
        code = parse.resume_code(typed) or parse.resume_code(turn.text) or ""
        found = self.services.check_code(code, turn.sender_id, turn.address)
        status = found.get("status")
        again = [self._consent_question(state)] if phase == Phase.WELCOME else []
        if status == "locked":
            return [Message(say("code_locked", lang, minutes=found.get("minutes", 15)))]
        if status == "same":
            return [Message(say("code_same", lang)), *self._prompt(state, phase)]
        if status != "ok":
            return [Message(say("bad_code", lang)), *again]
        state.pending, state.pending_code = "move", code
        goal = found.get("goal") or "-"
        return [
            Message(
                say("confirm_move", lang, goal=goal, skills=found.get("skills", 0)),
                buttons=[button("btn_move", "/affirm", lang), button("btn_stay", "/deny", lang)],
            )
        ]

    def _move_here(self, state: ConversationState, turn: Turn, code: str) -> list[Message]:
        notice = say("moved_away", state.language)
        stored = self.services.claim_code(code, turn.sender_id, turn.channel, notice)
        if not stored:
            return [Message(say("bad_code", state.language)), *self._prompt(state, state.phase)]
        state.__dict__.update(ConversationState.load(stored).__dict__)
        return [Message(say("resumed", state.language)), *self._prompt(state, state.phase)]

    def _delete(self, state: ConversationState, turn: Turn) -> list[Message]:
        erased = self.services.delete(turn.sender_id) or {}
        lang = state.language
        state.__dict__.update(ConversationState(language=lang).__dict__)
        text = say("deleted", lang) + "\n\n" + say("deleted_counts", lang, **_n(erased))
        return [Message(text, forget=True)]

    def _my_data(self, state: ConversationState, turn: Turn) -> list[Message]:
        """ "What do you know about me": what is stored (with a link to all of it as JSON) or,
        for an anonymous session, what lives only in this chat."""
        lang = state.language
        data = self.services.export(turn.sender_id) if state.consent else None
        held = say(
            "my_data_session",
            lang,
            experiences=len(state.profile.experiences),
            skills=len(state.profile.active),
            goal=shown(state.goal, lang) if state.goal else "-",
        )
        if data is None:
            return [Message(say("my_data_anonymous", lang) + "\n\n" + held)]
        stored = say(
            "my_data_stored",
            lang,
            versions=len(data.get("profile_versions", [])),
            plans=len(data.get("plans", [])),
            handoffs=len(data.get("handoffs", [])),
            events=data.get("rasa_events", 0),
            link=data["link"],
        )
        return [Message(held + "\n\n" + stored)]


def _typed_button(state: ConversationState, turn: Turn) -> str | None:
    """Typing a button's words ("están bien") is tapping it: its payload's intent (and any
    entities it carries) instead of a guess."""
    typed = parse.fold(turn.text or "").strip(" .!¡¿?")
    for b in state.buttons:
        if typed and typed == parse.fold(b.get("title", "")).strip(" .!¡¿?…"):
            payload = b.get("payload") or ""
            if not payload.startswith("/"):
                return None
            name, _, rest = payload[1:].partition("{")
            if rest:
                try:
                    values = json.loads("{" + rest)
                except ValueError:
                    values = {}
                turn.entities = [
                    *turn.entities,
                    *({"entity": k, "value": str(v)} for k, v in values.items()),
                ]
            return name or None
    return None


def _n(erased: dict) -> dict:
    keys = ("conversation", "profile_versions", "plans", "handoffs", "rasa_events")
    return {k: int(erased.get(k, 0) or 0) for k in keys}


def _reason(state: ConversationState, turn: Turn) -> str:
    after = "después de no ser entendida" if state.misses_before_person else "a petición propia"
    where = PHASE_WORDS.get(state.phase.value, state.phase.value)
    return f"{after} ({where}): «{turn.text[:160]}»"


def intent_only(text: str) -> bool:
    """ "quiero cambiar de meta" says what to do, not which job."""
    return bool(
        re.fullmatch(
            r"(?i)\W*((quiero|quisiera|deseo|puedo|i want to|i'd like to|can i|let me)\s+)?"
            r"(cambiar|change|otra|otro|another|different|nueva|new)\s*(de\s+|my\s+|mi\s+|a\s+)?"
            r"(meta|goal|objetivo|trabajo|job|ocupaci[oó]n|occupation)?\W*",
            text.strip(),
        )
    )


GREETINGS = {
    "en": {"hi", "hello", "hey", "morning", "evening", "afternoon", "thanks", "help", "yes"},
    "es": {"hola", "buenas", "buenos", "dias", "tardes", "noches", "gracias", "ayuda", "si"},
}


def _detect_language(text: str) -> str:
    """The first message's language; short greetings are decided by a word list, since a
    stopword count cannot tell "hello" from "hola"."""
    from assistant.skills.text import detect_language

    words = set(parse.fold(text).replace(",", " ").replace("!", " ").split())
    for lang, greeting in GREETINGS.items():
        if words & greeting and not words & GREETINGS["es" if lang == "en" else "en"]:
            if len(words) <= 3:
                return lang
    lang = detect_language(text or "")
    return lang if lang in ("en", "es") else "es"
