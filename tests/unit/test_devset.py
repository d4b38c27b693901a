"""The development sets in tests/data/devset are well formed and labelled with real ESCO concepts.

These are the checks listed under "Validation" in tests/data/devset/README.md, plus one the
labelling guidelines promise: no statement contains one of its own ESCO labels of three or more
words (the set tests generalisation, not string matching). The ESCO v1.1.1 CSVs are read where
the project's settings say they are (PUENTE_ESCO_DIR, by default ../shared/esco/v1.1.1); if they
cannot be read the tests fail and say so, they never skip.

Run as a script to print the README's counts section:
    .venv/bin/python -m tests.unit.test_devset
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.esco_release import EscoRelease, esco_release

DEVSET_DIR = Path(__file__).resolve().parent.parent / "data" / "devset"
SKILLS_FILE = DEVSET_DIR / "skills.jsonl"
OCCUPATIONS_FILE = DEVSET_DIR / "occupations.jsonl"
README = DEVSET_DIR / "README.md"

LANGS = ("es", "en", "pt")
SECTORS = (
    "informal",
    "care",
    "retail",
    "farming",
    "construction",
    "hospitality",
    "office",
    "digital",
    "transport",
    "volunteering",
    "manufacturing",
    "beauty",
    "security",
)
# Floors that catch a truncated or half-merged file; raise them when the sets grow.
MIN_STATEMENTS = 380
MIN_SPANISH_STATEMENTS = 185
MIN_OCCUPATION_ITEMS = 150

SKILL_KEYS = {"id", "lang", "sector", "text", "skills"}
OCCUPATION_KEYS = {"id", "lang", "text", "occupations"}
SKILL_ID = re.compile(r"^(es|en|pt)-\d{3}$")
OCCUPATION_ID = re.compile(r"^occ-(es|en|pt)-\d{3}$")
COUNTS_START, COUNTS_END = "<!-- counts:start -->", "<!-- counts:end -->"


def load_esco() -> EscoRelease:
    return esco_release("The devset validator's tests")


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path.name}:{number} is not valid JSON ({exc})", pytrace=False)
    return rows


def normalised(text: str) -> str:
    """Lower case words separated by single spaces, with a space at each end for whole-word
    matching."""
    return " " + " ".join(re.sub(r"[^\w]+", " ", text.lower()).split()) + " "


def check_labels(rows: list[dict], key: str, known: dict[str, str]) -> list[str]:
    problems = []
    for row in rows:
        for concept in row[key]:
            uri, label = concept.get("uri"), concept.get("label")
            if uri not in known:
                problems.append(f"{row['id']}: {uri} is not in ESCO v1.1.1 {key}")
            elif label != known[uri]:
                problems.append(f"{row['id']}: label {label!r} is not {known[uri]!r}")
    return problems


def check_ids(rows: list[dict], pattern: re.Pattern) -> list[str]:
    problems = [
        f"{id_} appears {n} times" for id_, n in Counter(r["id"] for r in rows).items() if n > 1
    ]
    for row in rows:
        match = pattern.match(row["id"])
        if not match:
            problems.append(f"{row['id']!r} is not a well-formed id")
        elif match.group(1) != row["lang"]:
            problems.append(f"{row['id']}: id says {match.group(1)}, lang says {row['lang']}")
    return problems


@pytest.fixture(scope="module")
def statements() -> list[dict]:
    return read_jsonl(SKILLS_FILE)


@pytest.fixture(scope="module")
def occupation_items() -> list[dict]:
    return read_jsonl(OCCUPATIONS_FILE)


@pytest.fixture(scope="module")
def esco() -> EscoRelease:
    return load_esco()


def test_statements_have_the_expected_keys_values_and_ids(statements):
    # GIVEN every statement of skills.jsonl
    # WHEN its keys, language, sector, text and id are checked
    problems = [f"{r.get('id')}: keys {sorted(r)}" for r in statements if set(r) != SKILL_KEYS]
    assert not problems, problems
    problems = [f"{r['id']}: lang {r['lang']!r}" for r in statements if r["lang"] not in LANGS]
    problems += [
        f"{r['id']}: sector {r['sector']!r}" for r in statements if r["sector"] not in SECTORS
    ]
    problems += [f"{r['id']}: empty text" for r in statements if not r["text"].strip()]
    problems += check_ids(statements, SKILL_ID)
    # THEN nothing is wrong
    assert not problems, "\n".join(problems)


def test_statements_have_three_to_eight_distinct_real_esco_skills(statements, esco):
    # GIVEN every statement and the ESCO v1.1.1 skills
    problems = []
    for row in statements:
        uris = [s["uri"] for s in row["skills"]]
        if not 3 <= len(uris) <= 8 or len(set(uris)) != len(uris):
            problems.append(f"{row['id']}: {len(uris)} skills, {len(set(uris))} distinct")
    # WHEN each label is compared with its concept's preferredLabel
    problems += check_labels(statements, "skills", esco.skills)
    # THEN every statement has 3-8 distinct skills, all real and labelled exactly
    assert not problems, "\n".join(problems)


def own_long_labels_in_text(row: dict) -> list[str]:
    """The statement's own labels of three or more words that its text contains."""
    text = normalised(row["text"])
    return [
        s["label"]
        for s in row["skills"]
        if len(s["label"].split()) >= 3 and normalised(s["label"]) in text
    ]


