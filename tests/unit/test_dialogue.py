"""The dialogue turn by turn with in-memory services (the real engine and database are
exercised by tests/integration/test_conversation_e2e.py)."""

from __future__ import annotations

import pytest

from assistant.conversation.dialogue import Dialogue, Turn

SKILLS = {
    "caja": ("operate cash register", "specific"),
    "till": ("operate cash register", "specific"),
    "enseñ": ("coach employees", "transversal"),
    "show": ("coach employees", "transversal"),
    "whatsapp": ("use communication and collaboration software", "digital"),
}


class FakeServices:
    def __init__(self):
        self.store: dict[str, dict] = {}
        self.codes: dict[str, str] = {}
        self.plans: list[dict] = []
        self.handoffs: list[tuple] = []

    def extract(self, text, language):
        skills = [
            {
                "uri": f"skill:{label}",
                "label": label,
                "kind": kind,
                "group": "",
                "score": 0.8,
                "evidence": [{"text": text[:40], "start": 0, "end": 40}],
            }
            for key, (label, kind) in SKILLS.items()
            if key in text.lower()
        ]
        return {
            "language": language,
            "text": text,
            "skills": skills,
            "transversal": [],
            "digital": [],
        }

    def search_occupations(self, text, language, top):
        return [
            {"uri": f"occ:{i}", "label": f"{text} {i}", "score": 1 - i / 10}
            for i in range(1, top + 1)
        ]

    def close_jobs(self, profile, top):
        return [{"uri": "occ:close", "label": "shop supervisor", "covered_share": 0.4}]

    def plan(self, profile, occupation, constraints):
        offer = {"id": "demo-1", "title": "Liderazgo", "reason": "Cubre: liderar · USD 10"}
        return {
            "gaps": {
                "coverage": {"essential_covered": 3, "essential_total": 10, "share": 0.3},
                "covered": [],
                "gaps": [
                    {"uri": "g", "label": "lead a team", "kind": "transversal", "group": "T4"}
                ],
            },
            "plan": {
                "offers": [offer] if constraints.budget >= 10 else [],
                "totals": {
                    "cost": {"amount": 10, "currency": constraints.currency},
                    "hours": 8,
                    "weeks": 2,
                },
            },
        }

    def chart_url(self, gaps, language):
        return "http://test/charts/x.png"

    def offer(self, offer_id):
        return {
            "title": "Liderazgo",
            "cost": {"amount": 10, "currency": "USD"},
            "learning_outcomes": ["liderar"],
        }

    def load(self, sender_id):
        return self.store.get(sender_id)

    def load_by_code(self, code, sender_id):
        owner = self.codes.get(code)
        if owner is None:
            return None
        self.store[sender_id] = self.store.pop(owner)
        self.codes[code] = sender_id
        return self.store[sender_id]

    def save(self, sender_id, channel, state):
        code = next(
            (c for c, s in self.codes.items() if s == sender_id), f"AB{len(self.codes) + 2}C7D"
        )
        self.codes[code] = sender_id
        self.store[sender_id] = {**state, "resume_code": code}
        return code

    def save_plan(self, sender_id, state):
        self.plans.append(state["plan"])

    def delete(self, sender_id):
        self.codes = {c: s for c, s in self.codes.items() if s != sender_id}
        stored = self.store.pop(sender_id, None) is not None
        return {"conversation": int(stored), "profile_versions": 2 * stored, "rasa_events": 7}

    def export(self, sender_id):
        state = self.store.get(sender_id)
        if state is None:
            return None
        code = state["resume_code"]
        return {
            "code": code,
            "state": state,
            "profile_versions": [{"version": 1}],
            "plans": [],
            "handoffs": [],
            "rasa_events": 12,
            "link": f"http://test/s/{code}/export.json",
        }

    def summary_link(self, code):
        return f"http://test/s/{code}"

    def request_person(self, sender_id, channel, reason):
        self.handoffs.append((sender_id, reason))

    def counsellor_contact(self):
        return "orientacion@example.org"


