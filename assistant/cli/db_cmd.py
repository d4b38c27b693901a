import typer

app = typer.Typer(no_args_is_help=True, help="Database schema (Alembic).")


@app.command("upgrade")
def upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from assistant.db.migrate import upgrade as do_upgrade

    do_upgrade(revision=revision)
    typer.echo(f"database at {revision}")
