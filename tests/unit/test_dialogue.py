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
    # a warehouse story with more job-specific skills than the review shows (5)
    "inventario": ("manage inventory", "specific"),
    "etiquet": ("label goods", "specific"),
    "montacarg": ("operate forklift", "specific"),
    "despach": ("dispatch orders", "specific"),
    "pallet": ("stack pallets", "specific"),
    "remito": ("check delivery notes", "specific"),
}
WAREHOUSE = (
    "Trabajé dos años en un depósito: llevaba el inventario, etiquetaba cajas, manejaba el "
    "montacargas, despachaba pedidos, armaba pallets y revisaba los remitos."
)


class FakeServices:
    def __init__(self):
        self.store: dict[str, dict] = {}
        self.codes: dict[str, str] = {}
        self.failures = 0
        self.told: list[tuple[str, str]] = []
        self.links = 0
        self.plans: list[dict] = []
        self.handoffs: list[tuple] = []

    def extract(self, text, language):
        skills = [
            {
                "uri": f"skill:{label}",
                "label": label,
                "label_language": language,
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
            {
                "uri": f"occ:{i}",
                "label": f"{text} {i}",
                "label_language": language,
                "score": 1 - i / 10,
            }
            for i in range(1, top + 1)
        ]

    def close_jobs(self, profile, top, language="en"):
        return [
            {
                "uri": "occ:close",
                "label": "shop supervisor",
                "label_language": language,
                "covered_share": 0.4,
            }
        ]

    confirm: list[dict] = []  # the target skills worth asking about (none by default)

    def skills_to_confirm(self, profile, occupation, language):
        return [dict(o, label_language=language) for o in self.confirm]

    def labels(self, items, language):
        for item in items:  # the fake taxonomy has every name in every language
            item["label_language"] = language
        return items

    def plan(self, profile, occupation, constraints):
        self.plan_calls = getattr(self, "plan_calls", 0) + 1
        offer = {"id": "demo-1", "title": "Liderazgo", "reason": "Cubre: liderar · USD 10"}
        return {
            "gaps": {
                "coverage": {"essential_covered": 3, "essential_total": 10, "share": 0.3},
                "covered": [],
                "gaps": [
                    {
                        "uri": "g",
                        "label": "lead a team",
                        "label_language": constraints.language,
                        "kind": "transversal",
                        "group": "T4",
                        "reasons": {
                            "es": "Es esencial para supervisor de tienda",
                            "es_short": "esencial; se aprende en un curso corto",
                            "en": "Essential for shop supervisor",
                            "en_short": "essential; a short course can teach it",
                        },
                    }
                ],
            },
            "plan": {
                "offers": [offer] if constraints.budget >= 10 else [],
                "advice": None
                if constraints.budget >= 10
                else "El catálogo aún no tiene cursos para: liderar un equipo. Pregunta a una "
                "orientadora o a un centro de formación reconocido.",
                "totals": {
                    "cost": {"amount": 10, "currency": constraints.currency},
                    "hours": 8,
                    "weeks": 2,
                },
            },
        }

    def chart_url(self, gaps, language, reuse=None):
        self.charts = getattr(self, "charts", 0) + (reuse is None)
        return reuse or "http://test/charts/x.png"

    def offer(self, offer_id):
        return {
            "title": "Liderazgo",
            "cost": {"amount": 10, "currency": "USD"},
            "learning_outcomes": ["liderar"],
            "quality_assurance": {"type": "internal review", "body": "Red Cóndor"},
            "mode": "onsite",
        }

    def load(self, sender_id):
        return self.store.get(sender_id)

    def check_code(self, code, sender_id, address):
        owner = self.codes.get(code)
        if owner is None:
            self.failures += 1
            return {"status": "locked" if self.failures > 5 else "bad", "minutes": 15}
        if owner == sender_id:
            return {"status": "same"}
        goal = (self.store[owner].get("goal") or {}).get("label")
        return {"status": "ok", "goal": goal, "skills": 3}

    def claim_code(self, code, sender_id, channel, notice):
        owner = self.codes.get(code)
        if owner is None:
            return None
        self.store[sender_id] = self.store.pop(owner)
        self.codes[code] = sender_id
        self.told.append((owner, notice))
        return self.store[sender_id]

    def save(self, sender_id, channel, state):
        code = next(
            (c for c, s in self.codes.items() if s == sender_id),
            f"AB{len(self.codes) + 2}C7DEFGHJK",
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
        self.links += 1
        return f"http://test/s/link{self.links}"

    def revoke_links(self, sender_id):
        revoked, self.links = self.links, 0
        return revoked

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
        place = getattr(self, "place", {})
        turn = Turn(self.sender, text, intent, ents, **place)
        reply = self.dialogue.handle(self.state, turn)
        self.state = reply.state
        self.last = reply.messages
        return "\n".join(m.text for m in reply.messages if m.text)

    def buttons(self) -> list[dict]:
        return next((m.buttons for m in reversed(self.last) if m.buttons), [])


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
    assert "Tu plan (1 curso," in reply and any(m.image for m in chat.last)
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
    assert "1 experiencia que" in reply and "1 versión de tu perfil" in reply
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


def test_a_code_brings_the_conversation_to_a_new_device_only_after_confirming():
    # GIVEN a worker who told a job on their phone
    services = FakeServices()
    phone = Chat(services, "phone")
    phone.say("hola", "greet")
    phone.say("sí", "affirm")
    phone.say("trabajé en la caja de un súper tres años", "tell_experience")
    code = phone.state["resume_code"]
    shown = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    # WHEN they type the code (as shown, with dashes) on a laptop
    laptop = Chat(services, "laptop")
    reply = laptop.say(f"mi código es {shown}", "resume", resume_code=shown)
    # THEN nothing moves yet: they are asked to confirm
    assert "¿La sigo en este dispositivo?" in reply
    assert "phone" in services.store and "laptop" not in services.store
    # WHEN they confirm THEN the conversation moves and the phone is told
    assert "Seguimos donde quedamos" in laptop.say("sí", "affirm")
    assert laptop.state["profile"]["experiences"] == ["trabajé en la caja de un súper tres años"]
    assert "laptop" in services.store and "phone" not in services.store
    assert services.told and services.told[0][0] == "phone"


def test_a_code_declined_at_the_confirmation_moves_nothing():
    services = FakeServices()
    phone = Chat(services, "phone")
    for text, intent in [("hola", "greet"), ("sí", "affirm")]:
        phone.say(text, intent)
    code = phone.state["resume_code"]
    laptop = Chat(services, "laptop")
    laptop.say(code, "resume", resume_code=code)
    # WHEN the person says no THEN the conversation stays where it was
    assert "no moví nada" in laptop.say("no", "deny")
    assert "phone" in services.store and "laptop" not in services.store and not services.told


def test_wrong_codes_are_refused_then_locked_out():
    # GIVEN someone trying codes that do not exist
    guesser = Chat(FakeServices(), "guesser")
    guesser.say("hola", "greet")
    replies = [guesser.say(f"ABCD-EFGH-JK{n}2", "resume") for n in range(2, 9)]
    # THEN each is refused, and past the limit they are told to wait
    assert "No encontré ese código" in replies[0]
    assert "demasiados intentos" in replies[-1] and "15 minutos" in replies[-1]


def test_revoking_links_in_the_chat_switches_them_off(chat):
    # GIVEN a consenting worker who was given a link
    to_constraints(chat)
    chat.services.summary_link("x")
    # WHEN they ask to switch the link off THEN it is revoked and they are told
    reply = chat.say("anula mi enlace por favor", "delete_data")
    assert "desactivé 1 enlace" in reply and chat.services.links == 0
    # AND it is not taken as deleting their data
    assert "borre todos tus datos" not in reply


def to_constraints(chat) -> str:
    """Consent, one experience, skills confirmed, goal picked: the budget question is next
    (the last reply)."""
    for text, intent in [
        ("hola", "greet"),
        ("sí", "affirm"),
        ("trabajé en la caja de un súper tres años", "tell_experience"),
        ("no", "deny"),
        ("bien", "affirm"),
        ("quiero ser cajero", "set_goal"),
    ]:
        chat.say(text, intent)
    return chat.say("1", "select_number")


def to_plan(chat, budget: str = "20 dólares") -> str:
    """To the constraints, then a budget, hours and mode: the plan (the last reply)."""
    to_constraints(chat)
    chat.say(budget, "give_budget")
    chat.say("4 horas a la semana", "give_hours")
    return chat.say("da igual", "choose_mode")


def test_a_budget_given_when_hours_were_asked_is_kept_and_hours_asked_again(chat):
    to_constraints(chat)
    chat.say("100 soles", "give_budget")
    reply = chat.say("mejor 80 soles", "give_budget")
    assert "PEN 80" in reply and "¿Cuántas horas" in reply
    assert chat.state["constraints"]["budget"] == 80


def test_the_mode_is_said_back_in_the_worker_s_language(chat):
    # GIVEN a Spanish conversation at the mode question WHEN she says either is fine
    # THEN it is said back in Spanish, not as the plan's own word ("any")
    assert "Anotado: en línea o presencial." in to_plan(chat)


def test_why_and_details_answer_in_place_during_the_plan(chat):
    to_plan(chat)
    assert chat.state["phase"] == "plan"
    assert "Curso 1: Cubre: liderar" in chat.say("¿por qué el 1?", "ask_why")
    details = chat.say("detalles del 1", "ask_offer_details")
    assert "Liderazgo" in details
    assert "revisión interna" in details and "internal review" not in details  # her language
    assert "presencial" in details and "onsite" not in details
    assert chat.state["phase"] == "plan"
    assert "¿Qué trabajo te gustaría" in chat.say("quiero cambiar de meta", "change_goal")
    assert chat.state["goal"] is None


def test_a_plan_shown_again_with_nothing_changed_is_not_made_again(chat):
    # GIVEN a plan just shown with its chart
    first = to_plan(chat)
    made, charts = chat.services.plan_calls, chat.services.charts
    # WHEN the worker asks for help and greets, which show the plan again
    chat.say("ayuda", "ask_help")
    again = chat.say("hola", "greet")
    # THEN the same plan and chart are shown, neither made again
    assert "Tu plan (1 curso," in first and "Tu plan (1 curso," in again
    assert (chat.services.plan_calls, chat.services.charts) == (made, charts)
    assert [m.image for m in chat.last if m.image] == ["http://test/charts/x.png"]
    # AND WHEN the budget changes, the plan is made again for it, with a new chart
    reply = chat.say("mejor 5 dólares", "give_budget")
    assert chat.services.plan_calls == made + 1 and chat.services.charts == charts + 1
    assert "Pregunta a una orientadora" in reply


# -- the conversation as people live it (issue: "remove 2" must never delete) -------------------


def at_review(chat, story=WAREHOUSE) -> str:
    chat.say("hola", "greet")
    chat.say("sí", "affirm")
    chat.say(story, "tell_experience")
    return chat.say("no, eso es todo", "deny")


@pytest.mark.parametrize(
    "text", ["remove 2", "remove 3", "remove the 2", "remove 2 please", "quita la 2", "la 2 no"]
)
def test_a_review_command_never_reaches_deletion_whatever_the_nlu_says(chat, text):
    # GIVEN the skills review, and an NLU that takes "remove 2" for "delete my data"
    at_review(chat)
    shown = list(chat.state["review_list"])
    # WHEN the worker types a review command
    reply = chat.say(text, "delete_data")
    # THEN one skill is removed, nothing asks about erasing data, nothing is erased
    assert "Quité:" in reply and "borre todos tus datos" not in reply
    assert chat.state["pending"] is None and "u1" in chat.services.store
    rejected = [s["uri"] for s in chat.state["profile"]["skills"] if s["status"] == "rejected"]
    assert len(rejected) == 1 and rejected[0] in shown
    # AND a following "yes" is not a confirmation of anything destructive
    chat.say("sí", "affirm")
    assert "u1" in chat.services.store


def test_deleting_needs_an_explicit_phrase_and_the_question_names_what_goes(chat):
    at_review(chat)
    # WHEN the NLU says delete_data for a vague "borrar" THEN nothing is asked or erased
    assert "borre todos tus datos" not in chat.say("borrar", "delete_data")
    # WHEN the worker says it explicitly THEN the question names what would be erased
    reply = chat.say("borra mis datos", "delete_data")
    assert "1 experiencia," in reply and "7 habilidades" in reply
    assert [b["title"] for b in chat.last[-1].buttons][0] == "Sí, borrar todo"


def test_removing_a_skill_never_brings_new_ones_into_the_list(chat):
    # GIVEN a review that shows 5 of the 7 job-specific skills found
    reply = at_review(chat, WAREHOUSE + " También cobraba en la caja.")
    shown = set(chat.state["review_list"])
    assert len([s for s in chat.state["profile"]["skills"] if s["status"] == "active"]) > len(shown)
    # WHEN two are removed, one at a time
    chat.say("quita la 1", "select_number")
    chat.say("quita la 1", "select_number")
    # THEN the list shows only what was there before, minus the two
    assert set(chat.state["review_list"]) <= shown and len(chat.state["review_list"]) == 3
    assert "¿Están bien?" in reply


def test_typing_a_buttons_words_is_tapping_it(chat):
    at_review(chat)
    # WHEN the worker types "Están bien" (the NLU is unsure) THEN it is the button's answer
    assert "¿Qué trabajo te gustaría" in chat.say("están bien", "nlu_fallback")


def test_a_job_title_at_the_goal_step_is_the_goal_not_past_work(chat):
    at_review(chat)
    chat.say("están bien", "affirm")
    experiences = list(chat.state["profile"]["experiences"])
    # WHEN the worker answers with a job title the NLU takes for an experience
    reply = chat.say("encargado de almacén", "tell_experience")
    # THEN it is searched as the goal, and nothing is added to what they did
    assert "1. encargado de almacén 1" in reply
    assert chat.state["profile"]["experiences"] == experiences


def test_the_review_offers_to_add_a_job_and_the_wrap_up_counts_what_was_reviewed(chat):
    at_review(chat, WAREHOUSE + " También cobraba en la caja.")
    # THEN the review's buttons say what they do
    titles = [b["title"] for b in chat.last[-1].buttons]
    assert titles == ["Están bien", "Agregar otro trabajo"]
    shown = len(chat.state["review_list"])
    to_constraints_from_review(chat)
    for text, intent in [("50 dólares", "give_budget"), ("5 horas por 4 semanas", "give_hours")]:
        chat.say(text, intent)
    chat.say("me da igual", "choose_mode")
    reply = chat.say("sí", "affirm")
    # AND the wrap-up counts the skills the worker saw, not candidates never shown
    assert f"{shown} habilidades" in reply


def to_constraints_from_review(chat) -> None:
    chat.say("están bien", "affirm")
    chat.say("quiero ser cajero", "set_goal")
    chat.say("1", "select_number")


def test_a_whatsapp_number_gives_the_currency_without_asking():
    # GIVEN a worker writing from a Chilean WhatsApp number, who gives a budget in numbers only
    chat = Chat(FakeServices(), "whatsapp:+56912345678")
    to_constraints(chat)
    reply = chat.say("unos 20000", "give_budget")
    # THEN the budget is in Chilean pesos, as they meant
    assert chat.state["constraints"]["currency"] == "CLP" and "CLP 20000" in reply


# -- issue 18: the phase's question decides what a turn means (tests/dialogue/corpus_*.yml) ------


def _skill(chat, n: int) -> dict:
    uri = chat.state["review_list"][n - 1]
    return next(s for s in chat.state["profile"]["skills"] if s["uri"] == uri)


def test_several_review_commands_at_once_each_number_its_own(chat):
    at_review(chat)
    first, second, third = (_skill(chat, n)["uri"] for n in (1, 2, 3))
    # WHEN one message removes one skill and rates another (the NLU calls it delete_data)
    reply = chat.say("saca la 2 y la 1 la domino", "delete_data")
    # THEN each number gets its own action, and nothing asks about erasing data
    skills = {s["uri"]: s for s in chat.state["profile"]["skills"]}
    assert skills[second]["status"] == "rejected" and skills[first]["level"] == "advanced"
    assert skills[third]["status"] == "active" and "borre todos tus datos" not in reply
    # AND two levels in one message are two levels
    chat.say("la 1 básico y la 2 intermedio", "rate_level")
    assert (_skill(chat, 1)["level"], _skill(chat, 2)["level"]) == ("basic", "intermediate")


@pytest.mark.parametrize(
    ("text", "intent"), [("todo está bien", "deny"), ("all looks good", "goodbye")]
)
def test_an_agreement_at_the_review_confirms_whatever_the_nlu_says(chat, text, intent):
    at_review(chat)
    assert "¿Qué trabajo te gustaría" in chat.say(text, intent)
    assert chat.state["reviewed"] is True


def test_not_knowing_at_the_review_gets_help_not_a_confirmation(chat):
    at_review(chat)
    reply = chat.say("no sé", "affirm")
    assert "Te hago preguntas" in reply and chat.state["phase"] == "skills_review"
    assert not chat.state["reviewed"]


def test_none_of_the_goal_options_asks_again_or_searches_what_is_named_instead(chat):
    at_review(chat)
    chat.say("están bien", "affirm")
    chat.say("quiero ser cajero", "set_goal")
    experiences = list(chat.state["profile"]["experiences"])
    # WHEN none of the three fits THEN no goal, no options, the goal question again with a
    # hint and the offer to suggest jobs
    again = chat.say("ninguna de estas", "affirm")
    assert "otras palabras" in again and chat.buttons()[0]["payload"] == "/ask_close_jobs"
    assert chat.state["goal"] is None and chat.state["goal_options"] == []
    # WHEN the worker names another job with it THEN that job is searched
    chat.say("quiero ser cajero", "set_goal")
    assert "1. panadero 1" in chat.say("ninguna, mejor algo de panadero", "deny")
    assert chat.state["profile"]["experiences"] == experiences and chat.state["goal"] is None


def test_at_the_goal_question_asking_for_options_suggests_close_jobs(chat):
    at_review(chat)
    chat.say("están bien", "affirm")
    assert "shop supervisor" in chat.say("¿qué opciones tengo?", "ask_help")


def test_a_language_named_as_a_subject_is_a_goal_not_a_language_switch(chat):
    at_review(chat)
    chat.say("están bien", "affirm")
    reply = chat.say("maestra de inglés", "switch_language")
    assert "1. maestra de inglés 1" in reply and chat.state["language"] == "es"


def test_several_constraints_in_one_message_whatever_was_asked(chat):
    to_constraints(chat)
    # WHEN the budget question is answered with budget, hours and mode at once
    reply = chat.say("30 dólares, 4 hrs por semana, presencial", "give_hours")
    # THEN all three are noted and the plan comes straight away
    c = chat.state["constraints"]
    assert (c["budget"], c["currency"], c["hours_per_week"], c["mode"]) == (30, "USD", 4, "onsite")
    assert "Tu plan" in reply


def test_a_duration_at_the_hours_question_is_never_an_experience(chat):
    to_constraints(chat)
    chat.say("50 dólares", "give_budget")
    experiences = list(chat.state["profile"]["experiences"])
    reply = chat.say("2 meses", "tell_experience")
    assert chat.state["constraints"]["weeks"] == 9 and "¿Cuántas horas" in reply
    assert chat.state["profile"]["experiences"] == experiences


@pytest.mark.parametrize(
    ("locale", "timezone", "currency"),
    [
        ("es-419", "America/Santiago", "CLP"),  # the zone says the country
        ("es-CO", "", "COP"),  # else the language tag's region
        ("es-419", "America/Argentina/Cordoba", "ARS"),
        ("en-US", "UTC", "USD"),
    ],
)
def test_the_widgets_browser_place_gives_the_currency(locale, timezone, currency):
    # GIVEN a widget user whose browser says where it is, who types a bare budget
    services = FakeServices()
    chat = Chat(services, "widget:abc")
    chat.place = {"locale": locale, "timezone": timezone}
    to_constraints(chat)
    chat.say("unos 20000", "give_budget")
    # THEN the budget is in that country's currency
    assert chat.state["constraints"]["currency"] == currency


def test_a_currency_said_in_words_wins_over_the_place():
    chat = Chat(FakeServices(), "widget:abc")
    chat.place = {"locale": "es-CL", "timezone": "America/Santiago"}
    to_constraints(chat)
    chat.say("50 dólares", "give_budget")
    assert chat.state["constraints"]["currency"] == "USD"


class ScoredSearch(FakeServices):
    """Occupation search with chosen scores, and a taxonomy with no Spanish name for one."""

    def __init__(self, scores):
        super().__init__()
        self.scores = scores

    def search_occupations(self, text, language, top):
        return [
            {
                "uri": f"occ:{i}",
                "label": f"oficio {i}" if i != 3 else "early years teaching assistant",
                "label_language": language if i != 3 else "en",
                "score": score,
            }
            for i, score in enumerate(self.scores[:top], 1)
        ]


@pytest.mark.parametrize(
    "text,intent",
    [
        ("otra cosa", "deny"),
        ("no, otra cosa", "deny"),
        ("ninguna", "affirm"),
        ("nada que ver", "nlu_fallback"),
    ],
)
def test_none_of_the_options_in_a_workers_words_asks_again_with_a_hint(text, intent):
    # GIVEN goal options on screen
    chat = Chat(ScoredSearch([0.8, 0.78, 0.7]))
    at_review(chat)
    chat.say("están bien", "affirm")
    chat.say("quiero ser cajero", "set_goal")
    assert chat.state["goal_options"]
    # WHEN the worker says none fits, however they say it
    again = chat.say(text, intent)
    # THEN no goal is set, the options are gone, and the question comes back with a hint and
    # the offer to suggest jobs
    assert chat.state["goal"] is None and chat.state["goal_options"] == []
    assert "otras palabras" in again
    assert [b["payload"] for b in chat.buttons()] == ["/ask_close_jobs"]


def test_close_results_are_a_list_and_did_you_mean_a_clear_one_is_proposed():
    # GIVEN close scores WHEN the goal is searched THEN a list, then "¿o quisiste decir…?"
    close = Chat(ScoredSearch([0.8, 0.78, 0.7]))
    at_review(close)
    close.say("están bien", "affirm")
    listed = close.say("quiero ser cajero", "set_goal")
    assert "1. oficio 1" in listed and "2. oficio 2" in listed
    assert "¿O quisiste decir otra cosa?" in listed
    # GIVEN a first result well ahead WHEN searched THEN it is proposed and "sí" takes it
    clear = Chat(ScoredSearch([0.95, 0.6, 0.5]))
    at_review(clear)
    clear.say("están bien", "affirm")
    proposed = clear.say("quiero ser cajero", "set_goal")
    assert "Creo que es: 1. oficio 1" in proposed and "quisiste decir" not in proposed
    assert "2. oficio 2" in proposed
    assert "Meta: oficio 1" in clear.say("sí", "affirm")


def test_a_clear_first_result_that_misses_the_place_named_is_not_proposed():
    # GIVEN a first result well ahead, whose titles say nothing of the place the goal names
    # ("shift supervisor at a restaurant" once got "I think it is: refinery shift manager")
    chat = Chat(ScoredSearch([0.95, 0.6, 0.5]))
    at_review(chat)
    chat.say("están bien", "affirm")
    # WHEN the goal is searched THEN the results are a list, not a proposal
    listed = chat.say("quiero ser supervisor en un restaurante", "set_goal")
    assert "Creo que es" not in listed and "1. oficio 1" in listed
    assert "¿O quisiste decir otra cosa?" in listed


@pytest.mark.parametrize(
    ("goal", "titles", "unplaced"),
    [
        ("shift supervisor at a restaurant", ["refinery shift manager"], True),
        ("shift supervisor at a restaurant", ["restaurant manager"], False),
        ("auxiliar en un jardín de infantes", ["auxiliar de educación infantil"], False),
        ("cocinero en un hospital", ["cocinero/a", "cook"], True),
        ("cajera", ["cashier"], False),
    ],
)
def test_a_place_the_titles_do_not_speak_of(goal, titles, unplaced):
    from assistant.conversation.parse import unplaced as check

    # GIVEN a goal and the titles of the occupation found for it WHEN compared
    # THEN the goal's place is unaccounted for only when no title speaks of it
    assert check(goal, titles) is unplaced


def test_a_name_the_taxonomy_lacks_in_spanish_is_shown_in_english_marked():
    # GIVEN an option with no Spanish label WHEN listed in a Spanish conversation
    chat = Chat(ScoredSearch([0.8, 0.78, 0.7]))
    at_review(chat)
    chat.say("están bien", "affirm")
    listed = chat.say("quiero ser maestra jardinera", "set_goal")
    # THEN the English label is marked, in the text and on its button; Spanish ones are not
    assert "3. early years teaching assistant (en inglés)" in listed
    assert "oficio 1 (en inglés)" not in listed
    assert chat.buttons()[2]["title"] == "early years teaching assistant (en inglés)"


def test_changing_language_names_skills_and_goal_in_the_new_one():
    # GIVEN a Spanish conversation with skills and a goal
    chat = Chat()
    at_review(chat)
    chat.say("están bien", "affirm")
    chat.say("quiero ser cajero", "set_goal")
    chat.say("1", "select_number", number="1")
    asked = []
    chat.services.labels = lambda items, lang: (
        asked.append(lang)
        or [
            item.update(label=f"[{lang}] {item['label']}", label_language=lang) or item
            for item in items
        ]
    )
    # WHEN the worker switches to English
    chat.say("in english please", "switch_language", language="en")
    # THEN skills and goal are looked up again in English
    assert asked and set(asked) == {"en"}
    assert chat.state["goal"]["label"].startswith("[en] ")
    assert all(s["label"].startswith("[en] ") for s in chat.state["profile"]["skills"])


def test_every_fixed_button_fits_a_whatsapp_reply_button_whole():
    # GIVEN the texts of every fixed button THEN each fits WhatsApp's 20 characters uncut
    from assistant.conversation.texts import T

    long = {(k, lang): t for k, v in T.items() if k.startswith("btn_") for lang, t in v.items()}
    assert long and all(len(t) <= 20 for t in long.values())


CONFIRM = [
    {"uri": "skill:homework", "label": "ayudar con la tarea", "kind": "specific"},
    {"uri": "skill:meals", "label": "preparar comidas", "kind": "specific"},
    {"uri": "skill:parents", "label": "hablar con las familias", "kind": "specific"},
]


def at_confirm(chat) -> str:
    """A conversation right after the goal is picked, when the target has skills to ask."""
    chat.services.confirm = CONFIRM
    at_review(chat)
    chat.say("están bien", "affirm")
    chat.say("quiero ser cajero", "set_goal")
    return chat.say("1", "select_number", number="1")


def test_before_the_plan_the_target_skills_in_doubt_are_asked_once():
    # GIVEN a goal whose skills the story makes plausible but does not show
    chat = Chat()
    asked = at_confirm(chat)
    # THEN one question lists them, numbered, with "none" and "all" buttons
    assert "¿Ya hiciste alguna de estas?" in asked and "2. preparar comidas" in asked
    assert [b["payload"] for b in chat.buttons()] == ["/deny", "/affirm"]
    # WHEN the worker picks two THEN they are added as self-declared, and the budget follows
    reply = chat.say("la 1 y la 3", "select_number")
    assert "ayudar con la tarea, hablar con las familias" in reply and "¿Cuánto dinero" in reply
    skills = {s["uri"]: s for s in chat.state["profile"]["skills"]}
    assert skills["skill:homework"]["source"] == "self-declared"
    assert skills["skill:parents"]["source"] == "self-declared"
    assert "skill:meals" not in skills
    # AND it is not asked again on the way to the plan
    assert "¿Ya hiciste" not in chat.say("50 dólares", "give_budget", amount="50")


@pytest.mark.parametrize(
    "text,intent,added",
    [
        ("ninguna", "deny", set()),
        ("/deny", "deny", set()),
        ("todas", "affirm", {"skill:homework", "skill:meals", "skill:parents"}),
        ("/affirm", "affirm", {"skill:homework", "skill:meals", "skill:parents"}),
        ("la 2", "select_number", {"skill:meals"}),
    ],
)
def test_the_confirmation_answers_however_given(text, intent, added):
    chat = Chat()
    at_confirm(chat)
    before = {s["uri"] for s in chat.state["profile"]["skills"]}
    # WHEN the worker answers THEN exactly the skills picked are added, and the budget follows
    reply = chat.say(text, intent)
    assert "¿Cuánto dinero" in reply
    now = {s["uri"] for s in chat.state["profile"]["skills"]}
    assert now - before == added


def test_an_answer_that_is_something_else_costs_no_extra_turn():
    # GIVEN the confirmation question WHEN the worker gives a budget instead
    chat = Chat()
    at_confirm(chat)
    reply = chat.say("tengo 50 dólares", "give_budget", amount="50", currency="USD")
    # THEN the budget is noted, nothing is added, and the next question follows
    assert chat.state["constraints"]["budget"] == 50 and "¿Cuántas horas" in reply
    assert not any(s["source"] == "self-declared" for s in chat.state["profile"]["skills"])


def test_a_bare_yes_asks_which():
    chat = Chat()
    at_confirm(chat)
    assert "¿Cuál?" in chat.say("sí", "affirm")
    assert "preparar comidas" in chat.say("la 2", "select_number")


def test_each_gap_in_the_chat_says_why_in_a_few_words(chat):
    # GIVEN a worker who reaches the plan
    reply = to_plan(chat, "unos 50 dólares")
    # THEN each gap is named with why it matters, without repeating the goal's name
    assert "• lead a team: esencial; se aprende en un curso corto" in reply
    assert "Es esencial para supervisor de tienda" not in reply


def test_a_plan_with_no_course_says_whom_to_ask_about_what_is_missing(chat):
    # GIVEN limits no course fits
    reply = to_plan(chat, "2 dólares")
    # THEN the worker hears that no course fits, what the catalogue lacks and whom to ask
    assert "No encontré cursos" in reply
    assert "El catálogo aún no tiene cursos para: liderar un equipo" in reply
    assert "orientadora" in reply


# -- issue 23: the moves the dialogue makes in the middle of a turn (phases.py decides them) ----


@pytest.mark.parametrize(
    ("text", "intent", "listed"),
    [
        ("quiero ser cajero", "set_goal", "1. cajero 1"),
        ("¿qué trabajos se parecen a lo mío?", "ask_close_jobs", "1. shop supervisor (40%)"),
    ],
)
def test_a_goal_asked_for_at_the_review_confirms_it_and_lists_the_options_once(
    chat, text, intent, listed
):
    # GIVEN the skills review WHEN the worker names a goal, or asks for close jobs, instead
    # of confirming
    at_review(chat)
    reply = chat.say(text, intent)
    # THEN the skills count as confirmed and the options are listed once, by the goal step
    # (not listed again as a search's)
    assert chat.state["reviewed"] is True and chat.state["phase"] == "goal"
    assert reply.count(listed) == 1 and "Creo que es" not in reply


def test_a_new_goal_named_at_the_plan_lists_its_options_once(chat):
    # GIVEN a worker with a plan
    to_plan(chat)
    # WHEN they name another goal
    reply = chat.say("quiero ser panadero", "change_goal")
    # THEN the old goal and plan are gone and the new goal's options are listed, once
    assert chat.state["phase"] == "goal" and chat.state["goal"] is None
    assert chat.state["plan"] is None and reply.count("1. panadero 1") == 1


def test_a_plan_step_without_a_goal_asks_for_one():
    # GIVEN a stored conversation at the plan whose goal is missing (e.g. an older release's)
    chat = Chat()
    to_plan(chat)
    chat.state = dict(chat.state, goal=None, plan=None)
    # WHEN the worker asks for help there
    reply = chat.say("ayuda", "ask_help")
    # THEN the goal question follows, not a plan for no goal
    assert chat.state["phase"] == "goal" and "¿Qué trabajo te gustaría" in reply
    assert "Tu plan" not in reply


@pytest.mark.parametrize("text", ["cero", "zero", "0"])
def test_a_bare_zero_at_the_budget_question_is_a_budget_whatever_the_nlu_says(chat, text):
    # GIVEN the budget question
    assert "¿Cuánto dinero" in to_constraints(chat)
    # WHEN the answer is a bare zero and Rasa reads "start over"
    reply = chat.say(text, "start_over")
    # THEN it is a budget of 0 and the next question comes, nothing is started again
    assert chat.state["constraints"]["budget"] == 0
    assert "¿Cuántas horas" in reply


def test_two_jobs_esco_names_alike_are_told_apart_by_their_english_titles():
    from assistant.conversation.steps import distinct_names

    # GIVEN three occupations found, two of which ESCO's Spanish release names alike
    same = "ayudante técnico/a educativo/a"
    options = [
        {"uri": "a", "label": same, "label_en": "primary school teaching assistant"},
        {"uri": "b", "label": "auxiliar de educación infantil", "label_en": "x"},
        {"uri": "c", "label": same, "label_en": "special educational needs assistant"},
    ]
    for o in options:
        o["label_language"] = "es"
    # WHEN they are offered to a Spanish-speaking worker
    names = distinct_names(options, "es")
    # THEN the two alike say their English titles too, and the third is left as it is
    assert names == [
        f"{same} (primary school teaching assistant)",
        "auxiliar de educación infantil",
        f"{same} (special educational needs assistant)",
    ]
    assert len(set(names)) == 3


def test_a_long_quote_is_cut_where_a_word_ends():
    from assistant.conversation.steps import quote

    # GIVEN a sentence longer than a quote may be
    text = (
        "I take orders, bring out the plates and when the kitchen messes up an order I "
        "apologize and fix it with the cook."
    )
    # WHEN it is quoted in the review
    shown = quote(text)
    # THEN it is cut after a whole word, marked as cut, and no longer than the limit
    assert shown == (
        "«I take orders, bring out the plates and when the kitchen messes up an order I apologize…»"
    )
    assert len(shown) <= 92
    # AND a short one is whole
    assert quote("  I take   orders. ") == "«I take orders.»"
