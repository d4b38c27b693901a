"""What the skill engine hands back: skills with their quoted evidence, an extraction, the
support a text gives some skills, and one pass's reading before a caller keeps what it needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.skills.segment import Segment

if TYPE_CHECKING:
    from assistant.skills.calibration import Calibration

ESCO_ATTRIBUTION = "This service uses the ESCO classification of the European Commission."


@dataclass
class Evidence:
    text: str
    start: int
    end: int


@dataclass
class SkillHit:
    uri: str
    label: str
    kind: str
    group: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    # what the engine read for it (best dense and lexical evidence, the worker's occupation's
    # push, how many units show it): the second-stage ranker's input, never shown
    signals: dict[str, float] | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "uri": self.uri,
            "label": self.label,
            "kind": self.kind,
            "group": self.group,
            "score": round(self.score, 4),
            "evidence": [{"text": e.text, "start": e.start, "end": e.end} for e in self.evidence],
        }


@dataclass
class Extraction:
    language: str
    text: str
    segments: list[Segment]
    skills: list[SkillHit]
    occupations: list[tuple[str, str, float]]
    notes: list[str]
    top: int = 10

    def by_kind(self, kind: str) -> list[SkillHit]:
        return [s for s in self.skills if s.kind == kind]

    def as_dict(self, top: int | None = None) -> dict:
        """`skills` is the overall ranking; `transversal` and `digital` are ranked apart so
        job-specific skills never crowd them out."""
        top = top or self.top

        def cap(items):
            return items[:top]

        return {
            "language": self.language,
            "text": self.text,
            "segments": [{"text": s.text, "start": s.start, "end": s.end} for s in self.segments],
            "skills": [s.as_dict() for s in cap(self.skills)],
            "transversal": [s.as_dict() for s in cap(self.by_kind("transversal"))],
            "digital": [s.as_dict() for s in cap(self.by_kind("digital"))],
            "occupations": [
                {"uri": u, "label": lab, "score": round(sc, 4)}
                for u, lab, sc in self.occupations[:3]
            ],
            "notes": self.notes,
            "attribution": ESCO_ATTRIBUTION,
        }


@dataclass
class Support:
    """What a text shows of some skills (`SkillEngine.support`) and the jobs it names."""

    hits: list[SkillHit]
    occupations: list[str]


@dataclass
class _Reading:
    """What one pass over a text found, before a caller keeps what it needs."""

    language: str
    text: str
    segments: list[Segment]
    notes: list[str]
    cal: Calibration
    occupations: list = field(default_factory=list)
    hits: list[SkillHit] | None = None

    def extraction(self, top: int, hits: list[SkillHit]) -> Extraction:
        return Extraction(
            self.language, self.text, self.segments, hits, self.occupations, self.notes, top
        )
