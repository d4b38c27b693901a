"""The gap chart, drawn without matplotlib: what it says (SVG text) and what it shows (PNG
pixels), read back from the bytes a worker receives."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from assistant.plans.chart import COVERED, HATCH, MISSING, WIDTH, layout, render
from assistant.plans.chart_drawing import Box
from assistant.skills.engine import ESCO_ATTRIBUTION

SVG = "{http://www.w3.org/2000/svg}"

# a supervisor's gaps: 1 of 3 social skills covered, 2 of 6 job-specific, 0 of 1 digital
REPORT = {
    "occupation": {"label": "supervisor/a de tienda & <caja>"},
    "covered": [{"required": u} for u in ("s1", "s2", "j1", "j2")],
    "gaps": [{"kind": "specific", "group": ""}] * 4
    + [{"kind": "transversal", "group": "T4.1"}] * 2
    + [{"kind": "digital", "group": "DC1.2"}],
}
KINDS = {
    "s1": ("transversal", "T3"),
    "s2": ("transversal", "T4.2"),
    "j1": ("specific", ""),
    "j2": ("specific", ""),
}


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_svg_says_each_group_its_counts_title_and_attribution():
    # GIVEN a gap report, WHEN drawn as SVG for a Spanish-speaking worker
    svg = render(REPORT, KINDS, "svg", "es")
    # THEN it is well-formed XML (the label's & and < escaped) whose texts say it all
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert " ".join(texts[:2]) == "Tus habilidades para: supervisor/a de tienda & <caja>"
    for group, count in [
        ("Autogestión", "1 de 1"),
        ("Social y comunicación", "1 de 3"),
        ("Digital: información y datos", "0 de 1"),
        ("Propias del oficio", "2 de 6"),
    ]:
        assert texts[texts.index(group) + 1] == count
    assert " ".join(texts[-2:]) == "Este servicio usa la clasificación ESCO de la Comisión Europea."
    assert "ya tienes" in texts and "por aprender" in texts
    # AND the missing part of each bar is hatched (told apart by more than colour)
    assert any("url(#hatch" in (r.get("fill") or "") for r in root.iter(f"{SVG}rect"))


def test_english_chart_in_english():
    texts = [t.text for t in ET.fromstring(render(REPORT, KINDS, "svg", "en")).iter(f"{SVG}text")]
    assert " ".join(texts[:2]) == "Your skills for: supervisor/a de tienda & <caja>"
    assert "Job-specific" in texts and "2 of 6" in texts and "to learn" in texts
    assert " ".join(texts[-2:]) == ESCO_ATTRIBUTION


def test_png_bars_show_the_covered_share():
    from PIL import Image

    # GIVEN the chart's layout (where each bar is) and its PNG at 200 dpi
    height, shapes = layout(REPORT, KINDS, "es")
    image = Image.open(io.BytesIO(render(REPORT, KINDS, "png", "es"))).convert("RGB")
    assert image.size == (round(WIDTH * 200), round(height * 200))
    covered_bars = [s for s in shapes if isinstance(s, Box) and s.fill == COVERED and s.h > 0.21]
    missing_bars = [s for s in shapes if isinstance(s, Box) and s.hatch]
    # THEN inside a covered bar the pixels are the covered colour
    social = covered_bars[1]  # Social y comunicación: a third covered
    assert abs(social.w / (WIDTH - 2 * 0.16) - 1 / 3) < 1e-9
    mid = (round((social.x + social.w / 2) * 200), round((social.y + social.h / 2) * 200))
    assert image.getpixel(mid) == _hex(COVERED)
    # AND a missing bar holds both the light fill and the hatch lines' colour
    bar = missing_bars[-1]
    colours = {
        image.getpixel((x, round((bar.y + bar.h / 2) * 200)))
        for x in range(round(bar.x * 200) + 4, round((bar.x + bar.w) * 200) - 4)
    }
    assert _hex(MISSING) in colours and _hex(HATCH) in colours


def test_no_groups_draws_a_dash_not_an_empty_picture():
    svg = render({"occupation": None, "covered": [], "gaps": []}, {}, "svg", "en")
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "Your skills for: —" in texts and "—" in texts


def test_unknown_format_is_refused():
    import pytest

    with pytest.raises(ValueError, match="png or svg"):
        render(REPORT, KINDS, "gif", "es")
