"""`assistant skills`: extraction for one text or a JSONL batch; `assistant index build`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from assistant.cli.output import emit_json, fail, run_jsonl_batch
from assistant.errors import InputTextError
from assistant.progress import progress_bar


def skills(
    text: str = typer.Argument(None, help="What the worker did, in their own words"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
    top: int = typer.Option(10, "--top", min=1, max=500, help="How many skills to return"),
    lang: str = typer.Option(
        "auto", "--lang", help="auto, en, es or pt: labels in that language (auto: the text's)"
    ),
    batch: Path = typer.Option(None, "--batch", help="JSONL input: {id, text} per line"),
    out: Path = typer.Option(None, "--out", help="JSONL output for --batch"),
    no_cutoff: bool = typer.Option(False, "--no-cutoff", help="Rank without the score cut-off"),
) -> None:
    """Find ESCO skills, with the words they came from, in a worker's description."""
    from assistant.services.skills import get_skill_engine

    if lang not in ("auto", "en", "es", "pt"):
        fail("--lang must be auto, en or es")
    if batch is None and text is None:
        fail('give a TEXT, e.g. assistant skills "I fixed bikes for my neighbours", or --batch')
    engine = get_skill_engine()
    if batch is not None:
        _run_batch(engine, batch, out, top, lang, not no_cutoff)
        return
    try:
        result = engine.extract(text, language=lang, top=top, cutoff=not no_cutoff)
    except InputTextError as exc:
        if as_json:
            emit_json({"error": str(exc), "skills": []})
            raise typer.Exit(2) from exc
        fail(str(exc))
    data = localized(result.as_dict(top), lang)
    if as_json:
        emit_json(data)
        return
    typer.echo(f"language: {result.language}")
    shown = {item["uri"]: item for item in data["skills"]}
    for hit in result.skills[:top]:
        quote = hit.evidence[0].text if hit.evidence else ""
        item = shown.get(hit.uri, {})
        label = item.get("label", hit.label)
        if item.get("label_language", result.language) != result.language:
            label += f" ({item['label_language']})"
        typer.echo(
            f"{hit.score:.2f}  {label}  [{hit.kind}{' ' + hit.group if hit.group else ''}]"
            f'  <- "{quote}"'
        )
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(result.as_dict()["attribution"])


def _run_batch(engine, batch: Path, out: Path | None, top: int, lang: str, cutoff: bool) -> None:
    run_jsonl_batch(
        batch,
        out,
        lambda text: localized(
            engine.extract(text, language=lang, top=top, cutoff=cutoff).as_dict(top), lang
        ),
        "skills",
    )


LABELLED_LISTS = ("skills", "transversal", "digital", "occupations")


def localized(
    data: dict, lang: str, lists: tuple[str, ...] = LABELLED_LISTS, text: str | None = None
) -> dict:
    """Every listed item's `label` in `lang` (auto: the text's language), or English with
    `label_language` saying so; `label_en` the English one; `uri` stays. The engine's
    matching is not involved: labels come from the taxonomy's label table."""
    from assistant.services.labels import localize

    if lang == "auto":
        from assistant.skills.text import detect_language

        lang = data.get("language") or detect_language(text or "")
    localize([item for key in lists for item in data.get(key, [])], lang)
    return data


def index_build(
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Build every index again, ignoring what is built or cached"
    ),
) -> None:
    """Build (or confirm up to date) the skill, occupation and offer indexes, with progress."""
    import time

    from assistant.catalogue.service import offer_index
    from assistant.config import get_settings
    from assistant.db.session import session_scope
    from assistant.services.skills import build_indexes

    settings = get_settings()
    started = time.perf_counter()
    sizes = build_indexes(progress_bar, force=rebuild)
    with session_scope() as session:
        offers = offer_index(
            session,
            settings.index_dir,
            settings.cache_dir,
            progress_bar("offers index"),
            force=rebuild,
        )
    sizes[f"offers-{offers.manifest['model']}"] = len(offers)
    for name, size in sizes.items():
        manifest = settings.index_dir / name / "manifest.json"
        built = json.loads(manifest.read_text())["build_seconds"] if manifest.exists() else None
        typer.echo(f"{name}: {size:,} vectors" + (f", built in {built} s" if built else ""))
    typer.echo(f"total: {time.perf_counter() - started:.1f} s")


def register(app: typer.Typer) -> None:
    app.command("skills")(skills)
    index_app = typer.Typer(no_args_is_help=True, help="Vector indexes (built outputs).")
    index_app.command("build")(index_build)
    app.add_typer(index_app, name="index")
