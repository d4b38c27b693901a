"""The picture of a gap report: covered vs missing skills by transversal group, digital
competence area and job-specific, as PNG or SVG (console, web widget, WhatsApp image)."""

from __future__ import annotations

import io

from assistant.skills.engine import ESCO_ATTRIBUTION

GROUP_NAMES = {
    "en": {
        "T1": "Core skills",
        "T2": "Thinking",
        "T3": "Self-management",
        "T4": "Social & communication",
        "T5": "Physical & manual",
        "T6": "Life skills",
        "DC1": "Digital: information & data",
        "DC2": "Digital: communication",
        "DC3": "Digital: content creation",
        "DC4": "Digital: safety",
        "DC5": "Digital: problem solving",
        "ICT": "Digital: ICT tools",
        "specific": "Job-specific",
        "covered": "you have",
        "missing": "to learn",
        "title": "Your skills for: {label}",
    },
    "es": {
        "T1": "Habilidades básicas",
        "T2": "Pensamiento",
        "T3": "Autogestión",
        "T4": "Social y comunicación",
        "T5": "Físicas y manuales",
        "T6": "Para la vida",
        "DC1": "Digital: información y datos",
        "DC2": "Digital: comunicación",
        "DC3": "Digital: creación de contenido",
        "DC4": "Digital: seguridad",
        "DC5": "Digital: resolución de problemas",
        "ICT": "Digital: herramientas TIC",
        "specific": "Propias del oficio",
        "covered": "ya tienes",
        "missing": "por aprender",
        "title": "Tus habilidades para: {label}",
    },
}


def _bucket(kind: str, group: str) -> str:
    if kind == "specific":
        return "specific"
    code = (group or "").split(".")[0].upper()
    if kind == "digital":
        return code if code in ("DC1", "DC2", "DC3", "DC4", "DC5") else "ICT"
    return code if code in ("T1", "T2", "T3", "T4", "T5", "T6") else "T1"


def tally(report: dict, skill_kinds: dict[str, tuple[str, str]]) -> dict[str, list[int]]:
    """{bucket: [covered, missing]} from a gap report's JSON; `skill_kinds` gives the kind
    and group of covered skills (the report lists only their URIs)."""
    counts: dict[str, list[int]] = {}
    for cov in report.get("covered", []):
        kind, group = skill_kinds.get(cov["required"], ("specific", ""))
        counts.setdefault(_bucket(kind, group), [0, 0])[0] += 1
    for gap in report.get("gaps", []):
        counts.setdefault(_bucket(gap["kind"], gap.get("group", "")), [0, 0])[1] += 1
    return counts


def render(report: dict, skill_kinds: dict, fmt: str = "png", lang: str = "es") -> bytes:
    if fmt not in ("png", "svg"):
        raise ValueError(f"chart format must be png or svg, not {fmt!r}")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    words = GROUP_NAMES.get(lang, GROUP_NAMES["es"])
    counts = tally(report, skill_kinds)
    order = [k for k in GROUP_NAMES["en"] if k in counts]
    names = [words[k] for k in order]
    covered = [counts[k][0] for k in order]
    missing = [counts[k][1] for k in order]
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(3, len(order)) + 1.4), dpi=110)
    ax.barh(names, covered, color="#2a9d8f", label=words["covered"])
    ax.barh(names, missing, left=covered, color="#e9a23b", label=words["missing"])
    for i, (c, m) in enumerate(zip(covered, missing, strict=True)):
        ax.text(c + m + 0.1, i, f"{c}/{c + m}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    label = (report.get("occupation") or {}).get("label") or "—"
    ax.set_title(words["title"].format(label=label), fontsize=11, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.text(0.01, 0.01, ESCO_ATTRIBUTION, fontsize=6, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    out = io.BytesIO()
    fig.savefig(out, format=fmt)
    plt.close(fig)
    return out.getvalue()
