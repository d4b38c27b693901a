"""Where a worker names their own job: "trabajo de niñera", "trabajé como ayudante de cocina",
"soy albañil", "I work as a cashier", "I've been waitressing". The span is matched alone
against the occupation titles: embedded with its whole sentence, a title is drowned by the
rest ("con dos hermanitos, de lunes a viernes a la tarde") and no occupation is sure enough.
A wrong span costs little: it must still match a title closely (the engine's calibrated
occupation threshold) before its skills are looked for in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ES_END = (
    r"(?=\s+(?:con|en|para|por|desde|durante|hace|a|al|y|e|o|que|los|las|el|la|de\s+"
    r"(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|noche|d[ií]a|tarde|"
    r"ma[ñn]ana|turno|medio))\b|\s*[,.;:!?()]|\s*$)"
)
_EN_END = r"(?=\s+(?:at|in|on|for|with|from|since|during|and|or|to|who|that)\b|\s*[,.;:!?()]|\s*$)"
_WORDS = r"[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,3}?"

PATTERNS = {
    "es": [
        re.compile(
            r"\b(?:trabaj\w*|labur\w*|me\s+desempe[ñn]\w*|estuve|estoy|empec[eé]|arranqu[eé])"
            r"\s+(?:de|como)\s+(?:una?\s+)?(?P<title>" + _WORDS + ")" + _ES_END,
            re.I,
        ),
        re.compile(
            r"\b(?:soy|fui|era)\s+(?:una?\s+)?(?P<title>" + _WORDS + ")" + _ES_END,
            re.I,
        ),
    ],
    "en": [
        re.compile(
            r"\b(?:work(?:ed|ing|s)?|job|employed|hired)\s+as\s+(?:an?\s+|the\s+)?(?P<title>"
            + _WORDS
            + ")"
            + _EN_END,
            re.I,
        ),
        re.compile(
            r"\bI(?:'m|\s+am|\s+was|'ve\s+been|\s+have\s+been|\s+used\s+to\s+be)\s+"
            r"(?:an?\s+(?P<title>" + _WORDS + r")|(?P<gerund>[a-z]+ing))" + _EN_END,
            re.I,
        ),
    ],
}


# "I was working for a bakery": a gerund that says nothing of the trade
VAGUE_GERUNDS = frozenset(
    "working doing going trying looking getting living studying taking making thinking "
    "planning hoping learning helping starting staying saving being".split()
)


@dataclass(frozen=True)
class TitleSpan:
    text: str
    start: int
    end: int
    said_from: int = -1  # where the words naming it begin ("trabajo de", "I work as")

    @property
    def phrase_start(self) -> int:
        return self.start if self.said_from < 0 else self.said_from


def own_job_titles(text: str, lang: str) -> list[TitleSpan]:
    """The spans where the worker names a job they do or did, in order (a job named twice
    is two spans: each sentence naming it is read without it)."""
    found: dict[int, TitleSpan] = {}
    for pattern in PATTERNS.get(lang, ()):
        for match in pattern.finditer(text):
            group = "title" if match.group("title") else "gerund"
            if group == "gerund" and (
                match.group(group) is None or match.group(group).lower() in VAGUE_GERUNDS
            ):
                continue
            span = TitleSpan(
                match.group(group), match.start(group), match.end(group), match.start()
            )
            found.setdefault(span.start, span)
    return sorted(found.values(), key=lambda s: s.start)