class Chat:
    def __init__(self, services=None, sender="u1"):
        self.services = services or FakeServices()
        self.dialogue = Dialogue(self.services)
        self.state = None
        self.sender = sender

    def say(self, text, intent, **entities) -> str:
        ents = [{"entity": k, "value": v} for k, v in entities.items()]
        reply = self.dialogue.handle(self.state, Turn(self.sender, text, intent, ents))
        self.state = reply.state
        self.last = reply.messages
        return "\n".join(m.text for m in reply.messages if m.text)


@pytest.fixture
def chat():
    return Chat()


def test_a_complete_conversation_in_spanish_saves_profile_goal_and_plan(chat):
    assert "¿Aceptas?" in chat.say("hola", "greet")
    assert "Cuéntame de un trabajo" in chat.say("sí, acepto", "affirm")
    reply = chat.say("Trabajé en la caja y enseñaba", "tell_experience")
    assert "operate cash register" in reply and "qué tareas" in reply  # short: one follow-up
    reply = chat.say(
        "También vendía por whatsapp y atendía la caja cada día con cuidado", "tell_experience"
    )
    assert "¿Hiciste algún otro trabajo" in reply and "qué tareas" not in reply
    reply = chat.say("no, eso es todo", "deny")
    assert "Habilidades transversales" in reply and "coach employees" in reply
    assert "«" in reply  # each skill with its quote
    assert "Quité: use communication" in chat.say("quita la 2", "select_number")
    assert "¿Qué trabajo te gustaría" in chat.say("están bien", "affirm")
    assert "1. supervisor de tienda 1" in chat.say("quiero ser supervisor de tienda", "set_goal")
    reply = chat.say("la segunda", "select_number")
    assert "Meta: supervisor de tienda 2" in reply and "¿Cuánto dinero" in reply
    assert "¿Cuántas horas" in chat.say("unos 50 dólares", "give_budget")
    assert "en línea, presenciales" in chat.say("5 horas por semana por 3 meses", "give_hours")
    reply = chat.say("en línea", "choose_mode")
    assert "Tu plan (1 cursos" in reply and any(m.image for m in chat.last)
    reply = chat.say("me sirve", "affirm")
    assert "Tu código para volver" in reply and "http://test/s/" in reply
    stored = chat.services.store["u1"]
    assert stored["consent"] is True and stored["notice_version"] and stored["consent_at"]
    assert stored["goal"]["uri"] == "occ:2" and stored["constraints"]["budget"] == 50
    assert stored["constraints"]["hours_per_week"] == 5 and stored["constraints"]["weeks"] == 13
    statuses = {s["label"]: (s["status"], s["source"]) for s in stored["profile"]["skills"]}
    assert statuses["use communication and collaboration software"][0] == "rejected"
    assert statuses["coach employees"] == ("active", "confirmed")
    assert chat.services.plans and chat.services.plans[-1]["offers"][0]["id"] == "demo-1"


def test_declining_consent_still_helps_but_never_stores(chat):
    chat.say("hello", "greet")
    assert "we'll go on without saving" in chat.say("no thanks", "deny")
    chat.say("I ran the till and showed the new girls how to close", "tell_experience")
    assert chat.services.store == {}
    assert "won't see this conversation" in chat.say("can I talk to a person", "ask_human")


def test_an_experience_told_before_consent_is_used_once_consent_is_given(chat):
    chat.say("trabajé en la caja de un súper tres años", "tell_experience")
    reply = chat.say("acepto", "affirm")
    assert "operate cash register" in reply and "Cuéntame de un trabajo" not in reply


def test_the_same_experience_is_not_recorded_twice(chat):
    chat.say("hola", "greet")
    chat.say("sí", "affirm")
    chat.say("trabajé en la caja de un súper tres años", "tell_experience")
    assert "no lo anoto dos veces" in chat.say(
        "trabajé en la caja de un súper tres años", "tell_experience"
    )
    assert len(chat.state["profile"]["experiences"]) == 1


def test_two_misunderstandings_offer_a_person(chat):
    chat.say("hola", "greet")
    chat.say("sí", "affirm")
    assert "¿Me lo dices de otra forma?" in chat.say("asdf", "nlu_fallback")
    chat.say("qwer", "nlu_fallback")
    assert any(b["payload"] == "/ask_human" for m in chat.last for b in m.buttons)


