"""`assistant console`: counsellor accounts (create, change a password, lift a lockout)."""

from __future__ import annotations

import sys

import typer

from assistant.cli.output import fail

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


@app.command("set-password")
def set_password(
    email: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read it from stdin"),
) -> None:
    """A new password for an account; every session it has is ended."""
    from assistant.console.auth import AuthError
    from assistant.console.auth import set_password as change
    from assistant.db.session import session_scope

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    )
    try:
        with session_scope() as session:
            ended = change(session, email, password)
    except AuthError as exc:
        fail(str(exc))
    typer.echo(f"{email.strip().lower()}: password changed; {ended} session(s) ended")


@app.command("unlock")
def unlock(email: str = typer.Argument(...)) -> None:
    """Lift a lockout after too many failed logins (and forget the failures)."""
    from assistant.console.auth import unlock as lift
    from assistant.db.session import session_scope

    with session_scope() as session:
        was_locked = lift(session, email)
    typer.echo(f"{email.strip().lower()}: " + ("unlocked" if was_locked else "was not locked"))
