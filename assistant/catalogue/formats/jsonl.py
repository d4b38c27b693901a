"""JSON Lines and JSON (an array, or {"offers": [...]}) in the catalogue schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from assistant.catalogue.formats import RawRecord


class JsonlImporter:
    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def read(self, path: Path) -> Iterator[RawRecord]:
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                where = f"{path.name}:line {line_no}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield RawRecord(where, None, f"invalid JSON ({exc.msg} at column {exc.colno})")
                    continue
                if not isinstance(data, dict):
                    yield RawRecord(where, None, "a line must hold one JSON object")
                    continue
                yield RawRecord(where, data)


class JsonImporter:
    name = "json"
    suffixes = (".json",)

    def read(self, path: Path) -> Iterator[RawRecord]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            yield RawRecord(path.name, None, f"invalid JSON ({exc.msg} at line {exc.lineno})")
            return
        records = data.get("offers") if isinstance(data, dict) else data
        if not isinstance(records, list):
            yield RawRecord(path.name, None, 'expected a JSON array or {"offers": [...]}')
            return
        for i, record in enumerate(records, start=1):
            where = f"{path.name}:item {i}"
            if isinstance(record, dict):
                yield RawRecord(where, record)
            else:
                yield RawRecord(where, None, "each item must be a JSON object")


class JsonlExporter:
    name = "jsonl"
    suffix = ".jsonl"

    def write(self, offers: list, stream: IO[str]) -> None:
        for offer in offers:
            stream.write(offer.model_dump_json(exclude_none=False) + "\n")
