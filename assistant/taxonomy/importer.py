"""Import an ESCO release into SQL: read and check everything first, then write in one
transaction, so a broken file leaves the existing data untouched."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from assistant.db import taxonomy_models as m
from assistant.errors import TaxonomyImportError
from assistant.taxonomy import label_cache
from assistant.taxonomy.classify import SkillClass, classify_skills, count_by
from assistant.taxonomy.esco_files import EscoRelease, open_release, split_labels

log = logging.getLogger(__name__)

COLLECTION_FILES = {
    "transversal": "transversalSkillsCollection",
    "digital": "digitalSkillsCollection",
    "digcomp": "digCompSkillsCollection",
    "green": "greenSkillsCollection",
    "language": "languageSkillsCollection",
}
TABLES_IN_DELETE_ORDER = (
    m.TaxonomyLabel,  # labels attach to the release's concepts: imported again after it
    m.TaxonomyLabelSet,
    m.EscoOccupationSkill,
    m.EscoSkillRelation,
    m.EscoBroaderRelation,
    m.EscoCollectionMember,
    m.EscoSkillHierarchy,
    m.EscoSkillGroup,
    m.EscoSkill,
    m.EscoOccupation,
    m.EscoIscoGroup,
)
BATCH = 5000
Progress = Callable[[str, int], None]


@dataclass
class ParsedRelease:
    skills: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    hierarchy: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    occupations: list[dict] = field(default_factory=list)
    isco: list[dict] = field(default_factory=list)
    occupation_skills: list[dict] = field(default_factory=list)
    skill_relations: list[dict] = field(default_factory=list)
    broader: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    version: str
    language: str
    skipped: bool
    counts: dict
    notes: list[str]


def _require_uri(value: str, where: str, line: int) -> str:
    value = (value or "").strip()
    if not value.startswith("http"):
        raise TaxonomyImportError(f"{where}: row {line} has no valid concept URI ({value!r})")
    return value


def parse_release(release: EscoRelease, progress: Progress) -> ParsedRelease:
    p = ParsedRelease()
    where = release.describe

    for i, row in enumerate(release.rows("skills"), start=2):
        p.skills.append(
            {
                "uri": _require_uri(row["conceptUri"], where("skills"), i),
                "preferred_label": row["preferredLabel"].strip(),
                "alt_labels": split_labels(row["altLabels"]),
                "hidden_labels": split_labels(row.get("hiddenLabels", "")),
                "description": (row["description"] or "").strip(),
                "skill_type": row["skillType"].strip(),
                "reuse_level": row["reuseLevel"].strip(),
                "status": row.get("status", "").strip(),
            }
        )
    progress("skills", len(p.skills))

    for i, row in enumerate(release.rows("skillGroups"), start=2):
        p.groups.append(
            {
                "uri": _require_uri(row["conceptUri"], where("skillGroups"), i),
                "code": row["code"].strip(),
                "preferred_label": row["preferredLabel"].strip(),
                "description": (row.get("description") or "").strip(),
            }
        )
    progress("skill groups", len(p.groups))

    seen_nodes: set[str] = set()
    for row in release.rows("skillsHierarchy"):
        parent = ""
        for level in range(4):
            uri = (row.get(f"Level {level} URI") or "").strip()
            if not uri:
                break
            if uri not in seen_nodes:
                seen_nodes.add(uri)
                p.hierarchy.append(
                    {
                        "level": level,
                        "uri": uri,
                        "code": row.get(f"Level {level} code", "").strip(),
                        "label": row.get(f"Level {level} preferred term", "").strip(),
                        "parent_uri": parent,
                    }
                )
            parent = uri
    progress("hierarchy nodes", len(p.hierarchy))

    for name, filename in COLLECTION_FILES.items():
        uris = {row["conceptUri"].strip() for row in release.rows(filename) if row["conceptUri"]}
        p.members.extend({"collection": name, "skill_uri": u} for u in sorted(uris))
        progress(f"{name} collection", len(uris))

    for i, row in enumerate(release.rows("occupations"), start=2):
        p.occupations.append(
            {
                "uri": _require_uri(row["conceptUri"], where("occupations"), i),
                "code": (row.get("code") or "").strip(),
                "isco_group": row["iscoGroup"].strip(),
                "preferred_label": row["preferredLabel"].strip(),
                "alt_labels": split_labels(row["altLabels"]),
                "hidden_labels": split_labels(row.get("hiddenLabels", "")),
                "description": (row["description"] or "").strip(),
            }
        )
    progress("occupations", len(p.occupations))

    for i, row in enumerate(release.rows("ISCOGroups"), start=2):
        p.isco.append(
            {
                "uri": _require_uri(row["conceptUri"], where("ISCOGroups"), i),
                "code": row["code"].strip(),
                "preferred_label": row["preferredLabel"].strip(),
                "description": (row.get("description") or "").strip(),
            }
        )
    progress("ISCO groups", len(p.isco))

    for i, row in enumerate(release.rows("occupationSkillRelations"), start=2):
        relation = row["relationType"].strip()
        if relation not in ("essential", "optional"):
            raise TaxonomyImportError(
                f"{where('occupationSkillRelations')}: row {i} has relation type {relation!r}"
            )
        p.occupation_skills.append(
            {
                "occupation_uri": _require_uri(
                    row["occupationUri"], where("occupationSkillRelations"), i
                ),
                "skill_uri": _require_uri(row["skillUri"], where("occupationSkillRelations"), i),
                "relation_type": relation,
                "skill_type": row["skillType"].strip(),
            }
        )
    progress("occupation-skill relations", len(p.occupation_skills))

    for i, row in enumerate(release.rows("skillSkillRelations"), start=2):
        p.skill_relations.append(
            {
                "original_uri": _require_uri(
                    row["originalSkillUri"], where("skillSkillRelations"), i
                ),
                "related_uri": _require_uri(
                    row["relatedSkillUri"], where("skillSkillRelations"), i
                ),
                "relation_type": row["relationType"].strip(),
            }
        )
    progress("skill-skill relations", len(p.skill_relations))

    for pillar, filename in (
        ("skill", "broaderRelationsSkillPillar"),
        ("occupation", "broaderRelationsOccPillar"),
    ):
        for i, row in enumerate(release.rows(filename), start=2):
            p.broader.append(
                {
                    "pillar": pillar,
                    "concept_uri": _require_uri(row["conceptUri"], where(filename), i),
                    "broader_uri": _require_uri(row["broaderUri"], where(filename), i),
                    "concept_type": row["conceptType"].strip(),
                    "broader_type": row["broaderType"].strip(),
                }
            )
    progress("broader relations", len(p.broader))

    _check_and_classify(p, release)
    return p


def _check_and_classify(p: ParsedRelease, release: EscoRelease) -> None:
    if not p.skills or not p.occupations or not p.occupation_skills:
        raise TaxonomyImportError(
            f"{release.source_dir}: skills, occupations or relations are empty"
        )
    skill_uris = {s["uri"] for s in p.skills}
    if len(skill_uris) != len(p.skills):
        raise TaxonomyImportError(f"{release.describe('skills')}: duplicate concept URIs")
    occupation_uris = {o["uri"] for o in p.occupations}
    orphans = sorted({r["occupation_uri"] for r in p.occupation_skills} - occupation_uris)
    for uri in orphans:
        rows = sum(1 for r in p.occupation_skills if r["occupation_uri"] == uri)
        p.notes.append(
            f"occupation {uri} is named by {rows} occupation-skill relation rows but is missing "
            f"from occupations_{release.language}.csv; the rows are kept"
        )
    unknown_skills = {r["skill_uri"] for r in p.occupation_skills} - skill_uris
    if unknown_skills:
        p.notes.append(f"{len(unknown_skills)} related skill URIs are not in the skills file")
    empty_types = sum(1 for r in p.occupation_skills if not r["skill_type"])
    if empty_types:
        p.notes.append(f"{empty_types} occupation-skill relation rows have an empty skillType")

    broader: dict[str, list[str]] = {}
    for row in p.broader:
        if row["pillar"] == "skill":
            broader.setdefault(row["concept_uri"], []).append(row["broader_uri"])
    for node in p.hierarchy:  # the hierarchy file links groups that broader relations may not
        if node["parent_uri"]:
            parents = broader.setdefault(node["uri"], [])
            if node["parent_uri"] not in parents:
                parents.append(node["parent_uri"])
    t_groups = {
        n["uri"]: (n["code"], n["label"])
        for n in p.hierarchy
        if n["code"].startswith("T") and n["level"] > 0
    }
    labels = {s["uri"]: s["preferred_label"] for s in p.skills}
    collections: dict[str, set[str]] = {}
    for member in p.members:
        collections.setdefault(member["collection"], set()).add(member["skill_uri"])
    classes = classify_skills(
        {s["uri"]: s["reuse_level"] for s in p.skills}, collections, broader, t_groups, labels
    )
    for skill in p.skills:
        c = classes[skill["uri"]]
        skill.update(kind=c.kind, group_code=c.group_code, group_label=c.group_label)


def _bulk_insert(session: Session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def current_version(session: Session) -> m.TaxonomyVersion | None:
    return session.scalars(
        select(m.TaxonomyVersion).order_by(m.TaxonomyVersion.id.desc()).limit(1)
    ).first()


def import_esco(
    session: Session,
    source_dir: Path,
    language: str = "en",
    version: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    progress = progress or (lambda step, n: log.info("read %s: %d", step, n))
    release = open_release(source_dir, language, version)
    existing = current_version(session)
    if existing and existing.fingerprint == release.fingerprint and not force:
        has_rows = session.scalar(select(func.count()).select_from(m.EscoSkill))
        if has_rows:
            return ImportResult(
                existing.version, existing.language, True, existing.counts, existing.notes
            )

    parsed = parse_release(release, progress)
    classes = [SkillClass(s["kind"], s["group_code"], s["group_label"]) for s in parsed.skills]
    counts = {
        "skills": len(parsed.skills),
        "occupations": len(parsed.occupations),
        "occupation_skill_relations": len(parsed.occupation_skills),
        "skill_skill_relations": len(parsed.skill_relations),
        "broader_relations": len(parsed.broader),
        "skill_groups": len(parsed.groups),
        "isco_groups": len(parsed.isco),
        "skills_by_kind": count_by(classes, "kind"),
        "skills_by_group": count_by(classes, "group_code"),
    }
    # One transaction: the caller's session commits everything or nothing.
    for model in TABLES_IN_DELETE_ORDER:
        session.execute(delete(model))
    for model, rows in (
        (m.EscoSkill, parsed.skills),
        (m.EscoSkillGroup, parsed.groups),
        (m.EscoSkillHierarchy, parsed.hierarchy),
        (m.EscoCollectionMember, parsed.members),
        (m.EscoOccupation, parsed.occupations),
        (m.EscoIscoGroup, parsed.isco),
        (m.EscoOccupationSkill, parsed.occupation_skills),
        (m.EscoSkillRelation, parsed.skill_relations),
        (m.EscoBroaderRelation, parsed.broader),
    ):
        _bulk_insert(session, model, rows)
        progress(f"wrote {model.__tablename__}", len(rows))
    session.add(
        m.TaxonomyVersion(
            version=release.version,
            language=language,
            source_dir=str(source_dir),
            fingerprint=release.fingerprint,
            imported_at=datetime.now(UTC),
            counts=counts,
            notes=parsed.notes,
        )
    )
    label_cache.forget()  # labels kept in memory by this process are stale now
    return ImportResult(release.version, language, False, counts, parsed.notes)
