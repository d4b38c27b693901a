"""No lexicon may contain an evaluation item (#20): a lexicon line that is a development-set
statement or job title turns that item into a lookup and inflates the numbers reported on it.

The development sets are read when the test runs (others add items to them), both parts.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from assistant.skills.lexicon import stem
from tests.conftest import ROOT

DEVSET_DIR = ROOT / "tests" / "data" / "devset"
SKILL_LEXICONS = sorted((ROOT / "assistant" / "skills").rglob("*.tsv"))
OCCUPATION_LEXICONS = sorted((ROOT / "assistant" / "goals" / "lexicon").glob("*.tsv"))
# Puente's own Spanish labels are indexed for Spanish matching like ESCO's, so they obey the
# same rule.
LABEL_FILES = sorted((ROOT / "assistant" / "taxonomy" / "labels").glob("*.tsv"))
_WORD = re.compile(r"[^\W_]+", re.U)


def normalise(text: str) -> str:
    """Case and accents folded, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(folded.split())


def matcher_key(text: str, lang: str) -> str:
    """What the occupation matcher compares: folded words, lightly stemmed."""
    return " ".join(stem(word, lang) for word in _WORD.findall(normalise(text)))


def language_of(path: Path) -> str:
    found = re.search(r"(?:^|_)(es|en|pt)\.tsv$", path.name)
    return found.group(1) if found else "es"


def devset_texts() -> dict[str, str]:
    """Every statement and job title of every development set -> its id."""
    texts: dict[str, str] = {}
    for path in sorted(DEVSET_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts[row["text"]] = row["id"]
    return texts


def lines_of(path: Path, column: str) -> list[tuple[int, str]]:
    """(line number, text of `column`) for every data row; '#' lines are comments."""
    header: list[str] | None = None
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
        elif len(fields) > header.index(column) and fields[header.index(column)].strip():
            rows.append((number, fields[header.index(column)]))
    return rows


def leaks(path: Path, column: str, key) -> list[str]:
    wanted = {key(text): item for text, item in devset_texts().items()}
    return [
        f"{path.name}:{number}: {text!r} is {wanted[key(text)]}"
        for number, text in lines_of(path, column)
        if key(text) in wanted
    ]


def test_the_files_are_found():
    # GIVEN the repository WHEN the files are listed THEN each kind is there to check
    assert len(SKILL_LEXICONS) >= 2 and len(OCCUPATION_LEXICONS) >= 2
    assert len(devset_texts()) > 300


@pytest.mark.parametrize(
    "path", SKILL_LEXICONS + OCCUPATION_LEXICONS, ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_lexicon_term_is_a_development_item(path):
    # GIVEN a lexicon file and every development-set statement and job title (both parts)
    # WHEN its terms are compared after folding case, accents and whitespace
    found = leaks(path, "term", normalise)
    # THEN none of them is an evaluation item
    assert found == []


@pytest.mark.parametrize("path", OCCUPATION_LEXICONS, ids=lambda p: p.name)
def test_no_occupation_term_matches_a_title_as_the_matcher_reads_it(path):
    # GIVEN a job-title lexicon, matched on folded, stemmed words ("niñeras" meets "niñera")
    lang = language_of(path)
    # WHEN its terms are compared with the development titles the way the matcher reads them
    found = leaks(path, "term", lambda text: matcher_key(text, lang))
    # THEN no inflected copy of an evaluation title is left to look it up
    assert found == []


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.name)
def test_no_puente_label_is_a_development_item(path):
    # GIVEN Puente's own labels, which Spanish matching indexes
    # WHEN they are compared with every statement and title
    # THEN none of them is an evaluation item
    assert leaks(path, "label", normalise) == []


def test_the_check_catches_a_leak(tmp_path):
    # GIVEN a lexicon with a development title in it, capitalised and padded, and a plural of
    # another
    titles = [t for t, item in devset_texts().items() if item.startswith("occ-es-")]
    plural = next(t for t in titles[1:] if matcher_key(t + "s", "es") == matcher_key(t, "es"))
    leaky = tmp_path / "leaky_es.tsv"
    leaky.write_text(
        f"term\turi\tlabel\nfoo bar baz\tu\tl\n  {titles[0].upper()} \tu\tl\n{plural}s\tu\tl\n",
        encoding="utf-8",
    )
    # WHEN it is checked both ways
    exact = leaks(leaky, "term", normalise)
    as_matched = leaks(leaky, "term", lambda text: matcher_key(text, "es"))
    # THEN the exact copy is found on its line, and the plural where the matcher would meet it
    assert len(exact) == 1 and exact[0].startswith("leaky_es.tsv:3:")
    assert [line.split(":")[1] for line in as_matched] == ["3", "4"]
