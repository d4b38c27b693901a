"""Import the labels of every language into `taxonomy_label`, one label set at a time:

- the main release's own labels (English for v1.1.1), taken from the imported ESCO tables;
- each ESCO language release named by PUENTE_ESCO_LABELS_DIRS (Spanish v1.0.3 by default):
  its labels attach to the main release's concepts by URI, and labels of concepts the main
  release does not have are counted and skipped;
- Puente's reviewed labels, assistant/taxonomy/labels/puente_<language>.tsv (source `puente`).

Each set is read and checked whole before anything is written, and the caller's session
commits them all or none. A set is skipped when its files (md5) and the main release are the
ones it was imported from, so the check on every `assistant setup` costs a few milliseconds.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from assistant.db import taxonomy_models as m
from assistant.errors import TaxonomyImportError
from assistant.taxonomy import label_cache
from assistant.taxonomy.esco_files import md5_of, split_labels
from assistant.taxonomy.importer import BATCH, current_version
from assistant.taxonomy.label_files import (
    PUENTE_LABELS_DIR,
    LabelRelease,
    fingerprint,
    open_label_release,
    puente_label_files,
    read_puente_labels,
)

log = logging.getLogger(__name__)
# Bump when the way labels are derived changes: every label set is then imported again.
RECIPE = "labels-1"
PUENTE = "puente"
CONCEPT_TABLES = (
    ("skill", m.EscoSkill),
    ("occupation", m.EscoOccupation),
    ("skill_group", m.EscoSkillGroup),
    ("isco_group", m.EscoIscoGroup),
)
Progress = Callable[[str, int], None]


@dataclass
class LabelSetResult:
    source: str
    language: str
    skipped: bool
    counts: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Parsed:
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped_uris: dict[str, int] = field(default_factory=dict)

    def add(self, uri: str, concept: str, kind: str, label: str, override: bool = False):
        self.rows.append(
            {"uri": uri, "concept": concept, "kind": kind, "label": label, "override": override}
        )

    def counts(self) -> dict:
        kinds = Counter(r["kind"] for r in self.rows)
        preferred = Counter(r["concept"] for r in self.rows if r["kind"] == "preferred")
        return {
            "preferred": kinds["preferred"],
            "alt": kinds["alt"],
            "preferred_by_concept": dict(sorted(preferred.items())),
            "overrides": sum(1 for r in self.rows if r["override"]),
            "skipped_concepts": self.skipped_uris,
        }


def concept_types(session: Session) -> dict[str, str]:
    """uri -> skill, occupation, skill_group or isco_group, for the main release."""
    types: dict[str, str] = {}
    for concept, model in CONCEPT_TABLES:
        for uri in session.scalars(select(model.uri)):
            types.setdefault(uri, concept)
    return types


def _add_labels(parsed: _Parsed, uri: str, concept: str, preferred: str, alts: Iterable[str]):
    preferred = preferred.strip()
    if preferred:
        parsed.add(uri, concept, "preferred", preferred)
    for alt in alts:
        if alt != preferred:
            parsed.add(uri, concept, "alt", alt)


def _parse_main(session: Session) -> _Parsed:
    parsed = _Parsed()
    for concept, model in CONCEPT_TABLES:
        alt = getattr(model, "alt_labels", None)
        columns = (model.uri, model.preferred_label) + ((alt,) if alt is not None else ())
        for row in session.execute(select(*columns)):
            _add_labels(parsed, row[0], concept, row[1], row[2] if len(row) > 2 else ())
    return parsed


def _parse_release(release: LabelRelease, types: dict[str, str]) -> _Parsed:
    parsed = _Parsed()
    seen: set[str] = set()
    for name in ("skills", "occupations", "skillGroups", "ISCOGroups"):
        if name not in release.members:
            continue
        where = release.describe(name)
        skipped = 0
        for line, row in enumerate(release.rows(name), start=2):
            uri = (row["conceptUri"] or "").strip()
            if not uri.startswith("http"):
                raise TaxonomyImportError(f"{where}: row {line} has no valid concept URI")
            if uri in seen:
                raise TaxonomyImportError(f"{where}: row {line} repeats concept {uri}")
            seen.add(uri)
            if uri not in types:
                skipped += 1
                continue
            _add_labels(
                parsed, uri, types[uri], row["preferredLabel"], split_labels(row["altLabels"])
            )
        if skipped:
            parsed.skipped_uris[where.rsplit(":", 1)[-1]] = skipped
            parsed.notes.append(
                f"{where}: {skipped} concepts are not in the main ESCO release; "
                "their labels are skipped"
            )
    if not parsed.rows:
        raise TaxonomyImportError(f"{release.source_dir}: no label matches the main release")
    return parsed


def _parse_puente(path: Path, types: dict[str, str], english: dict[str, str]) -> _Parsed:
    parsed = _Parsed()
    unknown, stale = [], []
    for row in read_puente_labels(path):
        if row.uri not in types:
            unknown.append(row.line)
            continue
        if row.en and english.get(row.uri, row.en) != row.en:
            stale.append(row.line)
        parsed.add(row.uri, types[row.uri], "preferred", row.label, row.override)
    if unknown:
        parsed.skipped_uris[path.name] = len(unknown)
        parsed.notes.append(
            f"{path.name}: lines {', '.join(map(str, unknown))} name concepts that are not in "
            "the main ESCO release; skipped"
        )
    if stale:
        parsed.notes.append(
            f"{path.name}: lines {', '.join(map(str, stale))}: the English label in `en` is not "
            "the release's any more; review them"
        )
    return parsed


def _existing(session: Session, source: str, language: str) -> m.TaxonomyLabelSet | None:
    return session.scalars(
        select(m.TaxonomyLabelSet).where(
            m.TaxonomyLabelSet.source == source, m.TaxonomyLabelSet.language == language
        )
    ).first()


def _drop(session: Session, source: str, language: str) -> None:
    session.execute(
        delete(m.TaxonomyLabel).where(
            m.TaxonomyLabel.source == source, m.TaxonomyLabel.language == language
        )
    )
    session.execute(
        delete(m.TaxonomyLabelSet).where(
            m.TaxonomyLabelSet.source == source, m.TaxonomyLabelSet.language == language
        )
    )


def _write(
    session: Session,
    source: str,
    language: str,
    location: str,
    print_: str,
    parse: Callable[[], _Parsed],
    force: bool,
    progress: Progress,
) -> LabelSetResult:
    """Skip the set when unchanged; otherwise parse it whole, then replace its rows."""
    record = _existing(session, source, language)
    if record is not None and record.fingerprint == print_ and not force:
        return LabelSetResult(source, language, True, record.counts, record.notes)
    parsed = parse()
    _drop(session, source, language)
    rows = [{**r, "language": language, "source": source} for r in parsed.rows]
    for start in range(0, len(rows), BATCH):
        session.execute(insert(m.TaxonomyLabel), rows[start : start + BATCH])
    counts = parsed.counts()
    session.add(
        m.TaxonomyLabelSet(
            source=source,
            language=language,
            location=location,
            fingerprint=print_,
            imported_at=datetime.now(UTC),
            counts=counts,
            notes=parsed.notes,
        )
    )
    session.flush()
    progress(f"labels {source} ({language})", len(rows))
    return LabelSetResult(source, language, False, counts, parsed.notes)


def configured_label_dirs(value: str) -> list[Path]:
    """PUENTE_ESCO_LABELS_DIRS: comma-separated folders, one ESCO language release each."""
    return [Path(part.strip()).expanduser() for part in value.split(",") if part.strip()]


def import_labels(
    session: Session,
    label_dirs: Iterable[Path],
    puente_dir: Path = PUENTE_LABELS_DIR,
    force: bool = False,
    progress: Progress | None = None,
) -> list[LabelSetResult]:
    """Bring every label set up to date with the main release; sets no longer configured are
    removed, so PUENTE_ESCO_LABELS_DIRS says which ESCO languages the database holds."""
    progress = progress or (lambda step, n: log.info("%s: %d", step, n))
    main = current_version(session)
    if main is None:
        raise TaxonomyImportError("no ESCO release in the database: import it first")
    main_source = f"esco-{main.version}"
    releases = [open_label_release(Path(d)) for d in label_dirs]
    keys = [(r.source, r.language) for r in releases]
    for key in keys:
        if keys.count(key) > 1:
            raise TaxonomyImportError(f"ESCO labels {key[0]} ({key[1]}) are configured twice")
    puente_files = puente_label_files(puente_dir)

    types: dict[str, str] = {}

    def known() -> dict[str, str]:  # read once, only if some set needs importing
        if not types:
            types.update(concept_types(session))
        return types

    results = [
        _write(
            session,
            main_source,
            main.language,
            main.source_dir,
            fingerprint(RECIPE, main.fingerprint),
            lambda: _parse_main(session),
            force,
            progress,
        )
    ]
    for release in releases:
        if (release.source, release.language) == (main_source, main.language):
            results.append(LabelSetResult(release.source, release.language, True))
            continue
        print_ = fingerprint(
            RECIPE,
            main.fingerprint,
            release.version,
            release.language,
            *(f"{k}={v}" for k, v in sorted(release.checksums.items())),
        )

        def parse(release: LabelRelease = release) -> _Parsed:
            release.verify()
            return _parse_release(release, known())

        results.append(
            _write(
                session,
                release.source,
                release.language,
                str(release.source_dir),
                print_,
                parse,
                force,
                progress,
            )
        )
    for language, path in puente_files.items():
        print_ = fingerprint(RECIPE, main.fingerprint, md5_of(path))

        def parse_puente(path: Path = path) -> _Parsed:
            english = dict(
                session.execute(
                    select(m.TaxonomyLabel.uri, m.TaxonomyLabel.label).where(
                        m.TaxonomyLabel.source == main_source,
                        m.TaxonomyLabel.language == "en",
                        m.TaxonomyLabel.kind == "preferred",
                    )
                ).all()
            )
            return _parse_puente(path, known(), english)

        results.append(
            _write(session, PUENTE, language, str(path), print_, parse_puente, force, progress)
        )
    wanted = {(main_source, main.language), *keys, *((PUENTE, lang) for lang in puente_files)}
    for record in session.scalars(select(m.TaxonomyLabelSet)).all():
        if (record.source, record.language) not in wanted:
            _drop(session, record.source, record.language)
            results.append(
                LabelSetResult(
                    record.source,
                    record.language,
                    False,
                    {},
                    [
                        f"labels {record.source} ({record.language}) are no longer configured; "
                        "removed"
                    ],
                )
            )
    label_cache.forget()  # labels kept in memory by this process are stale now
    return results
