"""Generic JSON-LD helpers shared by the linked-data importers and exporters (ELM, CTDL).

Reading liberal JSON-LD: lists or single values, `id`/`@id`, `type`/`@type`, compact or full
IRIs, language maps (`{"es": "..."}` or `{"@value": "...", "@language": "es"}`), references
resolved by id across an `@graph`. Also ISO 8601 durations, and the country, language,
currency and learning-mode code tables.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from assistant.catalogue.schema import REGIONAL_CODES

# ISO 3166-1 alpha-3 (EU authority table) -> alpha-2, for Latin America, the EU and a few more.
ALPHA3 = dict(
    p.split(":")
    for p in """MEX:MX COL:CO PER:PE CHL:CL ARG:AR GTM:GT DOM:DO ECU:EC
BRA:BR BOL:BO PRY:PY URY:UY VEN:VE CRI:CR PAN:PA HND:HN SLV:SV NIC:NI CUB:CU PRI:PR AUT:AT
BEL:BE BGR:BG HRV:HR CYP:CY CZE:CZ DNK:DK EST:EE FIN:FI FRA:FR DEU:DE GRC:GR HUN:HU IRL:IE
ITA:IT LVA:LV LTU:LT LUX:LU MLT:MT NLD:NL POL:PL PRT:PT ROU:RO SVK:SK SVN:SI ESP:ES SWE:SE
GBR:GB USA:US CAN:CA CHE:CH NOR:NO ISL:IS""".split()
)
# ISO 639-2 (EU authority table, plus bibliographic variants) and common names -> ISO 639-1.
LANG3 = dict(
    p.split(":")
    for p in """ENG:en SPA:es POR:pt FRA:fr FRE:fr DEU:de GER:de ITA:it
