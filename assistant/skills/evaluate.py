"""Ranking quality on labelled sets: RP@5, RP@10 and MRR per language, for the engine and
for two baselines computed in the same run (BM25 over ESCO preferred labels, and the plain
packaged MiniLM model over preferred labels only)."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import PROJECT_ROOT

DEVSET_DIR = PROJECT_ROOT / "tests" / "data" / "devset"
Ranker = Callable[[str, str], list[str]]  # (text, lang) -> ranked URIs


# The development sets are split once, by a fixed seed, into a tune part (about 70%) and a
# frozen test part (about 30%): rules, lexicons, calibration and model choices may look at
# the tune part only, and every claim is made on the test part. Hashing each item's id keeps
# an item in its part when others are added.
SPLIT_SEED = "puente-devset-2026-12"
TEST_SHARE = 3  # in tenths


def part_of(item_id: str) -> str:
    """'test' (frozen) or 'tune' for a development-set item."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{item_id}".encode()).hexdigest()
    return "test" if int(digest, 16) % 10 < TEST_SHARE else "tune"


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    text: str
    relevant: frozenset[str]


def load_items(
    path: Path,
    key: str = "skills",
    limit_per_lang: int | None = None,
    part: str | None = None,
) -> list[Item]:
    """Labelled items; `part` ('tune' or 'test') keeps one side of the fixed split."""
    items: list[Item] = []
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if part and part_of(row["id"]) != part:
            continue
        if limit_per_lang and counts.get(row["lang"], 0) >= limit_per_lang:
            continue
        counts[row["lang"]] = counts.get(row["lang"], 0) + 1
        items.append(
            Item(row["id"], row["lang"], row["text"], frozenset(s["uri"] for s in row[key]))
        )
    return items


def rp_at_k(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    """R-precision at k: hits in the top k over the most hits possible there."""
    if not relevant:
        return 0.0
    hits = sum(1 for uri in ranked[:k] if uri in relevant)
    return hits / min(k, len(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    for position, uri in enumerate(ranked, start=1):
        if uri in relevant:
            return 1.0 / position
    return 0.0


def recall_at_k(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    return float(any(uri in relevant for uri in ranked[:k]))


def score_ranker(ranker: Ranker, items: list[Item], occupations: bool = False) -> dict:
    """Metrics per language and overall, plus the mean time per text."""
    per_lang: dict[str, list[dict]] = {}
    started = time.perf_counter()
    for item in items:
        ranked = ranker(item.text, item.lang)
        if occupations:
            row = {
                "recall@1": recall_at_k(ranked, item.relevant, 1),
                "recall@10": recall_at_k(ranked, item.relevant, 10),
                "mrr": reciprocal_rank(ranked, item.relevant),
            }
        else:
            row = {
                "rp@5": rp_at_k(ranked, item.relevant, 5),
                "rp@10": rp_at_k(ranked, item.relevant, 10),
                "mrr": reciprocal_rank(ranked, item.relevant),
            }
        per_lang.setdefault(item.lang, []).append(row)
        per_lang.setdefault("all", []).append(row)
    elapsed = time.perf_counter() - started
    result = {
        lang: {metric: round(float(np.mean([r[metric] for r in rows])), 4) for metric in rows[0]}
        | {"n": len(rows)}
        for lang, rows in per_lang.items()
    }
    result["ms_per_text"] = round(1000 * elapsed / max(1, len(items)), 1)
    return result


# -- baselines ---------------------------------------------------------------------------------
_TOKEN = re.compile(r"[^\W_]+", re.U)


def bm25_ranker(labels: dict[str, str], top: int = 100) -> Ranker:
    from rank_bm25 import BM25Okapi

    uris = list(labels)
    bm25 = BM25Okapi([_TOKEN.findall(labels[u].lower()) or ["_"] for u in uris])

    def rank(text: str, lang: str) -> list[str]:
        scores = bm25.get_scores(_TOKEN.findall(text.lower()))
        order = np.argsort(-scores)[:top]
        return [uris[i] for i in order if scores[i] > 0]

    return rank


def dense_label_ranker(index, embedder, top: int = 100) -> Ranker:
    def rank(text: str, lang: str) -> list[str]:
        scores, rows = index.search(embedder.embed_queries([text]), top)
        return [index.keys[r] for r in rows[0] if r >= 0]

    return rank


def engine_ranker(engine, top: int = 100) -> Ranker:
    def rank(text: str, lang: str) -> list[str]:
        result = engine.extract(text, language="auto", top=top, cutoff=False)
        return [hit.uri for hit in result.skills[:top]]

    return rank


def compare_skill_rankers(engine, items: list[Item]) -> dict[str, dict]:
    from assistant.skills.embedders import get_embedder

    labels = {uri: info.label for uri, info in engine.view.skills.items()}
    rankers = {
        "puente": engine_ranker(engine),
        "bm25-labels": bm25_ranker(labels),
        "minilm-labels": dense_label_ranker(
            engine.index("skill-labels", "minilm"), get_embedder("minilm")
        ),
    }
    return {name: score_ranker(ranker, items) for name, ranker in rankers.items()}
