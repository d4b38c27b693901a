"""European Learning Model (ELM v3, Europass / EDC) JSON-LD export: offers as one document,
{"@context": ..., "@graph": [LearningOpportunity, ...]}, each with its
LearningAchievementSpecification. Registered as `assistant.catalogue.formats.elm:ElmExporter`
(re-exported there).
"""

from __future__ import annotations

import json
import uuid
from typing import IO, Any

from assistant.catalogue.formats._jsonld import ALPHA3, LANG3, iso_hours, number, prune

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