NLD:nl DUT:nl POL:pl RON:ro RUM:ro ELL:el GRE:el CES:cs CZE:cs SLK:sk SLO:sk SLV:sl HRV:hr
BUL:bg HUN:hu SWE:sv DAN:da FIN:fi EST:et LAV:lv LIT:lt MLT:mt GLE:ga CAT:ca EUS:eu BAQ:eu
GLG:gl RUS:ru UKR:uk ZHO:zh CHI:zh JPN:ja ARA:ar TUR:tr NOR:no QUE:qu GRN:gn""".split()
)
LANG_NAMES = {
    "english": "en",
    "inglés": "en",
    "spanish": "es",
    "español": "es",
    "castellano": "es",
    "portuguese": "pt",
    "português": "pt",
    "portugués": "pt",
    "french": "fr",
    "german": "de",
    "italian": "it",
}
MODE_WORDS = (
    ("blended", ("blended", "hybrid", "mixed", "semipresencial", "hibrid")),
    ("online", ("online", "virtual", "distance", "elearning", "remote", "enlinea")),
    (
        "onsite",
        ("onsite", "inperson", "facetoface", "presencial", "presential", "classroom", "campus"),
    ),
)
_LANG_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
_DURATION = re.compile(
    r"^P(?:([\d.,]+)Y)?(?:([\d.,]+)M)?(?:([\d.,]+)W)?(?:([\d.,]+)D)?"
    r"(?:T(?:([\d.,]+)H)?(?:([\d.,]+)M)?(?:([\d.,]+)S)?)?$"
)
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


# ----------------------------------------------------------------------- JSON-LD helpers
def as_list(value: Any) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def local(name: str) -> str:
    return re.split(r"[/#:]", str(name).rstrip("/"))[-1]


def node_id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id") or value.get("@id")
    return value if isinstance(value, str) and value else None


def types_of(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    return {local(t) for t in as_list(node.get("type") or node.get("@type")) if isinstance(t, str)}


def index_nodes(data: Any, index: dict | None = None) -> dict[str, dict]:
    """Every node with an id and some content, by id (to resolve references)."""
    index = {} if index is None else index
    if isinstance(data, list):
        for item in data:
            index_nodes(item, index)
    elif isinstance(data, dict):
        ident = node_id(data)
        if ident and len(set(data) - {"id", "@id", "type", "@type"}) > 0:
            index.setdefault(ident, data)
        for value in data.values():
            index_nodes(value, index)
    return index


def top_nodes(data: Any) -> list:
    if isinstance(data, dict) and "@graph" in data:
        return as_list(data["@graph"])
    return data if isinstance(data, list) else [data]


def _tagged(value: Any, lang: str | None = None) -> list[tuple[str | None, str]]:
    if isinstance(value, str):
        return [(lang, value.strip())] if value.strip() else []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [(lang, f"{value:g}")]
    if isinstance(value, list):
        return [pair for item in value for pair in _tagged(item, lang)]
    if isinstance(value, dict):
        if ":" in str(value.get("id", "")):  # a node reference, not a language map
            return []
        if "@value" in value:
            return _tagged(value["@value"], value.get("@language", lang))
        if value and all(_LANG_TAG.match(k) for k in value):
            return [pair for k, v in value.items() for pair in _tagged(v, k)]
    return []


def text(value: Any, prefer: list[str] | tuple = ()) -> str | None:
    """A literal, a language map or a list of tagged values, in the preferred language."""
    pairs = _tagged(value)
    for want in (*prefer, "en"):
        for lang, item in pairs:
            if lang and lang.split("-")[0].lower() == want:
                return item
    return pairs[0][1] if pairs else None


def label(value: Any, prefer: list[str] | tuple = ()) -> str | None:
    """What a Concept, Note, Organisation or literal is called."""
    if not isinstance(value, dict) or "@value" in value:
        return text(value, prefer)
    for key in (
        "prefLabel",
        "title",
        "legalName",
        "name",
        "noteLiteral",
        "notation",
        "altLabel",
        "ceterms:name",
        "ceterms:targetNodeName",
    ):
        if found := text(value.get(key), prefer):
            return found
    return None


def labels(values: Any) -> list[str]:
    """Every name a concept goes by: its labels and the last segment of its id."""
    found = []
    for value in as_list(values):
        found += [t for _, t in _tagged(value.get("prefLabel"))] if isinstance(value, dict) else []
        found += [label(value) or ""] + ([local(node_id(value) or "")] if node_id(value) else [])
    return [f for f in found if f]


def number(value: Any) -> Any:
    """A number from a number or a numeric string; anything else is returned for the schema
    to report with the field name."""
    if isinstance(value, dict):
        value = value.get("@value", value.get("value", value))
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def duration(value: Any) -> dict[str, float] | None:
    match = _DURATION.match(value.strip().upper()) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        return None
    keys = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
    return {k: float(v.replace(",", ".")) for k, v in zip(keys, match.groups(), strict=True) if v}


def duration_hours(value: Any) -> Any:
    """Hours from an ISO 8601 duration (PT30H, P1DT6H), a number or '30 h'; years and months
    are ambiguous and are passed on as they are."""
    if isinstance(value, dict):
        value = value.get("@value", value.get("value"))
    parts = duration(value)
    if parts is None:
        if isinstance(value, str) and (
            m := re.fullmatch(r"\s*([\d.,]+)\s*(h|hours?|horas?)\s*", value, re.I)
        ):
            return number(m.group(1))
        return number(value)
    if "years" in parts or "months" in parts:
        return value
    hours = (
        parts.get("weeks", 0) * 168
        + parts.get("days", 0) * 24
        + parts.get("hours", 0)
        + parts.get("minutes", 0) / 60
        + parts.get("seconds", 0) / 3600
    )
    return number(round(hours, 2))


def duration_weeks(value: Any) -> float | None:
    parts = duration(value)
    if not parts or not {"years", "months", "weeks", "days"} & set(parts):
        return None
    weeks = (
        parts.get("years", 0) * 52
        + parts.get("months", 0) * 52 / 12
        + parts.get("weeks", 0)
        + parts.get("days", 0) / 7
    )
    return number(round(weeks, 1))


def iso_hours(hours: float) -> str:
    whole, minutes = int(hours), round((hours - int(hours)) * 60)
    return f"PT{whole}H" + (f"{minutes}M" if minutes else "")


def _names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return labels(value)
    found = text(value) or ""
    return [found, local(found)] if "/" in found else [found]


def country_code(value: Any) -> str | None:
    candidates = _names(value)
    for cand in candidates:
        cand = cand.strip().upper()
        if re.fullmatch(r"[A-Z]{2}", cand) or cand in REGIONAL_CODES:
            return cand
        if cand in ALPHA3:
            return ALPHA3[cand]
    return candidates[0] if candidates and candidates[0] else None  # for the schema to report


def language_code(value: Any) -> str | None:
    candidates = _names(value)
    for cand in candidates:
        cand = cand.strip()
        if re.fullmatch(r"[A-Za-z]{2}([-_][A-Za-z0-9]+)*", cand):
            return cand[:2].lower()
        if cand.upper() in LANG3 or cand.lower() in LANG_NAMES:
            return LANG3.get(cand.upper()) or LANG_NAMES[cand.lower()]
    return candidates[0] if candidates and candidates[0] else None


def currency_code(value: Any) -> str | None:
    for cand in _names(value):
        if re.fullmatch(r"[A-Za-z]{3}", cand.strip()):
            return cand.strip().upper()
    return label(value) if isinstance(value, dict) else text(value)


def mode_of(names: list[str]) -> str | None:
    found = set()
    for name in names:
        flat = re.sub(r"[^a-z]", "", name.lower().replace("í", "i"))
        found |= {mode for mode, words in MODE_WORDS if any(w in flat for w in words)}
    if "blended" in found or {"online", "onsite"} <= found:
        return "blended"
    return found.pop() if found else (names[0] if names else None)


def funding(amount: Any, funder: str | None) -> str:
    if isinstance(amount, int | float) and amount == 0:
        return "funded" if funder else "free"
    return "subsidised" if funder else "paid"


def stable_id(identifiers: list[str], node: dict) -> str | None:
    for ident in identifiers:
        if ident and _ID_OK.match(ident):
            return ident
    ident = node_id(node)
    if ident and "/" in ident:
        ident = local(ident.split("#")[0])
    return ident or next(iter(identifiers), None)


def prune(data: Any) -> Any:
    """Drop None values, empty dicts and empty lists (a missing field is then 'required')."""
    if isinstance(data, dict):
        data = {k: prune(v) for k, v in data.items()}
        return {k: v for k, v in data.items() if v not in (None, {}, [])}
    if isinstance(data, list):
        return [prune(v) for v in data]
    return data


def load_json(path: Path) -> tuple[Any, str | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
