"""The `assistant` command line. Each group lives in its own module."""

from __future__ import annotations

import sys

import typer

from assistant.cli.output import emit_json, fail, run_jsonl_batch  # noqa: F401 - re-exported
from assistant.errors import PuenteError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Puente: career guidance from everyday work to ESCO skills and plans.",
)


def _register() -> None:
    from assistant.cli import (
        apikey_cmd,
        catalogue_cmd,
        console_cmd,
        db_cmd,
        evaluate_cmd,
        goals_cmd,
        plan_cmd,
        privacy_cmd,
        run_cmd,
        skills_cmd,
        taxonomy_cmd,
    )

    app.add_typer(taxonomy_cmd.app, name="taxonomy")
    app.add_typer(db_cmd.app, name="db")
    app.add_typer(evaluate_cmd.app, name="evaluate")
    app.add_typer(catalogue_cmd.app, name="catalogue")
    app.add_typer(console_cmd.app, name="console")
    app.add_typer(privacy_cmd.app, name="privacy")
    app.add_typer(apikey_cmd.app, name="apikey")
    skills_cmd.register(app)
    run_cmd.register(app)
    goals_cmd.register(app)
    plan_cmd.register(app)


def main() -> None:
    _register()
    try:
        app()
    except PuenteError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(2)
