"""What the worker can give: money, time, language, mode, start. Validated once, here."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.catalogue.money import rates


class PlanConstraints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    budget: float = Field(ge=0, le=1e9, description="Most the worker can spend, in `currency`")
    currency: str = "USD"
    hours_per_week: float = Field(gt=0, le=80)
    weeks: int = Field(gt=0, le=156)
    language: str = Field("es", pattern="^[a-z]{2}$")
    mode: Literal["online", "onsite", "any"] = "any"
    start_date: date | None = None
    country: str | None = Field(None, description="ISO country for onsite offers")
    max_offers: int = Field(5, ge=1, le=12)

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
