"""What the worker can give: money, time, language, mode, start. Validated once, here."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.catalogue.money import rates

# A start near year 9999 plus the plan's weeks overflows the date arithmetic.
EARLIEST_START, LATEST_START = date(2000, 1, 1), date(2100, 12, 31)


class PlanConstraints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budget: float = Field(ge=0, le=1e9, description="Most the worker can spend, in `currency`")
    currency: str = "USD"
    # at least half an hour: hours divided by 5e-324 hours a week is infinitely many weeks
    hours_per_week: float = Field(ge=0.5, le=80)
    weeks: int = Field(gt=0, le=156)
    language: str = Field("es", pattern="^[a-z]{2}$")
    mode: Literal["online", "onsite", "any"] = "any"
    start_date: date | None = None
    country: str | None = Field(None, description="ISO country for onsite offers")
    max_offers: int = Field(5, ge=1, le=12)

    @field_validator("start_date")
    @classmethod
    def _sane_start(cls, value: date | None) -> date | None:
        if value is not None and not EARLIEST_START <= value <= LATEST_START:
            raise ValueError(f"must be between {EARLIEST_START} and {LATEST_START}")
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        value = value.upper()
        if value not in rates():
            known = ", ".join(sorted(rates()))
            raise ValueError(f"no exchange rate for {value!r}; known currencies: {known}")
        return value

    @property
    def total_hours(self) -> float:
        return self.hours_per_week * self.weeks

    def start(self) -> date:
        return self.start_date or date.today()
