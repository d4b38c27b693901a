"""ESCO taxonomy tables. Alembic owns the schema; these mirror it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db.base import Base


class TaxonomyVersion(Base):
    __tablename__ = "taxonomy_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    source_dir: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict] = mapped_column(JSON)
    notes: Mapped[list] = mapped_column(JSON)


class EscoSkill(Base):
    __tablename__ = "esco_skill"

    uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    preferred_label: Mapped[str] = mapped_column(Text)
    alt_labels: Mapped[list] = mapped_column(JSON)
    hidden_labels: Mapped[list] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    skill_type: Mapped[str] = mapped_column(String(32))
    reuse_level: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    group_code: Mapped[str] = mapped_column(String(32))
    group_label: Mapped[str] = mapped_column(Text)


class EscoSkillGroup(Base):
    __tablename__ = "esco_skill_group"

    uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    preferred_label: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class EscoSkillHierarchy(Base):
    """One row per path in skillsHierarchy_en.csv (levels 0-3)."""

    __tablename__ = "esco_skill_hierarchy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    uri: Mapped[str] = mapped_column(String(200), index=True)
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text)
    parent_uri: Mapped[str] = mapped_column(String(200))


class EscoCollectionMember(Base):
    __tablename__ = "esco_collection_member"

    collection: Mapped[str] = mapped_column(String(32), primary_key=True)
    skill_uri: Mapped[str] = mapped_column(String(200), primary_key=True)


class EscoOccupation(Base):
    __tablename__ = "esco_occupation"

    uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    isco_group: Mapped[str] = mapped_column(String(16), index=True)
    preferred_label: Mapped[str] = mapped_column(Text)
    alt_labels: Mapped[list] = mapped_column(JSON)
    hidden_labels: Mapped[list] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)


class EscoIscoGroup(Base):
    __tablename__ = "esco_isco_group"

    uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    preferred_label: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class EscoOccupationSkill(Base):
    """No foreign keys: ESCO's relations file names one occupation its occupations file lacks,
    and the import keeps the release's rows as they are (the gap is reported)."""

    __tablename__ = "esco_occupation_skill"
    __table_args__ = (Index("ix_occ_skill_skill", "skill_uri"),)

    occupation_uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    skill_uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    relation_type: Mapped[str] = mapped_column(String(16))
    skill_type: Mapped[str] = mapped_column(String(32))


class EscoSkillRelation(Base):
    __tablename__ = "esco_skill_relation"
    __table_args__ = (Index("ix_skill_rel_related", "related_uri"),)

    original_uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    related_uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    relation_type: Mapped[str] = mapped_column(String(16))


class EscoBroaderRelation(Base):
    """Broader links of both pillars: pillar is 'skill' or 'occupation'."""

    __tablename__ = "esco_broader_relation"
    __table_args__ = (Index("ix_broader_broader", "broader_uri"),)

    pillar: Mapped[str] = mapped_column(String(16), primary_key=True)
    concept_uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    broader_uri: Mapped[str] = mapped_column(String(200), primary_key=True)
    concept_type: Mapped[str] = mapped_column(String(32))
    broader_type: Mapped[str] = mapped_column(String(32))


class TaxonomyLabel(Base):
    """One label of one concept in one language, from one source: `esco-<version>` (an ESCO
    release) or `puente` (assistant/taxonomy/labels/). Which label is shown is decided when
    reading (assistant/taxonomy/repository.py): a Puente override, then ESCO (newest release
    first), then Puente."""

    __tablename__ = "taxonomy_label"
    __table_args__ = (Index("ix_taxonomy_label_lookup", "uri", "language", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uri: Mapped[str] = mapped_column(String(200))
    concept: Mapped[str] = mapped_column(String(16))  # skill, occupation, skill_group, isco_group
    language: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))  # preferred, alt
    source: Mapped[str] = mapped_column(String(32), index=True)
    label: Mapped[str] = mapped_column(Text)
    override: Mapped[bool] = mapped_column(Boolean, default=False)


class TaxonomyLabelSet(Base):
    """What each label source last imported, so an unchanged one is skipped."""

    __tablename__ = "taxonomy_label_set"
    __table_args__ = (UniqueConstraint("source", "language", name="uq_label_set_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    location: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict] = mapped_column(JSON)
    notes: Mapped[list] = mapped_column(JSON)
