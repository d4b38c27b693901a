"""Reading amounts, hours, choices and codes from what people type."""

import pytest

from assistant.conversation import parse


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("unos 50 dólares", 50, "USD"),
        ("puedo gastar 200 mil pesos colombianos", 200_000, "COP"),
        ("1.500 pesos mexicanos", 1500, "MXN"),
        ("nada, no tengo dinero", 0, None),
        ("$30", 30, "USD"),
        ("cien soles", 100, "PEN"),
        ("I can spend 25 bucks", 25, "USD"),
        ("gratis nomás", 0, None),
    ],
)
def test_budgets(text, amount, currency):
    assert parse.budget(text) == amount
    assert parse.currency(text) == currency


@pytest.mark.parametrize(
    ("text", "hours", "weeks"),
    [
        ("5 horas por semana por 3 meses", 5, 13),
        ("unas diez horas a la semana durante 8 semanas", 10, 8),
        ("3 hours a week", 3, None),
        ("6", 6, None),
        ("por un mes, 4 horas semanales", 4, 4),
        ("two hours per week for twelve weeks", 2, 12),
    ],
)
def test_hours_and_weeks(text, hours, weeks):
    assert parse.hours_and_weeks(text) == (hours, weeks)


@pytest.mark.parametrize(
    ("text", "count", "index"),
    [
        ("la segunda", 3, 1),
        ("the third one", 3, 2),
        ("2", 3, 1),
        ("la última", 3, 2),
        ("7", 3, None),
        ("ninguna", 3, None),
    ],
)
def test_choices(text, count, index):
    assert parse.choice(text, count) == index


def test_several_choices_in_order_without_repeats():
    assert parse.choices("quita la 2 y la 5, y la 2", 6) == [1, 4]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("en línea", "online"),
        ("presencial", "onsite"),
        ("me da igual", "any"),
        ("in person please", "onsite"),
        ("virtual", "online"),
        ("no sé", None),
        # both named: either (a walk's "en línea o presencial" was read as online)
        ("en línea o presencial", "any"),
        ("online or in person", "any"),
        # one of them ruled out
        ("presencial, no en línea", "onsite"),
        ("en línea, nada presencial", "online"),
        ("no tengo internet, prefiero presencial", "onsite"),
        ("not online", "onsite"),
    ],
)
def test_modes(text, mode):
    assert parse.mode(text) == mode


def test_resume_codes_need_a_digit_and_never_match_words():
    assert parse.resume_code("mi código es k7pq-2mab-cd3e") == "K7PQ2MABCD3E"
    assert parse.resume_code("K7PQ 2MAB CD3E") == "K7PQ2MABCD3E"
    assert parse.resume_code("K7PQ2MABCD3E") == "K7PQ2MABCD3E"
    assert parse.resume_code("CAJERA") is None
    assert parse.resume_code("trabajé de cajera") is None
    assert parse.resume_code("ADMINISTRADORA") is None  # no digit: a word, not a code
    # the old 6-character codes (30 bits) are no longer codes
    assert parse.resume_code("K7P-Q2M") is None


def test_codes_are_shown_in_groups_of_four():
    assert parse.display_code("k7pq2mabcd3e") == "K7PQ-2MAB-CD3E"


@pytest.mark.parametrize(
    ("text", "revoke"),
    [
        ("anula mi enlace", True),
        ("quiero revocar los links", True),
        ("please revoke my link", True),
        ("disable the links", True),
        ("mándame el enlace", False),
        ("borra mis datos", False),
        ("cancelé el curso", False),
    ],
)
def test_revoking_links_needs_an_explicit_phrase(text, revoke):
    assert parse.revoke_link(text) is revoke


def test_levels_and_languages():
    assert parse.level("lo manejo avanzado") == "advanced"
    assert parse.level("básico nomás") == "basic"
    assert parse.language("can we speak English?") == "en"
    assert parse.language("en español por favor") == "es"


