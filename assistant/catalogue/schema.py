"""The micro-credential offer: one pydantic model, exported as JSON Schema
(`assistant catalogue schema`). Field by field documentation: docs/catalogue.md.

It covers the elements the 2022 EU Council Recommendation on micro-credentials asks every
micro-credential to describe (title, awarding body, country, learning outcomes, workload,
level, assessment, form of participation, quality assurance), its optional elements
(prerequisites, identity verification, stackability, further information) and what learners
filter on (cost, hours, pace, dates, language, location, endorsements, credential format).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# ISO 4217 codes in current use (cost amounts are validated against this list).
ISO_4217 = frozenset(
    """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL""".split()
)
ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
REGIONAL_CODES = {"LATAM", "EU", "INT"}  # multi-country providers

Mode = Literal["online", "onsite", "blended"]
Pace = Literal["self-paced", "cohort"]
Funding = Literal["free", "funded", "subsidised", "paid"]
Level = Literal["basic", "intermediate", "advanced"]
CredentialFormat = Literal["open-badges-3.0", "european-digital-credentials", "pdf-certificate"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Organisation(Strict):
    name: str = Field(min_length=2, description="Legal or trading name")
    country: str = Field(description="ISO 3166-1 alpha-2, or LATAM/EU/INT for regional bodies")
    region: str | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        value = value.upper()
        if not (re.fullmatch(r"[A-Z]{2}", value) or value in REGIONAL_CODES):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value


class Workload(Strict):
    hours: float = Field(gt=0, le=2000, description="Notional learning hours in total")
    ects: float | None = Field(default=None, ge=0, le=60)
    hours_per_week: float | None = Field(default=None, gt=0, le=60)
    duration_weeks: float | None = Field(default=None, gt=0, le=156)


class QualityAssurance(Strict):
    type: str = Field(description="e.g. 'accredited by national authority', 'ISO 29993 certified'")
    body: str | None = None

    @property
    def assured(self) -> bool:
        return self.type.lower() not in ("none", "")


class Cost(Strict):
    amount: Decimal = Field(ge=0, description="Price to the learner, in `currency`")
    currency: str = Field(description="ISO 4217 code")
    funding: Funding = "paid"
    funded_by: str | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if value.upper() not in ISO_4217:
            raise ValueError(f"{value!r} is not an ISO 4217 currency code")
        return value.upper()

    @model_validator(mode="after")
    def _free_costs_nothing(self) -> Cost:
        if self.funding == "free" and self.amount != 0:
            raise ValueError("a free offer must have amount 0")
        return self


class Credential(Strict):
    format: list[CredentialFormat] = Field(default_factory=list)
    issuer_url: str | None = None


class Stackability(Strict):
    stacks_into: str = Field(description="The larger credential this one counts towards")
    pathway_id: str | None = None
    order: int | None = Field(default=None, ge=1)
    credit_towards: str | None = None


class Location(Strict):
    country: str
    city: str | None = None


class OfferSkill(Strict):
    uri: str
    label: str | None = None
    level: Level | None = None
    source: Literal["declared", "inferred"] = "declared"
    confidence: float | None = Field(default=None, ge=0, le=1)
    evidence: str | None = None

    @field_validator("uri")
    @classmethod
    def _esco_uri(cls, value: str) -> str:
        if not value.startswith(ESCO_SKILL_PREFIX):
            raise ValueError(f"{value!r} is not an ESCO skill URI")
        return value


class Offer(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$", description="Stable id")
    title: str = Field(min_length=3, max_length=300)
    description: str = ""
    languages: list[str] = Field(min_length=1, description="ISO 639-1 codes")
    awarding_body: Organisation
    provider: Organisation | None = None
    learning_outcomes: list[str] = Field(min_length=1)
    workload: Workload
    eqf_level: int | None = Field(default=None, ge=1, le=8)
    assessment: str = Field(description="Type of assessment, e.g. 'online quiz', 'portfolio'")
    mode: Mode
    pace: Pace = "self-paced"
    start_dates: list[date] = Field(default_factory=list)
    location: Location | None = None
    quality_assurance: QualityAssurance | None = None
    cost: Cost
    employer_endorsements: list[str] = Field(default_factory=list)
    credential: Credential = Field(default_factory=Credential)
    stackability: Stackability | None = None
    prerequisites: str | None = None
    identity_verification: str | None = None
    url: str | None = None
    skills: list[OfferSkill] = Field(default_factory=list)
    sample_data: bool = False

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"[a-z]{2}", v.lower())]
        if bad:
            raise ValueError(f"{bad} are not ISO 639-1 language codes")
        return [v.lower() for v in value]

    @property
    def quality_assured(self) -> bool:
        return bool(self.quality_assurance and self.quality_assurance.assured)

    def text_for_tagging(self) -> str:
        return ". ".join([self.title, *self.learning_outcomes])


def json_schema() -> dict:
    return Offer.model_json_schema()
