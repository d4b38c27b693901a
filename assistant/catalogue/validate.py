"""Validation with a report a catalogue manager can act on: record, field and reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from assistant.catalogue.formats import RawRecord
from assistant.catalogue.money import to_usd
from assistant.catalogue.schema import Offer


@dataclass(frozen=True)
class Problem:
    where: str
    record: str | None  # offer id when known
    field: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.record})" if self.record else ""
        return f"{self.where}{who}: {self.field}: {self.reason}"

    def as_dict(self) -> dict:
        return {
            "where": self.where,
            "record": self.record,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass
class Report:
    offers: list[tuple[str, Offer]] = field(default_factory=list)  # (where, offer)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    @property
    def invalid_records(self) -> int:
        return len({(p.where, p.record) for p in self.problems})

    def as_dict(self) -> dict:
        return {
            "records": self.total,
            "valid": len(self.offers),
            "invalid": self.invalid_records,
            "problems": [p.as_dict() for p in self.problems],
        }


def _field(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(record)"


def validate_records(records: Iterable[RawRecord], known_skills: set[str] | None) -> Report:
    report = Report()
    seen: dict[str, str] = {}
    for raw in records:
        report.total += 1
        record_id = str(raw.data.get("id")) if raw.data and raw.data.get("id") else None
        if raw.data is None:
            report.problems.append(
                Problem(raw.where, None, "(record)", raw.problem or "unreadable")
            )
            continue
        try:
            offer = Offer.model_validate(raw.data)
        except ValidationError as exc:
            for error in exc.errors():
                report.problems.append(
                    Problem(
                        raw.where,
                        record_id,
                        _field(error["loc"]),
                        error["msg"].removeprefix("Value error, "),
                    )
                )
            continue
        problems = []
        if offer.id in seen:
            problems.append(
                Problem(raw.where, offer.id, "id", f"duplicate id, first used at {seen[offer.id]}")
            )
        if to_usd(1, offer.cost.currency) is None:
            problems.append(
                Problem(
                    raw.where,
                    offer.id,
                    "cost.currency",
                    f"no exchange rate for {offer.cost.currency}",
                )
            )
        if known_skills is not None:
            for i, skill in enumerate(offer.skills):
                if skill.uri not in known_skills:
                    problems.append(
                        Problem(
                            raw.where,
                            offer.id,
                            f"skills.{i}.uri",
                            f"unknown ESCO skill {skill.uri}",
                        )
                    )
        if problems:
            report.problems.extend(problems)
            continue
        seen[offer.id] = raw.where
        report.offers.append((raw.where, offer))
    return report
