"""Figures in the docs come from `make bench` (issue #23): blocks copied from its report, or
sections that say they are a decision record."""

from __future__ import annotations

import re

import pytest

from assistant.bench.includes import MissingSection, blocks, fill, section, sections
from tests.conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
REPORT = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
# a measured figure: ".343", "0.421", "94.4%" (not a setting such as 0.75 or 0.08 s)
FIGURE = re.compile(r"(?<![\w.])0?\.\d{3}\b|\b\d+\.\d%")


def test_a_block_is_filled_with_its_section_of_the_report():
    # GIVEN a report with two sections and a doc including one of them, stale
    report = "# B\n\n## NLU (Rasa)\n\n| es | 0.917 |\n\n## Plans\n\nfast\n"
    doc = "Intro.\n\n<!-- bench: NLU -->\n| es | 0.5 |\n<!-- /bench -->\n\nEnd.\n"
    # WHEN the doc is filled
    filled = fill(doc, sections(report))
    # THEN the block holds the section's body as the report has it, the rest is untouched
    assert filled == "Intro.\n\n<!-- bench: NLU -->\n\n| es | 0.917 |\n\n<!-- /bench -->\n\nEnd.\n"
    assert fill(filled, sections(report)) == filled


def test_a_block_naming_a_section_the_report_lacks_is_an_error():
    # GIVEN a report without the section WHEN it is looked up THEN it is said which
    with pytest.raises(MissingSection, match="Gaps"):
        section(sections("## NLU\n\nx\n"), "Gaps")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_bench_block_says_what_the_report_says(path):
    # GIVEN a doc's bench blocks WHEN each is compared with the last bench report
    # THEN it is that report's section (make bench rewrote both in the same run)
    found = sections(REPORT)
    for name, body in blocks(path.read_text(encoding="utf-8")):
        assert body.strip() == section(found, name).strip(), f"{path.name}: {name} is stale"


@pytest.mark.parametrize(
    "path", [p for p in DOCS if p.name != "benchmarks.md"], ids=lambda p: p.name
)
def test_a_measured_figure_is_from_the_bench_or_a_decision_record(path):
    # GIVEN a doc other than the bench report
    text = path.read_text(encoding="utf-8")
    inside = [
        (m.start(), m.end()) for m in re.finditer(r"<!-- bench:.*?<!-- /bench -->", text, re.S)
    ]
    # WHEN each measured figure in it is placed
    loose = []
    headings: dict[int, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        heading = re.match(r"^(#+) (.*)", line)
        if heading:
            level = len(heading.group(1))
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = heading.group(2)
        for figure in FIGURE.finditer(line):
            at = offset + figure.start()
            recorded = any("decision record" in h for h in headings.values())
            if not recorded and not any(a <= at < b for a, b in inside):
                loose.append(f"{figure.group()} in {line.strip()[:70]!r}")
        offset += len(line)
    # THEN it is in a block copied from make bench's report, or under a decision record
    assert not loose, f"{path.name}: figures neither from make bench nor a decision record: {loose}"
