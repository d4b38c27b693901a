"""Cleaning and language detection for workers' free text (no model needed)."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from assistant.errors import InputTextError

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,500}>", re.I | re.S)
_SPACES = re.compile(r"[ \t\f\v]+")
_WORD = re.compile(r"[^\W\d_]+", re.U)

_STOPWORDS = {
    "en": set(
        """the and i to of a in was for my on with at it as we they he she is were
        had have did do be by from this that an or our their when but also used would so""".split()
    ),
    "es": set(
        """el la los las y de del que en a un una por con para mi mis me se lo le les
        era fue hacía hice también pero como al su sus más muy ya yo trabajé trabajaba
        estaba tenía cuando donde""".split()
    ),
    "pt": set(
        """o os as e de do da dos das que em um uma por com para meu minha eu se
        não também mas como ao seu sua mais muito já fiz fazia trabalhei trabalhava
        estava tinha quando onde você""".split()
    ),
}
_MARKERS = {"es": set("ñ¿¡"), "pt": set("ãõç")}
SUPPORTED = ("en", "es")


@dataclass(frozen=True)
class CleanText:
    text: str
    language: str  # en, es, pt, or "unknown"
    notes: tuple[str, ...] = ()


def strip_markup(text: str) -> str:
    if "<" in text and ">" in text:
        text = _TAG.sub(" ", text)
    return html.unescape(text)


def detect_language(text: str) -> str:
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return "unknown"
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    for lang, chars in _MARKERS.items():
        scores[lang] += 2 * sum(ch in chars for ch in text.lower())
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    # Too little evidence of any language we know: say so instead of guessing.
    if scores[best] == 0 or (len(words) >= 6 and scores[best] / len(words) < 0.15):
        return "unknown"
    return best


def clean_input(text: object, max_chars: int, language: str = "auto") -> CleanText:
    """Make text safe for the engine or raise InputTextError with a message for a person."""
    if not isinstance(text, str):
        raise InputTextError("the text must be a string")
    notes: list[str] = []
    text = unicodedata.normalize("NFC", strip_markup(text))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise InputTextError("the text is empty: describe a job, task or activity you have done")
    if not _WORD.search(text):
        raise InputTextError(
            "the text has no words: describe in a sentence or two what you did at work"
        )
    if len(text) > max_chars:
        cut = text.rfind(".", 0, max_chars)
        text = text[: cut + 1 if cut > max_chars // 2 else max_chars]
        notes.append(f"text truncated to {len(text)} characters")
    detected = detect_language(text) if language == "auto" else language
    if language == "auto" and detected not in SUPPORTED:
        notes.append(
            f"language {'not recognised' if detected == 'unknown' else detected!r}: "
            "Puente understands Spanish and English best; results may be incomplete"
        )
    return CleanText(text, detected, tuple(notes))
