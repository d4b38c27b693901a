"""Split a work narrative into task statements with character offsets.

spaCy's blank pipelines with a sentencizer give sentences for any language without a model;
rules then split enumerations of tasks ("X, Y and Z", "también...", "and also...") when the
next part starts a new task (a verb), and drop filler ("hola", "gracias", "bueno").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|\n|•|·|\s-\s|"
    r"\b(?:y también|y tambien|además|ademas|también|tambien|and also|as well as|also|plus)\b)\s*",
    re.I,
)
_LIST_SPLIT = re.compile(r"\s*(?:,|\by\b|\be\b|\band\b|\bor\b|\bo\b)\s*", re.I)
_EN_VERB = re.compile(
    r"^(?:\w+(?:ed|ing)|ran|did|made|took|gave|sold|kept|led|met|paid|drove|"
    r"fixed|built|taught|wrote|brought|bought|found|showed|helped|used|"
    r"cleaned|cooked|looked|worked|managed|handled|answered|"
    r"do|make|take|give|sell|keep|lead|pay|drive|fix|build|teach|write|"
    r"help|use|clean|cook|look|work|manage|handle|answer|run|serve|care)$",
    re.I,
)
_ES_VERB = re.compile(
    r"^(?:\w+(?:aba|aban|ía|ían|é|ó|í|ió|ar|er|ir|ando|iendo|amos|aste|"
    r"iste)|hice|hacía|hago|fui|era|tuve|puse|llevo|atiendo|cuido|vendo|"
    r"manejo|limpio|cocino|trabajo|ayudo|arreglo|hago|doy|tengo)$",
    re.I,
)
_FILLER = set(
    """hola hello hi hey gracias thanks thank you bueno ok okay pues nada bye
    chao adiós adios buenas yes no sí si""".split()
)
MAX_SEGMENTS = 60  # a 50 KB paste still answers in bounded time


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    end: int


@functools.cache
def _pipeline(lang: str):
    import spacy

    nlp = spacy.blank(lang if lang in ("en", "es", "pt") else "xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2_000_000
    return nlp


def tokenizer(lang: str):
    return _pipeline(lang)


def _starts_task(words: list[str], lang: str) -> bool:
    if not words:
        return False
    first = words[0]
    if first.lower() in ("i", "we", "yo", "eu", "me", "le", "les", "lo", "la", "nos"):
        first = words[1] if len(words) > 1 else ""
    verb = _ES_VERB if lang in ("es", "pt") else _EN_VERB
    return bool(verb.match(first))


def _split_list(text: str, start: int, lang: str) -> list[Segment]:
    """Split 'X, Y and Z' only where each part starts a new task."""
    pieces: list[tuple[int, int]] = []
    cursor = 0
    for match in _LIST_SPLIT.finditer(text):
        rest = text[match.end() :].split()
        # A comma before a longer phrase starts a new task even when its verb is unknown
        # ("I strip the tiles, spread the thinset ..."); "and"/"y" only before a verb.
        comma_clause = (
            match.group().strip() == ","
            and len(rest) >= 3
            and not any(w.lower() in ("and", "y", "e", "or", "o") for w in rest[:1])
        )
        if (comma_clause or _starts_task(rest, lang)) and text[cursor : match.start()].strip():
            pieces.append((cursor, match.start()))
            cursor = match.end()
    pieces.append((cursor, len(text)))
    return [
        Segment(
            text[a:b].strip(),
            start + a + (len(text[a:b]) - len(text[a:b].lstrip())),
            start + b - (len(text[a:b]) - len(text[a:b].rstrip())),
        )
        for a, b in pieces
        if text[a:b].strip()
    ]


def _is_filler(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    return len(words) < 2 or all(w in _FILLER for w in words)


def segment(text: str, lang: str) -> list[Segment]:
    return segment_with_context(text, lang)[0]


def segment_with_context(text: str, lang: str) -> tuple[list[Segment], list[Segment]]:
    """Task statements, and the sentences that were split into several of them (the engine
    also reads those whole, as a list of tasks gives each task its context)."""
    doc = _pipeline(lang)(text)
    segments: list[Segment] = []
    context: list[Segment] = []
    for sent in doc.sents:
        before = len(segments)
        s_text, s_start = sent.text, sent.start_char
        cursor = 0
        parts = []
        for match in _CLAUSE_BREAK.finditer(s_text):
            parts.append((cursor, match.start()))
            cursor = match.end()
        parts.append((cursor, len(s_text)))
        for a, b in parts:
            chunk = s_text[a:b]
            if chunk.strip():
                segments.extend(_split_list(chunk, s_start + a, lang))
        if len(segments) - before > 1:
            stripped = sent.text.strip()
            offset = sent.start_char + sent.text.index(stripped)
            context.append(Segment(stripped, offset, offset + len(stripped)))
        if len(segments) >= MAX_SEGMENTS:
            break
    kept = [s for s in segments if not _is_filler(s.text)]
    return kept[:MAX_SEGMENTS], context[: MAX_SEGMENTS // 4]