def test_no_statement_contains_one_of_its_own_long_labels(statements):
    # GIVEN every statement and its labels of three or more words
    # WHEN the text is searched for those labels, word by word
    offenders = [
        f"{row['id']}: {found}" for row in statements if (found := own_long_labels_in_text(row))
    ]
    # THEN none is found
    assert not offenders, "\n".join(offenders)


def test_the_checks_catch_planted_mistakes(esco):
    # GIVEN statements with a wrong label, an unknown URI, a bad id and a copied label
    uri = next(iter(esco.skills))
    wrong_label = {"id": "es-001", "lang": "es", "skills": [{"uri": uri, "label": "x"}]}
    unknown = {"id": "es-002", "lang": "es", "skills": [{"uri": uri + "-nope", "label": "x"}]}
    bad_ids = [{"id": "es-01", "lang": "es"}, {"id": "en-003", "lang": "es"}]
    copied = {
        "text": "Yo hacía: Make the BEDS, todos los días.",
        "skills": [{"label": "make the beds"}, {"label": "clean rooms"}],
    }
    # WHEN the checks run on them
    label_problems = check_labels([wrong_label, unknown], "skills", esco.skills)
    id_problems = check_ids([*bad_ids, {"id": "en-003", "lang": "en"}], SKILL_ID)
    # THEN each mistake is reported
    assert len(label_problems) == 2
    assert len(id_problems) == 3  # malformed, lang mismatch, duplicate
    assert own_long_labels_in_text(copied) == ["make the beds"]


def test_occupation_items_are_well_formed_and_real(occupation_items, esco):
    # GIVEN every item of occupations.jsonl
    problems = [
        f"{r.get('id')}: keys {sorted(r)}" for r in occupation_items if set(r) != OCCUPATION_KEYS
    ]
    assert not problems, problems
    problems = [
        f"{r['id']}: lang {r['lang']!r}" for r in occupation_items if r["lang"] not in LANGS
    ]
    problems += [f"{r['id']}: empty text" for r in occupation_items if not r["text"].strip()]
    problems += check_ids(occupation_items, OCCUPATION_ID)
    for row in occupation_items:
        uris = [o["uri"] for o in row["occupations"]]
        if not 1 <= len(uris) <= 3 or len(set(uris)) != len(uris):
            problems.append(f"{row['id']}: {len(uris)} occupations, {len(set(uris))} distinct")
    # WHEN each label is compared with its concept's preferredLabel
    problems += check_labels(occupation_items, "occupations", esco.occupations)
    # THEN nothing is wrong
    assert not problems, "\n".join(problems)


