"""Skills of a domain (animals, ships, aircraft, religion, leading staff) need a word of it in
the story (assistant/skills/domains.py)."""

from __future__ import annotations

import pytest

from assistant.skills.domains import StoryDomains

NANNY = (
    "Cuido a dos hermanitos. Ayudo al más grande con la tarea, los baño y les hago la cena. "
    "Una vez se cayó y le hice los primeros auxilios, después lo llevé a la guardia. "
    "Con los papás nos hablamos por WhatsApp todos los días."
)


@pytest.mark.parametrize(
    "label",
    [
        "first aid for animals",
        "assist missionary work",
        "supervise the work of cleaning staff",
        "guide ships into docks",
        "conduct safe aircraft marshalling",
        "monitor fish mortality rates",
        "keep up with current trends in psychotherapy",
        "brief staff on daily menu",
    ],
)
def test_a_domain_the_story_never_names_hides_its_skills(label):
    # GIVEN a nanny's story, about children only WHEN a domain skill is asked for
    # THEN it is not allowed
    assert not StoryDomains(NANNY).allows(label)


@pytest.mark.parametrize(
    "label", ["administer first aid", "assist children with homework", "bathe children"]
)
def test_skills_outside_every_domain_are_always_allowed(label):
    # GIVEN the same story WHEN an everyday skill is asked for THEN the rule says nothing
    assert StoryDomains(NANNY).allows(label)


@pytest.mark.parametrize(
    ("story", "label"),
    [
        ("Trabajé dos años en una veterinaria bañando perros.", "first aid for animals"),
        ("I walked dogs for the neighbours and fed their cats.", "first aid for animals"),
        ("Ayudaba en la parroquia con la catequesis.", "assist missionary work"),
        ("Era encargada de limpieza con cuatro personas a cargo.", "supervise cleaning staff"),
        ("I was in charge of the night shift crew.", "supervise the work of cleaning staff"),
        ("Era la encargada del salón y del personal.", "brief staff on daily menu"),
        ("Trabajé en el puerto cargando barcos.", "guide ships into docks"),
        ("Limpiaba aviones en el aeropuerto.", "conduct safe aircraft marshalling"),
        ("Vendía pescado en la feria.", "fish grading"),
        ("Hago cursos para estar al día con las tendencias.", "keep up with trends"),
    ],
)
def test_one_word_of_the_domain_anywhere_in_the_story_opens_it(story, label):
    # GIVEN a story naming the domain (accents and case do not matter)
    # WHEN its skill is asked for THEN it is allowed
    assert StoryDomains(story).allows(label)
    assert StoryDomains(story.upper()).allows(label)
