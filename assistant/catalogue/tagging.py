"""Automatic ESCO tagging of offers that declare no skills, through the skill engine."""

from __future__ import annotations

from assistant.catalogue.schema import Offer, OfferSkill

MAX_TAGS = 5
REVIEW_BELOW = 0.75  # inferred tags under this confidence are listed for review


def tag_offer(offer: Offer, engine) -> Offer:
    """Offers with declared skills keep them; the others get inferred ones, each with its
    confidence and the words it came from. At least one tag is always given (a weak one
    shows up in `assistant catalogue review`)."""
    if offer.skills:
        return offer
    lang = offer.languages[0] if offer.languages[0] in ("en", "es", "pt") else "auto"
    result = engine.extract(offer.text_for_tagging(), language=lang, top=MAX_TAGS, cutoff=True)
    hits = result.skills[:MAX_TAGS]
    if not hits:
        fallback = engine.extract(offer.text_for_tagging(), language=lang, top=1, cutoff=False)
        hits = fallback.skills[:1]
    skills = [
        OfferSkill(
            uri=h.uri,
            label=h.label,
            source="inferred",
            confidence=round(h.score, 3),
            evidence=h.evidence[0].text if h.evidence else None,
        )
        for h in hits
    ]
    return offer.model_copy(update={"skills": skills})
