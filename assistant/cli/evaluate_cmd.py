"""`assistant evaluate skills|occupations`: quality on the labelled development sets."""

from __future__ import annotations

import typer

from assistant.cli import emit_json

app = typer.Typer(no_args_is_help=True, help="Quality on labelled sets, with baselines.")


def _table(results: dict[str, dict], metrics: tuple[str, ...]) -> None:
    langs = sorted({k for r in results.values() for k in r if isinstance(r[k], dict)})
    typer.echo(
        "system".ljust(16) + "".join(f"{lang}:{m}".rjust(12) for lang in langs for m in metrics)
    )
    for name, result in results.items():
        typer.echo(
            name.ljust(16)
            + "".join(f"{result[lang][m]:.3f}".rjust(12) for lang in langs for m in metrics)
        )


@app.command("skills")
def skills(
    limit: int = typer.Option(None, help="At most this many items per language"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """RP@5, RP@10 and MRR per language for Puente and the two baselines."""
    from assistant.services.skills import get_skill_engine
    from assistant.skills.evaluate import DEVSET_DIR, compare_skill_rankers, load_items

    items = load_items(DEVSET_DIR / "skills.jsonl", "skills", limit)
    results = compare_skill_rankers(get_skill_engine(), items)
    if as_json:
        emit_json(results)
    else:
        _table(results, ("rp@5", "rp@10", "mrr"))


@app.command("occupations")
def occupations(as_json: bool = typer.Option(False, "--json")) -> None:
    """recall@1, recall@10 and MRR on the labelled informal job titles."""
    from assistant.services.skills import get_occupation_search
    from assistant.skills.evaluate import DEVSET_DIR, load_items, score_ranker

    search = get_occupation_search()
    items = load_items(DEVSET_DIR / "occupations.jsonl", "occupations")
    result = score_ranker(
        lambda text, lang: [h.uri for h in search.search(text, top=10)], items, occupations=True
    )
    if as_json:
        emit_json(result)
    else:
        _table({"puente": result}, ("recall@1", "recall@10", "mrr"))
