"""`assistant privacy`: what Puente knows about a person, and forgetting it, by their code."""

from __future__ import annotations

import typer

from assistant.cli.output import emit_json, fail

app = typer.Typer(no_args_is_help=True, help="Export or delete a person's data by their code.")


@app.command("export")
def export_cmd(code: str = typer.Argument(..., help="The code the person was given")) -> None:
    """Everything stored for that conversation, as JSON."""
    from assistant.db.session import session_scope
    from assistant.privacy import export

    with session_scope() as session:
        data = export(session, code)
    if data is None:
        fail(f"no conversation with code {code!r}")
    emit_json(data)


@app.command("delete")
def delete_cmd(code: str = typer.Argument(...), yes: bool = typer.Option(False, "--yes")) -> None:
    """Erase the conversation, profiles, plans, handoffs and Rasa's events; prints the counts
    before and after."""
    from assistant.db.session import session_scope
    from assistant.privacy import erase

    if not yes:
        typer.confirm(f"Delete everything stored for {code}?", abort=True)
    with session_scope() as session:
        result = erase(session, code)
    if result is None:
        fail(f"no conversation with code {code!r}")
    emit_json(result)


@app.command("purge")
def purge_cmd(
    days: int = typer.Option(
        None, "--days", min=1, help="Inactive for this many days (default: PUENTE_RETENTION_DAYS)"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would go; delete nothing"),
) -> None:
    """The retention job: erase conversations and anonymous sessions inactive for N days, and
    old chart images. Safe to run from cron at any time."""
    from assistant.config import get_settings
    from assistant.db.session import session_scope
    from assistant.retention import purge_charts, purge_inactive

    settings = get_settings()
    days = days or settings.retention_days
    if days <= 0:
        fail("retention is switched off (PUENTE_RETENTION_DAYS=0); pass --days N to purge anyway")
    with session_scope() as session:
        result = purge_inactive(session, days, dry_run=dry_run)
    if not dry_run:
        result["charts"] = purge_charts(settings.var_dir / "charts")
    emit_json({"days": days, "dry_run": dry_run, **result})
