"""Transversal and digital skills from how workers describe their behaviour (issue #20).

`find_cues(text, lang)` finds cues such as "nos cubrimos" / "we cover for each other"
(work in teams) or "cobro con Mercado Pago" (use e-services) in Spanish and English, leaves
out cues inside a negation ("no uso la tablet", "never used excel") and readings in another
sense ("la guardia" as the emergency room), and quotes the clause that supports each skill.
`blocked_readings(text, lang)` gives those negated and other-sense spans to a caller that
filters its own matches. Cue data: data/cues_<lang>.txt (syntax in patterns.py and
data/README.md). Nothing is loaded at import time.
"""

from assistant.skills.cues.finder import (
    BlockedReading,
    CueHit,
    blocked_readings,
    cue_finder,
    find_cues,
)

__all__ = ["BlockedReading", "CueHit", "blocked_readings", "cue_finder", "find_cues"]
