"""`assistant console`: counsellor accounts."""

from __future__ import annotations

import sys

import typer

from assistant.cli import fail

app = typer.Typer(no_args_is_help=True, help="Counsellor console accounts.")


@app.command("add-user")
def add_user(
    email: str = typer.Argument(...),
    name: str = typer.Option("", "--name"),
    role: str = typer.Option("counsellor", "--role", help="counsellor or admin"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read it from stdin"),
) -> None:
    """Create an account (the password is asked for, or read from stdin)."""
    from assistant.console.auth import AuthError, add_counsellor
    from assistant.db.session import session_scope

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    try:
        with session_scope() as session:
            user = add_counsellor(session, email, name, password, role)
            typer.echo(f"{user.email}: {user.role} account created")
    except AuthError as exc:
        fail(str(exc))
