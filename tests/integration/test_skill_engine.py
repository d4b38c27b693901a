"""The skill engine on real ESCO, real models and real indexes."""

from __future__ import annotations

import json
import subprocess

import pytest

from assistant.errors import InputTextError
from assistant.skills.evaluate import DEVSET_DIR, compare_skill_rankers, load_items
from tests.conftest import ROOT

WORK_IN_TEAMS = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"


def labels(result, n=10):
    return [h.label for h in result.skills[:n]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I fixed bikes for my neighbours", "perform repairs on bicycles"),
        ("I did the accounts of my uncle's shop in Excel", "use spreadsheets software"),
        ("I ran the till at a supermarket", "operate cash register"),
        ("I run the till at the end of the shift", "operate cash register"),
        (
            "hacía los pedidos por WhatsApp y llevaba las cuentas en un cuaderno",
            "use communication and collaboration software",
        ),
        ("arreglaba bicicletas para mis vecinos", "perform repairs on bicycles"),
    ],
)
def test_everyday_words_find_the_skill_with_its_evidence(engine, text, expected):
    result = engine.extract(text, top=10)
    assert expected in labels(result), labels(result)
    hit = next(h for h in result.skills if h.label == expected)
    assert hit.evidence and all(text[e.start : e.end] == e.text for e in hit.evidence)


def test_transversal_and_digital_lists_are_ranked_apart(engine):
    text = (
        "I worked in a bakery: I baked bread, decorated cakes, served customers, "
        "kept the shop clean and posted our offers on Facebook."
    )
    payload = engine.extract(text, top=5).as_dict()
    assert all(s["kind"] == "digital" for s in payload["digital"])
    assert all(s["kind"] == "transversal" for s in payload["transversal"])
    assert payload["digital"], "a digital skill was crowded out"
    scores = [s["score"] for s in payload["skills"]]
    assert scores == sorted(scores, reverse=True)
    assert payload["attribution"].startswith("This service uses the ESCO classification")


@pytest.mark.parametrize("bad", ["", "🙂", "<p> </p>", "   \n  "])
def test_garbage_gets_a_clear_answer(engine, bad):
    with pytest.raises(InputTextError):
        engine.extract(bad)


def test_huge_html_and_foreign_text_are_answered(engine):
    huge = engine.extract("<div>I cleaned offices at night.</div> " * 2000)
    assert any("truncated" in n for n in huge.notes)
    assert huge.skills
    german = engine.extract("Ich habe in einer Bäckerei gearbeitet und Brot verkauft")
    assert any("language" in n for n in german.notes)


