"""A flat CSV, one row per offer; columns documented in docs/catalogue.md. Lists are
separated by '|'; empty cells mean 'not given'."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from assistant.catalogue.formats import RawRecord

REQUIRED = (
    "id",
    "title",
    "languages",
    "awarding_body",
    "awarding_country",
    "learning_outcomes",
    "hours",
    "assessment",
    "mode",
    "cost_amount",
    "cost_currency",
)


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _num(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return value  # left for the schema to report with the field name
    return int(number) if number.is_integer() else number


def row_to_offer(row: dict[str, str]) -> dict:
    def get(key: str) -> str | None:
        value = (row.get(key) or "").strip()
        return value or None

    offer: dict = {
        "id": get("id"),
        "title": get("title"),
        "description": get("description") or "",
        "languages": _list(get("languages")),
        "awarding_body": {"name": get("awarding_body"), "country": get("awarding_country")},
        "learning_outcomes": _list(get("learning_outcomes")),
        "workload": {
            "hours": _num(get("hours")),
            "ects": _num(get("ects")),
            "hours_per_week": _num(get("hours_per_week")),
            "duration_weeks": _num(get("duration_weeks")),
        },
        "eqf_level": _num(get("eqf_level")),
        "assessment": get("assessment"),
        "mode": get("mode"),
        "pace": get("pace") or "self-paced",
        "start_dates": _list(get("start_dates")),
        "cost": {
            "amount": _num(get("cost_amount")),
            "currency": get("cost_currency"),
            "funding": get("funding") or "paid",
            "funded_by": get("funded_by"),
        },
        "employer_endorsements": _list(get("employer_endorsements")),
        "credential": {"format": _list(get("credential_formats"))},
        "prerequisites": get("prerequisites"),
        "identity_verification": get("identity_verification"),
        "url": get("url"),
        "skills": [{"uri": uri, "source": "declared"} for uri in _list(get("skill_uris"))],
    }
    if get("provider"):
        offer["provider"] = {
            "name": get("provider"),
            "country": get("provider_country") or get("awarding_country"),
        }
    if get("location_country"):
        offer["location"] = {"country": get("location_country"), "city": get("location_city")}
    if get("qa_type"):
        offer["quality_assurance"] = {"type": get("qa_type"), "body": get("qa_body")}
    if get("stacks_into"):
        offer["stackability"] = {
            "stacks_into": get("stacks_into"),
            "pathway_id": get("pathway_id"),
            "order": _num(get("pathway_order")),
        }
    return offer


class CsvImporter:
    name = "csv"
    suffixes = (".csv",)

    def read(self, path: Path) -> Iterator[RawRecord]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                yield RawRecord(
                    f"{path.name}:header", None, f"missing column(s): {', '.join(missing)}"
                )
                return
            try:
                for row_no, row in enumerate(reader, start=2):
                    where = f"{path.name}:row {row_no}"
                    if None in row:
                        yield RawRecord(where, None, "more cells than columns")
                        continue
                    yield RawRecord(where, row_to_offer(row))
            except csv.Error as exc:
                yield RawRecord(f"{path.name}:row {reader.line_num}", None, f"malformed CSV: {exc}")
