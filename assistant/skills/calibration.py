"""How the engine weighs what it matches: each model's calibration (similarities onto [0, 1]),
the weight of a label by its kind, and which languages' own labels a text meets. Apart from
the engine so the modules it uses (results, the occupation route, occupation search) read
them without importing the engine."""

from __future__ import annotations

from dataclasses import dataclass

FIELD_WEIGHT = {"label": 1.0, "alt": 0.98, "description": 0.94}

# Text in a language is matched against the English labels and against these languages' own
# labels (taxonomy_label: ESCO's Spanish release, Puente's Spanish labels), indexed beside
# the English ones for the model that reads the language. Which views, and how many
# alternative labels per concept, was measured on the tune part of the Spanish development
# sets (docs/skills.md, "Spanish matching").
LOCAL_LABELS = {"es": ("es",)}
LOCAL_VIEWS = {"skills": ("skill", 0), "occupations": ("occupation", 6)}  # concept, alts


def field_weight(field: str) -> float:
    """A label's weight by its kind; another language's label (`label_es`) weighs as the
    same kind in English."""
    return FIELD_WEIGHT.get(field) or FIELD_WEIGHT[field.partition("_")[0]]


@dataclass(frozen=True)
class Calibration:
    """Maps a model's cosine similarities onto [0, 1]; similarity spreads differ per model."""

    low: float  # below: no support at all
    high: float  # above: full support
    occupation: float  # an occupation title match counts from here
    lexicon: float = 0.8
    esco_label: float = 0.7
    occupation_boost: float = 0.35
    cutoff: float = 0.35


# Tuned on tests/data/devset (assistant evaluate skills): low/high/occupation for ranking;
# the cut-off sits below the F1 optimum (0.85 en, 0.8 es) because a worker confirms the
# skills in review, so recall matters more than precision there.
MINILM = Calibration(low=0.3, high=0.75, occupation=0.5, cutoff=0.6)

CALIBRATION = {
    "minilm": MINILM,
    "e5": Calibration(low=0.83, high=0.95, occupation=0.89, cutoff=0.5),
    "use": Calibration(low=0.35, high=0.75, occupation=0.6),
    # MiniLM's: the linker's similarities spread as its base's do (tune part, English: an
    # accepted skill's median similarity 0.433 against 0.420, the first hit's 0.528 and 0.532)
    "puente-linker": MINILM,
}
