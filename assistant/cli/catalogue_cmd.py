"""`assistant catalogue ...`: validate, import, export, search, review, stats, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from assistant.cli.output import emit_json, fail

app = typer.Typer(no_args_is_help=True, help="The micro-credential catalogue.")


def _print_report(report, limit: int = 50) -> None:
    typer.echo(
        f"{report.total} records: {len(report.offers)} valid, {report.invalid_records} invalid"
    )
    for problem in report.problems[:limit]:
        typer.echo(f"  {problem}")
    if len(report.problems) > limit:
        typer.echo(f"  ... and {len(report.problems) - limit} more")


@app.command("validate")
def validate(
    path: Path,
    fmt: str = typer.Option(None, "--format"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Check a catalogue file: every problem with record, field and reason."""
    from assistant.catalogue.service import validate_file
    from assistant.db.session import session_scope

    with session_scope() as session:
        report = validate_file(session, path, fmt)
    if as_json:
        emit_json(report.as_dict())
    else:
        _print_report(report)
    raise typer.Exit(1 if report.problems else 0)


@app.command("import")
def import_cmd(
    path: Path,
    fmt: str = typer.Option(None, "--format"),
    source: str = typer.Option(None, help="Source name (default: the file name)"),
    skip_invalid: bool = typer.Option(False, "--skip-invalid"),
    no_tagging: bool = typer.Option(False, "--no-tagging"),
) -> None:
    """Import offers (idempotent upsert by id; offers the source no longer lists retire)."""
    from assistant.catalogue.service import CatalogueImportError, import_file
    from assistant.db.session import session_scope
    from assistant.services.skills import get_skill_engine

    engine = None if no_tagging else get_skill_engine()
    try:
        with session_scope() as session:
            outcome = import_file(session, path, engine, fmt, source, skip_invalid)
    except CatalogueImportError as exc:
        _print_report(exc.report)
        fail(str(exc))
    if outcome.report.problems:
        _print_report(outcome.report)
    counts = {k: v for k, v in outcome.counts.items() if k not in ("file_sha256", "tagger")}
    typer.echo(f"imported {path.name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


@app.command("export")
def export(
    fmt: str = typer.Option("jsonl", "--format", help="jsonl, elm or openbadges"),
    out: Path = typer.Option(None, "--out", help="File (default: standard output)"),
) -> None:
    """Export the active offers."""
    from assistant.catalogue.service import export_offers
    from assistant.db.session import session_scope

    with session_scope() as session:
        if out is None:
            count = export_offers(session, fmt, sys.stdout)
        else:
            with out.open("w", encoding="utf-8") as fh:
                count = export_offers(session, fmt, fh)
    typer.echo(f"exported {count} offers", err=True)


@app.command("search")
def search(
    query: str,
    max_cost: float = typer.Option(None, "--max-cost"),
    currency: str = typer.Option("USD", "--currency"),
    language: str = typer.Option(None, "--language"),
    mode: str = typer.Option(None, "--mode", help="online, onsite or blended"),
    max_hours: float = typer.Option(None, "--max-hours"),
    quality_assured: bool = typer.Option(False, "--quality-assured"),
    top: int = typer.Option(10, "--top", min=1, max=200),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Semantic search over offers with structured filters."""
    from assistant.catalogue.service import SearchFilters
    from assistant.catalogue.service import search as do_search
    from assistant.config import get_settings
    from assistant.db.session import session_scope

    if mode and mode not in ("online", "onsite", "blended"):
        fail("--mode must be online, onsite or blended")
    settings = get_settings()
    filters = SearchFilters(max_cost, currency.upper(), language, mode, max_hours, quality_assured)
    with session_scope() as session:
        results = do_search(session, query, filters, settings.index_dir, settings.cache_dir, top)
    if as_json:
        emit_json({"query": query, "results": results})
        return
    for r in results:
        typer.echo(
            f"{r['score']:.3f}  {r['id']}  {r['title']}  "
            f"[{r['cost']['amount']:g} {r['cost']['currency']}, {r['hours']:g} h, {r['mode']}]"
        )


@app.command("review")
def review(
    below: float = typer.Option(0.75, help="Confidence threshold"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List inferred (automatic) skill tags with low confidence, weakest first."""
    from assistant.catalogue.service import review as do_review
    from assistant.db.session import session_scope

    with session_scope() as session:
        rows = do_review(session, below)
    if as_json:
        emit_json({"below": below, "tags": rows})
        return
    for r in rows:
        typer.echo(
            f"{r['confidence']:.2f}  {r['offer_id']}  {r['skill_label']}  "
            f'<- "{r["evidence"]}"  ({r["title"]})'
        )
    typer.echo(f"{len(rows)} tags below {below}")


@app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json")) -> None:
    """What the catalogue holds: distribution by cost, hours, mode, language, QA..."""
    from assistant.catalogue.repository import catalogue_stats
    from assistant.db.session import session_scope

    with session_scope() as session:
        data = catalogue_stats(session)
    if as_json:
        emit_json(data)
    else:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command("schema")
def schema() -> None:
    """Print the offer JSON Schema."""
    from assistant.catalogue.schema import json_schema

    emit_json(json_schema())
