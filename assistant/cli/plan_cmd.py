"""`assistant plan`: the micro-credential plan that closes most of a profile's gaps within
a budget and time, with cheapest/fastest/pathway alternatives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from pydantic import ValidationError

from assistant.cli.output import emit_json, fail


def plan(
    profile: Path = typer.Option(
        ..., "--profile", help="Profile JSON or `assistant skills --json` output"
    ),
    occupation: str = typer.Option(
        None, "--occupation", help="ESCO occupation URI or a job title (none: demand profile)"
    ),
    budget: float = typer.Option(..., "--budget", help="Most you can spend"),
    currency: str = typer.Option("USD", "--currency"),
    hours_per_week: float = typer.Option(..., "--hours-per-week"),
    weeks: int = typer.Option(..., "--weeks"),
    language: str = typer.Option("es", "--language"),
    mode: str = typer.Option("any", "--mode", help="online, onsite or any"),
    start: str = typer.Option(None, "--start", help="YYYY-MM-DD (default: today)"),
    country: str = typer.Option(None, "--country", help="ISO code, for onsite offers"),
    max_offers: int = typer.Option(5, "--max-offers"),
    job_specific_first: bool = typer.Option(False, "--job-specific-first"),
    chart: Path = typer.Option(None, "--chart", help="Also write the chart (.png or .svg)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Choose the offers that close the most priority-weighted gaps within your limits."""
    from assistant.plans.constraints import PlanConstraints
    from assistant.profiles.model import read_profile_file
    from assistant.services.plans import chart as render_chart
    from assistant.services.plans import make_plan

    try:
        constraints = PlanConstraints(
            budget=budget,
            currency=currency,
            hours_per_week=hours_per_week,
            weeks=weeks,
            language=language.lower(),
            mode=mode,
            start_date=date.fromisoformat(start) if start else None,
            country=country.upper() if country else None,
            max_offers=max_offers,
        )
    except (ValidationError, ValueError) as exc:
        fail(_explain(exc))
    result = make_plan(read_profile_file(profile), occupation, constraints, job_specific_first)
    if chart is not None:
        fmt = chart.suffix.lstrip(".").lower() or "png"
        if fmt not in ("png", "svg"):
            fail("--chart must end in .png or .svg")
        chart.write_bytes(render_chart(result["gaps"], fmt, constraints.language))
    if as_json:
        emit_json(result["plan"])
        return
    _print_plan(result["plan"])


def _explain(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"--{'-'.join(str(p) for p in e['loc']).replace('_', '-')}: {e['msg']}"
            for e in exc.errors()
        )
    return str(exc)


def _print_plan(p: dict) -> None:
    t = p["totals"]
    typer.echo(
        f"Plan for {p['occupation']['label']}: {len(p['offers'])} offers, "
        f"{t['cost']['currency']} {t['cost']['amount']:g}, {t['hours']:g} h, "
        f"{t['gaps_covered']}/{t['gaps_total']} gaps ({t['coverage']:.0%} of the weight)"
    )
    for i, offer in enumerate(p["offers"], 1):
        typer.echo(f"{i}. {offer['title']} [{offer['id']}]\n   {offer['reason']}")
    for name in ("cheapest", "fastest"):
        alt = p["alternatives"][name]
        typer.echo(
            f"{name}: {', '.join(o['id'] for o in alt['offers']) or '-'} "
            f"({alt['totals']['cost']['amount']:g} {alt['totals']['cost']['currency']}, "
            f"{alt['totals']['hours']:g} h)"
        )
    path = p["alternatives"].get("pathway")
    if path:
        typer.echo(
            f"pathway to {path['stacks_into']}: {len(path['offers'])} modules, "
            f"{'fits' if path['fits_constraints'] else 'does not fit'} your limits"
        )
    typer.echo(p["attribution"])


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
