"""Catalogue tables: offers (the full record as JSON plus the columns search filters on),
their ESCO skills, and a log of imports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db.base import Base


class CatalogueOffer(Base):
    __tablename__ = "catalogue_offer"
    __table_args__ = (Index("ix_offer_filters", "status", "mode", "cost_usd", "total_hours"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired
    data: Mapped[dict] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(Text)
    languages: Mapped[list] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(16))
    pace: Mapped[str] = mapped_column(String(16))
    funding: Mapped[str] = mapped_column(String(16))
    cost_amount: Mapped[float] = mapped_column(Float)
    cost_currency: Mapped[str] = mapped_column(String(3))
    cost_usd: Mapped[float] = mapped_column(Float)
    total_hours: Mapped[float] = mapped_column(Float)
    hours_per_week: Mapped[float | None] = mapped_column(Float, nullable=True)
    duration_weeks: Mapped[float | None] = mapped_column(Float, nullable=True)
    eqf_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quality_assured: Mapped[bool] = mapped_column(Boolean)
    endorsed: Mapped[bool] = mapped_column(Boolean)
    pathway_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    pathway_order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CatalogueOfferSkill(Base):
    __tablename__ = "catalogue_offer_skill"
    __table_args__ = (Index("ix_offer_skill_uri", "skill_uri"),)

    offer_id: Mapped[str] = mapped_column(
        ForeignKey("catalogue_offer.id", ondelete="CASCADE"), primary_key=True
    )
    skill_uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    source: Mapped[str] = mapped_column(String(16))  # declared | inferred
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)


class CatalogueImport(Base):
    __tablename__ = "catalogue_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict] = mapped_column(JSON)
    problems: Mapped[list] = mapped_column(JSON)
