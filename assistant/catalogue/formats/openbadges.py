"""Open Badges 3.0 (1EdTech): each offer as an OB3 `Achievement`, the description of what a
badge certifies, ready for an issuer to reference from its OpenBadgeCredentials.

The file is always a JSON array of Achievements (one per offer), each a self-contained JSON-LD
object with its own `@context`. Ids are `urn:uuid:`s derived deterministically from the offer
id (and, for the creator Profile, from the awarding body's name), so exporting twice gives the
same ids. ESCO skills become `alignment` entries (`targetType` "ceasn:Competency",
`targetFramework` "ESCO"); the learning outcomes become the `criteria.narrative`.
"""

from __future__ import annotations

import json
import uuid
from typing import IO, Any

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# Namespace for the derived urn:uuid ids (fixed: changing it changes every exported id).
NAMESPACE = uuid.UUID("0c6f6c1e-3f0a-5b7e-9d2c-6a1b8e4f2d90")
ACHIEVEMENT_TYPE = "MicroCredential"  # in the OB 3.0 AchievementType enumeration


def urn(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'puente:{kind}:{key}')}"


def _profile(org: Any) -> dict:
    profile: dict = {"id": urn("organisation", org.name), "type": ["Profile"], "name": org.name}
    address: dict = {"type": ["Address"]}
    if len(org.country) == 2:
        address["addressCountryCode"] = org.country
    else:  # LATAM / EU / INT: a regional body has no ISO 3166 code
        address["addressCountry"] = org.country
    if org.region:
        address["addressRegion"] = org.region
    profile["address"] = address
    return profile


def _narrative(offer: Any) -> str:
    lines = ["Learners who earn this achievement are able to:", ""]
    lines += [f"- {outcome}" for outcome in offer.learning_outcomes]
    lines += ["", f"Assessment: {offer.assessment}."]
    return "\n".join(lines)


def offer_to_achievement(offer: Any) -> dict:
    achievement: dict = {
        "@context": CONTEXT,
        "id": urn("offer", offer.id),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": offer.title,
        "description": offer.description or offer.title,
        "criteria": {"narrative": _narrative(offer)},
        "creator": _profile(offer.awarding_body),
        "humanCode": offer.id,
        "inLanguage": offer.languages[0],
    }
    if offer.url:
        achievement["criteria"]["id"] = offer.url
    if offer.skills:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": skill.label or skill.uri.rsplit("/", 1)[-1],
                "targetUrl": skill.uri,
                "targetType": "ceasn:Competency",
                "targetFramework": "ESCO",
                "targetCode": skill.uri.rsplit("/", 1)[-1],
            }
            for skill in offer.skills
        ]
    if offer.workload.ects is not None:
        achievement["creditsAvailable"] = offer.workload.ects
    achievement["tag"] = [
        offer.mode,
        offer.pace,
        *([f"EQF level {offer.eqf_level}"] if offer.eqf_level else []),
        *(["sample data"] if offer.sample_data else []),
    ]
    return achievement


class OpenBadgesExporter:
    name = "openbadges"
    suffix = ".ob3.json"

    def write(self, offers: list, stream: IO[str]) -> None:
        json.dump([offer_to_achievement(o) for o in offers], stream, ensure_ascii=False, indent=2)
        stream.write("\n")
