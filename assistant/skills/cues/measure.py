"""Recall and precision of the cue layer alone against the development set's labels.

    python -m assistant.skills.cues.measure            # the tune part (the only one to tune on)
    python -m assistant.skills.cues.measure --misses   # also list missed and wrong concepts

Recall counts the transversal and digital labels (ESCO's transversal, digital and DigComp
collections) that a cue hit names; precision is the share of cue hits (any concept) that
are among the item's labels. Claims belong to the frozen test part (`--part test`), which
nobody tunes on.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path


def transversal_and_digital(esco_dir: Path) -> tuple[set[str], dict[str, str]]:
    from assistant.taxonomy.esco_files import open_release

    release = open_release(esco_dir)
    labels = {r["conceptUri"]: r["preferredLabel"].strip() for r in release.rows("skills")}
    wanted = {
        r["conceptUri"]
        for name in (
            "transversalSkillsCollection",
            "digitalSkillsCollection",
            "digCompSkillsCollection",
        )
        for r in release.rows(name)
    }
    return wanted, labels


def measure(items, kinds: set[str]) -> dict:
    """items: (id, lang, text, labels); kinds: the transversal and digital URIs."""
    from assistant.skills.cues import find_cues

    out: dict = {}
    for lang in sorted({item[1] for item in items}):
        rows = [item for item in items if item[1] == lang]
        wanted = found = hits_all = hits_right = hits_td = hits_td_right = 0
        covered_items = items_with = 0
        missed: Counter = Counter()
        wrong: Counter = Counter()
        for _id, _lang, text, labels in rows:
            predicted = {hit.uri for hit in find_cues(text, lang)}
            target = labels & kinds
            wanted += len(target)
            found += len(target & predicted)
            hits_all += len(predicted)
            hits_right += len(predicted & labels)
            hits_td += len(predicted & kinds)
            hits_td_right += len(predicted & kinds & labels)
            if target:
                items_with += 1
                covered_items += bool(target & predicted)
            missed.update(target - predicted)
            wrong.update(predicted - labels)
        out[lang] = {
            "items": len(rows),
            "td_labels": wanted,
            "td_recall": round(found / max(1, wanted), 3),
            "items_with_td_label_found": f"{covered_items}/{items_with}",
            "hits": hits_all,
            "precision_all_hits": round(hits_right / max(1, hits_all), 3),
            "precision_td_hits": round(hits_td_right / max(1, hits_td), 3),
            "missed": missed,
            "wrong": wrong,
        }
    return out


def main(argv: list[str] | None = None) -> None:
    from assistant.config import get_settings
    from assistant.skills.split import DEVSET_DIR, part_of

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("tune", "test"), default="tune")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)
    kinds, labels = transversal_and_digital(get_settings().esco_dir)
    items = []
    for line in (DEVSET_DIR / "skills.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if part_of(row["id"]) == args.part and row["lang"] in ("es", "en"):
                uris = {s["uri"] for s in row["skills"]}
                items.append((row["id"], row["lang"], row["text"], uris))
    for lang, result in measure(items, kinds).items():
        missed, wrong = result.pop("missed"), result.pop("wrong")
        print(lang, args.part, json.dumps(result))
        if args.misses:
            print("  missed:", [(labels.get(u, u), n) for u, n in missed.most_common(15)])
            print("  not labelled:", [(labels.get(u, u), n) for u, n in wrong.most_common(15)])


if __name__ == "__main__":
    main()
