"""Reading a turn by what the phase expects (issue 18: what people really type at the skills
review, the goal and the constraints steps). Rasa guesses an intent from the words alone; where
the phase makes the meaning clear, these rules correct it: "quita la 2" at the review removes a
skill and never deletes the person's data, "la 1 básico y la 2 avanzado" rates two skills,
"ninguna de las tres" at the goal options asks again, "4 horas por semana, presencial" at the budget
question notes hours and mode. Pure functions of the state and the text."""

from __future__ import annotations

import re

from assistant.conversation import parse
from assistant.conversation.phases import Phase

REMOVE_CUE = re.compile(
    r"\b(quit\w*|qita\w*|kita\w*|sac\w*|borr\w*|elimin\w*|remo?v\w*|remvo\w*|delet\w*|eras\w*|"
    r"drop\w*|scratch|lose|get rid|take (it |them )?(out|off)|not mine|isn'?t (mine|me)|"
    r"not me|no|not|nah|nel|never|nunca|wrong|mal|incorrect\w*|tampoco|except|menos|salvo|"
    r"excepto)\b"
)
LEVEL_CUES = (
    ("advanced", r"\b(avanzad\w*|advanced|expert\w*|domin\w*|master\w*|muy bien|very good)\b"),
    ("intermediate", r"\b(intermedi\w*|regular|mas o menos|more or less|so so)\b"),
    ("basic", r"\b(basic\w*|principiante|beginner|poc[oa]|poquito|novat\w*|a little)\b"),
)
AGREE = re.compile(
    r"\b(bien|ok|okay|okey|vale|dale|listo|correct[oa]s?|perfect[oa]?|exacto|claro|si+|sip|"
    r"de acuerdo|good|fine|right|correct|perfect|great|yes|yep|yup|yeah|sure)\b"
)
NEGATION = re.compile(
    r"\b(no|not|nope|nah|nel|ningun\w*|none|nada|nothing|never|nunca|isn'?t|aren'?t|"
    r"don'?t|dont)\b"
)
UNSURE = re.compile(r"\b(idk|dunno|no se|no lo se|not sure|no idea|ni idea)\b")
SUGGEST = re.compile(
    r"\b(recom\w*|sugi\w*|suger\w*|suggest\w*|opciones|options|que trabajos|what jobs)\b|"
    r"\b(parecid\w*|similar\w*|cercan\w*|close)\s+(a|to)\s+(lo que|what|mi|my)\b"
)
NONE_OF_THESE = re.compile(
    r"\b(ningun[oa]?|none|neither|nada que ver|otra cosa|otro trabajo|otra|otro|"
    r"something else|another (?:one|job)|other)\b"
)
INSTEAD = re.compile(r"[,;:]|\b(pero|but|mejor|better|maybe|quizas?|tal vez|rather|instead)\b")
INSTEAD_LEAD = re.compile(
    r"^(?:(?:pero|but|mejor|better|maybe|quizas?|tal vez|rather|instead|algo|something|"
    r"quiero|i want|busca|search for)\s+)*(?:(?:de|como|en|in|as|like|with|con|a|an)\s+)?",
    re.IGNORECASE,
)
WHY = re.compile(
    r"\b(por ?que|porq|xq|pq|why|how come|para que|de donde|where|explica\w*|explain\w*|"
    r"significa\w*|mean\w*)\b"
)
LANGUAGE_AS_SUBJECT = re.compile(
    r"\b(de|of)\s+(ingles|espanol|castellano|english|spanish)\b|"
    r"\b(english|spanish)\s+(teacher|tutor|class\w*|course\w*|translator|interpreter)\b"
)
# intents that ask for something else explicitly: the phase never overrides them
EXPLICIT = frozenset(
    {
        "ask_human",
        "start_over",
        "delete_data",
        "switch_language",
        "resume",
        "revoke_links",
        "ask_my_data",
        "add_experience",
    }
)
CONSTRAINT_INTENT = {
    "budget": "give_budget",
    "hours": "give_hours",
    "weeks": "give_hours",
    "mode": "choose_mode",
}


def plausible(intent: str, text: str) -> str:
    """Rasa's intent, unless the words cannot mean it: a "why" with no why-word ("customer
    service rep"), a language named as a subject ("profe de inglés") is no language switch;
    those are left to the phase (nlu_fallback)."""
    t = parse.fold(text)
    if intent == "ask_why" and not WHY.search(t):
        return "nlu_fallback"
    if intent == "switch_language" and LANGUAGE_AS_SUBJECT.search(t):
        return "nlu_fallback"
    return intent


