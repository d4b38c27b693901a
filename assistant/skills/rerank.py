"""The second-stage ranker (#20 item 5): the engine's top candidates for a text, re-ordered by
how likely a counsellor is to accept each, from what the engine read for it (its dense and
lexical evidence, the worker's occupation's push, how many units show it, its rank) and how
much of the skill's own name the worker's words hold. One logistic model per language
family, fitted on the development set's tune part only (`assistant evaluate train-ranker`);
its weights are a small file in the package, like the calibration.

Measured, not served: `make bench` scores it beside the engine (puente-reranked). On the tune
part it put an accepted skill first more often, but showed no better precision at the same
recall, and it pushed a waitress's "handle customer complaints" and a nanny's "assist
children with homework" out of the first ten, paraphrases with no word in common with the
story, which is the inference a counsellor makes (docs/skills.md, "The second-stage ranker").

Why: the first stage reads each sentence against 14,000 skills by meaning alone, so a
sentence about helping a child with homework also meets "assist in missionary work", and
"I gave him first aid" meets "provide first aid to animals" (found walking a nanny's story);
the words the label adds that the worker never said are the signal such a match lacks."""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.skills.lexicon import fold
from assistant.skills.results import SkillHit

WEIGHTS_PATH = Path(__file__).with_name("rerank_weights.json")
CANDIDATES = 30  # how many of the first stage's candidates are re-ordered
FEATURES = (
    "score",
    "dense",
    "lexical",
    "occupation",
    "units",
    "overlap",
    "missing",
    "transversal",
    "digital",
    "rank",
)
STEM = 5
_WORD = re.compile(r"[a-z]{3,}")
STOPWORDS = frozenset(
    """
    and the for with from into other others their such than that this those these when where
    which while also any all use using about within without via per its
    los las del por para con una uno unos unas que como sus otros otras otro otra entre sobre
    sin segun cuando donde mas este esta estos estas ese esa cada todo toda todos todas muy
    """.split()
)


def stems(text: str) -> frozenset[str]:
    """A text's content words, folded, each cut to its first STEM letters (a crude stem
    that meets "ayudo"/"ayudar" and "cooking"/"cook" halfway, in both languages)."""
    return frozenset(w[:STEM] for w in _WORD.findall(fold(text)) if w not in STOPWORDS)


def language_family(lang: str) -> str:
    return "en" if lang == "en" else "es"  # Portuguese is read as Spanish is (e5, es labels)


@dataclass(frozen=True)
class Model:
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, row: list[float]) -> float:
        z = self.intercept + sum(
            c * (x - m) / s
            for c, x, m, s in zip(self.coef, row, self.mean, self.scale, strict=True)
        )
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


class Reranker:
    def __init__(self, models: dict[str, Model], view) -> None:
        self.models = models
        self.view = view

    def model_for(self, lang: str) -> Model | None:
        return self.models.get(language_family(lang))

    def label_stems(self, uri: str, lang: str) -> list[frozenset[str]]:
        """The stems of each of the skill's names a worker might have used: ESCO's English
        ones and, for a text in Spanish or Portuguese, the Spanish ones."""
        info = self.view.skills[uri]
        names = [info.label, *info.alt_labels]
        if language_family(lang) == "es":
            local = self.view.labels_in("es", "skill").get(uri)
            if local is not None:
                names += [local.preferred, *local.alts]
        return [s for s in map(stems, names) if s]

    def features(self, hit: SkillHit, rank: int, said: frozenset[str], lang: str) -> list[float]:
        read = hit.signals or {}
        names = self.label_stems(hit.uri, lang)
        shares = [len(n & said) / len(n) for n in names]
        best = max(shares, default=0.0)
        # the best-matching name's words the worker never said (how far the label strays)
        missing = min((len(n - said) for n in names), default=0)
        return [
            hit.score,
            read.get("dense", 0.0),
            read.get("lexical", 0.0),
            read.get("occupation", 0.0),
            math.log1p(read.get("units", 0.0)),
            best,
            float(min(missing, 4)),
            float(hit.kind == "transversal"),
            float(hit.kind == "digital"),
            math.log(rank),
        ]

    def rerank(self, hits: list[SkillHit], text: str, lang: str) -> list[SkillHit] | None:
        """The first CANDIDATES hits re-ordered by their probability (kept in `signals`
        as "accept"), the rest after them as they were; None without a model."""
        model = self.model_for(lang)
        if model is None:
            return None
        said = stems(text)
        head, tail = hits[:CANDIDATES], hits[CANDIDATES:]
        for rank, hit in enumerate(head, 1):
            p = model.probability(self.features(hit, rank, said, lang))
            hit.signals = {**(hit.signals or {}), "accept": p}
        head.sort(key=lambda h: (-h.signals["accept"], -h.score, h.label))
        for hit in tail:
            hit.signals = {**(hit.signals or {}), "accept": 0.0}
        return head + tail


@functools.cache
def load_models(path: Path = WEIGHTS_PATH) -> dict[str, Model]:
    """The fitted models by language family; none when the file is missing (the engine then
    ranks and cuts as the first stage does)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if tuple(data.get("features", ())) != FEATURES:
        raise ValueError(
            f"{path} was fitted on other features: run `assistant evaluate train-ranker`"
        )
    return {
        family: Model(tuple(m["coef"]), m["intercept"], tuple(m["mean"]), tuple(m["scale"]))
        for family, m in data["models"].items()
    }
