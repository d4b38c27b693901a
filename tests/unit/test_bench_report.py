"""The benchmark report renders every section from a result (a format error would otherwise
surface only at the end of an hour-long `make bench`)."""

from __future__ import annotations

from assistant.bench.report import _markdown
from tests.conftest import ROOT

LEVEL = {"turns": 11, "seconds": 1.7, "turns_per_second": 6.4, "p50_ms": 92.0}


def result() -> dict:
    quality = {
        "recall@10": 0.41,
        "transversal_digital_recall@10": 0.25,
        "transversal_digital_recall@10_n": 7,
        "rp@5": 0.5,
        "rp@10": 0.6,
        "mrr": 0.7,
        "precision@10": 0.22,
        "n": 10,
    }
    shown = {"shown_precision": 0.45, "shown_precision_n": 9, "shown_recall": 0.3}
    baseline = quality | {"transversal_digital_recall@10": None}
    occupations = {"es": {"recall@1": 0.5, "recall@10": 0.9, "mrr": 0.6, "n": 5}}
    return {
        "when": "2026-11-28T21:00:00+00:00",
        "machine": {"cpus": 2},
        "seconds": 1200.0,
        "skills_quality": {
            "part": "test",
            "systems": {
                "puente": {"es": quality | shown | {"shown_count": 6.0}, "en": quality},
                "bm25-labels": {"es": baseline},
            },
            "tune": {"puente": {"es": quality | {"recall@10": 0.77}}},
        },
        "skills_jobads": {
            "sentences": 128,
            "unknown_labels": ["x"],
            "systems": {
                "puente": {
                    "en": {"rp@5": 0.522, "rp@10": 0.6, "mrr": 0.7, "n": 128},
                    "ms_per_text": 20.5,
                },
            },
        },
        "occupations_quality": {
            "part": "test",
            "systems": {"puente": occupations, "e5-labels": occupations},
            "tune": {"puente": occupations},
        },
        "skill_latency": {"es-5": {"p50_ms": 50, "p95_ms": 90}},
        "builds": {
            "esco_import_seconds": 60.0,
            "indexes": {"skills-e5": {"vectors": 9, "seconds": 3}},
        },
        "peak_rss_mb": {"bench_process": 900.0},
        "plans": [
            {
                "offers": n,
                "gaps": 60,
                "candidates_after_pruning": 300,
                "p50_ms": 320,
                "p95_ms": 570,
                "solver": ["cp-sat"],
                "optimality_gap_max": 0.0123 if n == 5000 else 0.0,
            }
            for n in (300, 5000)
        ],
        "rest": {
            "database": "sqlite",
            "lock_store": "memory",
            "conversation_turns": 40,
            "levels": [
                {
                    "users": n,
                    **LEVEL,
                    "p95_ms": 500.0,
                    "p99_ms": 600.0,
                    "errors": 0,
                    "cpu_ms_per_turn": {"rasa": 60.0},
                }
                for n in (1, 10, 50)
            ]
            + [
                {
                    "users": 10,
                    "think_seconds": [1.0, 3.0],
                    **LEVEL,
                    "p95_ms": 500.0,
                    "p99_ms": 600.0,
                    "errors": 0,
                }
            ],
            "peak_rss_mb": {"action": 1234.9, "rasa": 1232.2},
        },
        "rasa_training": {"train_seconds": 480.0},
        "nlu": {
            "languages": {
                lang: {
                    "intent_f1_weighted": 0.92,
                    "intent_f1_macro": 0.93,
                    "examples": 1400,
                    "folds": 2,
                }
                for lang in ("es", "en")
            },
            "measured": "2026-11-28T20:00:00+00:00",
            "reused": True,
        },
        "section_seconds": {"nlu": 0.1, "rest": 300.0},
    }


def test_every_section_is_rendered_with_its_numbers():
    text = _markdown(result(), "plot.png")
    for heading in ("Skill extraction quality", "Occupation search", "REST channel", "NLU"):
        assert heading in text
    assert "| at once | 50 | 11 | 92.0 ms | 500.0 ms | 600.0 ms | 6.4 | 0 | rasa 60.0 ms |" in text
    assert "| paced | 10 | 11 | 92.0 ms | 500.0 ms | 600.0 ms | 6.4 | 0 |  |" in text
    assert (
        "all together 2467 MB" in text
        and "Rasa training (when the served model was built): 480.0 s" in text
    )


