"""Catalogue use cases: validate, import (validate -> tag -> upsert in one transaction),
export, semantic search with structured filters, review of weak tags, stats."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.catalogue import repository as repo
from assistant.catalogue.formats import exporters, importer_for
from assistant.catalogue.money import to_usd
from assistant.catalogue.schema import Offer
from assistant.catalogue.tagging import REVIEW_BELOW, tag_offer
from assistant.catalogue.validate import Report, validate_records
from assistant.db.catalogue_models import CatalogueOffer
from assistant.db.taxonomy_models import EscoSkill
from assistant.errors import InvalidRequestError, PuenteError
from assistant.skills.vector_index import IndexEntry, ensure_index

OFFER_MODEL = "e5"  # offers come in Spanish, English and Portuguese


class CatalogueImportError(PuenteError):
    """An import was refused; the report says why, record by record."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validate_file(session: Session, path: Path, fmt: str | None = None) -> Report:
    if not path.exists():
        raise PuenteError(f"{path}: no such file")
    importer = importer_for(path, fmt)
    known = set(session.scalars(select(EscoSkill.uri)))
    return validate_records(importer.read(path), known or None)


@dataclass
class ImportOutcome:
    report: Report
    counts: dict
    skipped: bool = False


def import_file(
    session: Session,
    path: Path,
    engine=None,
    fmt: str | None = None,
    source: str | None = None,
    skip_invalid: bool = False,
    only_if_changed: bool = False,
) -> ImportOutcome:
    """By default any invalid record refuses the whole import (nothing is written);
    with skip_invalid the valid records are imported and the rest reported."""
    source = source or path.name
    digest = file_sha256(path)
    # inferred tags come from the skill engine: a new model, index or lexicon re-tags
    tagger = engine.fingerprint() if engine is not None else None
    if only_if_changed:
        last = repo.last_import(session, source)
        if (
            last
            and last.counts.get("file_sha256") == digest
            and last.counts.get("tagger") == tagger
        ):
            return ImportOutcome(Report(), last.counts, skipped=True)
    report = validate_file(session, path, fmt)
    if report.problems and not skip_invalid:
        raise CatalogueImportError(
            f"{path.name}: {report.invalid_records} of {report.total} records are invalid; "
            "nothing was imported (use --skip-invalid to import the valid ones)",
            report,
        )
    offers = [offer for _, offer in report.offers]
    if engine is not None:
        offers = [tag_offer(offer, engine) for offer in offers]
    counts = repo.upsert_offers(session, offers, source)
    counts.update(valid=len(offers), invalid=report.invalid_records, file_sha256=digest)
    if tagger:
        counts["tagger"] = tagger
    repo.record_import(
        session,
        source,
        importer_for(path, fmt).name,
        counts,
        [p.as_dict() for p in report.problems],
    )
    return ImportOutcome(report, counts)


def export_offers(session: Session, fmt: str, stream: IO[str]) -> int:
    available = exporters()
    if fmt not in available:
        raise PuenteError(f"unknown export format {fmt!r}; known: {', '.join(sorted(available))}")
    offers = [repo.load_offer(row) for row in repo.active_offers(session)]
    available[fmt].write(offers, stream)
    return len(offers)


# -- the offer index ---------------------------------------------------------------------------
def offer_text(row: CatalogueOffer) -> str:
    """What the offer index reads: title, description, outcomes, cut at 600 characters (e5
    costs ~1 ms a token on a core; the title and the start of the description carry the
    match)."""
    data = row.data
    return " ".join(
        [data["title"], data.get("description") or "", *data.get("learning_outcomes", [])]
    )[:600]


def offer_index(
    session: Session, build_dir: Path, cache_dir: Path | None, progress=None, force=False
):
    from assistant.skills.embedders import get_embedder

    rows = repo.active_offers(session)
    fingerprint = hashlib.sha256("".join(r.content_hash for r in rows).encode()).hexdigest()
    return ensure_index(
        "offers",
        build_dir,
        cache_dir,
        get_embedder(OFFER_MODEL),
        [fingerprint],
        lambda: [IndexEntry(r.id, offer_text(r), "offer") for r in rows],
        progress,
        force,
    )


@dataclass
class SearchFilters:
    max_cost: float | None = None
    currency: str = "USD"
    language: str | None = None
    mode: str | None = None
    max_hours: float | None = None
    quality_assured: bool = False


def search(
    session: Session,
    query: str,
    filters: SearchFilters,
    build_dir: Path,
    cache_dir: Path | None,
    top: int = 10,
) -> list[dict]:
    from assistant.skills.embedders import get_embedder

    stmt = select(CatalogueOffer).where(CatalogueOffer.status == "active")
    if filters.max_cost is not None:
        limit_usd = to_usd(filters.max_cost, filters.currency)
        if limit_usd is None:
            raise InvalidRequestError(f"no exchange rate for currency {filters.currency!r}")
        stmt = stmt.where(CatalogueOffer.cost_usd <= limit_usd + 0.005)
    if filters.mode:
        stmt = stmt.where(CatalogueOffer.mode == filters.mode)
    if filters.max_hours is not None:
        stmt = stmt.where(CatalogueOffer.total_hours <= filters.max_hours)
    if filters.quality_assured:
        stmt = stmt.where(CatalogueOffer.quality_assured.is_(True))
    rows = {
        r.id: r
        for r in session.scalars(stmt)
        if not filters.language or filters.language in r.languages
    }
    if not rows:
        return []
    index = offer_index(session, build_dir, cache_dir)
    query_vector = get_embedder(OFFER_MODEL).embed_queries([query])
    scores, idx = index.search(query_vector, len(index))
    ranked = []
    for score, i in zip(scores[0], idx[0], strict=True):
        key = index.keys[i] if i >= 0 else None
        if key in rows:
            row = rows[key]
            ranked.append(
                {
                    "id": row.id,
                    "title": row.title,
                    "score": round(float(score), 4),
                    "cost": {
                        "amount": row.cost_amount,
                        "currency": row.cost_currency,
                        "usd": row.cost_usd,
                    },
                    "hours": row.total_hours,
                    "mode": row.mode,
                    "languages": row.languages,
                    "quality_assured": row.quality_assured,
                    "endorsed": row.endorsed,
                    "url": row.data.get("url"),
                }
            )
        if len(ranked) == top:
            break
    return ranked


def review(session: Session, below: float = REVIEW_BELOW) -> list[dict]:
    return [
        {
            "offer_id": tag.offer_id,
            "title": title,
            "skill_uri": tag.skill_uri,
            "skill_label": label,
            "confidence": tag.confidence,
            "evidence": tag.evidence,
        }
        for tag, title, label in repo.low_confidence_tags(session, below)
    ]


def offers_by_id(session: Session, ids: list[str]) -> dict[str, Offer]:
    rows = session.scalars(select(CatalogueOffer).where(CatalogueOffer.id.in_(ids)))
    return {row.id: repo.load_offer(row) for row in rows}
