"""Offers that could close a set of gaps, under a worker's constraints.

An offer covers a gap when one of its ESCO skills covers the gap's skill by the same rules as
the profile does (same, narrower, broader, related or similar), weighted by how directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.catalogue.money import to_usd
from assistant.db.catalogue_models import CatalogueOffer, CatalogueOfferSkill
from assistant.plans.constraints import PlanConstraints

PER_GAP = 6  # offers kept per gap before solving: keeps thousands-of-offers plans fast
INFERRED_TRUST = 0.75  # a tag the engine inferred counts for less than one the provider declared
# A course on a broader skill does not teach each narrower one ("programming" is not COBOL).
OFFER_LINKS = {"same", "narrower", "related", "similar"}
PORTABLE = {"open-badges-3.0", "european-digital-credentials"}


@dataclass
class Candidate:
    id: str
    title: str
    cost_amount: float
    cost_currency: str
    cost_usd: float
    hours: float
    weeks: float
    start: date | None
    mode: str
    languages: list[str]
    quality: str | None  # the quality-assurance statement, None when not assured
    endorsed_by: list[str]
    stacks_into: str | None
    pathway_id: str | None
    pathway_order: int | None
    portable: bool
    url: str | None
    covers: dict[str, float] = field(default_factory=dict)  # gap uri -> strength
    skills: frozenset[str] = frozenset()  # every skill the offer teaches (its tags)
    fits: bool = True
    why_not: str = ""

    @property
    def quality_score(self) -> int:
        """Tie-breaks between plans that cover the same: assured, endorsed, stackable,
        portable credentials first (integers for the solver)."""
        return (
            30 * bool(self.quality)
            + 20 * bool(self.endorsed_by)
            + 10 * bool(self.stacks_into)
            + 5 * self.portable
        )


def _mode_ok(offer_mode: str, wanted: str) -> bool:
    if wanted == "any":
        return True
    if wanted == "online":
        return offer_mode == "online"
    return offer_mode in ("onsite", "blended")


def _first_start(row: CatalogueOffer, c: PlanConstraints, weeks: float) -> tuple[bool, date | None]:
    """Cohort offers must start inside the worker's window and finish before it closes."""
    if row.pace != "cohort":
        return True, None
    dates = sorted(date.fromisoformat(d) for d in row.data.get("start_dates") or [])
    if not dates:
        return True, None  # rolling intake
    begin = c.start()
    last = begin + timedelta(weeks=c.weeks - weeks)
    for d in dates:
        if begin <= d <= last:
            return True, d
    return False, None


def _candidate(row: CatalogueOffer, c: PlanConstraints) -> Candidate:
    data = row.data
    qa = data.get("quality_assurance") or {}
    qa_text = None
    if row.quality_assured:
        qa_text = qa.get("type", "") + (f" ({qa['body']})" if qa.get("body") else "")
    stack = data.get("stackability") or {}
    weeks = row.duration_weeks or max(1.0, row.total_hours / c.hours_per_week)
    cand = Candidate(
        id=row.id,
        title=row.title,
        cost_amount=row.cost_amount,
        cost_currency=row.cost_currency,
        cost_usd=row.cost_usd,
        hours=row.total_hours,
        weeks=weeks,
        start=None,
        mode=row.mode,
        languages=list(row.languages),
        quality=qa_text,
        endorsed_by=list(data.get("employer_endorsements") or []),
        stacks_into=stack.get("stacks_into"),
        pathway_id=row.pathway_id,
        pathway_order=row.pathway_order,
        portable=bool(PORTABLE & set((data.get("credential") or {}).get("format") or [])),
        url=data.get("url"),
    )
    cand.fits, cand.why_not = _fits(row, cand, c)
    return cand


def _fits(row: CatalogueOffer, cand: Candidate, c: PlanConstraints) -> tuple[bool, str]:
    if c.language not in cand.languages:
        return False, "language"
    if not _mode_ok(row.mode, c.mode):
        return False, "mode"
    location = row.data.get("location") or {}
    if c.country and row.mode != "online" and location.get("country") not in (None, c.country):
        return False, "country"
    if row.hours_per_week and row.pace == "cohort" and row.hours_per_week > c.hours_per_week:
        return False, "weekly hours"
    if cand.hours > c.total_hours or cand.weeks > c.weeks:
        return False, "time"
    if cand.cost_usd > (to_usd(c.budget, c.currency) or 0) + 0.005:
        return False, "budget"
    ok, start = _first_start(row, c, cand.weeks)
    cand.start = start
    return (True, "") if ok else (False, "dates")


