"""`assistant privacy`: what Puente knows about a person, and forgetting it, by their code."""

from __future__ import annotations

import typer

from assistant.cli import emit_json, fail

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
