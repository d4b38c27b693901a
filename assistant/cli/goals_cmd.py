"""`assistant occupations`: ESCO occupations for an informal job title or description."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from assistant.cli import emit_json, fail
from assistant.errors import InputTextError


def occupations(
    text: str = typer.Argument(None, help="A job title or what the person does"),
    as_json: bool = typer.Option(False, "--json"),
    top: int = typer.Option(10, "--top", min=1, max=200),
    lang: str = typer.Option("auto", "--lang", help="auto, en or es"),
    batch: Path = typer.Option(None, "--batch", help="JSONL input: {id, text} per line"),
    out: Path = typer.Option(None, "--out", help="JSONL output for --batch"),
) -> None:
    """Rank ESCO occupations (robust to informal titles and typos)."""
    from assistant.services.skills import get_occupation_search

    search = get_occupation_search()
    if batch is not None:
        if out is None or not batch.exists():
            fail("--batch needs an existing IN.jsonl and --out OUT.jsonl")
        started, count = time.perf_counter(), 0
        with batch.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
            for line_no, line in enumerate(src, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    item_id, item_text = record["id"], record["text"]
                except (ValueError, KeyError, TypeError):
                    typer.secho(
                        f"{batch}:{line_no}: not a JSON object with id and text; skipped",
                        err=True,
                        fg=typer.colors.YELLOW,
                    )
                    continue
                try:
                    hits = [h.as_dict() for h in search.search(item_text, lang, top)]
                    payload = {"id": item_id, "occupations": hits}
                except InputTextError as exc:
                    payload = {"id": item_id, "error": str(exc), "occupations": []}
                dst.write(json.dumps(payload, ensure_ascii=False) + "\n")
                count += 1
        typer.echo(f"{count} texts in {time.perf_counter() - started:.1f}s -> {out}", err=True)
        return
    if text is None:
        fail('give a TEXT, e.g. assistant occupations "cajera de super", or --batch')
    try:
        hits = search.search(text, lang, top)
    except InputTextError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"occupations": [h.as_dict() for h in hits]})
        return
    for hit in hits:
        typer.echo(f"{hit.score:.3f}  {hit.label}  {hit.uri}")


def register(app: typer.Typer) -> None:
    app.command("occupations")(occupations)
