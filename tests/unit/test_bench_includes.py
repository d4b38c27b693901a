"""Figures in the docs come from `make bench` (issue #23): blocks copied from its report; the
figures behind past choices live apart, in dated decision records (docs/decisions)."""

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
def test_a_measured_figure_is_from_the_bench(path):
    # GIVEN a doc other than the bench report (decision records live apart, in docs/decisions)
    text = path.read_text(encoding="utf-8")
    inside = [
        (m.start(), m.end()) for m in re.finditer(r"<!-- bench:.*?<!-- /bench -->", text, re.S)
    ]
    # WHEN each measured figure in it is placed
    loose = []
    offset = 0
    for line in text.splitlines(keepends=True):
        for figure in FIGURE.finditer(line):
            at = offset + figure.start()
            if not any(a <= at < b for a, b in inside):
                loose.append(f"{figure.group()} in {line.strip()[:70]!r}")
        offset += len(line)
    # THEN it is in a block copied from make bench's report
    assert not loose, f"{path.name}: figures not from make bench: {loose}"


RECORDS = sorted((ROOT / "docs" / "decisions").glob("0*.md"))
PROVENANCE = re.compile(
    r"^# .+\n\nDecision record, .+?\. First written in (?:the )?commit (?:after )?[0-9a-f]{7,};"
    r" .*the current ones are in docs/benchmarks\.md"
)


def test_the_decision_records_are_listed_and_say_where_they_come_from():
    # GIVEN the decision records and their index
    index = (ROOT / "docs" / "decisions" / "README.md").read_text(encoding="utf-8")
    assert RECORDS
    for record in RECORDS:
        text = record.read_text(encoding="utf-8")
        # THEN each names the commit that measured it and points to the current figures
        assert PROVENANCE.match(text), record.name
        # AND the index lists it
        assert f"]({record.name})" in index, record.name


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_links_to_decision_records_resolve(path):
    # GIVEN a doc WHEN it links to a decision record THEN the record exists
    for target in re.findall(r"\((?:docs/)?decisions/([\w.-]+\.md)\)", path.read_text("utf-8")):
        assert (ROOT / "docs" / "decisions" / target).is_file(), f"{path.name}: {target}"
