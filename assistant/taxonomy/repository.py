"""Read access to the ESCO tables. Functions take the session explicitly."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.db import taxonomy_models as m
from assistant.taxonomy.importer import current_version


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def taxonomy_stats(session: Session) -> dict | None:
    version = current_version(session)
    if version is None:
        return None
    by_kind = dict(
        session.execute(
            select(m.EscoSkill.kind, func.count())
            .group_by(m.EscoSkill.kind)
            .order_by(m.EscoSkill.kind)
        ).all()
    )
    by_group = dict(
        session.execute(
            select(m.EscoSkill.group_code, func.count())
            .where(m.EscoSkill.kind != "specific")
            .group_by(m.EscoSkill.group_code)
            .order_by(m.EscoSkill.group_code)
        ).all()
    )
    return {
        "version": version.version,
        "language": version.language,
        "imported_at": version.imported_at.isoformat(),
        "skills": _count(session, m.EscoSkill),
        "occupations": _count(session, m.EscoOccupation),
        "occupation_skill_relations": _count(session, m.EscoOccupationSkill),
        "skill_skill_relations": _count(session, m.EscoSkillRelation),
        "broader_relations": _count(session, m.EscoBroaderRelation),
        "skill_groups": _count(session, m.EscoSkillGroup),
        "skills_by_kind": by_kind,
        "transversal_and_digital_by_group": by_group,
        "notes": version.notes,
    }
