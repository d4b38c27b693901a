"""European Learning Model (ELM v3, Europass / EDC) JSON-LD: a `LearningOpportunity` with its
`LearningAchievementSpecification`, as published by Europass and the EDC tools.

Import accepts one LearningOpportunity, a list of them, or an `@graph` (other nodes in the graph,
e.g. organisations, are looked up by id). It is liberal in what it accepts (`id`/`@id`,
`type`/`@type`, compact or full type IRIs, single values or lists, language maps such as
`{"es": "..."}` or `{"@value": "...", "@language": "es"}`). A mandatory Offer field that the
document lacks is left out, so the schema reports it by name. An offer with start dates
(`temporal`) is taken to run in cohorts. The ESCO skills are read from `relatedESCOSkill` (and
ESCO URIs in `relatedSkill`) on the opportunity, its specification and its learning outcomes.
Files are recognised by the suffixes `.elm.jsonld` / `.elm.json`; a plain `.jsonld` file needs
`--format elm` (JSON-LD is also used by CTDL and Open Badges).

The helpers at the top (language maps, ISO 8601 durations, code tables) are shared with the
CTDL importer.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from assistant.catalogue.formats import RawRecord
from assistant.catalogue.schema import ESCO_SKILL_PREFIX, REGIONAL_CODES

CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
EU_CURRENCY = "http://publications.europa.eu/resource/authority/currency/"
EQF = "http://data.europa.eu/snb/eqf/"
ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
# No official code list for the learning mode is embedded: same placeholder scheme as the sample.
MODE_SCHEME = "https://example.org/puente-demo/vocab/learning-mode/"
SAMPLE_NOTE = "FICTIONAL SAMPLE DATA for the Puente demo. Invented provider; not a real offer."
OFFER_NS = uuid.UUID("5b0d3a52-6c1e-4b0e-9a43-0f6e2a1c9d17")  # namespace for derived ids

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


# ------------------------------------------------------------------------------ import
class ElmImporter:
    name = "elm"
    suffixes = (".elm.jsonld", ".elm.json")

    def read(self, path: Path) -> Iterator[RawRecord]:
        data, problem = load_json(path)
        if problem:
            yield RawRecord(path.name, None, problem)
            return
        nodes = top_nodes(data)
        index = index_nodes(data)
        found = [(i, n) for i, n in enumerate(nodes, 1) if "LearningOpportunity" in types_of(n)]
        if not found:
            kinds = sorted({t for n in nodes for t in types_of(n)}) or ["no type"]
            yield RawRecord(
                path.name,
                None,
                f"no ELM LearningOpportunity in the document (found: {', '.join(kinds)})",
            )
            return
        for i, node in found:
            where = path.name if len(found) == 1 else f"{path.name}:item {i}"
            yield RawRecord(where, opportunity_to_offer(node, index))


def opportunity_to_offer(lo: dict, index: dict[str, dict]) -> dict:
    def ref(value: Any) -> Any:
        ident = node_id(value)
        if ident and ident in index and (isinstance(value, str) or len(value) <= 2):
            return index[ident]
        return value

    def refs(value: Any) -> list:
        return [ref(v) for v in as_list(value)]

    spec = next(iter(refs(lo.get("learningAchievementSpecification") or lo.get("specifiedBy"))), {})
    spec = spec if isinstance(spec, dict) else {}

    def get(*keys: str) -> list:  # values from the specification, then the opportunity
        return [v for node in (spec, lo) for k in keys for v in refs(node.get(k))]

    langs = [c for c in map(language_code, get("language", "defaultLanguage", "inLanguage")) if c]
    langs = list(dict.fromkeys(langs))

    def organisation(value: Any) -> dict | None:
        org = ref(value)
        if not org:
            return None
        if not isinstance(org, dict):
            return {"name": text(org)}
        places = [ref(p) for p in as_list(org.get("location"))] + [org]
        addresses = [a for p in places if isinstance(p, dict) for a in refs(p.get("address"))]
        countries = [a.get("countryCode") for a in addresses + places if isinstance(a, dict)]
        regions = [text(p.get("geographicName"), langs) for p in places if isinstance(p, dict)]
        return {
            "name": label(org, langs),
            "country": next((c for c in map(country_code, countries) if c), None),
            "region": next((r for r in regions if r), None),
        }

    awarding = [
        b
        for o in get("awardingOpportunity")
        if isinstance(o, dict)
        for b in refs(o.get("awardingBody"))
    ] + get("awardingBody")
    awarding_body = organisation(next(iter(awarding), None))
    provider = organisation(next(iter(refs(lo.get("providedBy"))), None))
    if provider and awarding_body and not provider.get("country"):  # as in the CSV format
        provider["country"] = awarding_body.get("country")

    outcomes, skills = [], {}
    for item in get("learningOutcome"):
        outcomes.append(label(item, langs) if isinstance(item, dict) else text(item, langs))
    if not any(outcomes):
        summary = next((label(n, langs) for n in get("learningOutcomeSummary")), None) or ""
        outcomes = [part.strip() for part in re.split(r"[;\n]", summary)]
    for node in [spec, lo, *[o for o in get("learningOutcome") if isinstance(o, dict)]]:
        for key in ("relatedESCOSkill", "relatedEscoSkill", "relatedSkill"):
            for item in as_list(node.get(key)):
                uri = node_id(item) or text(item)
                if uri and (key != "relatedSkill" or uri.startswith(ESCO_SKILL_PREFIX)):
                    skills.setdefault(uri, label(item) if isinstance(item, dict) else None)

    ects = None
    for credit in get("creditPoint", "creditPoints"):
        framework = " ".join(labels(credit.get("framework"))) if isinstance(credit, dict) else ""
        if not framework or "ECTS" in framework or local(ECTS) in framework:
            ects = number(credit.get("point") if isinstance(credit, dict) else credit)
            break
    for item in get("ECTSCreditPoints", "ectsCreditPoints", "ects"):
        ects = number(item) if ects is None else ects

    eqf = None  # an EQF concept (.../snb/eqf/N), "Level N", "EQF N" or N; ISCED levels are skipped
    for level in get("educationLevel", "EQFLevel", "eqfLevel"):
        names = [node_id(level) or ""] + labels(level) if isinstance(level, dict) else [level]
        for name in map(str, names):
            if m := re.search(r"/eqf/(\d)$|^(?:EQF\s*)?(?:level\s*)?(\d)$", name.strip(), re.I):
                eqf = eqf or int(m.group(1) or m.group(2))

    amounts, currency, funder = [], None, None
    for price in refs(lo.get("priceDetail")) + refs(spec.get("priceDetail")):
        amount = ref(price.get("amount")) if isinstance(price, dict) else price
        value = amount.get("value") if isinstance(amount, dict) else amount
        unit = (amount.get("unit") or amount.get("currency")) if isinstance(amount, dict) else None
        cur = currency_code(unit or price.get("currency")) if isinstance(price, dict) else None
        if value is not None and (currency is None or cur == currency):
            currency = currency or cur
            amounts.append(number(value))
    for grant in refs(lo.get("grant")):
        funder = funder or label(grant, langs) or label(ref(grant.get("providedBy")), langs)
    total = (
        (sum(amounts) if all(isinstance(a, int | float) for a in amounts) else amounts[0])
        if amounts
        else None
    )

    dates = []
    for period in get("temporal", "learningSchedule", "startDate"):
        start = period.get("startDate") if isinstance(period, dict) else period
        if isinstance(start, str) and re.match(r"\d{4}-\d{2}-\d{2}", start.strip()):
            dates.append(start.strip()[:10])
    venue = next((ref(v) for v in as_list(lo.get("location")) if isinstance(ref(v), dict)), None)
    venue_org = organisation(venue) if venue else None

    assessment = None
    for item in get("provenBy", "assessment", "assessmentType"):
        assessment = assessment or (
            label(item, langs) or label(next(iter(as_list(item.get("mode"))), None), langs)
            if isinstance(item, dict)
            else text(item, langs)
        )
    qa = None
    for acc in get("accreditation", "qualityAssurance"):
        if isinstance(acc, dict):
            kind = text(acc.get("title"), langs) or label(
                next(iter(as_list(acc.get("dcType"))), None), langs
            )
            qa = qa or {
                "type": kind or "accredited",
                "body": label(ref(acc.get("accreditingAgent")), langs),
            }
        elif text(acc):
            qa = qa or {"type": text(acc)}
    urls = [
        (u.get("contentURL") or u.get("url") or node_id(u)) if isinstance(u, dict) else u
        for u in get("homepage", "webpage", "url", "contentURL")
    ]
    notes = " ".join(label(n) or "" for n in get("additionalNote"))
    identifiers = [
        (i.get("notation") or text(i.get("@value"))) if isinstance(i, dict) else i
        for i in get("identifier")
    ]
    mode_names = [n for v in get("mode") for n in labels(v)]
    if not mode_of(mode_names) or mode_of(mode_names) not in ("online", "onsite", "blended"):
        setting = mode_of([n for v in get("learningSetting") for n in labels(v)])
        mode_names = [setting] if setting in ("online", "onsite", "blended") else mode_names

    return prune(
        {
            "id": stable_id([str(i) for i in identifiers if i], lo),
            "title": text(lo.get("title"), langs) or text(spec.get("title"), langs),
            "description": text(lo.get("description"), langs)
            or text(spec.get("description"), langs)
            or "",
            "languages": langs,
            "awarding_body": awarding_body,
            "provider": provider,
            "learning_outcomes": [o for o in outcomes if o],
            "workload": {
                "hours": next((duration_hours(v) for v in get("volumeOfLearning")), None),
                "ects": ects,
                "duration_weeks": next((duration_weeks(v) for v in get("duration")), None),
            },
            "eqf_level": eqf,
            "assessment": assessment,
            "mode": mode_of(mode_names),
            "pace": "cohort" if dates else None,
            "start_dates": dates,
            "location": venue_org
            and {"country": venue_org["country"], "city": venue_org["region"]},
            "quality_assurance": qa,
            "cost": {
                "amount": total,
                "currency": currency,
                "funding": funding(total, funder),
                "funded_by": funder,
            }
            if amounts
            else None,
            "prerequisites": next((label(n, langs) for n in get("entryRequirement")), None),
            "url": next((u for u in urls if isinstance(u, str)), None),
            "skills": [
                {"uri": uri, "label": lab, "source": "declared"} for uri, lab in skills.items()
            ],
            "sample_data": True if "fictional sample data" in notes.lower() else None,
        }
    )


# ------------------------------------------------------------------------------ export
LANG2 = {two: three for three, two in reversed(list(LANG3.items()))}
ALPHA2 = {two: three for three, two in ALPHA3.items()}


def derived_id(kind: str, key: str) -> str:
    return f"urn:epass:{kind}:{uuid.uuid5(OFFER_NS, key)}"


def concept(ident: str | None, pref: str, scheme: str | None = None, **extra: Any) -> dict:
    node = {"id": ident, "type": "Concept", "prefLabel": {"en": pref}, **extra}
    if scheme:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    return {k: v for k, v in node.items() if v is not None}


def _place(country: str | None, place: str | None, lang: str) -> dict:
    code = (country or "").upper()
    country_node = concept(
        EU_COUNTRY + ALPHA2[code] if code in ALPHA2 else None,
        code,
        EU_COUNTRY.rstrip("/"),
        notation=code,
    )
    return prune(
        {
            "type": "Location",
            "geographicName": {lang: place} if place else None,
            "address": [{"type": "Address", "countryCode": country_node}],
        }
    )


def _organisation(org: Any, lang: str) -> dict | None:
    if org is None:
        return None
    return {
        "id": derived_id("organisation", org.name),
        "type": "Organisation",
        "legalName": {lang: org.name},
        "location": [_place(org.country, org.region, lang)],
    }


class ElmExporter:
    """Offers as one ELM v3 JSON-LD document: {"@context": ..., "@graph": [LearningOpportunity,
    ...]}, each with its LearningAchievementSpecification."""

    name = "elm"
    suffix = ".elm.jsonld"

    def write(self, offers: list, stream: IO[str]) -> None:
        graph = [offer_to_opportunity(offer) for offer in offers]
        json.dump({"@context": CONTEXT, "@graph": graph}, stream, ensure_ascii=False, indent=2)
        stream.write("\n")


def offer_to_opportunity(offer: Any) -> dict:
    lang = offer.languages[0]
    base = derived_id("learningOpportunity", offer.id)
    work = offer.workload
    skills = [concept(s.uri, s.label) if s.label else s.uri for s in offer.skills]
    spec = {
        "id": derived_id("learningAchievementSpecification", offer.id),
        "type": "LearningAchievementSpecification",
        "title": {lang: offer.title},
        "description": {lang: offer.description} if offer.description else None,
        "learningOutcome": [
            {"id": f"{base}#outcome-{i}", "type": "LearningOutcome", "title": {lang: outcome}}
            for i, outcome in enumerate(offer.learning_outcomes, 1)
        ],
        "relatedESCOSkill": skills,
        "volumeOfLearning": iso_hours(work.hours),
        "creditPoint": [
            {
                "type": "CreditPoint",
                "point": f"{work.ects:g}",
                "framework": concept(
                    ECTS, "European Credit Transfer and Accumulation System (ECTS)"
                ),
            }
        ]
        if work.ects is not None
        else None,
        "educationLevel": [
            concept(f"{EQF}{offer.eqf_level}", f"Level {offer.eqf_level}", f"{EQF}25831c2")
        ]
        if offer.eqf_level
        else None,
        "language": [
            concept(
                EU_LANGUAGE + LANG2[c] if c in LANG2 else None,
                c,
                EU_LANGUAGE.rstrip("/"),
                notation=c,
            )
            for c in offer.languages
        ],
        "mode": [concept(MODE_SCHEME + offer.mode, offer.mode, MODE_SCHEME.rstrip("/"))],
        "awardingOpportunity": [
            {
                "type": "AwardingOpportunity",
                "awardingBody": [_organisation(offer.awarding_body, lang)],
            }
        ],
        "provenBy": [
            {"type": "LearningAssessmentSpecification", "title": {lang: offer.assessment}}
        ],
        "entryRequirement": {"type": "Note", "noteLiteral": {lang: offer.prerequisites}}
        if offer.prerequisites
        else None,
        "accreditation": [
            {
                "type": "Accreditation",
                "title": {lang: qa.type},
                "accreditingAgent": {"type": "Organisation", "legalName": {lang: qa.body}}
                if qa.body
                else None,
            }
            for qa in [offer.quality_assurance]
            if qa
        ],
    }
    cost = offer.cost
    return prune(
        {
            "id": base,
            "type": "LearningOpportunity",
            "identifier": [
                {"type": "Identifier", "notation": offer.id, "schemeName": "Puente catalogue id"}
            ],
            "title": {lang: offer.title},
            "description": {lang: offer.description} if offer.description else None,
            "learningAchievementSpecification": spec,
            "providedBy": _organisation(offer.provider, lang),
            "homepage": [{"type": "WebResource", "contentURL": offer.url}] if offer.url else None,
            "duration": f"P{work.duration_weeks:g}W" if work.duration_weeks else None,
            "temporal": [
                {"type": "PeriodOfTime", "startDate": f"{d.isoformat()}T00:00:00"}
                for d in offer.start_dates
            ],
            "location": [_place(offer.location.country, offer.location.city, lang)]
            if offer.location
            else None,
            "priceDetail": [
                {
                    "type": "PriceDetail",
                    "amount": {
                        "type": "Amount",
                        "value": number(float(cost.amount)),
                        "unit": concept(
                            EU_CURRENCY + cost.currency, cost.currency, EU_CURRENCY.rstrip("/")
                        ),
                    },
                }
            ],
            "grant": [{"type": "Grant", "title": {lang: cost.funded_by}}]
            if cost.funded_by
            else None,
            "additionalNote": [{"type": "Note", "noteLiteral": {"en": SAMPLE_NOTE}}]
            if offer.sample_data
            else None,
        }
    )