def test_the_sets_are_not_smaller_than_their_floors(statements, occupation_items):
    # GIVEN both sets WHEN they are counted THEN neither has lost items
    assert len(statements) >= MIN_STATEMENTS
    assert sum(r["lang"] == "es" for r in statements) >= MIN_SPANISH_STATEMENTS
    assert len(occupation_items) >= MIN_OCCUPATION_ITEMS


def test_readme_lists_the_valid_sectors_and_current_counts(statements, occupation_items, esco):
    # GIVEN the README
    readme = README.read_text(encoding="utf-8")
    # WHEN its sector list and its counts section are read
    listed = re.search(r"`sector` is one of (.+?)\.\n", readme, re.S)
    assert listed, "README: no line saying which sectors are valid"
    assert tuple(re.findall(r"`([a-z]+)`", listed.group(1))) == SECTORS
    section = readme.split(COUNTS_START)[1].split(COUNTS_END)[0].strip()
    # THEN both match the data
    assert section == counts_markdown(statements, occupation_items, esco).strip(), (
        "README counts are stale: run .venv/bin/python -m tests.unit.test_devset"
    )


def counts_markdown(statements: list[dict], occupation_items: list[dict], esco: EscoRelease) -> str:
    """The README's counts section: sizes, sector x language table, transversal and digital
    statements, and the tune/test split."""
    from assistant.skills.evaluate import part_of

    by_lang = Counter(r["lang"] for r in statements)
    labels = [s["uri"] for r in statements for s in r["skills"]]
    per_statement = Counter(len(r["skills"]) for r in statements)
    transversal = sum(any(s["uri"] in esco.transversal for s in r["skills"]) for r in statements)
    digital = sum(any(s["uri"] in esco.digital for s in r["skills"]) for r in statements)
    cells = Counter((r["sector"], r["lang"]) for r in statements)
    occ_lang = Counter(r["lang"] for r in occupation_items)
    occ_sizes = Counter(len(r["occupations"]) for r in occupation_items)
    split = Counter((part_of(r["id"]), r["lang"]) for r in statements)
    occ_split = Counter((part_of(r["id"]), r["lang"]) for r in occupation_items)

    def langs(counter: Counter) -> str:
        return ", ".join(f"{lang} {counter[lang]}" for lang in LANGS)

    def sizes(counter: Counter) -> str:
        return ", ".join(f"{n} → {counter[n]}" for n in sorted(counter))

    def parts(counter: Counter) -> str:
        return "; ".join(
            f"{part} " + ", ".join(f"{lang} {counter[part, lang]}" for lang in LANGS)
            for part in ("tune", "test")
        )

    lines = [
        f"`skills.jsonl`: {len(statements)} statements ({langs(by_lang)}); {len(labels)} skill "
        f"labels, of which {len(set(labels))} are distinct. Skills per statement: "
        f"{sizes(per_statement)}. {transversal} statements carry at least one transversal skill "
        f"and {digital} at least one digital or DigComp skill.",
        "",
        "| sector | " + " | ".join(LANGS) + " | total |",
        "| --- | " + " | ".join("---:" for _ in LANGS) + " | ---: |",
    ]
    for sector in sorted({r["sector"] for r in statements}):
        row = [cells[sector, lang] for lang in LANGS]
        lines.append(f"| {sector} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    lines.append(
        "| **total** | "
        + " | ".join(str(by_lang[lang]) for lang in LANGS)
        + f" | {len(statements)} |"
    )
    lines += [
        "",
        f"`occupations.jsonl`: {len(occupation_items)} items ({langs(occ_lang)}). "
        f"Occupations per item: {sizes(occ_sizes)}.",
        "",
        f"Split by `assistant.skills.evaluate.part_of`: statements {parts(split)}; "
        f"occupation items {parts(occ_split)}.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(
        counts_markdown(read_jsonl(SKILLS_FILE), read_jsonl(OCCUPATIONS_FILE), load_esco())
    )
