"""Training pairs for the skill linker: built from the tune part only, the same for a seed,
with batches and hard negatives that never push a right answer away. A small hand-made
taxonomy stands in for ESCO and a lookup table for the model (no database, no weights)."""

from __future__ import annotations

import json

import pytest

from assistant.skills.evaluate import DEVSET_DIR, load_items, part_of
from assistant.skills.training.cache import model_key
from assistant.skills.training.pairs import (
    LinkerSources,
    Pair,
    PairBudget,
    batches,
    build_pairs,
    first_sentence,
    tune_statements,
)
from assistant.skills.training.train import TrainingConfig

SKILLS = DEVSET_DIR / "skills.jsonl"
GROUP = "group:care"


def _devset_labels() -> dict[str, str]:
    """uri -> label of every skill the development set names (labels, not statements)."""
    labels = {}
    for line in SKILLS.read_text(encoding="utf-8").splitlines():
        for skill in json.loads(line)["skills"] if line.strip() else ():
            labels[skill["uri"]] = skill["label"].strip()
    return labels


@pytest.fixture(scope="module")
def sources() -> LinkerSources:
    labels = _devset_labels()
    uris = sorted(labels)
    return LinkerSources(
        labels=labels,
        alts={uri: (f"{labels[uri]} tasks", f"doing {labels[uri]}") for uri in uris[:50]},
        descriptions={uri: f"Perform {labels[uri]}. More detail here." for uri in uris[:80]},
        spanish={uri: (f"es {labels[uri]}", f"es alt {labels[uri]}") for uri in uris[:60]},
        occupations={"occ:1": "Carers look after people. They do many things."},
        essential={"occ:1": tuple(uris[:6])},
        related=((uris[0], uris[1]), (uris[2], uris[3])),
        # all of them under one group: every skill has siblings to draw negatives from
        broader={uri: (GROUP,) for uri in uris},
    )


def test_no_test_part_statement_ever_appears_in_the_pairs(sources):
    # GIVEN the real development set, whose frozen test part must never be trained on
    test_items = load_items(SKILLS, part="test")
    test_texts = {item.text for item in test_items} | {" ".join(i.text.split()) for i in test_items}
    tune = tune_statements()
    assert test_texts and tune  # both parts are there: the check below means something
    # WHEN the pairs are built, statements repeated as the budget says
    pairs = build_pairs(sources, tune, seed=13, budget=PairBudget(statement_repeats=2))
    # THEN no anchor, positive or negative is a test statement, every statement pair
    # comes from a tune item, and the tune statements are really used
    texts = {p.anchor for p in pairs} | {p.positive for p in pairs} | {p.negative for p in pairs}
    assert not texts & test_texts
    assert all(part_of(st.id) == "tune" for st in tune)
    used = {p.anchor for p in pairs if p.source == "statement"}
    assert used == {" ".join(st.text.split()) for st in tune}


def test_tune_statements_leave_out_every_test_item(tmp_path):
    # GIVEN a devset file with one item of each part
    rows = {}
    for n in range(200):
        item_id = f"en-{n:03d}"
        rows.setdefault(part_of(item_id), item_id)
        if len(rows) == 2:
            break
    path = tmp_path / "skills.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": i, "lang": "en", "text": f"text of {i}", "skills": [{"uri": "u"}]})
            for i in rows.values()
        )
    )
    # WHEN the tune statements are read
    found = tune_statements(path)
    # THEN only the tune item is there
    assert [st.id for st in found] == [rows["tune"]]


def test_pairs_are_the_same_for_a_seed_and_differ_for_another(sources):
    # GIVEN the same sources and statements
    tune = tune_statements()
    # WHEN pairs are built twice with one seed and once with another
    first = build_pairs(sources, tune, seed=7)
    again = build_pairs(sources, tune, seed=7)
    other = build_pairs(sources, tune, seed=8)
    # THEN the same seed gives the same list, in the same order; another seed does not
    assert first == again
    assert first != other
    assert batches(first, 16, seed=7) == batches(again, 16, seed=7)


def test_caps_limit_each_kind_of_pair(sources):
    # GIVEN a budget capping descriptions at 10 and alternative labels at 5
    budget = PairBudget(
        caps=(("description", 10), ("alt", 5)), statement_repeats=0, spanish_per_skill=2
    )
    # WHEN the pairs are built
    pairs = build_pairs(sources, [], budget=budget)
    # THEN those kinds are cut to their caps and uncapped kinds keep all they have
    kinds = [p.source for p in pairs]
    assert kinds.count("description") == 10
    assert kinds.count("alt") == 5
    assert kinds.count("spanish") == 60 * budget.spanish_per_skill
    assert "statement" not in kinds


