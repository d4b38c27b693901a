"""The evaluation's metrics on hand-made rankings, and the fixed tune/test split."""

from __future__ import annotations

import json

import pytest

from assistant.skills.evaluate import (
    DEVSET_DIR,
    aggregate,
    hit_at_k,
    load_items,
    load_jobads,
    occupation_row,
    part_of,
    precision_at_k,
    precision_of_shown,
    recall_at_k,
    reciprocal_rank,
    rp_at_k,
    score_ranker,
    skill_row,
)

# A ranking of ten skills, three of the four accepted ones among them (at ranks 2, 5 and 9)
RANKED = ["x1", "a", "x2", "x3", "b", "x4", "x5", "x6", "c", "x7", "d"]
ACCEPTED = frozenset({"a", "b", "c", "d"})


def test_recall_at_10_is_the_share_of_accepted_skills_in_the_top_10():
    # GIVEN four accepted skills, three in the top 10 and the fourth at rank 11
    # WHEN recall@10 and recall@5 are computed
    # THEN 3/4 and 2/4 (not 1.0, as "any accepted skill found" would say)
    assert recall_at_k(RANKED, ACCEPTED, 10) == pytest.approx(0.75)
    assert recall_at_k(RANKED, ACCEPTED, 5) == pytest.approx(0.5)
    assert recall_at_k(RANKED, ACCEPTED, 11) == pytest.approx(1.0)


def test_recall_of_a_statement_without_relevant_skills_is_left_out():
    # GIVEN no relevant skill WHEN recall is computed THEN it is None, not 0 or 1
    assert recall_at_k(RANKED, frozenset(), 10) is None


def test_rp_at_k_divides_by_the_hits_possible_in_the_top_k():
    # GIVEN four accepted skills WHEN RP@5 and RP@10 are computed
    # THEN RP@5 = 2 / min(5, 4) and RP@10 = 3 / min(10, 4)
    assert rp_at_k(RANKED, ACCEPTED, 5) == pytest.approx(2 / 4)
    assert rp_at_k(RANKED, ACCEPTED, 10) == pytest.approx(3 / 4)
    # AND with one accepted skill at rank 2, RP@5 is 1 (the most possible)
    assert rp_at_k(RANKED, frozenset({"a"}), 5) == 1.0
    assert rp_at_k(RANKED, frozenset(), 5) == 0.0


def test_mrr_is_one_over_the_rank_of_the_first_accepted_skill():
    assert reciprocal_rank(RANKED, ACCEPTED) == pytest.approx(1 / 2)
    assert reciprocal_rank(RANKED, frozenset({"c"})) == pytest.approx(1 / 9)
    assert reciprocal_rank(RANKED, frozenset({"zzz"})) == 0.0


def test_precision_at_10_counts_empty_slots_as_misses():
    # GIVEN three accepted skills in a full top 10 THEN precision@10 is 0.3
    assert precision_at_k(RANKED, ACCEPTED, 10) == pytest.approx(0.3)
    # AND a ranking of only two skills, both accepted, still fills 2 of 10 slots
    assert precision_at_k(["a", "b"], ACCEPTED, 10) == pytest.approx(0.2)


def test_precision_of_what_is_shown_is_over_the_number_shown():
    # GIVEN the engine shows two skills, one accepted THEN its precision is 1/2
    assert precision_of_shown(["a", "x1"], ACCEPTED) == pytest.approx(0.5)
    # AND nothing shown gives no precision (left out of the mean), not 0 or 1
    assert precision_of_shown([], ACCEPTED) is None


def test_hit_at_k_is_one_when_any_accepted_occupation_is_in_the_top_k():
    assert hit_at_k(["o2", "o1"], frozenset({"o1", "o9"}), 1) == 0.0
    assert hit_at_k(["o2", "o1"], frozenset({"o1", "o9"}), 2) == 1.0
    row = occupation_row(["o2", "o1"], frozenset({"o1"}))
    assert row == {"recall@1": 0.0, "recall@10": 1.0, "mrr": 0.5}


def test_transversal_and_digital_recall_looks_only_at_those_accepted_skills():
    # GIVEN accepted skills a, b, c, d of which b and d are transversal or digital
    focus = frozenset({"b", "d", "unrelated"})
    # WHEN one statement is scored with what the engine shows
    row = skill_row(RANKED, ACCEPTED, focus, shown=["a", "x1", "b"])
    # THEN b is in the top 10 and d is not: 1/2; the other metrics are those above
    assert row["transversal_digital_recall@10"] == pytest.approx(0.5)
    assert row["recall@10"] == pytest.approx(0.75)
    assert row["precision@10"] == pytest.approx(0.3)
    # AND of the three skills shown two are accepted, two of the four accepted skills
    assert row["shown_precision"] == pytest.approx(2 / 3)
    assert row["shown_recall"] == pytest.approx(0.5)
    assert row["shown_count"] == 3.0
    # AND a statement with no transversal or digital skill is left out of that metric
    assert skill_row(RANKED, ACCEPTED, frozenset())["transversal_digital_recall@10"] is None
    # AND a ranker that shows nothing separately has no shown_* metrics
    assert "shown_precision" not in skill_row(RANKED, ACCEPTED)


def test_aggregate_leaves_out_missing_values_and_says_how_many_counted():
    # GIVEN three rows, one without a transversal or digital skill
    rows = [
        {"recall@10": 1.0, "transversal_digital_recall@10": 0.5},
        {"recall@10": 0.5, "transversal_digital_recall@10": None},
        {"recall@10": 0.0, "transversal_digital_recall@10": 1.0},
    ]
    # WHEN they are averaged
    out = aggregate(rows)
    # THEN that metric is the mean of the two that have it, with its own n
    assert out["recall@10"] == pytest.approx(0.5)
    assert out["transversal_digital_recall@10"] == pytest.approx(0.75)
    assert out["transversal_digital_recall@10_n"] == 2
    assert out["n"] == 3 and "recall@10_n" not in out


