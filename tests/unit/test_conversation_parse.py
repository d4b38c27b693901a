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
    ],
)
def test_modes(text, mode):
    assert parse.mode(text) == mode


def test_resume_codes_need_a_digit_and_never_match_words():
    assert parse.resume_code("mi código es k7p-q2m") == "K7PQ2M"
    assert parse.resume_code("CAJERA") is None
    assert parse.resume_code("trabajé de cajera") is None


def test_levels_and_languages():
    assert parse.level("lo manejo avanzado") == "advanced"
    assert parse.level("básico nomás") == "basic"
    assert parse.language("can we speak English?") == "en"
    assert parse.language("en español por favor") == "es"
