"""Rasa's side only: `rasa data validate` is clean, and every NLU story (both languages,
every digression) passes `rasa test --fail-on-prediction-errors` with the trained model: each
user text gets the annotated intent and entities, and Rasa routes each turn to
action_converse. Every intent goes to that one action, so these stories test understanding
and routing, not Puente's dialogue: that is tested by tests/unit/test_dialogue.py (the
dialogue itself), tests/integration/test_dialogue_corpus.py and test_conversation_e2e.py
(the dialogue through the real servers)."""

from __future__ import annotations

import os
import subprocess

import yaml

from tests.conftest import ROOT

RASA = str(ROOT / ".venv-rasa/bin/rasa")
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def test_rasa_data_validate_is_clean(tmp_path):
    out = subprocess.run(
        [
            RASA,
            "data",
            "validate",
            "--data",
            "nlu_data",
            "--domain",
            "domain.yml",
            "--config",
            "config.yml",
            "--fail-on-warnings",
        ],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


def test_there_are_at_least_forty_nlu_stories_in_both_languages():
    counts = {
        lang: len(
            yaml.safe_load((ROOT / f"tests/dialogue/nlu_stories_{lang}.yml").read_text())["stories"]
        )
        for lang in ("es", "en")
    }
    assert sum(counts.values()) >= 40 and min(counts.values()) >= 20, counts


def test_every_nlu_story_is_understood_and_routed(tmp_path):
    from assistant.bootstrap.rasa_model import ensure_rasa_model
    from assistant.config import get_settings

    model = ensure_rasa_model(get_settings())
    out = subprocess.run(
        [
            RASA,
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            "tests/dialogue",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text()[:4000] if failed.exists() else ""
    assert out.returncode == 0, detail + out.stdout[-2000:] + out.stderr[-2000:]
