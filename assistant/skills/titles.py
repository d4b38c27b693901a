"""Where a worker names their own job: "trabajo de niñera", "trabajé como ayudante de cocina",
"soy albañil", "I work as a cashier", "I've been waitressing". The span is matched alone
against the occupation titles: embedded with its whole sentence, a title is drowned by the
rest ("con dos hermanitos, de lunes a viernes a la tarde") and no occupation is sure enough.
A wrong span costs little: it must still match a title closely (the engine's calibrated
occupation threshold) before its skills are looked for in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "de" ends a title before a day or shift ("de lunes a viernes") and before an indefinite or
# possessive ("portero de un edificio", "ayudante de mi tío": the place or the person, not
# the trade); "de la cocina" may still be the trade's ("ayudante de cocina" has none).
_ES_END = (
    r"(?=\s+(?:con|en|para|por|desde|durante|hace|a|al|y|e|o|que|los|las|el|la|de\s+"
    r"(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|noche|d[ií]a|tarde|"
    r"ma[ñn]ana|turno|medio|una?|unos|unas|mis?|tus?|sus?|nuestr[oa]s?|est[ae]s?|es[ae]s?))"
    r"\b|\s*[,.;:!?()]|\s*$)"
)
# A title never ends in these ("nana de la familia Ríos" matched "nana de"): dropped.
_DANGLING = {
    "es": frozenset("de del la el los las un una y e o a al en con para por".split()),
    "en": frozenset("of the a an and or in at for with".split()),
}
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


# Work a worker describes without naming it: "cuido a dos hermanitos" is a nanny's job, "I
# looked after my grandmother" a home carer's. Care work is the informal work people least
# often call a job (issue #20's nanny walk: her story never said "niñera", so none of a nanny's
# skills were looked for). The span is the activity; the title is what it is matched as.
_KIDS_ES = (
    r"(?:(?:a\s+)?(?:los|las|unos|unas|dos|tres|cuatro|mis|sus|tus)\s+)?"
    r"(?:ni[ñn][oa]s|nenes|nenas|chic[oa]s|chiquit[oa]s|hermanit[oa]s|beb[eé]s|gurises|pibes)"
)
_ELDERS_ES = (
    r"(?:a\s+)?(?:mi|mis|una|un|la|el|dos|unos|unas)?\s*(?:abuel[oa]s?|ancian[oa]s?|"
    r"se[ñn]or(?:a|as|es)?\s+mayor(?:es)?|(?:personas?|adult[oa]s?)\s+mayor(?:es)?)"
)
_CARE_EN = (
    r"(?:look(?:ed|ing|s)?\s+after|(?:take|took|taking|takes)\s+care\s+of|"
    r"cared?\s+for|caring\s+for)"
)
IMPLIED = {
    "es": [
        (re.compile(r"\bcuid(?:o|aba|é|e|ando|ar)\s+" + _KIDS_ES + r"\b", re.I), "niñera"),
        (
            re.compile(r"\bcuid(?:o|aba|é|e|ando|ar)\s+" + _ELDERS_ES + r"\b", re.I),
            "cuidador de personas mayores",
        ),
    ],
    "en": [
        (
            re.compile(
                r"\b(?:babysat|babysit(?:ting|s)?|" + _CARE_EN + r"\s+(?:my\s+|the\s+|two\s+|"
                r"three\s+|some\s+|their\s+|a\s+couple\s+of\s+)?(?:kids|children|toddlers|"
                r"babies|little\s+ones))\b",
                re.I,
            ),
            "nanny",
        ),
        (
            re.compile(
                _CARE_EN + r"\s+(?:my\s+|an?\s+|the\s+)?(?:elderly\s+\w+|grandmother|"
                r"grandfather|grandma|grandpa|gran|elderly|old\s+(?:lady|man|people))\b",
                re.I,
            ),
            "care at home worker",
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
    # the job is what the worker does here ("cuido a dos hermanitos"), not a name they gave
    # it: the occupation route reads these words (a name's it leaves out), but like a name's
    # sentence it is quoted for the job's skills only after a sentence that shows them ("I
    # babysit two kids" was the quote for "maintain relations with children's parents")
    implied: bool = False

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
            start, end = _without_dangling(text, match.start(group), match.end(group), lang)
            if end <= start:
                continue
            span = TitleSpan(text[start:end], start, end, match.start())
            found.setdefault(span.start, span)
    for pattern, title in IMPLIED.get(lang, ()):
        for match in pattern.finditer(text):
            if not any(s.phrase_start <= match.start() < s.end for s in found.values()):
                span = TitleSpan(title, match.start(), match.end(), implied=True)
                found.setdefault(match.start(), span)
    return sorted(found.values(), key=lambda s: s.start)


def _without_dangling(text: str, start: int, end: int, lang: str) -> tuple[int, int]:
    """The span without the function words it ends in."""
    dangling = _DANGLING.get(lang, frozenset())
    while end > start:
        head, _, last = text[start:end].rstrip().rpartition(" ")
        if last.lower() not in dangling:
            break
        end = start + len(head.rstrip())
    return start, end
