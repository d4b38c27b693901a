"""The picture of a gap report: covered vs missing skills by transversal group, digital
competence area and job-specific, as PNG or SVG (console, web widget, WhatsApp image)."""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

from assistant.plans.chart_drawing import Box, Shape, Text, to_png, to_svg
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
        "attribution": ESCO_ATTRIBUTION,
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
        # ESCO's attribution, in the reader's language as the chat says it
        "attribution": "Este servicio usa la clasificación ESCO de la Comisión Europea.",
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


# Drawn for a phone first (the widget's bubble and WhatsApp show it ~330 px wide): 4 inches
# wide, so one point of text is about one CSS pixel there; a label line above each bar, not
# beside it; covered and missing told apart by colour, pattern and words (the legend and
# "2 de 5" on every row), never by colour alone.
WIDTH = 4.0  # inches
MARGIN = 0.16
COVERED = "#1b6e5a"  # the widget's accent, dark: 6.2:1 on white
MISSING = "#fbe3c4"  # light orange, hatched in HATCH: the two differ in lightness too
HATCH = "#a0550d"
INK = "#1d1d1d"
MUTED = "#4d4d4d"
COUNT = {"es": "{c} de {t}", "en": "{c} of {t}"}


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def layout(report: dict, skill_kinds: dict, lang: str = "es") -> tuple[float, list[Shape]]:
    """The chart's height (inches) and what it shows, top to bottom: the title, the legend,
    a label line and a bar for each group, ESCO's attribution."""
    words = GROUP_NAMES.get(lang, GROUP_NAMES["es"])
    counts = tally(report, skill_kinds)
    order = [k for k in GROUP_NAMES["en"] if k in counts]
    label = (report.get("occupation") or {}).get("label") or "—"
    title = _wrap(words["title"].format(label=label), 34)
    footer = _wrap(words["attribution"], 58)
    row = 0.62
    height = 0.28 * len(title) + 0.5 + row * max(1, len(order)) + 0.2 * len(footer) + 0.25
    inner = WIDTH - 2 * MARGIN
    shapes: list[Shape] = []
    y = MARGIN
    for line in title:
        shapes.append(Text(MARGIN, y, line, 13, INK, bold=True))
        y += 0.28
    # the legend: a swatch and a word for each
    y += 0.08
    x = MARGIN
    for name, hatch in (("covered", None), ("missing", HATCH)):
        face = MISSING if hatch else COVERED
        shapes.append(Box(x, y, 0.32, 0.2, face, HATCH if hatch else face, 0.8, hatch))
        shapes.append(Text(x + 0.4, y, words[name], 12, INK))
        x += inner / 2
    y += 0.42
    for key in order:
        covered, missing = counts[key]
        total = covered + missing
        shapes.append(Text(MARGIN, y, words[key], 12, INK))
        count = COUNT.get(lang, COUNT["es"]).format(c=covered, t=total)
        shapes.append(Text(MARGIN + inner, y, count, 12, MUTED, end=True))
        bar_y, bar_h = y + 0.27, 0.22
        share = inner * covered / total if total else 0
        shapes.append(Box(MARGIN + share, bar_y, inner - share, bar_h, MISSING, hatch=HATCH))
        shapes.append(Box(MARGIN, bar_y, share, bar_h, COVERED))
        shapes.append(Box(MARGIN, bar_y, inner, bar_h, stroke=MUTED, stroke_width=0.8))
        y += row
    if not order:
        shapes.append(Text(MARGIN, y, "—", 12, MUTED))
        y += row
    y += 0.1
    for line in footer:
        shapes.append(Text(MARGIN, y, line, 8.5, MUTED))
        y += 0.2
    return height, shapes


def render(report: dict, skill_kinds: dict, fmt: str = "png", lang: str = "es") -> bytes:
    if fmt not in ("png", "svg"):
        raise ValueError(f"chart format must be png or svg, not {fmt!r}")
    height, shapes = layout(report, skill_kinds, lang)
    return (to_png if fmt == "png" else to_svg)(WIDTH, height, shapes)


# -- charts drawn on first fetch -----------------------------------------------------------------
# A chart's token: the file name under var/charts and the key in its link
TOKEN = re.compile(r"[0-9a-f]{24}")


def write_chart_source(
    folder: Path, token: str, report: dict, skill_kinds: dict, lang: str
) -> Path:
    """What a chart shows, written atomically as <token>.json; `chart_png` and `chart_svg`
    draw it later."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}.json"
    tmp = path.with_suffix(".json.tmp")
    data = {"report": report, "kinds": {k: list(v) for k, v in skill_kinds.items()}, "lang": lang}
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)
    return path


def _source(folder: Path, token: str) -> tuple[dict, dict, str] | None:
    try:
        data = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return data["report"], {k: tuple(v) for k, v in data["kinds"].items()}, data["lang"]


def chart_png(folder: Path, token: str) -> bytes | None:
    """The chart's PNG (WhatsApp, the printable summary), drawn from its source the first time
    and kept; None if unknown."""
    png = folder / f"{token}.png"
    if png.exists():
        return png.read_bytes()
    source = _source(folder, token)
    if source is None:
        return None
    image = render(source[0], source[1], "png", source[2])
    tmp = folder / f"{token}.png.tmp-{os.getpid()}-{threading.get_ident()}"
    tmp.write_bytes(image)
    tmp.replace(png)  # two first fetches at once both draw; the last rename wins, same bytes
    return image


def chart_svg(folder: Path, token: str) -> bytes | None:
    """The chart as SVG (the web widget: sharp and legible at a phone's width), drawn from its
    source on each fetch and not kept (retention purges the source and the PNG; the browser
    caches it); None if unknown or already purged."""
    source = _source(folder, token)
    return None if source is None else render(source[0], source[1], "svg", source[2])
