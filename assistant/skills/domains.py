"""Skills that belong to one domain are shown only when the story is in it.

ESCO has whole families of skills for animals, ships, aircraft, religious work, leading staff
or keeping up to date with a field, whose labels share their words with everyday work:
"prestar primeros auxilios a animales" beside first aid, "ayudar en el trabajo misionero"
beside helping, "supervisar el trabajo del personal de limpieza" beside cleaning,
"mantenerse al día" beside "todos los días". A model reading a nanny's "le hice los
primeros auxilios" finds the animal one as close as the human one; a counsellor would never
name it, because nothing in her story is about animals. So such a skill needs one word of its
domain somewhere in the worker's text (any sentence: "trabajé en una veterinaria" opens the
domain for the whole story). The words are broad on purpose: a rule like this should fail
open (show a doubtful skill) rather than hide a real one.

Found in walks as a worker (issue #20), not in the development set; measured on its tune part
before being kept (decision record 0018).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.skills.lexicon import fold


@dataclass(frozen=True)
class Domain:
    name: str
    label: re.Pattern  # on ESCO's English preferred label
    evidence: re.Pattern  # on the worker's text, lower-cased and accent-folded


def _words(pattern: str) -> re.Pattern:
    return re.compile(rf"\b(?:{pattern})", re.I)


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "animals",
        _words(r"animals?\b|pets?\b|veterinar|livestock\b|cattle\b|poultry\b|equine\b|horses?\b"),
        _words(
            r"animal|mascot|perr|gat[oa]s?\b|gatit|cachorr|caball|yegua|vacas?\b|ganad|gallin"
            r"|cerd|chanch|ovej|cabra|conej|pajar|aves?\b|veterinari|zoo|granja|tambo|establo"
            r"|criadero|lecher|ordeno|pastore|rebano|alpaca|crianza|corral|pets?\b|dogs?\b"
            r"|pupp|cats?\b|kitten|horse|cows?\b|cattle|livestock|herd|flock|dairy|milking"
            r"|poultry|chicken|pigs?\b|sheep|goats?\b|rabbit|birds?\b|vets?\b|kennel|farm"
            r"|stable|ranch"
        ),
    ),
    Domain(
        "fish",
        _words(r"fish\b|fisher|aquacultur|shellfish|aquatic"),
        _words(
            r"pez\b|peces|pescad|pesca|marisc|acuicult|acuari|trucha|salmon|atun|fish|seafood"
            r"|aquacult|aquari|trout|tuna|oyster|mussel"
        ),
    ),
    Domain(
        "ships",
        _words(r"vessels?\b|ships?\b|ship's|boats?\b|maritime|seafar|mooring|harbou?r|deck\b"),
        _words(
            r"barco|buque|embarcacion|lancha|bote\b|botes\b|naval|maritim|marin|puerto|muelle"
            r"|crucero|ferry|velero|yate|navega|ship|boat|vessel|sailor|seaman|seafar|harbo"
            r"|ports?\b|dock|deck|cruise|yacht|sail"
        ),
    ),
    Domain(
        "aircraft",
        _words(r"aircraft|airports?\b|aviation|airside|flights?\b|airlines?\b|cabin crew"),
        _words(
            r"avion|aeropuert|aerolinea|vuelo|aeronav|aviacion|aereo|azafat|tripulacion|pista"
            r"|planes?\b|aircraft|airport|airline|flight|aviation|cabin|runway|hangar"
        ),
    ),
    Domain(
        "religion",
        _words(r"religio|missionar|church|spiritual|liturg|clergy|theolog|sacrament|worship"),
        _words(
            r"iglesia|parroqui|religi|misione|mision\b|misiones|catequ|pastoral|templo|capilla"
            r"|culto\b|biblia|biblic|evangel|pastor\b|sacerdot|monja|congregacion|church"
            r"|mission|ministry|parish|bible|worship|chaplain|priest|pastor|faith"
            r"|spiritual|espiritual"
        ),
    ),
    Domain(
        # keeping up to date with a field: "todos los días" / "todo el día" (every day) read
        # as "mantenerse al día" (up to date) for a nanny who talks to the parents daily
        "keeping up to date",
        _words(
            r"(?:keep|stay|remain)\b.*\b(?:up[- ]to[- ]date|updated|up with|abreast|current)\b"
            r"|maintain (?:updated|up-to-date|current)|follow (?:trends|developments)"
            r"|monitor (?:developments|trends)"
        ),
        _words(
            r"actualiz|al dia con|al tanto|novedad|tendencia|estudi|curso|capacit|aprend"
            r"|investig|leo\b|leer|leyendo|revista|noticia|update|up to date|up-to-date|trend"
            r"|course|learn|research|read|news|journal|training|keep up|stay current|abreast"
            r"|latest|new releases"
        ),
    ),
    Domain(
        # leading staff: "supervise the work of cleaning staff" is not cleaning
        "leading staff",
        # the staff word as the object, not qualifying it ("manage personnel agenda" is not)
        _words(
            r"(?:supervise|manage|lead|direct|coordinate|brief)\b.*\b(?:staff|team|teams|workers"
            r"|employees|personnel|crew|volunteers)\b(?!'?s?\s+(?:agenda|schedules?|records"
            r"|files|payroll|data|information))"
        ),
        _words(
            r"supervis|encargad|a cargo|a mi cargo|jef[ae]|lider|coordin|dirig|gerente"
            r"|capataz|mando|gestion|equipo de|mi equipo|personal\b|empleados|capacit|ensen"
            r"|entren|in charge|manag|lead|led\b|boss|foreman|oversaw|oversee|head of"
            r"|team of|my team|staff|crew|train|direct"
        ),
    ),
)


@functools.cache
def _domains_of(label: str) -> tuple[Domain, ...]:
    return tuple(d for d in DOMAINS if d.label.search(label))


class StoryDomains:
    """Which domains one text opens, read once per text and asked once per candidate."""

    def __init__(self, text: str) -> None:
        self._text = fold(text)
        self._open: dict[str, bool] = {}

    def allows(self, label: str) -> bool:
        """False when the skill's English preferred label belongs to a domain the text never
        names."""
        for domain in _domains_of(label):
            if domain.name not in self._open:
                self._open[domain.name] = domain.evidence.search(self._text) is not None
            if not self._open[domain.name]:
                return False
        return True
