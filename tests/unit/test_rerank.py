"""The second-stage ranker's reading of a candidate (assistant/skills/rerank.py), on a small
hand-made taxonomy: no model, no index."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from assistant.skills.rerank import (
    FEATURES,
    Model,
    Reranker,
    language_family,
    load_models,
    stems,
)
from assistant.skills.results import SkillHit


def info(label: str, alts=(), kind="skill"):
    return SimpleNamespace(label=label, alt_labels=tuple(alts), kind=kind)


VIEW = SimpleNamespace(
    skills={
        "aid": info("provide first aid"),
        "animals": info("provide first aid to animals"),
        "homework": info("assist children with homework"),
        "mission": info("assist in missionary work"),
    },
    labels_in=lambda lang, concept: (
        {
            "aid": SimpleNamespace(preferred="prestar primeros auxilios", alts=()),
            "animals": SimpleNamespace(preferred="prestar primeros auxilios a animales", alts=()),
            "homework": SimpleNamespace(preferred="ayudar a los niños con los deberes", alts=()),
            "mission": SimpleNamespace(preferred="ayudar en el trabajo misionero", alts=()),
        }
        if (lang, concept) == ("es", "skill")
        else {}
    ),
)


def hit(uri: str, score: float) -> SkillHit:
    signals = {"dense": score, "lexical": 0.0, "occupation": 0.0, "units": 1.0}
    return SkillHit(uri, VIEW.skills[uri].label, "skill", "", score, [], signals)


def test_stems_fold_accents_and_leave_out_little_words():
    # GIVEN a Spanish sentence WHEN its content words are read THEN folded, cut, no stopwords
    assert stems("Le hice los primeros auxilios y lo llevé a la guardia") == {
        "hice",
        "prime",
        "auxil",
        "lleve",
        "guard",
    }


def test_a_label_whose_words_the_worker_never_said_reads_as_straying():
    # GIVEN a worker who gave a child first aid, and two candidates that share those words
    reranker = Reranker({}, VIEW)
    said = stems("Una vez el chico se cortó y le hice los primeros auxilios")
    aid = reranker.features(hit("aid", 0.6), 1, said, "es")
    animals = reranker.features(hit("animals", 0.6), 2, said, "es")
    overlap, missing = FEATURES.index("overlap"), FEATURES.index("missing")
    # THEN the label about animals holds one more word the worker never said ("animales")
    assert aid[overlap] > animals[overlap]
    assert animals[missing] == aid[missing] + 1


def test_candidates_are_reordered_by_their_probability_and_the_rest_kept_after():
    # GIVEN a model that prefers labels the worker's words cover
    coef = [0.0] * len(FEATURES)
    coef[FEATURES.index("overlap")] = 4.0
    model = Model(tuple(coef), -1.0, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES))
    reranker = Reranker({"es": model}, VIEW)
    hits = [hit("mission", 0.9), hit("homework", 0.8)]
    # WHEN a Spanish story is reranked
    ordered = reranker.rerank(hits, "Ayudo al más grande con los deberes de la escuela", "es")
    # THEN the homework skill, whose Spanish name the worker nearly said, comes first
    assert [h.uri for h in ordered] == ["homework", "mission"]
    assert ordered[0].signals["accept"] > 0.5 > ordered[1].signals["accept"]
    # AND a language without a model is left as the first stage ranked it
    assert reranker.rerank(hits, "I help with homework", "en") is None


def test_portuguese_is_read_with_the_spanish_model():
    assert language_family("pt") == "es" and language_family("en") == "en"


def test_weights_fitted_on_other_features_are_refused(tmp_path):
    # GIVEN a weights file written for another list of features
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"features": ["score"], "models": {}}))
    # WHEN it is loaded THEN it says to fit the ranker again, rather than misread it
    with pytest.raises(ValueError, match="train-ranker"):
        load_models(path)


def test_the_fitted_weights_read_with_the_current_features():
    # GIVEN the weights `assistant evaluate train-ranker --write` saved in the package
    # WHEN they are loaded THEN both language families have a model over today's features
    models = load_models()
    assert set(models) == {"en", "es"}
    assert all(len(m.coef) == len(FEATURES) for m in models.values())
