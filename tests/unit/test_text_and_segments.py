import pytest

from assistant.errors import InputTextError
from assistant.skills.segment import segment
from assistant.skills.text import clean_input, detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I ran the till and showed the new girls how to do the closing", "en"),
        ("cuidaba a mi abuela y le daba sus medicamentos", "es"),
        ("hacía los pedidos por WhatsApp y llevaba las cuentas en un cuaderno", "es"),
        ("Eu trabalhava numa loja e fazia o caixa", "pt"),
        ("Ich habe in einer Bäckerei gearbeitet und Brot verkauft", "unknown"),
    ],
)
def test_language_detection(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("bad", ["", "   ", "🙂", "!!! ???", "<p></p>"])
def test_empty_or_wordless_text_is_refused_with_a_message(bad):
    with pytest.raises(InputTextError) as err:
        clean_input(bad, 1000)
    assert "describe" in str(err.value)


def test_html_is_stripped_and_long_text_truncated():
    # GIVEN markup and a text far over the limit
    text = "<script>alert(1)</script><b>I cleaned offices.</b> " + "I sold fruit. " * 500
    # WHEN cleaned
    clean = clean_input(text, 300)
    # THEN no markup survives and the cut is reported
    assert "<" not in clean.text and "alert" not in clean.text
    assert len(clean.text) <= 300
    assert any("truncated" in n for n in clean.notes)


def test_non_string_is_refused():
    with pytest.raises(InputTextError):
        clean_input(b"bytes", 100)


def test_segments_split_task_lists_and_keep_offsets():
    # GIVEN a narrative with a list of tasks and filler
    text = (
        "Hola. Hacía los pedidos por WhatsApp y llevaba las cuentas. También cuidaba a mi abuela."
    )
    # WHEN segmented
    segments = segment(text, "es")
    # THEN each task is its own segment, offsets point into the text, filler is gone
    assert [s.text.rstrip(".") for s in segments] == [
        "Hacía los pedidos por WhatsApp",
        "llevaba las cuentas",
        "cuidaba a mi abuela",
    ]
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_noun_lists_are_not_split():
    segments = segment("I sold fruit and vegetables at the market", "en")
    assert [s.text for s in segments] == ["I sold fruit and vegetables at the market"]


def test_huge_text_has_bounded_segments():
    segments = segment("I cleaned the floor. " * 5000, "en")
    assert 0 < len(segments) <= 60


def test_dense_retrieval_reads_each_sentence_once_and_listed_tasks_keep_their_own_units():
    from assistant.skills.segment import segment_with_context
    from assistant.skills.unit_reading import dense_units

    # GIVEN a narrative where one sentence lists two tasks and the other holds one
    text = "Atendía la caja y hacía el cierre del día. Los sábados limpiaba la tienda."
    segments, context = segment_with_context(text, "es")
    # WHEN the engine decides what the model reads
    sentences, listed = dense_units(segments, context)
    # THEN the model reads the two sentences whole, in text order, with their offsets ...
    assert [text[s.start : s.end] for s in sentences] == [
        "Atendía la caja y hacía el cierre del día.",
        "Los sábados limpiaba la tienda.",
    ]
    # ... and the two listed tasks stay units of their own for mentions and evidence
    assert [s.text for s in listed] == ["Atendía la caja", "hacía el cierre del día."]
    assert set(listed) | {sentences[1]} == set(segments)
