"""Where a worker names their own job (assistant/skills/titles.py): the span the occupation
route matches alone against ESCO's titles."""

from __future__ import annotations

import pytest

from assistant.skills.titles import own_job_titles


@pytest.mark.parametrize(
    ("text", "lang", "titles"),
    [
        ("Trabajo de niñera con dos hermanitos, de lunes a viernes.", "es", ["niñera"]),
        ("Trabajé como ayudante de cocina en un restaurante.", "es", ["ayudante de cocina"]),
        ("soy albañil desde hace 10 años", "es", ["albañil"]),
        ("Estuve de cajera en un súper y después laburé de moza.", "es", ["cajera", "moza"]),
        # the place or the person the job was for is not part of its name
        ("Fui nana de la familia Ríos por cinco años.", "es", ["nana"]),
        ("Soy portero de un edificio de departamentos en Santiago.", "es", ["portero"]),
        ("Trabajo de ayudante de mi tío, que es plomero.", "es", ["ayudante"]),
        ("I work as a cashier at Walmart.", "en", ["cashier"]),
        ("I was a nanny for the Smith family.", "en", ["nanny"]),
        ("I am a delivery driver for Rappi.", "en", ["delivery driver"]),
        ("I've been waitressing at a diner off the highway.", "en", ["waitressing"]),
    ],
)
def test_the_span_naming_the_worker_s_job_is_found(text, lang, titles):
    # GIVEN a sentence where the worker names their own job
    # WHEN the titles are looked for
    found = own_job_titles(text, lang)
    # THEN the spans are the job titles only, and point into the text
    assert [t.text for t in found] == titles
    assert all(text[t.start : t.end] == t.text for t in found)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I was working for a bakery.", "en"),  # a gerund that names no trade
        ("I fixed it with the cook.", "en"),  # a co-worker's job, not hers
        ("Los busco en la escuela y les hago la cena.", "es"),
        ("Ich arbeite als Kellnerin.", "de"),  # a language without patterns
    ],
)
def test_no_title_is_read_where_the_worker_names_none(text, lang):
    # GIVEN a sentence that names no job of the worker's
    # WHEN the titles are looked for
    # THEN none is found
    assert own_job_titles(text, lang) == []


def test_a_sentence_is_read_for_the_route_without_the_words_naming_the_job():
    # GIVEN a sentence that names the worker's job and one that only names it
    from assistant.skills.occupation_route import _without
    from assistant.skills.segment import Segment

    text = "Trabajo de niñera con dos hermanitos, de lunes a viernes. Soy niñera."
    titles = own_job_titles(text, "es")
    first = Segment(text[:57], 0, 57)
    second = Segment(text[58:], 58, len(text))
    # WHEN each is read for the occupation route
    # THEN the first keeps what it says besides the job, the second says nothing else
    assert _without(first, titles).split() == "con dos hermanitos, de lunes a viernes.".split()
    assert _without(second, titles) == ""


@pytest.mark.parametrize(
    ("text", "lang", "said", "job"),
    [
        ("Cuido a dos hermanitos de lunes a viernes.", "es", "Cuido a dos hermanitos", "niñera"),
        ("Cuidaba a los nenes de mi vecina.", "es", "Cuidaba a los nenes", "niñera"),
        (
            "Cuidé a mi abuela tres años.",
            "es",
            "Cuidé a mi abuela",
            "cuidador de personas mayores",
        ),
        ("I babysit two kids after school.", "en", "babysit", "nanny"),
        ("I took care of the kids next door.", "en", "took care of the kids", "nanny"),
        (
            "I looked after my grandmother for three years.",
            "en",
            "looked after my grandmother",
            "care at home worker",
        ),
    ],
)
def test_care_work_described_but_not_named_implies_its_job(text, lang, said, job):
    # GIVEN a worker who describes care work without calling it a job
    # WHEN the titles are looked for
    found = own_job_titles(text, lang)
    # THEN the job is read from what they do; the span is the words that describe it, and it
    # is marked as implied (those words show the job's skills, unlike a name)
    assert [(text[t.start : t.end], t.text, t.implied) for t in found] == [(said, job, True)]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Cuidaba la casa y el jardín.", "es"),  # a house is not a child
        ("Cuido mi salud.", "es"),
        ("I take care of the accounts.", "en"),
        ("I looked after the shop when the owner was away.", "en"),
    ],
)
def test_other_care_implies_no_job(text, lang):
    assert own_job_titles(text, lang) == []


def test_a_named_job_is_not_read_again_from_its_own_words():
    # GIVEN a job named and then described ("niñera", then "cuido a los nenes")
    found = own_job_titles("Trabajo de niñera, cuido a los nenes.", "es")
    # THEN the name is read as said, the description as implied, each once
    assert [(t.text, t.implied) for t in found] == [("niñera", False), ("niñera", True)]
