"""How much each gap matters for the job a worker wants, and why, in words they understand.

A target's essential skills come first. Among them, a skill ranks higher when it is central to
the family of jobs the target belongs to (the share of the occupations in its ISCO unit group,
or minor group when the unit group is small, that list it: essential counts 1, optional 1/2)
and when a short course can teach it (knowledge and sector- or occupation-specific skills more
than cross-sector ones, and those more than transversal attitudes, which come with practice).
Transversal and digital skills the target does not list come from demand in the same family of
jobs (the share of them that need it, through their essential skills and ESCO's hierarchy),
not from one global list; the global demand profile is used only when there is no target.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db import taxonomy_models as m

MIN_SIMILAR = 5  # fewer occupations than this in the unit group: use the minor group
OPTIONAL_LINK = 0.5  # an optional link counts half an essential one towards centrality
# How well a short course teaches a skill, by ESCO skill type and reuse level: knowledge most,
# then job-specific know-how, then what is learnt by practice (on the tune part of
# tests/data/gapset, counsellors' gaps are mostly knowledge and the credited skills almost
# never are: 28 of 125 gaps, 5 of 162 credited).
LEARNABLE = {
    "knowledge": 1.0,
    "occupation-specific": 0.6,
    "sector-specific": 0.6,
    "cross-sector": 0.5,
    "transversal": 0.4,
}
LEARNABLE_DEFAULT = 0.5
SHORT_COURSE = 0.6  # at or above: the reason says a short course can teach it
CENTRAL = 0.5  # at or above: the reason says how many similar jobs ask for it

REASONS = {
    "essential": {
        "en": "Essential for {target}",
        "es": "Es esencial para {target}",
    },
    "central": {
        "en": "; {n} in 10 similar jobs ask for it",
        "es": "; lo piden {n} de cada 10 trabajos parecidos",
    },
    "short_course": {
        "en": "; a short course can teach it",
        "es": "; se aprende en un curso corto",
    },
    "optional": {
        "en": "Useful for {target} (ESCO lists it as optional)",
        "es": "Suma para {target} (ESCO lo indica como opcional)",
    },
    "group_demand": {
        "en": "{n} in 10 jobs like {target} need it",
        "es": "Lo necesitan {n} de cada 10 trabajos como {target}",
    },
    "demand": {
        "en": "In demand across many jobs",
        "es": "Lo piden muchos trabajos",
    },
}


# The same reasons where the target is already named (the chat's list under "for <target>"),
# so a line on a phone says why in a few words.
SHORT = {
    "essential": {"en": "essential", "es": "esencial"},
    "optional": {"en": "optional for this job", "es": "opcional para este trabajo"},
    "group_demand": {
        "en": "{n} in 10 similar jobs need it",
        "es": "lo necesitan {n} de cada 10 trabajos parecidos",
    },
    "demand": {"en": "in demand across many jobs", "es": "lo piden muchos trabajos"},
}


def tenths(share: float) -> int:
    return max(1, min(10, round(10 * share)))


class GoalContext:
    """ESCO facts about occupations and skills that the view does not hold: ISCO groups,
    reuse levels and skill types, loaded once."""

    def __init__(self, session: Session, view, broader: dict[str, set[str]]) -> None:
        self.view = view
        self.broader = broader
        self.isco: dict[str, str] = {
            uri: group
            for uri, group in session.execute(
                select(m.EscoOccupation.uri, m.EscoOccupation.isco_group)
            )
        }
        self.learnable: dict[str, float] = {}
        for uri, skill_type, reuse in session.execute(
            select(m.EscoSkill.uri, m.EscoSkill.skill_type, m.EscoSkill.reuse_level)
        ):
            key = "knowledge" if skill_type == "knowledge" else (reuse or "")
            self.learnable[uri] = LEARNABLE.get(key, LEARNABLE_DEFAULT)
        self.by_group: dict[str, list[str]] = defaultdict(list)
        for occ, group in self.isco.items():
            if group and (occ in view.essential or occ in view.optional):
                self.by_group[group].append(occ)

    def similar(self, occupation: str) -> list[str]:
        """The other occupations of the target's ISCO unit group (minor group if few)."""
        group = self.isco.get(occupation) or ""
        same = [o for o in self.by_group.get(group, []) if o != occupation]
        if len(same) >= MIN_SIMILAR or len(group) < 4:
            return same
        return [
            o
            for g, members in self.by_group.items()
            if g[:3] == group[:3]
            for o in members
            if o != occupation
        ]

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one context per process, bounded
    def centrality(self, occupation: str) -> dict[str, float]:
        """Skill -> share of similar jobs that list it (essential 1, optional 1/2)."""
        similar = self.similar(occupation)
        counts: dict[str, float] = defaultdict(float)
        for other in similar:
            for uri in self.view.essential.get(other, ()):
                counts[uri] += 1.0
            for uri in self.view.optional.get(other, ()):
                counts[uri] += OPTIONAL_LINK
        return {uri: c / len(similar) for uri, c in counts.items()} if similar else {}

    def core(self, occupation: str, skill: str) -> tuple[float, float, float]:
        """(score in 0..1, centrality, learnability) of one of the target's skills."""
        central = self.centrality(occupation).get(skill, 0.0)
        learn = self.learnable.get(skill, LEARNABLE_DEFAULT)
        return (0.3 + 0.7 * min(1.0, central)) * learn, central, learn

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def group_demand(self, occupation: str, wanted: frozenset[str]) -> dict[str, float]:
        """Skill in `wanted` (the transversal and digital skills demand is counted on) ->
        share of the target's family of jobs (the target included) that need it: one of
        their essential skills is it or sits below it in ESCO's hierarchy."""
        family = [occupation, *self.similar(occupation)]
        counts: dict[str, int] = defaultdict(int)
        for occ in family:
            needed: set[str] = set()
            for skill in self.view.essential.get(occ, ()):
                needed |= self._ancestors(skill) & wanted
            for uri in needed:
                counts[uri] += 1
        return {uri: c / len(family) for uri, c in counts.items()}

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def _ancestors(self, skill: str) -> frozenset[str]:
        seen, frontier = {skill}, [skill]
        while frontier:
            for parent in self.broader.get(frontier.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        return frozenset(seen)


def target_label(view, occupation: str, lang: str) -> str:
    if lang != "en":
        local = view.labels_in(lang, "occupation").get(occupation)
        if local:
            return local.preferred
    return view.occupations[occupation][0]


def reasons(kind: str, view, occupation: str | None, **facts) -> dict[str, str]:
    """The one-line reason in English and Spanish (`en`, `es`), and without the target's
    name (`en_short`, `es_short`)."""
    out = {}
    for lang in ("en", "es"):
        target = target_label(view, occupation, lang) if occupation else ""
        n = tenths(facts.get("share", 0))
        text = REASONS[kind][lang].format(target=target, n=n)
        short = SHORT[kind][lang].format(n=n)
        if kind == "essential":
            extra = ""
            if facts.get("central", 0) >= CENTRAL:
                extra += REASONS["central"][lang].format(n=tenths(facts["central"]))
            if facts.get("learnable", 0) >= SHORT_COURSE:
                extra += REASONS["short_course"][lang]
            text, short = text + extra, short + extra
        out[lang], out[f"{lang}_short"] = text, short
    return out
