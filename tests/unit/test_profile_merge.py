"""Merging the skills of a new experience into a worker's profile."""

from __future__ import annotations

from assistant.profiles.model import Evidence, Profile, ProfileSkill

HOMEWORK = "http://data.europa.eu/esco/skill/12efe5f2-f7ec-4f03-b359-afba5b9f62de"


def _skill(quote: str, confidence: float, experience: int) -> ProfileSkill:
    return ProfileSkill(
        uri=HOMEWORK,
        label="assist children with homework",
        evidence=[Evidence(text=quote, experience=experience)],
        confidence=confidence,
    )


def test_a_better_quote_told_later_comes_first():
    # GIVEN homework help found weakly in "Trabajo de niñera con dos hermanitos."
    profile = Profile(skills=[_skill("Trabajo de niñera con dos hermanitos.", 0.55, 0)])
    # WHEN the next experience supports it better
    profile.merge([_skill("Ayudo al más grande con la tarea.", 0.8, 1)])
    # THEN that sentence is the quote shown first, the earlier one kept after it
    skill = profile.get(HOMEWORK)
    assert [e.text for e in skill.evidence] == [
        "Ayudo al más grande con la tarea.",
        "Trabajo de niñera con dos hermanitos.",
    ]
    assert skill.confidence == 0.8


def test_a_weaker_quote_told_later_goes_after():
    # GIVEN a skill with a strong quote
    profile = Profile(skills=[_skill("Ayudo al más grande con la tarea.", 0.8, 0)])
    # WHEN a later experience supports it weakly, or repeats the same quote
    profile.merge([_skill("Cuido chicos.", 0.4, 1)])
    profile.merge([_skill("Ayudo al más grande con la tarea.", 0.9, 2)])
    # THEN the strong quote stays first, and no quote is held twice
    skill = profile.get(HOMEWORK)
    assert [e.text for e in skill.evidence] == [
        "Ayudo al más grande con la tarea.",
        "Cuido chicos.",
    ]
