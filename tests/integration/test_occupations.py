"""Occupation search on real ESCO titles: informal titles, typos, batch mode."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def search(engine):
    from assistant.services.skills import get_occupation_search

    return get_occupation_search()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cashier at a supermarket", "cashier"),
        ("bookeeper", "bookkeeper"),
        ("web guy", "web developer"),
        ("babysiter", "babysitter"),
        ("cajera de super", "cashier"),
        ("albañil", "bricklayer"),
        ("repartidor de rappi", "motorcycle delivery person"),
        ("pedreiro", "bricklayer"),
    ],
)
def test_informal_titles_and_typos(search, text, expected):
    labels = [h.label for h in search.search(text, top=5)]
    assert expected in labels, labels


def test_scores_are_ranked_and_bounded(search):
    hits = search.search("delivery driver", top=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_cli_json_and_batch(search, tmp_path):
    cli = str(ROOT / ".venv/bin/assistant")
    one = subprocess.run(
        [cli, "occupations", "cashier", "--json", "--top", "3"],
        capture_output=True,
        text=True,
        check=True,
    )
    payload = json.loads(one.stdout)
    assert len(payload["occupations"]) == 3
    assert set(payload["occupations"][0]) == {"uri", "label", "score"}
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id": 1, "text": "electrician"}\n{"id": 2, "text": ""}\n')
    subprocess.run(
        [cli, "occupations", "--batch", str(src), "--out", str(out), "--top", "5"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["id"] == 1 and len(rows[0]["occupations"]) == 5
    assert rows[1]["occupations"] == [] and "error" in rows[1]
