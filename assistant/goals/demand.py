"""The demand profile: in-demand transversal and digital skills with weights.

Default (no labour-market data): ESCO's transversal and DigComp skills, each weighted by how
many occupations need it — an occupation needs a transversal or digital skill when one of its
essential skills is that skill or sits below it in ESCO's hierarchy. Weights are scaled to
[0.2, 1]. A labour-market observatory replaces this with its own data by pointing
PUENTE_DEMAND_PROFILE at a JSON list of {"uri": ESCO skill URI, "weight": 0..1} (for example
vacancy counts per skill from its job-ads pipeline, scaled to 0..1).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assistant.errors import ConfigurationError


def default_demand(view, broader: dict[str, set[str]]) -> dict[str, float]:
    targets = {
        uri
        for uri, info in view.skills.items()
        if info.kind == "transversal"
        and info.group.startswith("T")
        and not info.group.startswith("T1.1")
        or info.kind == "digital"
        and info.group.startswith("DC")
    }
    counts: Counter[str] = Counter()
    for essential in view.essential.values():
        needed: set[str] = set()
        for skill in essential:
            frontier, seen = [skill], {skill}
            while frontier:  # the skill and all its ancestors
                node = frontier.pop()
                if node in targets:
                    needed.add(node)
                for parent in broader.get(node, ()):
                    if parent not in seen:
                        seen.add(parent)
                        frontier.append(parent)
        counts.update(needed)
    top = max(counts.values(), default=1)
    return {uri: round(0.2 + 0.8 * counts.get(uri, 0) / top, 3) for uri in sorted(targets)}


def load_demand(view, broader: dict[str, set[str]]) -> dict[str, float]:
    from assistant.config import get_settings

    path = get_settings().demand_profile
    if not path:
        return default_demand(view, broader)
    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
        demand = {row["uri"]: float(row["weight"]) for row in rows}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f"PUENTE_DEMAND_PROFILE={path}: not a JSON list of {{uri, weight}} ({exc})"
        ) from exc
    unknown = [u for u in demand if u not in view.skills]
    if unknown:
        raise ConfigurationError(f"PUENTE_DEMAND_PROFILE: unknown ESCO skills {unknown[:3]}")
    return demand
