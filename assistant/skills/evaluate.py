"""Ranking quality on labelled sets, per language, for the engine and for baselines computed
in the same run: BM25 over ESCO's English preferred labels, and the plain packaged MiniLM and
multilingual e5 models over the same labels (the vectors of the engine's cached indexes).

Skill metrics, per statement then averaged (the labels are the skills a counsellor accepts):
- recall@10: |top 10 ∩ accepted| / |accepted|;
- transversal+digital recall@10: the same over the accepted skills in ESCO's transversal,
  digital or DigComp collections; statements without such a skill are left out (its n);
- RP@k: |top k ∩ accepted| / min(k, |accepted|) (R-precision at k, the field's RP@k);
- MRR: 1 / rank of the first accepted skill;
- precision@10: |top 10 ∩ accepted| / 10, the share of a full top 10 a counsellor accepts;
- shown: what the engine shows a worker (its cut-off on, at most 10): precision over what is
  shown (statements with nothing shown are left out, their n), recall, and how many are shown.
Occupation metrics, per job title: recall@k is 1 when an accepted occupation is in the top k
(titles have 1-3 accepted occupations, any one of which is right), and MRR.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import PROJECT_ROOT
from assistant.skills.split import (  # noqa: F401 - re-exported: callers import them here
    DEVSET_DIR,
    PARTS,
    SPLIT_SEED,
    TEST_SHARE,
    part_of,
)

JOBADS_PATH = (
    PROJECT_ROOT.parent / "shared" / "benchmarks" / "skills-jobads-validation" / "validation.jsonl"
)
TRANSVERSAL_DIGITAL_COLLECTIONS = ("transversal", "digital", "digcomp")
Ranker = Callable[[str, str], list[str]]  # (text, lang) -> ranked URIs


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


def load_jobads(path: Path, uri_of_label: dict[str, str]) -> tuple[list[Item], list[str]]:
    """The public job-ad sentences (English), gold labels mapped to URIs by their exact
    preferred label, as the set's README scores them; returns the items and the labels that
    name no skill here (a sentence left with none is dropped)."""
    items, unknown = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        uris = {uri_of_label[label] for label in row["labels"] if label in uri_of_label}
        unknown += [label for label in row["labels"] if label not in uri_of_label]
        if uris:
            items.append(Item(row["id"], "en", row["text"], frozenset(uris)))
    return items, unknown


# -- metrics on one ranking -------------------------------------------------------------------
def _hits(ranked: Sequence[str], relevant: frozenset[str], k: int) -> int:
    return len(set(ranked[:k]) & relevant)


def rp_at_k(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    """R-precision at k: hits in the top k over the most hits possible there."""
    if not relevant:
        return 0.0
    return _hits(ranked, relevant, k) / min(k, len(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    for position, uri in enumerate(ranked, start=1):
        if uri in relevant:
            return 1.0 / position
    return 0.0


def recall_at_k(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float | None:
    """Share of the relevant items in the top k; None (left out of a mean) when none are."""
    if not relevant:
        return None
    return _hits(ranked, relevant, k) / len(relevant)


def precision_at_k(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    """Share of k slots holding a relevant item (a ranking shorter than k is not excused)."""
    return _hits(ranked, relevant, k) / k


def precision_of_shown(shown: Sequence[str], relevant: frozenset[str]) -> float | None:
    """Share of what is shown that is relevant; None when nothing is shown."""
    if not shown:
        return None
    return _hits(shown, relevant, len(shown)) / len(shown)


def hit_at_k(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    """1 when any relevant item is in the top k (occupations: any accepted one is right)."""
    return float(any(uri in relevant for uri in ranked[:k]))


def skill_row(
    ranked: Sequence[str],
    relevant: frozenset[str],
    focus: frozenset[str] = frozenset(),
    shown: Sequence[str] | None = None,
) -> dict[str, float | None]:
    """Every skill metric for one statement; None marks a metric the statement is left out
    of. `focus`: the transversal and digital skills; `shown`: what the engine shows."""
    row = {
        "recall@10": recall_at_k(ranked, relevant, 10),
        "transversal_digital_recall@10": recall_at_k(ranked, relevant & focus, 10),
        "rp@5": rp_at_k(ranked, relevant, 5),
        "rp@10": rp_at_k(ranked, relevant, 10),
        "mrr": reciprocal_rank(ranked, relevant),
        "precision@10": precision_at_k(ranked, relevant, 10),
    }
    if shown is not None:
        row["shown_precision"] = precision_of_shown(shown, relevant)
        row["shown_recall"] = recall_at_k(shown, relevant, len(shown) or 1)
        row["shown_count"] = float(len(shown))
    return row


def occupation_row(ranked: Sequence[str], relevant: frozenset[str]) -> dict[str, float]:
    return {
        "recall@1": hit_at_k(ranked, relevant, 1),
        "recall@10": hit_at_k(ranked, relevant, 10),
        "mrr": reciprocal_rank(ranked, relevant),
    }


def aggregate(rows: list[dict[str, float | None]]) -> dict:
    """Means per metric over the rows that have it; `n` counts rows, and `<metric>_n` is
    added for a metric some rows are left out of."""
    out: dict = {}
    for metric in rows[0]:
        values = [r[metric] for r in rows if r[metric] is not None]
        out[metric] = round(float(np.mean(values)), 4) if values else None
        if len(values) != len(rows):
            out[f"{metric}_n"] = len(values)
    out["n"] = len(rows)
    return out


def score_ranker(
    ranker: Ranker,
    items: list[Item],
    occupations: bool = False,
    focus: frozenset[str] = frozenset(),
    shown: Ranker | None = None,
) -> dict:
    """Metrics per language and over all ('all'), plus the mean time per text (ranking and,
    when asked, what is shown)."""
    per_lang: dict[str, list[dict]] = {}
    started = time.perf_counter()
    for item in items:
        ranked = ranker(item.text, item.lang)
        if occupations:
            row = occupation_row(ranked, item.relevant)
        else:
            seen = shown(item.text, item.lang) if shown else None
            row = skill_row(ranked, item.relevant, focus, seen)
        per_lang.setdefault(item.lang, []).append(row)
        per_lang.setdefault("all", []).append(row)
    elapsed = time.perf_counter() - started
    result: dict = {lang: aggregate(rows) for lang, rows in per_lang.items()}
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


def label_rows(index):
    """The preferred-label rows of an index (all of it when it holds nothing else)."""
    return index if set(index.fields) == {"label"} else index.subset("label")


def label_rankers(engine, kind: str = "skills") -> dict[str, Ranker]:
    """The baselines over English preferred labels: BM25, and MiniLM and e5 reading the label
    vectors already in the engine's indexes (nothing embedded again)."""
    from assistant.skills.embedders import get_embedder

    if kind == "skills":
        labels = {uri: info.label for uri, info in engine.view.skills.items()}
    else:
        labels = {uri: entry[0] for uri, entry in engine.view.occupations.items()}
    rankers = {"bm25-labels": bm25_ranker(labels)}
    for model in ("minilm", "e5"):
        index = label_rows(engine.index(kind, model))
        rankers[f"{model}-labels"] = dense_label_ranker(index, get_embedder(model))
    return rankers


