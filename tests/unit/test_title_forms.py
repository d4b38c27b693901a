"""How occupation search reads a title exactly (assistant/goals/occupations.py)."""

from __future__ import annotations

from assistant.goals.occupations import plain_title, title_forms


def test_a_gendered_pair_of_whole_titles_is_two_titles():
    # GIVEN ESCO's Spanish "masculine/feminine" preferred title WHEN its forms are taken
    # THEN each gender is a title of its own, folded
    assert title_forms("director técnico/directora técnica") == {
        "director tecnico",
        "directora tecnica",
    }


def test_a_slash_ending_gives_both_genders():
    # GIVEN a title written with "/a" endings WHEN its forms are taken
    # THEN both the masculine and the feminine title are there
    assert title_forms("ayudante técnico/a educativo/a") == {
        "ayudante tecnico educativo",
        "ayudante tecnica educativa",
    }
    assert title_forms("profesor/a") == {"profesor", "profesora"}


def test_a_slash_between_different_words_is_not_split():
    # GIVEN an English title with a slash between two different words
    # WHEN its forms are taken THEN it stays one title (no "hardware" title is made)
    assert title_forms("hardware/software tester") == {"hardware/software tester"}


def test_a_typed_title_is_compared_without_case_accents_punctuation_or_article():
    # GIVEN a goal as a worker types it WHEN it is made plain
    # THEN case, accents, punctuation and a leading article are gone
    assert plain_title("  Una Auxiliar de Educación   Infantil! ") == (
        "auxiliar de educacion infantil"
    )