def test_hard_negatives_are_siblings_and_never_a_right_answer(sources):
    # GIVEN statements with several accepted skills, all of them siblings in one group
    pairs = build_pairs(sources, tune_statements(), seed=3)
    with_negative = [p for p in pairs if p.negative]
    # THEN most pairs get a negative, always a sibling, never a skill right for the anchor
    assert len(with_negative) > 0.9 * len(pairs)
    for pair in with_negative:
        assert pair.negative_skill in sources.labels
        assert pair.negative_skill not in pair.relevant
        assert pair.negative == sources.labels[pair.negative_skill]


def test_a_batch_never_holds_one_skill_or_one_anchor_twice(sources):
    # GIVEN pairs where many anchors repeat (statements, one occupation, repeats)
    pairs = build_pairs(sources, tune_statements(), budget=PairBudget(statement_repeats=3))
    # WHEN they are batched
    grouped = batches(pairs, 32, seed=1)
    # THEN every pair is in exactly one batch, and no batch repeats a skill or an anchor
    assert sorted(map(id, [p for b in grouped for p in b])) == sorted(map(id, pairs))
    for batch in grouped:
        assert len({p.skill for p in batch}) == len(batch)
        assert len({p.anchor for p in batch}) == len(batch)
        assert len(batch) <= 32


def test_first_sentence_of_a_description():
    assert first_sentence("Greet guests. Then seat them.") == "Greet guests."
    assert first_sentence("  no   full stop here ") == "no full stop here"


def test_the_model_key_changes_with_each_input():
    # GIVEN one set of inputs
    base = model_key("esco:abc", "statements:1", "minilm-1")
    # THEN changing the taxonomy, the statements, the base model, the budget or the training
    # settings gives another key, and the same inputs give the same key
    assert base == model_key("esco:abc", "statements:1", "minilm-1")
    others = {
        model_key("esco:abd", "statements:1", "minilm-1"),
        model_key("esco:abc", "statements:2", "minilm-1"),
        model_key("esco:abc", "statements:1", "minilm-2"),
        model_key("esco:abc", "statements:1", "minilm-1", budget=PairBudget(alts_per_skill=3)),
        model_key("esco:abc", "statements:1", "minilm-1", config=TrainingConfig(epochs=2)),
    }
    assert base not in others and len(others) == 5


class _LookupModel:
    """Stands in for a sentence-transformers model: fixed vectors per text."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def preprocess(self, texts: list[str]) -> list[str]:
        return texts

    def __call__(self, texts: list[str]) -> dict:
        import torch

        return {"sentence_embedding": torch.tensor([self.vectors[t] for t in texts])}


def test_the_loss_never_counts_a_right_skill_as_a_negative():
    import torch
    import torch.nn.functional as F

    from assistant.skills.training.train import batch_loss

    # GIVEN a statement right for skills a and b (two pairs in one batch), and a description
    # whose hard negative is skill a
    statement = frozenset({"a", "b"})
    batch = [
        Pair("I sold and cleaned", "sell", "a", "statement", statement),
        Pair("I sold and cleaned", "clean", "b", "statement", statement),
        Pair("Mop floors.", "mop", "c", "description", frozenset({"c"}), "sell", "a"),
    ]
    vectors = {
        "I sold and cleaned": [1.0, 1.0, 0.0],
        "Mop floors.": [0.0, 0.2, 1.0],
        "sell": [1.0, 0.0, 0.0],
        "clean": [0.0, 1.0, 0.0],
        "mop": [0.0, 0.0, 1.0],
    }
    # WHEN the loss is computed
    loss = batch_loss(_LookupModel(vectors), batch, scale=1.0)
    # THEN each statement pair is scored without the other right skill; the description
    # still meets "sell" (a negative for it) once, as the candidate column it shares
    unit = {k: F.normalize(torch.tensor(v), dim=0) for k, v in vectors.items()}

    def ce(anchor: str, right: str, others: list[str]) -> float:
        logits = torch.stack([unit[anchor] @ unit[t] for t in [right, *others]])
        return float(-torch.log_softmax(logits, 0)[0])

    expected = (
        ce("I sold and cleaned", "sell", ["mop"])
        + ce("I sold and cleaned", "clean", ["mop"])
        + ce("Mop floors.", "mop", ["sell", "clean"])
    ) / 3
    assert float(loss) == pytest.approx(expected, rel=1e-5)


def test_the_english_linker_is_trained_without_spanish_label_pairs(sources):
    # GIVEN the budget setup trains with (the linker reads English; e5 reads Spanish)
    # WHEN the pairs are built from a taxonomy that has Spanish labels
    assert any(sources.spanish.values())
    pairs = build_pairs(sources, tune_statements())
    # THEN none of them is a Spanish label, so the model's key need not follow those labels
    assert PairBudget().spanish_per_skill == 0
    assert not [p for p in pairs if p.source == "spanish"]
