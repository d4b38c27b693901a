"""`assistant setup` builds what is missing; `assistant run` then starts every process."""

from __future__ import annotations

import os
import sys

import typer

from assistant.config import PROJECT_ROOT


def setup(no_train: bool = typer.Option(False, "--no-train", help="Skip the Rasa model")) -> None:
    """Migrate, import ESCO, build indexes and train Rasa, each only if needed."""
    from assistant.bootstrap.setup_steps import setup_all

    model = setup_all(train=not no_train)
    if model:
        typer.echo(f"Rasa model: {model}")


def run() -> None:
    """Build what is missing, then run Rasa, the action server and the web app (Ctrl-C stops)."""
    from honcho.manager import Manager

    from assistant.bootstrap.processes import process_environment
    from assistant.bootstrap.setup_steps import setup_all
    from assistant.config import get_settings

    settings = get_settings()
    settings.require_secrets()  # before anything is built: fail closed, naming the variable
    model = setup_all(train=True)
    env = {**os.environ, **process_environment(settings, model)}
    typer.echo(
        f"\nPuente is starting:\n"
        f"  web app        http://{settings.host}:{settings.web_port}/\n"
        f"  Rasa server    http://{settings.host}:{settings.rasa_port}/  "
        f"(REST: /webhooks/rest/webhook)\n"
        f"  action server  http://{settings.host}:{settings.action_port}/webhook\n"
        f"Ctrl-C stops everything.\n"
    )
    manager = Manager()
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if ":" in line and not line.startswith("#"):
            name, command = line.split(":", 1)
            manager.add_process(name.strip(), command.strip(), cwd=str(PROJECT_ROOT), env=env)
    manager.loop()
    sys.exit(manager.returncode)


def bench(
    fresh_nlu: bool = typer.Option(
        False, "--fresh-nlu", help="Cross-validate the NLU again even if its inputs are unchanged"
    ),
) -> None:
    """Measure quality, speed and footprint; write docs/benchmarks.md and var/bench/latest.json."""
    from assistant.bench.report import write_report
    from assistant.bench.run import run_bench

    latest, report = write_report(run_bench(fresh_nlu))
    typer.echo(f"wrote {latest} and {report}")


def register(app: typer.Typer) -> None:
    app.command("setup")(setup)
    app.command("run")(run)
    app.command("bench")(bench)
