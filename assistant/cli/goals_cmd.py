"""`assistant occupations`: ESCO occupations for an informal job title or description."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.output import emit_json, fail, run_jsonl_batch
from assistant.errors import InputTextError


def occupations(
    text: str = typer.Argument(None, help="A job title or what the person does"),
    as_json: bool = typer.Option(False, "--json"),
    top: int = typer.Option(10, "--top", min=1, max=200),
    lang: str = typer.Option(
        "auto", "--lang", help="auto, en, es or pt: labels in that language (auto: the text's)"
    ),
    batch: Path = typer.Option(None, "--batch", help="JSONL input: {id, text} per line"),
    out: Path = typer.Option(None, "--out", help="JSONL output for --batch"),
) -> None:
    """Rank ESCO occupations (robust to informal titles and typos)."""
    from assistant.cli.skills_cmd import localized
    from assistant.services.skills import get_occupation_search
    from assistant.skills.text import detect_language

    search = get_occupation_search()

    def ranked(hits) -> dict:
        return localized(
            {"occupations": [h.as_dict() for h in hits]}, lang, ("occupations",), text=text
        )

    if batch is not None:

        def one(item: str) -> dict:
            hits = search.search(item, lang, top)
            return localized(
                {"occupations": [h.as_dict() for h in hits]}, lang, ("occupations",), text=item
            )

        run_jsonl_batch(batch, out, one, "occupations")
        return
    if text is None:
        fail('give a TEXT, e.g. assistant occupations "cajera de super", or --batch')
    try:
        hits = search.search(text, lang, top)
    except InputTextError as exc:
        fail(str(exc))
    data = ranked(hits)
    if as_json:
        emit_json(data)
        return
    wanted = lang if lang != "auto" else detect_language(text)
    for hit, item in zip(hits, data["occupations"], strict=True):
        mark = f" ({item['label_language']})" if item.get("label_language") != wanted else ""
        typer.echo(f"{hit.score:.3f}  {item['label']}{mark}  {hit.uri}")


def gaps(
    profile: Path = typer.Option(
        ..., "--profile", help="Profile JSON or `assistant skills --json`"
    ),
    occupation: str = typer.Option(
        None, "--occupation", help="ESCO occupation URI or a job title (none: demand profile)"
    ),
    job_specific_first: bool = typer.Option(False, "--job-specific-first"),
    chart: Path = typer.Option(None, "--chart", help="Also write the chart (.png or .svg)"),
    lang: str = typer.Option("es", "--lang", help="Language of the labels and chart: es or en"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """What the target occupation needs that the profile does not cover, and why."""
    from assistant.profiles.model import read_profile_file
    from assistant.services.labels import localize_report, localize_report_dict
    from assistant.services.plans import chart as render_chart
    from assistant.services.plans import gap_report

    report = gap_report(read_profile_file(profile), occupation, job_specific_first)
    localize_report(report, lang)
    data = localize_report_dict(report.as_dict(), lang)
    if chart is not None:
        fmt = chart.suffix.lstrip(".").lower()
        if fmt not in ("png", "svg"):
            fail("--chart must end in .png or .svg")
        chart.write_bytes(render_chart(data, fmt, lang))
    if as_json:
        emit_json(data)
        return
    c = data["coverage"]
    typer.echo(
        f"{data['occupation']['label']}: {c['essential_covered']}/{c['essential_total']} "
        f"essential skills covered"
    )
    for gap in report.gaps[:25]:
        typer.echo(
            f"  {gap.priority:.2f}  [{gap.kind}{' ' + gap.group if gap.group else ''}] "
            f"{gap.label}: {gap.reason_in(lang)}"
        )
    typer.echo(data["attribution"])


def close_jobs(
    profile: Path = typer.Option(..., "--profile"),
    top: int = typer.Option(10, "--top", min=1, max=100),
    lang: str = typer.Option("es", "--lang", help="Language of the job titles: es, en or pt"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Occupations whose essential skills the profile already covers most."""
    from assistant.profiles.model import read_profile_file
    from assistant.services.labels import localize
    from assistant.services.skills import get_gap_analyser

    ranked = get_gap_analyser().close_occupations(read_profile_file(profile).uris(), top)
    localize(ranked, lang)
    if as_json:
        emit_json({"occupations": ranked})
        return
    for r in ranked:
        typer.echo(f"{r['covered_share']:.0%}  {r['label']}  ({r['covered']}/{r['essential']})")


def register(app: typer.Typer) -> None:
    app.command("occupations")(occupations)
    app.command("gaps")(gaps)
    app.command("close-jobs")(close_jobs)
