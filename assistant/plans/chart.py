"""The picture of a gap report: covered vs missing skills by transversal group, digital
competence area and job-specific, as PNG or SVG (console, web widget, WhatsApp image)."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path

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


# -- charts drawn on first fetch -----------------------------------------------------------------
def write_chart_source(
    folder: Path, token: str, report: dict, skill_kinds: dict, lang: str
) -> Path:
    """What a chart shows, written atomically as <token>.json; `chart_png` draws it later."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}.json"
    tmp = path.with_suffix(".json.tmp")
    data = {"report": report, "kinds": {k: list(v) for k, v in skill_kinds.items()}, "lang": lang}
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)
    return path


def chart_png(folder: Path, token: str) -> bytes | None:
    """The chart's PNG, drawn from its source the first time and kept; None if unknown."""
    png = folder / f"{token}.png"
    if png.exists():
        return png.read_bytes()
    source = folder / f"{token}.json"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    kinds = {k: tuple(v) for k, v in data["kinds"].items()}
    image = render(data["report"], kinds, "png", data["lang"])
    tmp = folder / f"{token}.png.tmp-{os.getpid()}-{threading.get_ident()}"
    tmp.write_bytes(image)
    tmp.replace(png)  # two first fetches at once both draw; the last rename wins, same bytes
    return image