def test_plans_at_both_sizes_and_a_reused_nlu_measurement_are_said_so():
    text = _markdown(result(), "plot.png")
    assert "- 300 generated offers" in text and "- 5,000 generated offers" in text
    assert "| es | 0.920 | 0.930 | 1400 | 2 | ≥ 0.90 |" in text
    assert "Measured on 2026-11-28T20:00:00+00:00 and reused" in text
    assert "nlu 0.1 s, rest 300.0 s" in text


def test_the_latency_picture_is_drawn(tmp_path):
    from assistant.bench.report import _plot_latency

    # GIVEN a result WHEN its latency picture is drawn THEN a PNG is written
    _plot_latency(result(), tmp_path / "latency.png")
    assert (tmp_path / "latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_queueing_floor_of_the_at_once_levels_is_worked_out():
    # GIVEN a result whose single user's steps were timed and whose servers spend 60 ms of CPU
    # per turn on 2 cores
    r = result()
    r["rest"]["levels"][0]["step_p50_ms"] = [40.0, 55.5, 120.0]
    # WHEN the report is written
    text = _markdown(r, "plot.png")
    # THEN each step's median is listed, and at 10 users at once the mean turn cannot be
    # under 10 x 60 / 2 = 300 ms (33.3 turns/s at most); paced levels get no such line
    assert "1: 40.0 ms, 2: 55.5 ms, 3: 120.0 ms" in text
    assert "at most 33.3 turns/s and the mean cannot fall below 300 ms" in text
    assert "cannot fall below 1500 ms" in text
    assert text.count("Little's law") == 2


def test_quality_is_reported_on_the_test_part_beside_the_baselines():
    # GIVEN a result with the engine and a baseline on the test part, the engine on the tune
    # part, the job-ad set and occupations
    text = _markdown(result(), "plot.png")
    # THEN every skill metric is in the engine's row, means over fewer items say how many,
    # and a metric a system has no value for is a dash
    assert "## Skill extraction quality (development set, test part)" in text
    assert (
        "| puente | es | 10 | 0.410 | 0.250 (7) | 0.500 | 0.600 | 0.700 | 0.220 | "
        "0.450 (9) | 0.300 | 6.0 |" in text
    )
    assert "| bm25-labels | es | 10 | 0.410 | – | 0.500 |" in text
    # AND the tune part is apart and labelled as such
    tune_at = text.index("Tune part, for comparison only (")
    assert text.index("| puente | es | 10 | 0.770 |") > tune_at
    # AND the job-ad set is in percent, and occupations have each system
    assert "| puente | 52.2 | 60.0 | 70.0 | 128 | 20.5 |" in text
    assert "## Occupation search (informal job titles, test part)" in text
    assert "| e5-labels | es | 5 | 0.500 | 0.900 | 0.600 |" in text


def test_a_missing_job_ad_set_is_said_so():
    r = result()
    r["skills_jobads"] = {"missing": "/nowhere/validation.jsonl"}
    assert "Not measured: the validation set was not found (/nowhere" in _markdown(r, "p.png")


def test_the_skill_quality_picture_is_drawn(tmp_path):
    from assistant.bench.report import _plot

    # GIVEN a result WHEN its quality picture is drawn THEN a PNG is written
    _plot(result()["skills_quality"], tmp_path / "skills.png")
    assert (tmp_path / "skills.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_gaps_are_reported_before_story_credit_and_now_on_the_test_part():
    # GIVEN a gap evaluation with its baseline from the same run
    metrics = {
        "credit_recall": 0.44,
        "credit_after_question": 0.72,
        "named_credited": 0.13,
        "credit_recall_essential": 0.43,
        "wrong_top5": 0.16,
        "wrong_top5_after_question": 0.07,
        "top5_relevance": 1.0,
        "named_in_top5": 0.27,
        "plan_essential_share": 0.79,
        "named_in_plan": 0.8,
        "plans_without_offer": 0,
    }
    parts = {"per_part": {p: {"en": metrics, "es": metrics} for p in ("tune", "test")}}
    before = {"per_part": {p: {"en": metrics | {"credit_recall": 0.42}} for p in ("test",)}}
    before["per_part"]["test"]["es"] = metrics
    r = result() | {"gaps_quality": parts | {"before": before}}
    # WHEN the report is written THEN the section shows both columns per language
    text = _markdown(r, "plot.png")
    assert "## Gaps and plans (tests/data/gapset, test part; issue #21)" in text
    assert "en before   en now" in text
    row = next(line for line in text.splitlines() if line.startswith("credit_recall "))
    assert row.split()[1:] == ["0.42", "0.44", "0.44", "0.44"]
    row = next(line for line in text.splitlines() if line.startswith("wrong_top5_after_"))
    assert row.split()[1:] == ["0.07"] * 4


def test_the_load_section_states_its_conditions():
    # GIVEN a load result WHEN reported THEN the conversation length and the switched-off
    # per-sender limit are said, not left for the reader to guess
    text = _markdown(result(), "plot.png")
    assert "complete 40-turn conversation" in text
    assert "PUENTE_RATE_PER_SENDER=0" in text and "X-Forwarded-For" in text


def test_plans_report_how_far_from_optimal_they_may_be():
    text = _markdown(result(), "plot.png")
    assert "optimality gap at most 1.2% of the bound" in text
    assert "optimality gap at most 0.0% of the bound" in text


def test_the_long_conversation_and_the_served_nlu_model_are_reported():
    # GIVEN a result with the long conversation's early and late windows and the served model
    r = result()
    window = {"ms": 80.0, "cpu_ms": {"rasa": 25.0, "action": 100.0}, "action_request_bytes": 2200}
    r["long_conversation"] = {
        "lang": "es",
        "turns": 200,
        "summary": {
            "early": window | {"turns": [11, 20], "tracker_bytes_per_turn": 3500.0},
            "late": window
            | {"turns": [191, 200], "cpu_ms": {"rasa": 25.0, "action": 250.0}}
            | {"tracker_bytes_per_turn": 3500.0},
            "errors": 0,
            "tracker_events": 1291,
            "tracker_bytes": 733705,
            "tracker_bytes_per_turn": 3668.5,
            "state_bytes": 70990,
            "state_version": 200,
        },
    }
    served = {"intent_f1_weighted": 0.978, "intent_f1_macro": 0.973, "accuracy": 0.978}
    r["nlu_served"] = {
        "model": "puente-abc.tar.gz",
        "languages": {"es": served | {"examples": 226, "dropped_as_training": 52}},
        "measured": "2026-12-07T05:00:00+00:00",
        "reused": False,
    }
    # WHEN the report is written
    text = _markdown(r, "plot.png")
    # THEN each process's CPU is compared early and late, with the change
    assert "## A long conversation (200 turns, es)" in text
    assert "| CPU, action | 100.0 ms | 250.0 ms | +150% |" in text
    assert "| CPU, rasa | 25.0 ms | 25.0 ms | +0% |" in text
    assert "733,705 bytes" in text
    # AND the served model's held-out score says how many examples were dropped
    assert "| es | 0.978 | 0.973 | 0.978 | 226 | 52 |" in text
    assert "puente-abc.tar.gz, measured in this run" in text


def test_a_test_story_turn_that_rewords_a_training_example_is_not_held_out():
    from assistant.bench.nlu import _words, held_out_examples

    # GIVEN the test stories' user turns kept as held out
    kept, dropped = held_out_examples("es")
    # THEN none is, but for case and punctuation, a training example (some were dropped)
    training = {
        _words(line.strip()[2:])
        for line in (ROOT / "nlu_data/nlu_es.yml").read_text().splitlines()
        if line.strip().startswith("- ")
    }
    assert kept and dropped > 0
    assert not [text for text, _ in kept if _words(text) in training]