# -- issue 18: what people really type at the review, goal and constraints steps -----------------
@pytest.mark.parametrize(
    ("text", "expecting", "found"),
    [
        # several at once, whichever was asked: each value by its unit or currency
        ("tengo 25 dólares y puedo 3 horas por semana", "budget", {"budget": 25, "hours": 3}),
        ("$15, 2 hrs a week, in person", "budget", {"budget": 15, "hours": 2, "mode": "onsite"}),
        ("nada, y en línea", "budget", {"budget": 0, "mode": "online"}),
        ("unos 10 mil pesos colombianos", "budget", {"budget": 10_000}),
        ("80usd", "budget", {"budget": 80}),
        ("i can do 35", "budget", {"budget": 35}),
        # a bare number is only the answer to the question asked
        ("35", "hours", {"hours": 35}),
        ("70 soles", "hours", {"budget": 70}),
        ("4 meses", "hours", {"weeks": 17}),
        ("me da lo mismo", "mode", {"mode": "any"}),
        ("me da lo mismo", "budget", {}),
    ],
)
def test_constraints_are_read_together_whatever_was_asked(text, expecting, found):
    from assistant.conversation import understand

    assert understand.constraints_in(text, expecting) == found


@pytest.mark.parametrize(
    ("text", "hours", "weeks"),
    [
        ("de 3 a 6 horas", 3, None),  # a range counts its lower end
        ("4-5 hrs a week", 4, None),
        ("3 horas diarias", 21, None),  # a day: every day unless the days are said
        ("1 hour a day on weekdays", 5, None),
        ("una hora al día los fines de semana", 2, None),
        ("a week", None, None),  # a rate, not a span
        ("for a week, 2 hours", 2, 1),
        ("medio año", None, 26),
        ("half a month", None, 2),
        ("6 hours with my kids", 6, None),  # "with" is no "h" unit
    ],
)
def test_hours_ranges_days_and_spans(text, hours, weeks):
    assert parse.hours_and_weeks(text) == (hours, weeks)


def test_list_items_named_by_digits_words_and_ordinals_not_by_pronouns():
    assert parse.choices("quita 3,5", 6) == [2, 4]
    assert parse.choice("the third one", 3) == 2 and parse.choice("that one", 3) is None
    assert parse.choice("one", 3) == 0 and parse.choices("one of those is wrong", 3) == []
    assert parse.choices("the last one", 4) == [3] and parse.choices("#3", 4) == [2]


def test_modes_loosely_only_when_asked():
    assert parse.mode("estudio desde mi casa") == "online"
    assert parse.mode("prefiero ir a las clases") == "onsite"
    assert parse.mode("igual") is None and parse.mode("igual", loose=True) == "any"


@pytest.mark.parametrize(
    ("text", "actions"),
    [
        ("la 4 no", {3: "remove"}),
        ("borra la 1 y la 3", {0: "remove", 2: "remove"}),  # the verb covers both
        ("la 2 y la 4 no son mías", {1: "remove", 3: "remove"}),  # so does the predicate
        ("la 2 básico, la 3 intermedio", {1: "basic", 2: "intermediate"}),
        ("quita la 1 y la 4 la domino", {0: "remove", 3: "advanced"}),
        ("5 is not mine", {4: "remove"}),
        ("delete the third one", {2: "remove"}),
        ("expert at the last one", {5: "advanced"}),
        ("todo bien excepto la 2", {1: "remove"}),
        ("la 2", {}),  # a number alone: the old rules decide
        ("quita una", {}),
    ],
)
def test_review_actions_give_each_number_its_own_cue(text, actions):
    from assistant.conversation import understand

    assert understand.review_actions(text, 6) == actions


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("ninguna de estas", ""),
        ("none of these work", ""),
        ("ninguna, mejor algo de panadero", "panadero"),
        ("none, maybe something in nursing instead", "nursing"),
        ("no, quiero ser chef", None),  # a new search, not a "none of these"
        ("la 2", None),
    ],
)
def test_none_of_these_and_what_instead(text, other):
    from assistant.conversation import understand

    assert understand.none_of_these(text) == other


def test_implausible_intents_are_left_to_the_phase():
    from assistant.conversation import understand

    assert understand.plausible("ask_why", "sales rep") == "nlu_fallback"
    assert understand.plausible("ask_why", "¿por qué esas?") == "ask_why"
    assert understand.plausible("switch_language", "maestra de inglés") == "nlu_fallback"
    assert understand.plausible("switch_language", "english please") == "switch_language"
