from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.output import emit_json, fail

app = typer.Typer(no_args_is_help=True, help="The ESCO taxonomy in the database.")


@app.command("import")
def import_cmd(
    directory: Path = typer.Option(None, "--dir", help="ESCO release folder (zips or CSVs)"),
    language: str = typer.Option("en", help="ESCO language of the classification files"),
    version: str = typer.Option(None, help="ESCO version (guessed from file names)"),
    force: bool = typer.Option(False, help="Re-import even if this release is loaded"),
) -> None:
    """Import an ESCO CSV release in place (idempotent, one transaction)."""
    from tqdm import tqdm

    from assistant.config import get_settings
    from assistant.db.migrate import upgrade
    from assistant.db.session import session_scope
    from assistant.taxonomy.importer import import_esco
    from assistant.taxonomy.labels import configured_label_dirs, import_labels

    settings = get_settings()
    upgrade()
    bar = tqdm(desc="ESCO import", unit="step", total=21, leave=False)

    def progress(step: str, n: int) -> None:
        bar.set_postfix_str(f"{step}: {n:,}")
        bar.update(1)

    with session_scope() as session:
        result = import_esco(
            session,
            directory or settings.esco_dir,
            language,
            version,
            force=force,
            progress=progress,
        )
    bar.close()
    if result.skipped:
        typer.echo(f"ESCO v{result.version} ({result.language}) is already imported; nothing to do")
    else:
        c = result.counts
        typer.echo(
            f"imported ESCO v{result.version} ({result.language}): {c['skills']:,} skills, "
            f"{c['occupations']:,} occupations, "
            f"{c['occupation_skill_relations']:,} occupation-skill relations"
        )
    for note in result.notes:
        typer.echo(f"note: {note}")
    # then the labels of every language (PUENTE_ESCO_LABELS_DIRS and Puente's own), in a
    # transaction of their own: a broken labels file leaves the release imported above
    with session_scope() as session:
        sets = import_labels(
            session,
            configured_label_dirs(settings.esco_labels_dirs),
            force=force,
            progress=lambda step, n: None,
        )
    for s in sets:
        what = f"labels {s.source} ({s.language})"
        if s.skipped:
            typer.echo(f"{what}: already imported")
        elif s.counts:
            typer.echo(
                f"{what}: {s.counts['preferred']:,} preferred, {s.counts['alt']:,} alternative"
            )
        for note in s.notes:
            typer.echo(f"note: {note}")


@app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """Counts of what is loaded, with skills per kind."""
    from assistant.db.session import session_scope
    from assistant.taxonomy.repository import taxonomy_stats

    with session_scope() as session:
        data = taxonomy_stats(session)
    if data is None:
        fail("no ESCO taxonomy in the database; run `assistant taxonomy import`")
    if as_json:
        emit_json(data)
        return
    typer.echo(f"ESCO v{data['version']} ({data['language']}), imported {data['imported_at']}")
    for key in (
        "skills",
        "occupations",
        "occupation_skill_relations",
        "skill_skill_relations",
        "broader_relations",
    ):
        typer.echo(f"  {key.replace('_', ' ')}: {data[key]:,}")
    for kind, n in data["skills_by_kind"].items():
        typer.echo(f"  {kind} skills: {n:,}")
    for note in data["notes"]:
        typer.echo(f"  note: {note}")
    totals = data["labels"]["concepts"]
    for lang, info in data["labels"]["languages"].items():
        have = ", ".join(
            f"{key.replace('_', ' ')} {n:,}/{totals.get(key, 0):,}"
            for key, n in info["preferred"].items()
        )
        sources = ", ".join(info["by_source"])
        typer.echo(f"  labels ({lang}): {have}; {info['alt_labels']:,} alternative; {sources}")
