"""Playwright on Debian's Chromium (/usr/bin/chromium), headless, with the flags this
machine needs; never a browser downloaded by a test tool. Playwright gives each launch a
fresh, empty profile (--user-data-dir).

Also: the phone and desktop sizes the widget is checked at, an axe-core scan (axe-core is
pinned in web_widget/package-lock.json and installed by scripts/bootstrap.sh, which `make
test` runs) and the contrast of an element's text as a person sees it."""

from __future__ import annotations

import contextlib

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# a phone (touch, as an iPhone 12-15 is wide) and a laptop
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
AXE = ROOT / "web_widget" / "node_modules" / "axe-core" / "axe.min.js"


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def browser_context(**options):
    with chromium() as browser:
        context = browser.new_context(**options)
        try:
            yield context
        finally:
            context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of the page as it is now, of the given impacts."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run scripts/bootstrap.sh (npm ci in web_widget)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, so a page's CSP allows it
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))"""
    )
    return [v for v in found if v["impact"] in impacts]


# WCAG's contrast ratio of an element's text against the background behind it, with the
# opacity of the element and its ancestors applied to the text (how "greyed out" looks).
CONTRAST_JS = """el => {
  const rgba = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  let opacity = 1, bg = null;
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const style = getComputedStyle(n);
    opacity *= Number(style.opacity);
    const c = rgba(style.backgroundColor);
    if (!bg && (c.length < 4 || c[3] > 0)) bg = c.slice(0, 3);
  }
  bg = bg || [255, 255, 255];
  const fg = rgba(getComputedStyle(el).color).slice(0, 3)
    .map((v, i) => v * opacity + bg[i] * (1 - opacity));
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""


def contrast(locator) -> float:
    return locator.evaluate(CONTRAST_JS)
