"""The `assistant` command line. Each group lives in its own module."""

from __future__ import annotations

import json
import sys

import typer

from assistant.errors import PuenteError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Puente: career guidance from everyday work to ESCO skills and plans.",
)


def emit_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=None) + "\n")


def fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _register() -> None:
    from assistant.cli import (
        catalogue_cmd,
        db_cmd,
        evaluate_cmd,
        goals_cmd,
        run_cmd,
        skills_cmd,
        taxonomy_cmd,
    )

    app.add_typer(taxonomy_cmd.app, name="taxonomy")
    app.add_typer(db_cmd.app, name="db")
    app.add_typer(evaluate_cmd.app, name="evaluate")
    app.add_typer(catalogue_cmd.app, name="catalogue")
    skills_cmd.register(app)
    run_cmd.register(app)
    goals_cmd.register(app)


def main() -> None:
    _register()
    try:
        app()
    except PuenteError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(2)
