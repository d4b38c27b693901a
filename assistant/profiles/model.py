"""A worker's skill profile: each skill with the words it came from, where it came from
(inferred by the engine, confirmed by the worker, or self-declared), a confidence and an
optional self-rated level. Serialises to JSON; reads its own JSON and the JSON that
`assistant skills --json` prints, so the CLI commands compose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InvalidRequestError

Source = Literal["inferred", "confirmed", "self-declared"]
Level = Literal["basic", "intermediate", "advanced"]

# DigComp 2.2 proficiency: 8 levels in 4 bands; a self-rating maps to the band's levels.
DIGCOMP_LEVELS = {
    "basic": {"band": "Foundation", "levels": [1, 2]},
    "intermediate": {"band": "Intermediate", "levels": [3, 4]},
    "advanced": {"band": "Advanced", "levels": [5, 6]},
}


class ProfileError(InvalidRequestError):
    """A profile that cannot be read or is empty."""


class Evidence(BaseModel):
    text: str
    start: int | None = None
    end: int | None = None
    experience: int | None = Field(None, description="Index of the experience it came from")


class ProfileSkill(BaseModel):
    model_config = ConfigDict(extra="ignore")

    uri: str
    label: str = ""  # in label_language: the worker's, where the taxonomy has it
    label_en: str = ""
    label_language: str = "en"
    kind: str = "specific"  # transversal | digital | specific
    group: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    source: Source = "inferred"
    confidence: float = Field(0.5, ge=0, le=1)
    level: Level | None = None
    status: Literal["active", "rejected"] = "active"

    @property
    def digcomp(self) -> dict | None:
        if self.kind != "digital" or self.level is None:
            return None
        return DIGCOMP_LEVELS[self.level]

    def as_dict(self) -> dict:
        data = self.model_dump()
        if self.digcomp:
            data["digcomp"] = self.digcomp
        return data


class Profile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    language: str = "es"
    skills: list[ProfileSkill] = Field(default_factory=list)
    experiences: list[str] = Field(default_factory=list)

    @property
    def active(self) -> list[ProfileSkill]:
        return [s for s in self.skills if s.status != "rejected"]

    def uris(self) -> list[str]:
        return list(dict.fromkeys(s.uri for s in self.active))

    def get(self, uri: str) -> ProfileSkill | None:
        return next((s for s in self.skills if s.uri == uri), None)

    def merge(self, other: list[ProfileSkill]) -> None:
        """Add skills found in a new experience; a skill already present keeps its source
        and rating and gains the new evidence (never the same quote twice), first when it
        supports the skill better: "ayudo al más grande con la tarea" is the quote for homework
        help, not the "Trabajo de niñera" told before it."""
        for skill in other:
            mine = self.get(skill.uri)
            if mine is None:
                self.skills.append(skill)
                continue
            seen = {e.text for e in mine.evidence}
            new = [e for e in skill.evidence if e.text not in seen]
            if skill.confidence > mine.confidence:
                mine.evidence = new + mine.evidence
            else:
                mine.evidence += new
            mine.confidence = max(mine.confidence, skill.confidence)

    def as_dict(self) -> dict:
        return {
            "language": self.language,
            "experiences": self.experiences,
            "skills": [s.as_dict() for s in self.skills],
        }

    @classmethod
    def from_extraction(cls, data: dict, experience: int | None = None) -> Profile:
        """From `SkillEngine.extract(...).as_dict()` (the `assistant skills --json` output):
        the overall ranking plus the transversal and digital lists, each skill once."""
        skills: dict[str, ProfileSkill] = {}
        for key in ("skills", "transversal", "digital"):
            for item in data.get(key) or []:
                if not isinstance(item, dict) or not item.get("uri") or item["uri"] in skills:
                    continue
                skills[item["uri"]] = ProfileSkill(
                    uri=item["uri"],
                    label=item.get("label", ""),
                    label_en=item.get("label_en") or item.get("label", ""),
                    label_language=item.get("label_language") or "en",
                    kind=item.get("kind", "specific"),
                    group=item.get("group") or "",
                    evidence=[
                        Evidence(
                            text=e["text"],
                            start=e.get("start"),
                            end=e.get("end"),
                            experience=experience,
                        )
                        for e in item.get("evidence") or []
                        if isinstance(e, dict) and e.get("text")
                    ],
                    confidence=min(1.0, max(0.0, float(item.get("score", 0.5)))),
                )
        text = data.get("text")
        return cls(
            language=data.get("language") or "es",
            skills=list(skills.values()),
            experiences=[text] if isinstance(text, str) and text else [],
        )

    @classmethod
    def from_json(cls, data: object) -> Profile:
        if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
            raise ProfileError('expected a JSON object with a "skills" list')
        try:
            if "segments" in data or "transversal" in data:
                profile = cls.from_extraction(data)
            else:
                profile = cls.model_validate(data)
        except (ValidationError, TypeError, ValueError) as exc:
            raise ProfileError(f"not a valid profile: {exc}") from exc
        if not profile.active:
            raise ProfileError("the profile has no skills")
        return profile


def read_profile_file(path: Path) -> Profile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProfileError(f"{path}: not a readable JSON profile ({exc})") from exc
    try:
        return Profile.from_json(data)
    except ProfileError as exc:
        raise ProfileError(f"{path}: {exc}") from exc
