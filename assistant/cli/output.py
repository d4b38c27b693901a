"""What every command writes: JSON lines, batch files, and errors that stop the command with
a message (apart from the command line's root, which imports the commands)."""

from __future__ import annotations

import json
import sys

import typer


def emit_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=None) + "\n")


def run_jsonl_batch(batch, out, handle, empty_key: str) -> None:
    """Read {"id", "text"} lines from BATCH, write {"id", **handle(text)} lines to OUT.
    A line that is not such an object is reported and skipped; a text the engine refuses
    gets {"id", "error", empty_key: []}, so ids stay aligned with the input."""
    import time

    from assistant.errors import InputTextError

    if out is None:
        fail("--batch needs --out OUT.jsonl")
    if not batch.exists():
        fail(f"{batch}: no such file")
    started, count, problems = time.perf_counter(), 0, 0
    with batch.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line_no, line in enumerate(src, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                item_id, text = record["id"], record["text"]
            except (ValueError, KeyError, TypeError):
                typer.secho(
                    f"{batch}:{line_no}: not a JSON object with id and text; skipped",
                    err=True,
                    fg=typer.colors.YELLOW,
                )
                problems += 1
                continue
            try:
                payload = {"id": item_id, **handle(text)}
            except InputTextError as exc:
                payload = {"id": item_id, "error": str(exc), empty_key: []}
                problems += 1
            dst.write(json.dumps(payload, ensure_ascii=False) + "\n")
            count += 1
    typer.echo(
        f"{count} texts in {time.perf_counter() - started:.1f}s -> {out}"
        + (f" ({problems} with problems)" if problems else ""),
        err=True,
    )


def fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)
