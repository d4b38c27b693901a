"""`assistant evaluate skills|occupations|jobads`: quality on the labelled development sets
(a chosen part of their fixed split) and on the public job-ad validation set, with baselines."""

from __future__ import annotations

import typer

from assistant.cli.output import emit_json, fail

app = typer.Typer(no_args_is_help=True, help="Quality on labelled sets, with baselines.")

SKILL_COLUMNS = (
    "recall@10",
    "transversal_digital_recall@10",
    "rp@5",
    "rp@10",
    "mrr",
    "precision@10",
    "shown_precision",
)
SHORT = {"transversal_digital_recall@10": "t+d_rec@10", "shown_precision": "shown_prec"}
PART_HELP = "Which part of the fixed split: 'test' (frozen, for claims), 'tune' or 'all'"


def _table(results: dict[str, dict], metrics: tuple[str, ...]) -> None:
    langs = [
        lang
        for lang in ("en", "es", "pt", "all")
        if any(isinstance(r.get(lang), dict) for r in results.values())
    ]
    width = max(16, *(len(name) + 2 for name in results))
    for lang in langs:
        typer.echo(
            f"[{lang}]".ljust(width)
            + "".join(SHORT.get(m, m).rjust(14) for m in metrics)
            + "n".rjust(6)
        )
        for name, result in results.items():
            m = result.get(lang)
            if not isinstance(m, dict):
                continue
            cells = ["-" if m.get(metric) is None else f"{m[metric]:.3f}" for metric in metrics]
            typer.echo(name.ljust(width) + "".join(c.rjust(14) for c in cells) + f"{m['n']:6d}")


def _part(part: str) -> str | None:
    if part not in ("test", "tune", "all"):
        fail(f"--part must be test, tune or all, not {part!r}")
    return None if part == "all" else part


@app.command("skills")
def skills(
    limit: int = typer.Option(None, help="At most this many items per language"),
    part: str = typer.Option("test", help=PART_HELP),
    baselines: bool = typer.Option(True, help="Also score BM25, MiniLM and e5 over labels"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recall@10 (all, and transversal+digital), RP@5, RP@10, MRR, precision@10 and the
    precision of what is shown, per language, for Puente and the label baselines."""
    from assistant.services.skills import get_skill_engine
    from assistant.skills.evaluate import DEVSET_DIR, compare_skill_rankers, load_items

    items = load_items(DEVSET_DIR / "skills.jsonl", "skills", limit, part=_part(part))
    results = compare_skill_rankers(get_skill_engine(), items, baselines=baselines)
    if as_json:
        emit_json({"part": part, "systems": results})
    else:
        typer.echo(f"skills, development set, {part} part")
        _table(results, SKILL_COLUMNS)


@app.command("occupations")
def occupations(
    part: str = typer.Option("test", help=PART_HELP),
    baselines: bool = typer.Option(True, help="Also score BM25, MiniLM and e5 over labels"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """recall@1, recall@10 (an accepted occupation in the top k) and MRR on the labelled
    informal job titles."""
    from assistant.services.skills import get_occupation_search, get_skill_engine
    from assistant.skills.evaluate import DEVSET_DIR, compare_occupation_rankers, load_items

    items = load_items(DEVSET_DIR / "occupations.jsonl", "occupations", part=_part(part))
    results = compare_occupation_rankers(
        get_occupation_search(), get_skill_engine(), items, baselines=baselines
    )
    if as_json:
        emit_json({"part": part, "systems": results})
    else:
        typer.echo(f"occupations, development set, {part} part")
        _table(results, ("recall@1", "recall@10", "mrr"))


@app.command("jobads")
def jobads(
    baselines: bool = typer.Option(True, help="Also score BM25, MiniLM and e5 over labels"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """RP@5, RP@10 and MRR on the public job-ad validation set (English, all ESCO skills)."""
    from assistant.services.skills import get_skill_engine
    from assistant.skills.evaluate import jobads_quality

    result = jobads_quality(get_skill_engine(), baselines=baselines)
    if "missing" in result:
        fail(f"the job-ad validation set is not at {result['missing']}")
    if as_json:
        emit_json(result)
    else:
        typer.echo(f"job-ad validation set: {result['sentences']} sentences")
        _table(result["systems"], ("rp@5", "rp@10", "mrr"))


@app.command("gaps")
def gaps(
    part: str = typer.Option("test", help="Which part to print: test (claims) or tune"),
    as_json: bool = typer.Option(False, "--json"),
    cases: bool = typer.Option(False, "--cases", help="With --json: every case's answer"),
) -> None:
    """Gaps and plans on the worker -> target gap set (tests/data/gapset), before story
    credit and now, in one run: credit, wrong top-5 gaps, relevance, plan coverage."""
    from assistant.evaluation.gaps import run_gap_evaluation, table

    if part not in ("test", "tune"):
        fail("--part is test or tune")
    result = run_gap_evaluation(keep_cases=cases)
    if as_json:
        emit_json(result)
    else:
        typer.echo(table(result, part))


@app.command("train-ranker")
def train_ranker(
    write: bool = typer.Option(False, "--write", help="Fit on the whole tune part and save"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The second-stage ranker on the tune part only: cross-validated over statements against
    the first stage's order (and what each threshold would show); --write fits it on the
    whole tune part and saves its weights (assistant/skills/rerank_weights.json)."""
    from assistant.progress import progress_bar
    from assistant.services.skills import get_skill_engine
    from assistant.skills.evaluate import DEVSET_DIR, load_items
    from assistant.skills.rerank import Reranker
    from assistant.skills.rerank_training import candidates, cross_validate, write_weights

    engine = get_skill_engine()
    items = load_items(DEVSET_DIR / "skills.jsonl", "skills", part="tune")
    pool = candidates(engine, items, Reranker({}, engine.view), progress_bar("candidates"))
    report = cross_validate(pool)
    if write:
        path = write_weights(pool)
        typer.echo(f"weights written to {path}", err=True)
    if as_json:
        emit_json(report)
        return
    for family, systems in report.items():
        typer.echo(f"tune part, cross-validated ({FOLDS_NOTE}), {family}")
        _table(
            {name: {family: m} for name, m in systems.items()},
            (*SKILL_COLUMNS, "shown_recall", "shown_count"),
        )


FOLDS_NOTE = "5 folds over statements"