def test_cli_json_and_batch(engine, tmp_path):
    cli = str(ROOT / ".venv/bin/assistant")
    one = subprocess.run(
        [cli, "skills", "I fixed bikes for my neighbours", "--json", "--top", "3"],
        capture_output=True,
        text=True,
        check=True,
    )
    payload = json.loads(one.stdout)
    assert set(payload) >= {"language", "segments", "skills"}
    assert len(payload["skills"]) <= 3
    assert set(payload["skills"][0]) >= {"uri", "label", "kind", "group", "score", "evidence"}
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        '{"id": "a", "text": "I cooked for 100 people"}\n'
        '{"id": "b", "text": "vendía ropa en el mercado"}\nnot json\n'
        '{"id": "c", "text": ""}\n'
    )
    subprocess.run(
        [cli, "skills", "--batch", str(src), "--out", str(out), "--top", "100", "--no-cutoff"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert len(rows[0]["skills"]) == 100
    assert "error" in rows[2]


def test_spanish_text_meets_spanish_labels(engine):
    # GIVEN the engine's indexes: e5 reads Spanish, MiniLM English
    spanish, english = engine.index("skills", "e5"), engine.index("skills", "minilm")
    # THEN e5's holds ESCO's Spanish preferred labels beside the English ones, MiniLM's none
    assert spanish.fields.count("label_es") > 13_000 and spanish.fields.count("label") == 13_896
    assert not any(field.endswith("_es") for field in english.fields)
    # WHEN the Spanish label of "work in teams" is searched, THEN its own row answers first
    from assistant.skills.embedders import get_embedder

    _, rows = spanish.search(get_embedder("e5").embed_queries(["trabajar en equipo"]), 3)
    top = rows[0][0]
    assert (spanish.keys[top], spanish.fields[top]) == (WORK_IN_TEAMS, "label_es")
    # AND Portuguese text, which has no labels of its own yet, is kept to the English rows
    mask = spanish.rows_for(())
    assert mask is not None and not mask[spanish.fields.index("label_es")]
    assert spanish.rows_for(("es",)) is None


def test_devset_regression_floor(engine):
    """A small subset of the development set: the engine keeps its lead over the baselines.
    The full set runs in the benchmark command."""
    items = load_items(DEVSET_DIR / "skills.jsonl", "skills", limit_per_lang=25)
    results = compare_skill_rankers(engine, items)
    floors = {"en": 0.25, "es": 0.13}  # about 80% of the values measured when set
    for lang, floor in floors.items():
        ours = results["puente"][lang]
        assert ours["rp@10"] >= floor, results
        for baseline in ("bm25-labels", "minilm-labels"):
            assert ours["rp@10"] > results[baseline][lang]["rp@10"] + 0.05, (lang, results)


def test_english_is_read_by_the_trained_linker_and_goal_titles_by_its_base(engine):
    from assistant.skills.embedders import get_embedder

    # GIVEN the engine as configured by default (setup trained the linker)
    # THEN English sentences are read by the linker, a typed goal title by MiniLM, Spanish by e5
    assert engine.model_for("en") == "puente-linker"
    assert engine.title_model_for("en") == "minilm"
    assert engine.title_model_for("es") == "e5"
    # AND the bench's before/after engine has MiniLM where the linker was, nothing else changed
    before = engine.untrained()
    assert before is not None and before.models == {**engine.models, "en": "minilm"}
    # AND the linker is not MiniLM under another name: training moved its vectors
    text = ["I apologize to the customer and fix the order with the cook"]
    linker, base = (get_embedder(m).embed_queries(text)[0] for m in ("puente-linker", "minilm"))
    cosine = float(linker @ base / ((linker @ linker) ** 0.5 * (base @ base) ** 0.5))
    assert 0.5 < cosine < 0.99


def test_a_product_named_after_an_everyday_word_needs_its_name(engine):
    # GIVEN a waitress who fixes orders with the cook (ESCO has "Chef", a software tool)
    story = (
        "I work as a waitress in a diner. I take orders and serve food. When the kitchen "
        "messes up an order I apologize and fix it with the cook. We all cover for each "
        "other on a rush. I know the regulars' orders by heart."
    )
    # WHEN her skills are read THEN no software product she never named is among them
    labels = [h.label for h in engine.extract(story, language="en", top=30).skills]
    assert not [label for label in labels if label.startswith("Chef (")], labels
    assert "handle customer complaints" in labels or "solve problems" in labels, labels
    # AND a product she does name is still found
    text = "I write Python scripts to clean the sales data."
    named = engine.extract(text, language="en", top=30, cutoff=False)
    assert any(h.label.startswith("Python (") for h in named.skills), named.skills


def test_a_skill_of_a_domain_the_story_never_names_is_not_shown(engine):
    # GIVEN a nanny's story: children, homework, baths, bed; nothing of animals or missions
    # (found in a walk: "ayudar en el trabajo misionero" was shown to her)
    story = "Trabajo de niñera. Ayudo con la tarea, los baño y los acuesto."
    # WHEN her skills are read THEN none of a domain her story never names is shown
    result = engine.extract(story, language="es", top=10)
    labels = [h.label for h in result.skills]
    assert "assist missionary work" not in labels, labels
    assert "assist children with homework" in labels, labels
    # AND talking to the parents "todos los días" (every day) is no keeping up to date
    daily = (  # the walk's story (the review showed "mantenerse al día ... psicoterapia")
        "Cuido a dos hermanitos hace cinco años, de lunes a viernes. Los busco en la escuela, "
        "ayudo al más grande con la tarea, los baño y les hago la cena. Inventamos juegos y "
        "manualidades pa' que no estén todo el día con la tablet. Una vez el chiquito se "
        "cortó, le hice los primeros auxilios y lo llevé a la guardia. Con los papás nos "
        "hablamos por WhatsApp todos los días."
    )
    found = [h.label for h in engine.extract(daily, language="es", top=10).skills]
    assert not [label for label in found if label.startswith("keep up")], found
    # AND a story in the domain still gets its skills
    vet = "Trabajé en una veterinaria: bañaba a los perros y les daba de comer a los animales."
    found = [h.label for h in engine.extract(vet, language="es", top=30, cutoff=False).skills]
    assert any("animal" in label for label in found), found