def test_score_ranker_reports_each_language_and_all():
    # GIVEN a ranker that always returns the same ranking, and two items in two languages
    from assistant.skills.evaluate import Item

    items = [
        Item("1", "en", "t", frozenset({"a"})),
        Item("2", "es", "t", frozenset({"zzz"})),
    ]
    # WHEN it is scored THEN each language has its numbers and 'all' averages both
    result = score_ranker(lambda text, lang: RANKED, items, focus=frozenset({"a"}))
    assert result["en"]["recall@10"] == 1.0 and result["es"]["recall@10"] == 0.0
    assert result["all"]["recall@10"] == pytest.approx(0.5)
    assert result["all"]["transversal_digital_recall@10"] == 1.0
    assert result["all"]["transversal_digital_recall@10_n"] == 1
    assert result["all"]["n"] == 2 and "ms_per_text" in result


def test_job_ad_labels_are_matched_on_the_exact_preferred_label(tmp_path):
    # GIVEN two sentences, one whose only label names no known skill
    path = tmp_path / "validation.jsonl"
    rows = [
        {"id": "h1", "dataset": "HOUSE", "text": "SQL a plus", "labels": ["SQL", "sql "]},
        {"id": "h2", "dataset": "TECH", "text": "Go", "labels": ["unknown skill"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    # WHEN they are loaded
    items, unknown = load_jobads(path, {"SQL": "uri:sql"})
    # THEN the first keeps its exact label's URI, the unknown labels are listed, and the
    # sentence left without a label is dropped
    assert [(i.id, i.relevant) for i in items] == [("h1", frozenset({"uri:sql"}))]
    assert unknown == ["sql ", "unknown skill"]


# -- the split ---------------------------------------------------------------------------------
# The test part when the split was frozen (commit 9672f7f; skills es-001..109, en-001..118,
# pt-001..009; occupations occ-es-001..076, occ-en-001..071, occ-pt-001..007).
FROZEN_SIZES = {
    "es": 109,
    "en": 118,
    "pt": 9,
    "occ-es": 76,
    "occ-en": 71,
    "occ-pt": 7,
}
FROZEN_TEST = set(
    """
es-003 es-004 es-013 es-018 es-019 es-026 es-027 es-028 es-032 es-034 es-046 es-053 es-054
es-063 es-068 es-069 es-071 es-075 es-080 es-081 es-083 es-085 es-088 es-090 es-091 es-093
es-094 es-095 es-096 es-098 es-099 es-100 es-101 es-104 es-106 es-109 en-007 en-008 en-009
en-012 en-022 en-027 en-029 en-032 en-035 en-036 en-038 en-040 en-044 en-048 en-049 en-050
en-060 en-062 en-066 en-069 en-074 en-076 en-078 en-080 en-082 en-083 en-085 en-090 en-097
en-099 en-100 en-103 en-109 en-116 en-117 en-118 pt-006 pt-007
occ-es-006 occ-es-007 occ-es-012 occ-es-016 occ-es-017 occ-es-020 occ-es-024 occ-es-025
occ-es-028 occ-es-034 occ-es-037 occ-es-040 occ-es-043 occ-es-053 occ-es-054 occ-es-056
occ-es-058 occ-es-059 occ-es-068 occ-es-070 occ-es-072 occ-es-076 occ-en-006 occ-en-009
occ-en-012 occ-en-018 occ-en-023 occ-en-024 occ-en-026 occ-en-034 occ-en-035 occ-en-036
occ-en-040 occ-en-042 occ-en-043 occ-en-044 occ-en-045 occ-en-049 occ-en-056 occ-en-060
occ-en-061 occ-en-062 occ-en-065 occ-en-066 occ-en-069 occ-en-071 occ-pt-002 occ-pt-003
occ-pt-006
""".split()
)


def frozen_ids() -> list[str]:
    return [
        f"{prefix}-{n:03d}" for prefix, size in FROZEN_SIZES.items() for n in range(1, size + 1)
    ]


def test_items_keep_the_part_they_had_when_the_split_was_frozen():
    # GIVEN the 390 items that existed when the split was frozen
    # WHEN their parts are computed today THEN each is where it was (no seed or rule change
    # may move a tuned-on item into the test part or the reverse)
    moved = [i for i in frozen_ids() if part_of(i) != ("test" if i in FROZEN_TEST else "tune")]
    assert moved == []


def test_about_thirty_percent_are_in_the_test_part():
    # GIVEN the frozen items and 10,000 ids of the same shape
    share = len(FROZEN_TEST) / len(frozen_ids())
    synthetic = [f"en-{n:05d}" for n in range(10_000)]
    synthetic_share = sum(part_of(i) == "test" for i in synthetic) / len(synthetic)
    # THEN about 30% of each are test items
    assert 0.27 <= share <= 0.34
    assert 0.29 <= synthetic_share <= 0.31


def test_the_two_parts_of_the_development_sets_are_disjoint_and_complete():
    # GIVEN the development sets as they are now (items may have been added since)
    for name, key in (("skills.jsonl", "skills"), ("occupations.jsonl", "occupations")):
        every = {i.id for i in load_items(DEVSET_DIR / name, key)}
        test = {i.id for i in load_items(DEVSET_DIR / name, key, part="test")}
        tune = {i.id for i in load_items(DEVSET_DIR / name, key, part="tune")}
        # THEN each item is in exactly one part, and the frozen test items are in the test one
        assert test | tune == every and not test & tune
        assert FROZEN_TEST & every <= test
        assert 0.2 <= len(test) / len(every) <= 0.4
