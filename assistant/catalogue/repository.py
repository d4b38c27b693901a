"""Catalogue storage. Functions take the session explicitly; the caller owns the transaction."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.catalogue.money import to_usd
from assistant.catalogue.schema import Offer
from assistant.db.catalogue_models import CatalogueImport, CatalogueOffer, CatalogueOfferSkill
from assistant.db.taxonomy_models import EscoSkill


def content_hash(offer: Offer) -> str:
    return hashlib.sha256(offer.model_dump_json().encode()).hexdigest()


def _columns(offer: Offer, source: str, now: datetime) -> dict:
    stack = offer.stackability
    return {
        "source": source,
        "status": "active",
        "data": json.loads(offer.model_dump_json()),
        "title": offer.title,
        "languages": offer.languages,
        "mode": offer.mode,
        "pace": offer.pace,
        "funding": offer.cost.funding,
        "cost_amount": float(offer.cost.amount),
        "cost_currency": offer.cost.currency,
        "cost_usd": to_usd(offer.cost.amount, offer.cost.currency),
        "total_hours": offer.workload.hours,
        "hours_per_week": offer.workload.hours_per_week,
        "duration_weeks": offer.workload.duration_weeks,
        "eqf_level": offer.eqf_level,
        "quality_assured": offer.quality_assured,
        "endorsed": bool(offer.employer_endorsements),
        "pathway_id": stack.pathway_id if stack else None,
        "pathway_order": stack.order if stack else None,
        "content_hash": content_hash(offer),
        "imported_at": now,
        "retired_at": None,
    }


def upsert_offers(
    session: Session, offers: list[Offer], source: str, retire_missing: bool = True
) -> dict[str, int]:
    """Insert new offers, update changed ones, leave identical ones alone, and retire the
    offers this source no longer lists (kept, so saved plans still resolve)."""
    now = datetime.now(UTC)
    existing = {
        o.id: o
        for o in session.scalars(
            select(CatalogueOffer).where(CatalogueOffer.id.in_([x.id for x in offers]))
        )
    }
    counts = Counter()
    for offer in offers:
        columns = _columns(offer, source, now)
        row = existing.get(offer.id)
        if row is None:
            session.add(CatalogueOffer(id=offer.id, **columns))
            counts["added"] += 1
        elif row.content_hash == columns["content_hash"] and row.status == "active":
            counts["unchanged"] += 1
            continue
        else:
            counts["updated" if row.status == "active" else "reactivated"] += 1
            for key, value in columns.items():
                setattr(row, key, value)
            session.execute(
                delete(CatalogueOfferSkill).where(CatalogueOfferSkill.offer_id == offer.id)
            )
        session.flush()
        session.add_all(
            CatalogueOfferSkill(
                offer_id=offer.id,
                skill_uri=s.uri,
                level=s.level,
                source=s.source,
                confidence=s.confidence,
                evidence=s.evidence,
            )
            for s in _unique_skills(offer)
        )
    if retire_missing:
        listed = {o.id for o in offers}
        for row in session.scalars(
            select(CatalogueOffer).where(
                CatalogueOffer.source == source, CatalogueOffer.status == "active"
            )
        ):
            if row.id not in listed:
                row.status, row.retired_at = "retired", now
                counts["retired"] += 1
    return dict(counts)


def _unique_skills(offer: Offer):
    seen = set()
    for skill in offer.skills:
        if skill.uri not in seen:
            seen.add(skill.uri)
            yield skill


def record_import(session: Session, source: str, fmt: str, counts: dict, problems: list) -> None:
    session.add(
        CatalogueImport(
            source=source,
            format=fmt,
            imported_at=datetime.now(UTC),
            counts=counts,
            problems=problems,
        )
    )


def last_import(session: Session, source: str) -> CatalogueImport | None:
    return session.scalars(
        select(CatalogueImport)
        .where(CatalogueImport.source == source)
        .order_by(CatalogueImport.id.desc())
        .limit(1)
    ).first()


def active_offers(session: Session) -> list[CatalogueOffer]:
    return list(
        session.scalars(
            select(CatalogueOffer)
            .where(CatalogueOffer.status == "active")
            .order_by(CatalogueOffer.id)
        )
    )


def load_offer(row: CatalogueOffer) -> Offer:
    return Offer.model_validate(row.data)


def low_confidence_tags(session: Session, below: float) -> list[tuple]:
    """(tag, offer title, skill label) for inferred tags under `below`, weakest first."""
    return session.execute(
        select(CatalogueOfferSkill, CatalogueOffer.title, EscoSkill.preferred_label)
        .join(CatalogueOffer, CatalogueOffer.id == CatalogueOfferSkill.offer_id)
        .outerjoin(EscoSkill, EscoSkill.uri == CatalogueOfferSkill.skill_uri)
        .where(
            CatalogueOfferSkill.source == "inferred",
            CatalogueOffer.status == "active",
            CatalogueOfferSkill.confidence < below,
        )
        .order_by(CatalogueOfferSkill.confidence)
    ).all()


def catalogue_stats(session: Session) -> dict:
    offers = active_offers(session)
    skills = session.execute(
        select(CatalogueOfferSkill.offer_id, CatalogueOfferSkill.source)
        .join(CatalogueOffer)
        .where(CatalogueOffer.status == "active")
    ).all()
    with_skill = {offer_id for offer_id, _ in skills}

    def bucket(value: float, edges: list[float]) -> str:
        for low, high in zip(edges, edges[1:], strict=False):
            if low <= value < high:
                return f"{low:g}-{high:g}"
        return f"{edges[-1]:g}+"

    return {
        "offers": len(offers),
        "retired": session.scalar(
            select(func.count())
            .select_from(CatalogueOffer)
            .where(CatalogueOffer.status == "retired")
        ),
        "with_esco_skill": len(with_skill),
        "skill_tags": dict(Counter(source for _, source in skills)),
        "by_mode": dict(Counter(o.mode for o in offers)),
        "by_language": dict(Counter(lang for o in offers for lang in o.languages)),
        "by_funding": dict(Counter(o.funding for o in offers)),
        "by_cost_usd": dict(
            Counter(bucket(o.cost_usd or 0, [0, 0.01, 25, 50, 100, 200, 300]) for o in offers)
        ),
        "by_hours": dict(Counter(bucket(o.total_hours, [0, 8, 20, 60, 120, 400]) for o in offers)),
        "quality_assured": sum(o.quality_assured for o in offers),
        "employer_endorsed": sum(o.endorsed for o in offers),
        "pathways": dict(Counter(o.pathway_id for o in offers if o.pathway_id)),
        "currencies": dict(Counter(o.cost_currency for o in offers)),
    }
