"""What the worker types in the long conversation (assistant/bench/long_conversation.py), and
the load levels' conversations (assistant/bench/load.py: its first 40 turns)."""

from __future__ import annotations

# -- a long conversation ------------------------------------------------------------------------
# Consent, a first experience, goal and plan; then, over and over: another experience, its
# review, a new goal, a changed budget, a plan, a look at one of its courses and at what Puente
# knows. After each plan comes the same block of ten digressions (help, why, thanks, greetings),
# always in the plan phase: the turns measured at the start (11-20) and at the end (191-200) of
# the conversation are the same messages in the same phase, so what differs between them is
# how long the conversation already is (and how much the worker has told by then).
LONG = {
    "es": {
        "start": ["hola", "sí, acepto"],
        "first": ["no, eso es todo", "/affirm"],
        "plan": [
            '/select_number{"number": "1"}',
            "puedo gastar unos 60 dólares",
            "5 horas a la semana durante 3 meses",
            '/choose_mode{"mode": "any"}',
        ],
        "again": [
            "no, eso es todo",
            "/affirm",
            "quiero cambiar de meta",
            None,  # the cycle's goal
            '/select_number{"number": "1"}',
            "ahora puedo gastar 80 dólares",
            '/choose_mode{"mode": "online"}',
            "cuéntame más del curso 1",
            "¿qué sabes de mí?",
        ],
        "probe": [
            "/ask_help",
            "¿por qué me preguntas eso?",
            "/thanks",
            "gracias",
            "/greet",
            "ayuda por favor",
            "/ask_help",
            "¿por qué?",
            "muchas gracias",
            "/greet",
        ],
        "experiences": [
            "Trabajé tres años de cajera en un supermercado. Cobraba en la caja, hacía el "
            "cierre y atendía los reclamos de los clientes.",
            "También trabajé dos años de mesera en un restaurante: atendía las mesas, tomaba "
            "los pedidos y cobraba la cuenta.",
            "Cuidé a mi abuela tres años: le daba sus medicamentos, la bañaba y la llevaba al "
            "médico.",
            "Vendí ropa por Instagram: sacaba las fotos, respondía los mensajes y llevaba las "
            "cuentas en Excel.",
            "Fui voluntaria en un comedor comunitario: organizaba las compras y coordinaba a "
            "los voluntarios.",
            "Arreglaba celulares y computadoras de mis vecinos: cambiaba pantallas e "
            "instalaba programas.",
        ],
        "goals": [
            "quiero ser supervisora de tienda",
            "quiero trabajar de recepcionista de hotel",
            "me gustaría ser asistente administrativa",
            "quiero ser técnica en reparación de computadoras",
            "quiero trabajar como cocinera",
        ],
    },
    "en": {
        "start": ["hello", "yes, I agree"],
        "first": ["nothing else", "/affirm"],
        "plan": [
            '/select_number{"number": "1"}',
            "about 100 dollars",
            "8 hours a week for 20 weeks",
            '/choose_mode{"mode": "online"}',
        ],
        "again": [
            "nothing else",
            "/affirm",
            "I want to change my goal",
            None,
            '/select_number{"number": "1"}',
            "now I can spend 150 dollars",
            '/choose_mode{"mode": "any"}',
            "tell me more about course 1",
            "what do you know about me?",
        ],
        "probe": [
            "/ask_help",
            "why are you asking that?",
            "/thanks",
            "thanks",
            "/greet",
            "help please",
            "/ask_help",
            "why?",
            "thank you very much",
            "/greet",
        ],
        "experiences": [
            "I worked two years in a call centre answering customer complaints and I kept the "
            "records of every call in a spreadsheet.",
            "I also worked as a waiter in a restaurant: I served tables, took orders and "
            "handled the bills.",
            "I looked after my grandmother for three years: I gave her medicines and took her "
            "to the doctor.",
            "I sold clothes on Instagram: I took the photos, answered the messages and kept "
            "the accounts in Excel.",
            "I volunteered at a community kitchen, buying the food and coordinating the "
            "volunteers.",
            "I repaired my neighbours' phones and computers, replacing screens and installing "
            "software.",
        ],
        "goals": [
            "I want to be a junior web developer",
            "I want to work as a hotel receptionist",
            "I would like to be an administrative assistant",
            "I want to be a computer repair technician",
            "I want to work as a cook",
        ],
    },
}
LONG_TURNS = 200
PROBE_WINDOWS = {"early": (11, 20), "late": (191, 200)}  # 1-based turns, both the probe block


def long_script(lang: str, turns: int = LONG_TURNS) -> list[str]:
    """The first `turns` messages of the long conversation in `lang` (10 to start with, a
    first plan; then the digressions; then cycles of 20: another experience, goal and plan,
    and the digressions again)."""
    words = LONG[lang]
    script = [*words["start"], words["experiences"][0], *words["first"], words["goals"][0]]
    script += [*words["plan"], *words["probe"]]
    cycle = 1
    while len(script) < turns:
        goal = words["goals"][cycle % len(words["goals"])]
        experience = words["experiences"][cycle % len(words["experiences"])]
        again = [goal if m is None else m for m in words["again"]]
        script += [experience, *again, *words["probe"]]
        cycle += 1
    return script[:turns]