def test_delete_asks_first_then_erases_everything(chat):
    chat.say("hola", "greet")
    chat.say("sí", "affirm")
    assert "u1" in chat.services.store
    assert "¿Seguro" in chat.say("borra mis datos", "delete_data")
    reply = chat.say("sí", "affirm")
    assert "borré todos tus datos" in reply
    # THEN the reply proves it with what was erased
    assert "1 registro de conversación, 2 versiones" in reply and "7 mensajes" in reply
    assert chat.services.store == {} and chat.state["consent"] is None


def test_what_do_you_know_about_me_lists_what_is_stored_with_a_link_to_all_of_it(chat):
    # GIVEN a worker who consented and told one experience
    chat.say("hola", "greet")
    chat.say("sí", "affirm")
    chat.say("trabajé en la caja de un súper tres años", "tell_experience")
    # WHEN they ask what Puente knows about them
    reply = chat.say("¿qué datos tienen de mí?", "ask_my_data")
    # THEN they get counts, the JSON link with their code, and the phase's question again
    code = chat.state["resume_code"]
    assert "1 experiencias" in reply and "1 versiones de tu perfil" in reply
    assert f"http://test/s/{code}/export.json" in reply and "12 eventos" in reply
    assert chat.state["phase"] == "experiences"


def test_an_anonymous_worker_hears_that_nothing_is_stored(chat):
    # GIVEN a worker who declined consent
    chat.say("hello", "greet")
    chat.say("no", "deny")
    # WHEN they ask what Puente knows about them
    reply = chat.say("what do you know about me", "ask_my_data")
    # THEN nothing is stored, and no link is offered
    assert "I store nothing about you" in reply and "export.json" not in reply
    assert chat.services.store == {}


def test_switching_language_repeats_the_question_in_the_new_language(chat):
    chat.say("hola", "greet")
    chat.say("sí", "affirm")
    reply = chat.say("can we speak english", "switch_language", language="en")
    assert "continue in English" in reply and "Tell me about a job" in reply


def test_a_code_brings_the_conversation_to_a_new_device():
    services = FakeServices()
    phone = Chat(services, "phone")
    phone.say("hola", "greet")
    phone.say("sí", "affirm")
    phone.say("trabajé en la caja de un súper tres años", "tell_experience")
    code = phone.state["resume_code"]
    laptop = Chat(services, "laptop")
    reply = laptop.say(f"mi código es {code}", "resume", resume_code=code)
    assert "Seguimos donde quedamos" in reply
    assert laptop.state["profile"]["experiences"] == ["trabajé en la caja de un súper tres años"]
    assert "laptop" in services.store and "phone" not in services.store


def to_constraints(chat) -> None:
    """Consent, one experience, skills confirmed, goal picked: the budget question is next."""
    for text, intent in [
        ("hola", "greet"),
        ("sí", "affirm"),
        ("trabajé en la caja de un súper tres años", "tell_experience"),
        ("no", "deny"),
        ("bien", "affirm"),
        ("quiero ser cajero", "set_goal"),
        ("1", "select_number"),
    ]:
        chat.say(text, intent)


def test_a_budget_given_when_hours_were_asked_is_kept_and_hours_asked_again(chat):
    to_constraints(chat)
    chat.say("100 soles", "give_budget")
    reply = chat.say("mejor 80 soles", "give_budget")
    assert "PEN 80" in reply and "¿Cuántas horas" in reply
    assert chat.state["constraints"]["budget"] == 80


def test_why_and_details_answer_in_place_during_the_plan(chat):
    to_constraints(chat)
    for text, intent in [
        ("20 dólares", "give_budget"),
        ("4 horas a la semana", "give_hours"),
        ("da igual", "choose_mode"),
    ]:
        chat.say(text, intent)
    assert chat.state["phase"] == "plan"
    assert "Curso 1: Cubre: liderar" in chat.say("¿por qué el 1?", "ask_why")
    assert "Liderazgo" in chat.say("detalles del 1", "ask_offer_details")
    assert chat.state["phase"] == "plan"
    assert "¿Qué trabajo te gustaría" in chat.say("quiero cambiar de meta", "change_goal")
    assert chat.state["goal"] is None
