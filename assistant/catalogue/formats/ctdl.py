"""Credential Engine CTDL JSON-LD (the Credential Registry's `ceterms:` vocabulary).

Import accepts a learning opportunity (`ceterms:Course`, `ceterms:LearningOpportunityProfile`,
`ceterms:LearningProgram`) or a credential (`ceterms:Badge`, `ceterms:Certificate`,
`ceterms:MicroCredential`, `ceterms:Credential`, ...): one node, a list, or an `@graph` in which
the owning/offering organisations are looked up by id. Keys may be written `ceterms:name`,
`name` or as full IRIs; values may be language maps (`{"en-US": "..."}`) or lists.

Competencies become skills only when they are ESCO skill URIs and the offer develops them:
`ceterms:teaches` / `ceterms:assesses` for learning opportunities, and also
`ceterms:requires` → `ceterms:targetCompetency` for credentials (what one must show to earn
it). A course's `ceterms:requires` is a prerequisite and goes to `prerequisites` instead.
Name-only `ceterms:teaches` alignments (no ESCO node) are the learning outcomes.

The id is the publisher's own catalogue id from `ceterms:identifier` when it is a valid Offer
id, else `ceterms:ctid`, else the last segment of `@id`. Files: `.ctdl.jsonld` / `.ctdl.json`;
a plain `.jsonld` file needs `--format ctdl`.
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
    funding,
    index_nodes,
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
from assistant.catalogue.schema import ESCO_SKILL_PREFIX

LEARNING_TYPES = {"Course", "LearningOpportunityProfile", "LearningProgram", "LearningOpportunity"}
CREDENTIAL_WORDS = (
    "Credential",
    "Badge",
    "Certificate",
    "Certification",
    "Diploma",
    "Degree",
    "License",
)
ORGANISATION_TYPES = {"CredentialOrganization", "QACredentialOrganization", "Organization"}
_PREFIXES = ("ceterms:", "", "https://purl.org/ctdl/terms/", "http://purl.org/ctdl/terms/")


def get(node: Any, key: str) -> list:
    """All values of a ceterms property, however the key is written."""
    if not isinstance(node, dict):
        return []
    return [v for prefix in _PREFIXES for v in as_list(node.get(prefix + key))]


def first(node: Any, key: str) -> Any:
    return next(iter(get(node, key)), None)


def kind(node: Any) -> str | None:
    names = types_of(node) - ORGANISATION_TYPES
    if names & LEARNING_TYPES:
        return "learning"
    if any(name.endswith(word) for name in names for word in CREDENTIAL_WORDS):
        return "credential"
    return None


class CtdlImporter:
    name = "ctdl"
    suffixes = (".ctdl.jsonld", ".ctdl.json")

    def read(self, path: Path) -> Iterator[RawRecord]:
        data, problem = load_json(path)
        if problem:
            yield RawRecord(path.name, None, problem)
            return
        nodes = top_nodes(data)
        index = index_nodes(data)
        found = [(i, n) for i, n in enumerate(nodes, 1) if kind(n)]
        if not found:
            kinds = sorted({t for n in nodes for t in types_of(n)}) or ["no type"]
            yield RawRecord(
                path.name,
                None,
                "no CTDL course, learning opportunity or credential "
                f"in the document (found: {', '.join(kinds)})",
            )
            return
        for i, node in found:
            where = path.name if len(found) == 1 else f"{path.name}:item {i}"
            yield RawRecord(where, node_to_offer(node, index))


def node_to_offer(node: dict, index: dict[str, dict]) -> dict:
    def ref(value: Any) -> Any:
        ident = node_id(value)
        return (
            index.get(ident, value)
            if ident and (isinstance(value, str) or len(value) <= 2)
            else value
        )

    langs = list(dict.fromkeys(c for c in map(language_code, get(node, "inLanguage")) if c))

    def name(value: Any) -> str | None:
        return text(first(value, "name"), langs) if isinstance(value, dict) else None

    def organisation(value: Any) -> dict | None:
        org = ref(value)
        if org is None:
            return None
        if not isinstance(org, dict):
            return {"name": text(org)}  # an unresolved reference: its URI is all we have
        places = [ref(p) for p in get(org, "address") + get(org, "availableAt")]
        countries = [c for p in places for c in get(p, "addressCountry")]
        regions = [text(r, langs) for p in places for r in get(p, "addressRegion")]
        return {
            "name": name(org) or node_id(org),
            "country": next((c for c in map(country_code, countries) if c), None),
            "region": next((r for r in regions if r), None),
        }

    owners = get(node, "ownedBy") + get(node, "offeredBy")
    offerers = get(node, "offeredBy")
    credential = kind(node) == "credential"

    skills: dict[str, str | None] = {}
    outcomes: list[str] = []
    prerequisites: list[str] = []
    alignments = get(node, "teaches") + get(node, "assesses")
    for condition in [ref(c) for c in get(node, "requires")]:
        targets = get(condition, "targetCompetency")
        if first(condition, "targetNode") is not None and not targets:
            targets = [condition]  # an alignment given directly under requires
        if credential:
            alignments += targets
        else:
            prerequisites += [text(d, langs) or "" for d in get(condition, "description")]
            prerequisites += [text(first(t, "targetNodeName"), langs) or "" for t in targets]
    for alignment in map(ref, alignments):
        target = first(alignment, "targetNode")
        uri = node_id(target) or (target if isinstance(target, str) else None)
        label = text(first(alignment, "targetNodeName"), langs)
        if uri and uri.startswith(ESCO_SKILL_PREFIX):
            skills.setdefault(uri, label)
        elif label or (label := text(first(alignment, "targetNodeDescription"), langs)):
            outcomes.append(label)
    if not outcomes:
        outcomes = [label for label in skills.values() if label]

    hours = None
    for profile in map(ref, get(node, "estimatedDuration")):
        value = first(profile, "exactDuration") or first(profile, "maximumDuration")
        hours = hours if hours is not None else (duration_hours(value) if value else None)
    ects = None
    for value in map(ref, get(node, "creditValue")):
        units = " ".join(
            str(first(u, "targetNode") or "") + " " + (text(first(u, "targetNodeName")) or "")
            for u in get(value, "creditUnitType")
        )
        amount = number(first(value, "value"))
        if "ECTS" in units.upper():
            ects = amount
        elif hours is None and re.search(r"clock\s*hour|contact\s*hour", units, re.I):
            hours = amount

    amounts, currency = [], None
    for profile in map(ref, get(node, "estimatedCost")):
        cur = currency_code(first(profile, "currency"))
        price = first(profile, "price")
        if price is not None and (currency is None or cur == currency):
            currency = currency or cur
            amounts.append(number(price))
    funder = next(
        (text(first(ref(f), "name"), langs) for f in get(node, "financialAssistance")), None
    )
    total = (
        (sum(amounts) if all(isinstance(a, int | float) for a in amounts) else amounts[0])
        if amounts
        else None
    )

    delivery = []
    for item in map(ref, get(node, "deliveryType")):
        if isinstance(item, dict):
            delivery += [
                local(str(first(item, "targetNode") or "")),
                text(first(item, "targetNodeName")) or "",
            ]
        else:
            delivery.append(local(str(item)))
    delivery = [d for d in delivery if d]

    eqf = None
    for level in map(ref, get(node, "audienceLevelType")):
        found = re.search(r"/eqf/(\d)$", str(first(level, "targetNode") or level))
        eqf = eqf or (int(found.group(1)) if found else None)

    assessment = next((text(a, langs) for a in get(node, "assessmentMethodDescription")), None)
    if not assessment:
        methods = [
            text(first(m, "targetNodeName"), langs) or local(str(first(m, "targetNode")))
            for m in map(ref, get(node, "assessmentMethodType"))
            if isinstance(m, dict)
        ]
        assessment = ", ".join(m for m in methods if m) or None
    accreditor = next(iter(get(node, "accreditedBy") + get(node, "approvedBy")), None)
    venue = next((ref(p) for p in get(node, "availableAt") if isinstance(ref(p), dict)), None)
    identifiers = [
        first(i, "identifierValueCode") if isinstance(i, dict) else i
        for i in get(node, "identifier")
    ]
    ctid = first(node, "ctid")
    awarding = organisation(next(iter(owners), None))
    provider = organisation(offerers[0]) if offerers and owners[0] != offerers[0] else None
    if provider and awarding and not provider["country"]:  # as in the CSV format
        provider["country"] = awarding["country"]

    return prune(
        {
            "id": stable_id([str(i) for i in identifiers + [ctid] if i], node),
            "title": text(first(node, "name"), langs),
            "description": text(first(node, "description"), langs) or "",
            "languages": langs,
            "awarding_body": awarding,
            "provider": provider,
            "learning_outcomes": list(dict.fromkeys(outcomes)),
            "workload": {"hours": hours, "ects": ects},
            "eqf_level": eqf,
            "assessment": assessment,
            "mode": mode_of(delivery),
            "location": {
                "country": country_code(first(venue, "addressCountry")),
                "city": text(first(venue, "addressLocality"), langs),
            }
            if first(venue, "addressCountry")
            else None,
            "quality_assurance": {"type": "accredited", "body": organisation(accreditor)["name"]}
            if accreditor
            else None,
            "cost": {
                "amount": total,
                "currency": currency,
                "funding": funding(total, funder),
                "funded_by": funder,
            }
            if amounts
            else None,
            "prerequisites": " ".join(p for p in prerequisites if p) or None,
            "url": next((node_id(u) or u for u in get(node, "subjectWebpage")), None),
            "skills": [
                {"uri": uri, "label": lab, "source": "declared"} for uri, lab in skills.items()
            ],
        }
    )
