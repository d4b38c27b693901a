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

The generic JSON-LD helpers (language maps, ISO 8601 durations, code tables) live in
`_jsonld`, shared with the CTDL importer; the exporter lives in `elm_export` and is
re-exported here (pyproject.toml registers `assistant.catalogue.formats.elm:ElmExporter`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.catalogue.formats import RawRecord
from assistant.catalogue.formats._jsonld import (
    as_list,
    country_code,
    currency_code,
    duration_hours,
    duration_weeks,
    funding,
    index_nodes,
    label,
    labels,
    language_code,
    load_json,
    local,
    mode_of,
    node_id,
    number,
    prune,
    stable_id,
    text,
    top_nodes,
    types_of,
)
from assistant.catalogue.formats.elm_export import ECTS, ElmExporter, offer_to_opportunity
from assistant.catalogue.schema import ESCO_SKILL_PREFIX

__all__ = ["ElmExporter", "ElmImporter", "offer_to_opportunity", "opportunity_to_offer"]


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
