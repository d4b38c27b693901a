"""What a plan says about itself: why each course beat the other offers for the same gaps,
and which of the target's core gaps the catalogue cannot answer (so the worker asks a
counsellor or a recognised provider instead of taking unrelated courses)."""

from __future__ import annotations

from assistant.plans.candidates import Candidate

CORE_GAPS = 5  # the first gaps a worker is shown: the essential ones among them are the core

WORDS = {
    "en": {
        "only": "the only course within your limits for these skills",
        "chosen": ("chosen over one other option", "chosen over {n} other options"),
        "more": "covers more of your gaps in one course",
        "free": "free",
        "cheaper": "cheaper",
        "shorter": "shorter",
        "qa": "quality-assured",
        "stacks": "stackable",
        "balance": "the best mix of coverage, price and time",
        "no_offer": "The catalogue has no course yet for: {labels}.",
        "out_of_reach": "There are courses for {labels}, but none fits your budget, time, "
        "language or mode.",
        "ask": "Ask a careers counsellor or a recognised training provider about them.",
    },
    "es": {
        "only": "el único curso dentro de tus límites para estas habilidades",
        "chosen": ("elegido frente a otra opción", "elegido frente a {n} opciones más"),
        "more": "cubre más de tus brechas en un solo curso",
        "free": "gratis",
        "cheaper": "más barato",
        "shorter": "más corto",
        "qa": "con calidad asegurada",
        "stacks": "suma para un certificado mayor",
        "balance": "el mejor equilibrio entre cobertura, precio y tiempo",
        "no_offer": "Todavía no hay cursos en el catálogo para: {labels}.",
        "out_of_reach": "Hay cursos para {labels}, pero ninguno entra en tu presupuesto, "
        "tiempo, idioma o modalidad.",
        "ask": "Consulta a un orientador laboral o a un centro de formación reconocido.",
    },
}


def why_chosen(c: Candidate, mine: list[str], cands: list[Candidate], lang: str) -> str:
    """Why this offer and not the others that fit and cover any of the same gaps."""
    w = WORDS.get(lang, WORDS["es"])
    rivals = [o for o in cands if o.id != c.id and any(g in o.covers for g in mine)]
    if not rivals:
        return w["only"]
    points = []
    if len(mine) > max(sum(1 for g in mine if g in o.covers) for o in rivals):
        points.append(w["more"])
    if c.cost_usd == 0 and any(o.cost_usd > 0 for o in rivals):
        points.append(w["free"])
    elif c.cost_usd < min(o.cost_usd for o in rivals):
        points.append(w["cheaper"])
    if c.hours < min(o.hours for o in rivals):
        points.append(w["shorter"])
    if c.quality and any(not o.quality for o in rivals):
        points.append(w["qa"])
    if c.stacks_into and any(not o.stacks_into for o in rivals):
        points.append(w["stacks"])
    head = w["chosen"][len(rivals) > 1].format(n=len(rivals))
    return f"{head}: {', '.join(points or [w['balance']])}"


def core_gaps(gaps, credited: dict[str, str], offered: set[str], reachable: set[str]) -> dict:
    """The essential gaps among the first CORE_GAPS: which the plan covers, which have no
    offer in the catalogue at all, and which have offers none of which fits the limits."""
    core = [g for g in gaps[:CORE_GAPS] if g.essential]

    def item(g) -> dict:
        return {"uri": g.uri, "label": g.label, "kind": g.kind}

    return {
        "covered": [item(g) for g in core if g.uri in credited],
        "no_offer": [item(g) for g in core if g.uri not in offered],
        "out_of_reach": [
            item(g)
            for g in core
            if g.uri in offered and g.uri not in credited and g.uri not in reachable
        ],
    }


def advice(core: dict, lang: str) -> str | None:
    """One line for the worker when the plan cannot answer some core gaps."""
    w = WORDS.get(lang, WORDS["es"])
    lines = []
    if core["no_offer"]:
        lines.append(w["no_offer"].format(labels=", ".join(g["label"] for g in core["no_offer"])))
    if core["out_of_reach"]:
        lines.append(
            w["out_of_reach"].format(labels=", ".join(g["label"] for g in core["out_of_reach"]))
        )
    return " ".join(lines + [w["ask"]]) if lines else None
