"""Drawing a chart laid out as texts and boxes (`assistant.plans.chart.layout`), as SVG written
by hand and as PNG with Pillow. Matplotlib drew it before and took 75-600 ms a chart, most of
the web app's CPU per turn under load (docs/benchmarks.md); these take a few milliseconds and
draw the same picture."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

POINTS = 72  # per inch: the SVG's user unit is the point, as a font size is
FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif"
HATCH_STEP = 6.5  # points between two hatch lines
HATCH_WIDTH = 0.9  # points


@dataclass(frozen=True)
class Text:
    """A line of text whose top is at `y` (inches); `end` aligns its right edge on `x`."""

    x: float
    y: float
    text: str
    size: float  # points
    color: str
    bold: bool = False
    end: bool = False


@dataclass(frozen=True)
class Box:
    """A rectangle (inches); `hatch` draws diagonal lines in that colour over the fill."""

    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0  # points
    hatch: str | None = None


Shape = Text | Box


def dejavu_font(bold: bool = False) -> Path:
    """DejaVu Sans as matplotlib ships it (a dependency already, so no font download)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib (for its DejaVu Sans font) is not installed")
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / name


# -- SVG -----------------------------------------------------------------------------------------
ASCENT = 0.93  # of the font size: a line's top to its baseline (DejaVu Sans, as Pillow's "la")


def _pt(inches: float) -> str:
    return f"{inches * POINTS:.2f}".rstrip("0").rstrip(".")


def to_svg(width: float, height: float, shapes: list[Shape]) -> bytes:
    """The shapes as a standalone SVG document, `width` x `height` inches. Text stays text
    (legible and selectable at any size, read by screen readers)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_pt(width)}pt" '
        f'height="{_pt(height)}pt" viewBox="0 0 {_pt(width)} {_pt(height)}" '
        f"font-family={quoteattr(FONT_FAMILY)}>",
    ]
    hatches = sorted({s.hatch for s in shapes if isinstance(s, Box) and s.hatch})
    if hatches:
        out.append("<defs>")
        for i, colour in enumerate(hatches):
            step = HATCH_STEP
            out.append(
                f'<pattern id="hatch{i}" patternUnits="userSpaceOnUse" width="{step}" '
                f'height="{step}"><path d="M{-step / 2},{step / 2} L{step / 2},{-step / 2} '
                f'M0,{step} L{step},0 M{step / 2},{1.5 * step} L{1.5 * step},{step / 2}" '
                f'stroke="{colour}" stroke-width="{HATCH_WIDTH}"/></pattern>'
            )
        out.append("</defs>")
    out.append('<rect width="100%" height="100%" fill="#ffffff"/>')
    for shape in shapes:
        if isinstance(shape, Box):
            at = (
                f'x="{_pt(shape.x)}" y="{_pt(shape.y)}" '
                f'width="{_pt(shape.w)}" height="{_pt(shape.h)}"'
            )
            if shape.fill:
                out.append(f'<rect {at} fill="{shape.fill}"/>')
            if shape.hatch:
                out.append(f'<rect {at} fill="url(#hatch{hatches.index(shape.hatch)})"/>')
            if shape.stroke and shape.stroke_width:
                out.append(
                    f'<rect {at} fill="none" stroke="{shape.stroke}" '
                    f'stroke-width="{shape.stroke_width}"/>'
                )
        else:
            baseline = shape.y * POINTS + ASCENT * shape.size
            attrs = (
                f'x="{_pt(shape.x)}" y="{baseline:.2f}" '
                f'font-size="{shape.size}" fill="{shape.color}"'
            )
            if shape.bold:
                attrs += ' font-weight="bold"'
            if shape.end:
                attrs += ' text-anchor="end"'
            out.append(f"<text {attrs}>{escape(shape.text)}</text>")
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")


# -- PNG -----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=16)
def _font(size_px: int, bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(str(dejavu_font(bold)), size_px)


def _hatched(w: int, h: int, fill: str, colour: str, step: int, line: int):
    from PIL import Image, ImageDraw

    tile = Image.new("RGB", (w, h), fill)
    draw = ImageDraw.Draw(tile)
    # lines rising to the right, as "///": each from the bottom edge to h pixels further
    for x in range(-h, w + step, step):
        draw.line([(x, h), (x + h, 0)], fill=colour, width=line)
    return tile


def to_png(width: float, height: float, shapes: list[Shape], dpi: int = 200) -> bytes:
    """The shapes as a PNG, `dpi` pixels per inch (WhatsApp, the printable summary)."""
    from PIL import Image, ImageDraw

    def px(inches: float) -> int:
        return round(inches * dpi)

    def stroke_px(points: float) -> int:
        return max(1, round(points * dpi / POINTS))

    image = Image.new("RGB", (px(width), px(height)), "#ffffff")
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        if isinstance(shape, Box):
            x0, y0 = px(shape.x), px(shape.y)
            x1, y1 = px(shape.x + shape.w), px(shape.y + shape.h)
            if x1 <= x0 or y1 <= y0:
                continue
            if shape.hatch:
                step = round(HATCH_STEP * dpi / POINTS)
                tile = _hatched(
                    x1 - x0,
                    y1 - y0,
                    shape.fill or "#ffffff",
                    shape.hatch,
                    step,
                    stroke_px(HATCH_WIDTH),
                )
                image.paste(tile, (x0, y0))
            elif shape.fill:
                draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=shape.fill)
            if shape.stroke and shape.stroke_width:
                draw.rectangle(
                    [x0, y0, x1 - 1, y1 - 1],
                    outline=shape.stroke,
                    width=stroke_px(shape.stroke_width),
                )
        else:
            font = _font(round(shape.size * dpi / POINTS), shape.bold)
            draw.text(
                (px(shape.x), px(shape.y)),
                shape.text,
                font=font,
                fill=shape.color,
                anchor="ra" if shape.end else "la",
            )
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)  # 13 ms here; the default level 24 ms
    return out.getvalue()
