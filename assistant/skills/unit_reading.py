"""What the engine reads in each unit of a worker's text, apart from the models and indexes:
which units the model reads, how a similarity becomes evidence, which spans must not be read
(negations, other senses of a word), the behaviour cues, and the rule for product names."""

from __future__ import annotations

import functools
import re

from assistant.skills.calibration import Calibration
from assistant.skills.segment import Segment

TAIL = 0.01  # score scale of matches below a model's `low`


# ESCO names some software after an everyday word ("Chef (tools for software configuration
# management)", "Salt", "Canvas", "Scratch", "Unity"): such a product is evidenced by its name
# only. Found in a walk: with the trained linker a waitress's "I fix it with the cook" showed
# "Chef" as a digital skill.
PRODUCT_LABEL = re.compile(r"^([A-Z][\w.+#-]*(?: [A-Z0-9][\w.+#-]*)*) \(")


def names_product(label: str, text: str) -> bool:
    """False when the label is a product's ("Name (what it is)") and the text never names it."""
    name = _product_name(label)
    return name is None or name.search(text) is not None


@functools.cache
def _product_name(label: str) -> re.Pattern | None:
    """The product's name as a whole-word pattern, or None for a label that names none (made
    once per label: extraction and gap credit ask it for every candidate)."""
    found = PRODUCT_LABEL.match(label)
    if found is None:
        return None
    return re.compile(rf"(?<!\w){re.escape(found.group(1))}(?!\w)", re.I)


def dense_units(
    segments: list[Segment], context: list[Segment]
) -> tuple[list[Segment], list[Segment]]:
    """What dense retrieval reads, and the task statements it does not read on their own.

    Dense retrieval reads whole sentences: a task listed with others ("I ran the till and did
    the closing") keeps its context, and a 5-sentence text costs five model queries instead of
    about nine (on the development set: RP@10 0.218 -> 0.238 es, 0.345 -> 0.341 en, in half
    the time; docs/decisions/0003). Mentions are still found per task statement, so a listed
    task keeps its own evidence for them; a dense match quotes its sentence.
    """
    listed = [s for s in segments if any(c.start <= s.start < c.end for c in context)]
    alone = [s for s in segments if s not in listed]
    sentences = sorted(alone + context, key=lambda s: s.start)
    return sentences, listed


def calibrated(matches, cal: Calibration) -> dict[str, float]:
    """(weighted similarity, skill) pairs of one unit -> each skill's best, on [0, 1]. Below
    `low` a match is no evidence, but it still orders the long tail that a caller asking for
    100 skills without a cut-off wants to see."""
    best: dict[str, float] = {}
    for value, key in matches:
        if value > best.get(key, -1.0):
            best[key] = value
    span = cal.high - cal.low
    return {
        k: min(1.0, (v - cal.low) / span) if v > cal.low else TAIL * max(v, 0.0)
        for k, v in best.items()
    }


def blocked_spans(text: str, lang: str) -> list:
    """Spans where concepts must not be read: negations, and other senses of a word."""
    if lang not in ("en", "es"):
        return []
    from assistant.skills.cues import blocked_readings

    return blocked_readings(text, lang)


def read_behaviour(text: str, lang: str, units, dense, lexical, blocks) -> None:
    """Transversal and digital skills from behaviour (assistant/skills/cues): each cue adds
    its weight to the unit it falls in, as lexical evidence. What the dense match read in a
    unit is dropped for a concept read there in another sense, and for any concept when a
    negation covers the whole unit."""
    if lang not in ("en", "es"):
        return
    from assistant.skills.cues import find_cues

    for cue in find_cues(text, lang):
        for unit, lex in zip(units, lexical, strict=True):
            if unit.start <= cue.start < unit.end:
                lex[cue.uri] = max(lex.get(cue.uri, 0.0), cue.weight)
    for block in blocks:
        for unit, found in zip(units, dense, strict=True):
            if block.end <= unit.start or unit.end <= block.start:
                continue
            whole = block.start <= unit.start and unit.end <= block.end
            for uri in list(found):
                if uri in block.uris or (not block.uris and whole):
                    del found[uri]
