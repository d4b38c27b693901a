"""Figures in the docs come from `make bench`, not from a hand: a doc holds a block

    <!-- bench: Gaps and plans -->
    ...
    <!-- /bench -->

and each run of the bench replaces what is between the markers with the section of
docs/benchmarks.md whose heading starts with those words (its body, without the heading).
tests/unit/test_bench_includes.py checks that every block says what benchmarks.md says."""

from __future__ import annotations

import re
from pathlib import Path

BLOCK = re.compile(r"(<!-- bench: (?P<name>[^>]+?) -->\n)(?P<body>.*?)(<!-- /bench -->)", re.S)


class MissingSection(KeyError):
    """A doc includes a section the bench report does not have."""


def sections(report: str) -> dict[str, str]:
    """The report's "## " sections: heading -> body (without the heading line)."""
    found: dict[str, str] = {}
    parts = re.split(r"^## (.+)$", report, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        found[heading.strip()] = body.strip("\n") + "\n"
    return found


def section(report_sections: dict[str, str], name: str) -> str:
    for heading, body in report_sections.items():
        if heading.startswith(name.strip()):
            return body
    raise MissingSection(f"docs include the bench section {name!r}, which the report lacks")


def fill(doc: str, report_sections: dict[str, str]) -> str:
    """The doc with each bench block holding its section as the report has it."""

    def replace(match: re.Match) -> str:
        body = section(report_sections, match.group("name"))
        return f"{match.group(1)}\n{body}\n{match.group(4)}"

    return BLOCK.sub(replace, doc)


def blocks(doc: str) -> list[tuple[str, str]]:
    """(section name, body as the doc has it) for each bench block."""
    return [(m.group("name"), m.group("body")) for m in BLOCK.finditer(doc)]


def update_docs(docs: Path, report: str) -> list[Path]:
    """Refills the bench blocks of every doc but the report itself; the docs changed."""
    found = sections(report)
    changed = []
    for path in sorted(docs.glob("*.md")) + [docs.parent / "README.md"]:
        if path.name == "benchmarks.md" or not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        new = fill(text, found)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