def engine_ranker(
    engine, top: int = 100, cutoff: bool = False, route: bool = True, **options
) -> Ranker:
    """The engine in the item's own language, as the conversation calls it; `cutoff=True`
    with top=10 is what a worker is shown; `route=False` without the occupation route;
    `rerank=True` with the second-stage ranker."""

    def rank(text: str, lang: str) -> list[str]:
        result = engine.extract(text, language=lang, top=top, cutoff=cutoff, route=route, **options)
        return [hit.uri for hit in result.skills[:top]]

    return rank


def transversal_digital_skills(url: str | None = None) -> frozenset[str]:
    """Skills in ESCO's transversal, digital or DigComp collections, from the imported
    collection tables (not the engine's `kind`, which also calls every skill of reuse level
    'transversal' transversal)."""
    from sqlalchemy import select

    from assistant.db.session import session_scope
    from assistant.db.taxonomy_models import EscoCollectionMember as member

    with session_scope(url) as session:
        query = select(member.skill_uri).where(
            member.collection.in_(TRANSVERSAL_DIGITAL_COLLECTIONS)
        )
        return frozenset(session.scalars(query))


def compare_skill_rankers(
    engine,
    items: list[Item],
    focus: frozenset[str] | None = None,
    baselines: bool = True,
) -> dict[str, dict]:
    """The engine (ranked without its cut-off, and what it shows with it) and, when asked,
    the label baselines, on the same items."""
    focus = transversal_digital_skills() if focus is None else focus
    results = {
        "puente": score_ranker(
            engine_ranker(engine),
            items,
            focus=focus,
            shown=engine_ranker(engine, top=10, cutoff=True),
        )
    }
    if baselines:
        # the engine with the second-stage ranker (#20 item 5, measured, not served)
        results["puente-reranked"] = score_ranker(
            engine_ranker(engine, rerank=True),
            items,
            focus=focus,
            shown=engine_ranker(engine, top=10, cutoff=True, rerank=True),
        )
        # the engine as it was before the occupation route (#20 item 3), same run
        results["puente-no-route"] = score_ranker(
            engine_ranker(engine, route=False),
            items,
            focus=focus,
            shown=engine_ranker(engine, top=10, cutoff=True, route=False),
        )
        # Spanish text meeting ESCO's English labels only, as before the Spanish labels (#19)
        english = engine.english_labels_only()
        results["puente-english-labels"] = score_ranker(
            engine_ranker(english),
            items,
            focus=focus,
            shown=engine_ranker(english, top=10, cutoff=True),
        )
        untrained = engine.untrained()
        if untrained is not None:  # the engine before its model was fine-tuned (#20 item 2)
            results["puente-untrained"] = score_ranker(
                engine_ranker(untrained),
                items,
                focus=focus,
                shown=engine_ranker(untrained, top=10, cutoff=True),
            )
        for name, ranker in label_rankers(engine, "skills").items():
            results[name] = score_ranker(ranker, items, focus=focus)
    return results


