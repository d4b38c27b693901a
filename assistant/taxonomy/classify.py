"""Classify every ESCO skill as transversal, digital or specific, with its group.

The rule (documented in docs/taxonomy.md):
1. digital - the skill is in ESCO's digital or DigComp collection. Its group is the DigComp
   area (DC1 information and data literacy, DC2 communication and collaboration, DC3 digital
   content creation, DC4 safety, DC5 problem solving) of the nearest DigComp area concept
   among its broader concepts; a digital skill that reaches none is a specialist ICT skill
   (group "ICT").
2. transversal - otherwise, the skill is in the transversal collection or its reuse level is
   "transversal". Its group is the nearest transversal group (T1-T6 and sub-groups, from
   skillsHierarchy) among its broader concepts; ESCO's language skills reach none and get
   group "L". Being narrower than a transversal skill is not enough: ESCO hangs thousands
   of sector-specific skills ("calculate aircraft weight") under transversal groups.
3. specific - everything else (sector-, occupation-specific and cross-sector skills).
Group codes come from the nearest ancestor, so "T4.1" is preferred to "T4".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DIGCOMP_AREAS: dict[str, tuple[str, str]] = {
    # root concept label in ESCO -> (area code, area name)
    "digital data processing": ("DC1", "information and data literacy"),
    "digital communication and collaboration": ("DC2", "communication and collaboration"),
    "digital content creation": ("DC3", "digital content creation"),
    "ICT safety": ("DC4", "safety"),
    "problem-solving with digital tools": ("DC5", "problem solving"),
}
ICT_GROUP = ("ICT", "specialist ICT skills")
LANGUAGE_GROUP = ("L", "language skills and knowledge")


@dataclass(frozen=True)
class SkillClass:
    kind: str
    group_code: str
    group_label: str


def nearest_ancestor(
    start: str, broader: Mapping[str, list[str]], targets: Mapping[str, tuple[str, str]]
) -> tuple[str, str] | None:
    """Breadth-first up the broader links: the closest target wins, ties by code."""
    seen = {start}
    frontier = deque([start])
    while frontier:
        level_hits: list[tuple[str, str]] = []
        for _ in range(len(frontier)):
            node = frontier.popleft()
            for parent in broader.get(node, ()):
                if parent in seen:
                    continue
                seen.add(parent)
                if parent in targets:
                    level_hits.append(targets[parent])
                frontier.append(parent)
        if level_hits:
            return sorted(level_hits)[0]
    return None


def classify_skills(
    skills: Mapping[str, str],
    collections: Mapping[str, set[str]],
    broader: Mapping[str, list[str]],
    transversal_groups: Mapping[str, tuple[str, str]],
    labels: Mapping[str, str],
) -> dict[str, SkillClass]:
    """skills: uri -> reuse level; transversal_groups: group uri -> (T-code, label);
    labels: uri -> preferred label for every concept (skills and groups)."""
    digital = collections.get("digital", set()) | collections.get("digcomp", set())
    transversal = collections.get("transversal", set())
    area_roots = {
        uri: DIGCOMP_AREAS[label]
        for uri, label in labels.items()
        if label in DIGCOMP_AREAS and uri in digital
    }
    result: dict[str, SkillClass] = {}
    for uri, reuse_level in skills.items():
        if uri in digital:
            area = area_roots.get(uri) or nearest_ancestor(uri, broader, area_roots) or ICT_GROUP
            result[uri] = SkillClass("digital", *area)
            continue
        if uri in transversal or reuse_level == "transversal":
            group = nearest_ancestor(uri, broader, transversal_groups) or LANGUAGE_GROUP
            result[uri] = SkillClass("transversal", *group)
        else:
            result[uri] = SkillClass("specific", "", "")
    return result


def count_by(classes: Iterable[SkillClass], attr: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in classes:
        key = getattr(item, attr) or "-"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))