def find_candidates(
    session: Session,
    gaps: dict[str, float],
    equivalents: dict[str, dict[str, tuple[str, float]]],
    constraints: PlanConstraints,
    per_gap: int = PER_GAP,
    seen: dict[str, set[str]] | None = None,
) -> tuple[list[Candidate], dict[str, list[Candidate]]]:
    """Returns the offers that fit the constraints (best `per_gap` per gap) and, for the
    pathway alternative, every offer of each pathway that touches a gap (fitting or not).
    `seen`, when given, gets the gaps some active offer covers ("offered") and the gaps some
    offer within the constraints covers ("reachable")."""
    if seen is not None:
        seen.update(offered=set(), reachable=set())
    covering: dict[str, dict[str, float]] = {}
    by_skill: dict[str, list[tuple[str, float]]] = {}
    for gap, eq in equivalents.items():
        for skill, (how, strength) in eq.items():
            if how in OFFER_LINKS:
                by_skill.setdefault(skill, []).append((gap, strength))
    if not by_skill:
        return [], {}
    skill_list = list(by_skill)
    # the tags first (by the skill index), then each matching active offer once: a join made
    # SQLite probe every offer for every skill, and returned an offer once per matching tag
    for chunk in range(0, len(skill_list), 500):
        stmt = select(
            CatalogueOfferSkill.offer_id,
            CatalogueOfferSkill.skill_uri,
            CatalogueOfferSkill.source,
            CatalogueOfferSkill.confidence,
        ).where(CatalogueOfferSkill.skill_uri.in_(skill_list[chunk : chunk + 500]))
        for offer_id, skill_uri, source, confidence in session.execute(stmt):
            trust = 1.0 if source == "declared" else INFERRED_TRUST * (confidence or 0)
            for gap, strength in by_skill[skill_uri]:
                value = strength * trust
                if value > covering.setdefault(offer_id, {}).get(gap, 0.0):
                    covering[offer_id][gap] = value
    ids = list(covering)
    rows: dict[str, CatalogueOffer] = {}
    for chunk in range(0, len(ids), 500):
        for offer in session.scalars(
            select(CatalogueOffer).where(
                CatalogueOffer.id.in_(ids[chunk : chunk + 500]), CatalogueOffer.status == "active"
            )
        ):
            rows[offer.id] = offer
    cands = {oid: _candidate(row, constraints) for oid, row in rows.items()}
    for oid, cand in cands.items():
        cand.covers = covering[oid]
        if seen is not None:
            seen["offered"].update(cand.covers)
            if cand.fits:
                seen["reachable"].update(cand.covers)
    kept = prune([c for c in cands.values() if c.fits], gaps, per_gap)
    _add_taught_skills(session, kept)
    pathways: dict[str, list[Candidate]] = {}
    wanted = {c.pathway_id for c in cands.values() if c.pathway_id}
    if wanted:
        for row in session.scalars(
            select(CatalogueOffer).where(
                CatalogueOffer.pathway_id.in_(wanted), CatalogueOffer.status == "active"
            )
        ):
            cand = cands.get(row.id) or _candidate(row, constraints)
            pathways.setdefault(row.pathway_id, []).append(cand)
        for members in pathways.values():
            members.sort(key=lambda c: (c.pathway_order or 99, c.id))
    return kept, pathways


def _add_taught_skills(session: Session, cands: list[Candidate]) -> None:
    """Each kept offer's whole set of skills, so a plan can tell a course made for the goal
    from one made for another job that shares a skill with it."""
    by_id = {c.id: set() for c in cands}
    ids = list(by_id)
    for chunk in range(0, len(ids), 500):
        stmt = select(CatalogueOfferSkill.offer_id, CatalogueOfferSkill.skill_uri).where(
            CatalogueOfferSkill.offer_id.in_(ids[chunk : chunk + 500])
        )
        for offer_id, skill_uri in session.execute(stmt):
            by_id[offer_id].add(skill_uri)
    for cand in cands:
        cand.skills = frozenset(by_id[cand.id])


def prune(fitting: list[Candidate], gaps, per_gap: int = PER_GAP) -> list[Candidate]:
    """The best `per_gap` offers for each gap: strongest cover first, then the offers that
    cover most of the other gaps too, then quality, cost and hours."""
    weights = gaps if isinstance(gaps, dict) else dict.fromkeys(gaps, 1.0)
    reach = {c.id: sum(weights.get(g, 0) * v for g, v in c.covers.items()) for c in fitting}
    by_gap: dict[str, list[Candidate]] = {}
    for c in fitting:
        for g in c.covers:
            by_gap.setdefault(g, []).append(c)
    keep: dict[str, Candidate] = {}
    for gap in weights:
        ranked = sorted(
            by_gap.get(gap, []),
            key=lambda c: (
                -round(c.covers[gap], 2),
                -reach[c.id],
                -c.quality_score,
                c.cost_usd,
                c.hours,
                c.id,
            ),
        )
        keep.update((c.id, c) for c in ranked[:per_gap])
    return sorted(keep.values(), key=lambda c: c.id)