def compare_occupation_rankers(
    search, engine, items: list[Item], baselines: bool = True
) -> dict[str, dict]:
    def puente(text: str, lang: str) -> list[str]:
        return [hit.uri for hit in search.search(text, lang, top=10)]

    rankers = {"puente": puente}
    if baselines:
        from assistant.goals.occupations import OccupationSearch

        # ESCO's English titles only, as before the Spanish labels (#19)
        english = OccupationSearch(search.engine.english_labels_only())
        rankers["puente-english-labels"] = lambda text, lang: [
            hit.uri for hit in english.search(text, lang, top=10)
        ]
        rankers |= label_rankers(engine, "occupations")
    return {name: score_ranker(r, items, occupations=True) for name, r in rankers.items()}


def jobads_quality(engine, path: Path = JOBADS_PATH, baselines: bool = True) -> dict:
    """RP@5, RP@10 and MRR on the public job-ad validation set (all ESCO skills ranked)."""
    if not path.exists():
        return {"missing": str(path)}
    uri_of_label = {info.label: uri for uri, info in engine.view.skills.items()}
    items, unknown = load_jobads(path, uri_of_label)
    rankers = {"puente": engine_ranker(engine)}
    if baselines:
        rankers["puente-reranked"] = engine_ranker(engine, rerank=True)
        untrained = engine.untrained()
        if untrained is not None:
            rankers["puente-untrained"] = engine_ranker(untrained)
        rankers |= label_rankers(engine, "skills")
    systems = {}
    for name, ranker in rankers.items():
        scored = score_ranker(ranker, items)
        keep = ("rp@5", "rp@10", "mrr", "n")
        systems[name] = {"en": {k: scored["en"][k] for k in keep}} | {
            "ms_per_text": scored["ms_per_text"]
        }
    return {"sentences": len(items), "unknown_labels": sorted(set(unknown)), "systems": systems}