def expected(state, text: str, intent: str) -> str | None:
    """The intent the phase's question makes of the text, when it is clear; None otherwise."""
    phase, t = state.phase, parse.fold(text)
    if phase == Phase.SKILLS_REVIEW and state.review_list:
        actions = review_actions(text, len(state.review_list))
        if actions:  # whatever Rasa says: a review command is never "delete my data"
            return "deny" if "remove" in actions.values() else "rate_level"
        if intent in EXPLICIT or parse.mentions(text):
            return None
        if UNSURE.search(t):
            return "ask_help"
        return "affirm" if AGREE.search(t) and not NEGATION.search(t) else None
    if (
        phase == Phase.CONSTRAINTS
        and state.constraints.missing() == "budget"
        and len(t.split()) <= 2
        and parse.budget(text) is not None
    ):
        return "give_budget"  # "cero" answering "how much?" is an amount, never "start over"
    if intent in EXPLICIT:
        return None
    if phase == Phase.GOAL and state.goal_options:
        return "deny" if none_of_these(text) is not None else None
    if phase == Phase.GOAL:
        if SUGGEST.search(t) or (UNSURE.search(t) and len(t.split()) <= 4):
            return "ask_close_jobs"
        return None
    if phase == Phase.CONSTRAINTS and intent not in ("ask_why", "ask_offer_details"):
        if intent == "tell_experience" and len(t.split()) > 8:
            return None  # a new experience told late, not a number of hours
        found = constraints_in(text, state.constraints.missing())
        return CONSTRAINT_INTENT[next(iter(found))] if found else None
    return None


def constraints_in(text: str, expecting: str | None = None) -> dict:
    """Every constraint the text gives, whichever was asked ("20 dólares, 3 horas por semana,
    presencial"): an amount with its currency, hours and weeks with their units, a mode. A bare
    number or "nada" is the budget, a bare number the hours, "igual" the mode only when that is
    what was asked (`expecting`). {"budget", "hours", "weeks", "mode"}, as far as found."""
    t, found = parse.spaced(text), {}
    amount = parse.money(text)
    if amount is None and expecting == "budget":
        amount = parse.budget(parse.TIME_AMOUNT.sub(" ", t))
    if amount is not None:
        found["budget"] = amount
    hours, weeks = parse.hours_and_weeks(parse.MONEY.sub(" ", t), bare=expecting == "hours")
    if hours is not None:
        found["hours"] = hours
    if weeks is not None:
        found["weeks"] = weeks
    value = parse.mode(text, loose=expecting == "mode")
    if value:
        found["mode"] = value
    return found


def review_actions(text: str, count: int) -> dict[int, str]:
    """What a review message does to each numbered skill it names: {0-based index: "remove" |
    "basic" | "intermediate" | "advanced"}. Each number takes the cue after it (up to the next
    number: "la 4 no", "6 is basic"), else the cue before it ("saca la 4", "expert at
    6"); a number with neither shares its neighbour's ("la 1 y la 4 no", "quita la 1 y la 6").
    A level wins over "no" in the same stretch. {} when no number has a cue ("la 2")."""
    t = parse.fold(text)
    marks = parse.mentions(text)
    if not marks:
        return {}
    cues = [(m.start(), "remove") for m in REMOVE_CUE.finditer(t)]
    for level, pattern in LEVEL_CUES:
        cues += [(m.start(), level) for m in re.finditer(pattern, t)]

    def cue(start: int, end: int) -> str | None:
        found = [kind for at, kind in sorted(cues) if start <= at < end]
        levels = [kind for kind in found if kind != "remove"]
        return levels[-1] if levels else ("remove" if found else None)

    own: list[str | None] = []
    for i, (start, end, _) in enumerate(marks):
        after = cue(end, marks[i + 1][0] if i + 1 < len(marks) else len(t))
        own.append(after or cue(marks[i - 1][1] if i else 0, start))
    for i in reversed(range(len(own) - 1)):
        own[i] = own[i] or own[i + 1]
    for i in range(1, len(own)):
        own[i] = own[i] or own[i - 1]
    actions: dict[int, str] = {}
    for (_, _, n), action in zip(marks, own, strict=True):
        index = count - 1 if n == -1 else n - 1
        if action and 0 <= index < count:
            actions.setdefault(index, action)
    return actions


def none_of_these(text: str) -> str | None:
    """At the goal options: None when the text is not a "none of these"; otherwise the other
    job it names instead ("ninguna, mejor algo de jardinero" -> "jardinero"), or ""."""
    t = parse.fold(text)
    found = list(NONE_OF_THESE.finditer(t))
    if not found:
        return None
    source = text if len(text) == len(t) else t  # the words as typed, accents and all
    after = source[found[-1].end() :]
    separator = INSTEAD.search(t[found[-1].end() :])
    if not separator:
        return ""
    rest = after[separator.start() :].strip(" ,;.!¡¿?")
    rest = INSTEAD_LEAD.sub("", rest)
    return re.sub(r"(?i)\s*\b(instead|en vez|mejor)\W*$", "", rest).strip(" ,;.!¡¿?")
