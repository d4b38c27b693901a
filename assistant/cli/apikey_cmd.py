"""`assistant apikey`: make, list and revoke the keys of the open API and the chat channel."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer

from assistant.cli.output import emit_json, fail

app = typer.Typer(
    no_args_is_help=True,
    help="API keys: `api` opens the /api/v1 engine routes, `chat` the REST chat channel.",
)

NOT_AGAIN = "Copy the key now: it will not be shown again (only its hash is stored)."


@contextmanager
def _session() -> Iterator:
    """A session, with a clear message when the database has no api_key table yet."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from assistant.db.session import session_scope

    try:
        with session_scope() as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        if "api_key" in str(exc):
            fail("the database has no api_key table yet; run `assistant db upgrade` first")
        raise


@app.command("create")
def create_cmd(
    name: str = typer.Option(..., "--name", help="Who or what uses the key (shown in lists)"),
    scope: list[str] = typer.Option(
        None, "--scope", help="api (the /api/v1 engine routes) or chat; repeat for both"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the key and its details as JSON"),
) -> None:
    """Make a key. It is printed once, here, and never again."""
    from assistant.access import api_keys

    try:
        with _session() as session:
            row, key = api_keys.create(session, name, scope or ["api"])
            info = api_keys.describe(row)
    except api_keys.ApiKeyError as exc:
        fail(str(exc))
    if as_json:
        emit_json({**info, "key": key, "warning": NOT_AGAIN})
        typer.secho(NOT_AGAIN, err=True, fg=typer.colors.YELLOW)
        return
    typer.echo(
        f"API key {info['id']} for {info['name']!r} (scopes: {', '.join(info['scopes'])}):",
        err=True,
    )
    typer.echo(key)  # alone on stdout, so it can be piped
    typer.secho(NOT_AGAIN, err=True, fg=typer.colors.YELLOW)


def _table(rows: list[dict]) -> str:
    columns: list[tuple[str, Callable[[dict], str]]] = [
        ("ID", lambda r: str(r["id"])),
        ("NAME", lambda r: r["name"]),
        ("PREFIX", lambda r: r["prefix"] + "…"),
        ("SCOPES", lambda r: ",".join(r["scopes"])),
        ("CREATED", lambda r: r["created_at"] or "-"),
        ("LAST USED", lambda r: r["last_used_at"] or "never"),
        ("REVOKED", lambda r: r["revoked_at"] or "no"),
    ]
    cells = [[title for title, _ in columns]] + [[get(r) for _, get in columns] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    )


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="One JSON array")) -> None:
    """Every key, revoked ones included (never the keys themselves: only their prefixes)."""
    from assistant.access import api_keys

    with _session() as session:
        rows = [api_keys.describe(row) for row in api_keys.list_keys(session)]
    if as_json:
        emit_json(rows)
    elif not rows:
        typer.echo("no API keys yet; make one with `assistant apikey create --name NAME`")
    else:
        typer.echo(_table(rows))


@app.command("revoke")
def revoke_cmd(
    key_id: int = typer.Argument(..., metavar="ID", help="The key's id (`assistant apikey list`)"),
) -> None:
    """Revoke a key: from now on it is refused everywhere (401). It stays in the list."""
    from assistant.access import api_keys
    from assistant.db.access_models import ApiKey

    with _session() as session:
        found = api_keys.revoke(session, key_id)
        row = session.get(ApiKey, key_id) if found else None
        info = api_keys.describe(row) if row is not None else None
    if info is None:
        fail(f"no API key with id {key_id} (see `assistant apikey list`)")
    typer.echo(f"revoked API key {info['id']} ({info['name']!r}, {info['prefix']}…)")
