"""Rasa's check of action server responses, replaced by one that builds its validator once
(connectors/action_responses.py), still decides every response as Rasa's own does."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import ROOT


def test_the_cached_validator_decides_like_rasas_own():
    # GIVEN valid and invalid action server responses
    # WHEN Rasa's validator and the installed one judge each, in Rasa's runtime
    done = subprocess.run(
        [str(ROOT / ".venv-rasa/bin/python"), "tests/rasa_side/action_response_check.py"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    # THEN they agree on every one, with the same message, covering both outcomes
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "9 cases decided alike" in done.stdout
