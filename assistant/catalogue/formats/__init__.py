"""Catalogue formats: importers and exporters behind one small interface each.

A format is a class with `name`, `suffixes` and `read(path)` (importer) or `write(offers,
stream)` (exporter), registered under the entry-point groups `puente.catalogue_importers`
and `puente.catalogue_exporters`. The built-ins are registered the same way in
pyproject.toml, so a third party adds a format by shipping a package with an entry point.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import IO, Protocol

from assistant.errors import PuenteError

log = logging.getLogger(__name__)


class FormatError(PuenteError):
    """An unknown format, or a file that cannot be read at all."""


@dataclass(frozen=True)
class RawRecord:
    """One record as read: where it came from, and the data in the Offer shape or the
    reason it could not be read."""

    where: str  # e.g. "offers.csv:row 7" or "catalogue.jsonl:line 3"
    data: dict | None
    problem: str | None = None


class Importer(Protocol):
    name: str
    suffixes: tuple[str, ...]

    def read(self, path: Path) -> Iterator[RawRecord]: ...


class Exporter(Protocol):
    name: str
    suffix: str

    def write(self, offers: list, stream: IO[str]) -> None: ...


def _load(group: str) -> dict[str, type]:
    loaded = {}
    for ep in entry_points(group=group):
        try:
            loaded[ep.name] = ep.load()
        except Exception as exc:  # noqa: BLE001 - one broken plug-in must not hide the others
            log.warning("catalogue format %s (%s) failed to load: %s", ep.name, ep.value, exc)
    return loaded


def importers() -> dict[str, Importer]:
    return {name: cls() for name, cls in _load("puente.catalogue_importers").items()}


def exporters() -> dict[str, Exporter]:
    return {name: cls() for name, cls in _load("puente.catalogue_exporters").items()}


def importer_for(path: Path, fmt: str | None = None) -> Importer:
    available = importers()
    if fmt:
        if fmt not in available:
            raise FormatError(f"unknown format {fmt!r}; known: {', '.join(sorted(available))}")
        return available[fmt]
    name = path.name.lower()
    matches = [imp for imp in available.values() if any(name.endswith(s) for s in imp.suffixes)]
    if not matches:
        raise FormatError(
            f"{path.name}: cannot tell the format from the name; use --format "
            f"({', '.join(sorted(available))})"
        )
    return max(matches, key=lambda imp: max(len(s) for s in imp.suffixes if name.endswith(s)))
