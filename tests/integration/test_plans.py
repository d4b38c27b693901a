"""Worked examples: four workers, their own words, a target job and real limits. The plans
must be ones a counsellor would find sensible, so the tests name skills and offers."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest

from assistant.plans.constraints import PlanConstraints
from assistant.profiles.model import Profile
from assistant.services.plans import make_plan
from tests.conftest import ROOT

CLI = str(ROOT / ".venv/bin/assistant")

START = date(2027, 1, 11)  # fixed, so cohort start dates decide the same way every year

EXAMPLES = {
    "cashier to retail supervisor": (
        "es",
        "Trabajé tres años de cajera en un supermercado. Cobraba en la caja, hacía el cierre "
        "y el arqueo, atendía los reclamos de los clientes y le enseñaba a las nuevas cómo "
        "usar la caja.",
        "supervisor de tienda",
        {"budget": 60, "currency": "USD", "hours_per_week": 5, "weeks": 12, "mode": "any"},
    ),
    "home carer to nursing assistant": (
        "es",
        "Cuidé a mi abuela durante cuatro años: le daba sus medicamentos a la hora, la bañaba, "
        "le preparaba la comida y la acompañaba a sus citas médicas.",
        "auxiliar de enfermería",
        {"budget": 300000, "currency": "COP", "hours_per_week": 6, "weeks": 16, "mode": "any"},
    ),
    "farm worker to logistics": (
        "es",
        "Trabajé en el campo cosechando fruta y cargando los camiones. Llevaba la cuenta de "
        "las cajas que salían y manejaba el tractor.",
        "auxiliar de bodega",
        {"budget": 40, "currency": "USD", "hours_per_week": 6, "weeks": 12, "mode": "any"},
    ),
    "self-taught web builder to junior developer": (
        "en",
        "I taught myself to build websites. I made sites for small shops with WordPress, wrote "
        "some HTML and CSS, and fixed their contact forms and online menus.",
        "junior web developer",
        {"budget": 100, "currency": "USD", "hours_per_week": 8, "weeks": 20, "mode": "online"},
    ),
}


@pytest.fixture(scope="module")
def results(engine, demo_catalogue):
    out = {}
    for name, (lang, text, goal, limits) in EXAMPLES.items():
        profile = Profile.from_extraction(engine.extract(text, language=lang).as_dict(10))
        constraints = PlanConstraints(language=lang, start_date=START, **limits)
        out[name] = (make_plan(profile, goal, constraints), constraints)
    return out


def _covered(plan) -> dict[str, str]:
    return {c["label"]: o["id"] for o in plan["offers"] for c in o["covers"]}


def _check_limits(plan, constraints):
    from assistant.catalogue.money import to_usd

    spent = sum(to_usd(o["cost"]["amount"], o["cost"]["currency"]) for o in plan["offers"])
    assert spent <= to_usd(constraints.budget, constraints.currency) + 0.01
    assert sum(o["hours"] for o in plan["offers"]) <= constraints.total_hours
    labels = [c["uri"] for o in plan["offers"] for c in o["covers"]]
    assert len(labels) == len(set(labels)), "two offers credited with the same gap"
    for offer in plan["offers"]:
        assert offer["covers"] and offer["reason"].startswith(("Cubre:", "Covers:"))
        assert constraints.language in offer["languages"]


def test_cashier_gets_leadership_and_budgeting_for_shop_supervisor(results):
    result, constraints = results["cashier to retail supervisor"]
    gaps = {g["label"]: g for g in result["gaps"]["gaps"]}
    assert result["gaps"]["occupation"]["label"] == "shop supervisor"
    assert gaps["manage staff"]["essential"] and gaps["train employees"]["essential"]
    covered = _covered(result["plan"])
    assert covered["manage staff"] in ("demo-0019", "demo-0324")  # leadership for supervisors
    assert covered["manage budgets"] in ("demo-0332", "demo-0003")  # workplace maths, budgets
    _check_limits(result["plan"], constraints)


def test_home_carer_gets_person_centred_care_and_first_aid(results):
    result, constraints = results["home carer to nursing assistant"]
    assert result["gaps"]["occupation"]["label"] == "nurse assistant"
    covered = _covered(result["plan"])
    assert covered["empathise with the healthcare user"] == "demo-0329"
    first_aid = next(o for o in result["plan"]["offers"] if o["id"] == covered["first aid"])
    assert "auxilios" in first_aid["title"].lower()
    assert result["plan"]["alternatives"]["pathway"]["pathway_id"] == "path-cuidados"
    _check_limits(result["plan"], constraints)


def test_farm_worker_gets_warehouse_systems_and_stock_control(results):
    result, constraints = results["farm worker to logistics"]
    assert result["gaps"]["occupation"]["label"] == "warehouse worker"
    essential_digital = {
        g["label"] for g in result["gaps"]["gaps"] if g["essential"] and g["kind"] == "digital"
    }
    assert {"have computer literacy", "operate warehouse record systems"} <= essential_digital
    covered = _covered(result["plan"])
    assert covered["operate warehouse record systems"] == "demo-0029"
    # the warehouse-systems course and the stock-control spreadsheet courses all teach it
    assert covered["maintain stock control systems"] in ("demo-0029", "demo-0229", "demo-0097")
    _check_limits(result["plan"], constraints)


def test_web_builder_gets_programming_and_debugging_online_in_english(results):
    result, constraints = results["self-taught web builder to junior developer"]
    assert result["gaps"]["occupation"]["label"] == "software developer"
    plan = result["plan"]
    covered = _covered(plan)
    assert covered["debug software"] == "demo-0269"  # Python for beginners, free, online
    python = next(o for o in plan["offers"] if o["id"] == "demo-0269")
    assert python["cost"]["amount"] == 0 and "Python (computer programming)" in [
        c["label"] for c in python["covers"]
    ]
    assert all(o["mode"] == "online" for o in plan["offers"])
    _check_limits(plan, constraints)


def test_alternatives_are_never_dearer_or_slower_than_the_plan(results):
    for result, _ in results.values():
        plan = result["plan"]
        cheapest, fastest = plan["alternatives"]["cheapest"], plan["alternatives"]["fastest"]
        assert cheapest["totals"]["cost"]["amount"] <= plan["totals"]["cost"]["amount"] + 0.01
        assert fastest["totals"]["hours"] <= plan["totals"]["hours"]
        assert cheapest["totals"]["coverage"] >= 0.7 * plan["totals"]["coverage"] - 0.001
        assert plan["solver"] == "cp-sat optimal"


def test_cli_plan_composes_with_skills_json(tmp_path, demo_catalogue):
    cli = CLI
    text = EXAMPLES["cashier to retail supervisor"][1]
    skills = subprocess.run(
        [cli, "skills", text, "--json"], capture_output=True, text=True, check=True
    )
    profile = tmp_path / "p.json"
    profile.write_text(skills.stdout)
    chart = tmp_path / "chart.svg"
    out = subprocess.run(
        [
            cli,
            "plan",
            "--profile",
            str(profile),
            "--occupation",
            "supervisor de tienda",
            "--budget",
            "60",
            "--currency",
            "USD",
            "--hours-per-week",
            "5",
            "--weeks",
            "12",
            "--language",
            "es",
            "--mode",
            "any",
            "--start",
            "2027-01-11",
            "--chart",
            str(chart),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    plan = json.loads(out.stdout)
    offer = plan["offers"][0]
    assert {"id", "title", "cost", "hours", "covers"} <= offer.keys()
    assert {"amount", "currency"} == set(offer["cost"])
    assert {"cost", "hours", "gaps_covered", "coverage"} <= plan["totals"].keys()
    assert chart.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_cli_plan_explains_bad_limits(tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text('{"skills": [{"uri": "http://data.europa.eu/esco/skill/x"}]}')
    out = subprocess.run(
        [
            CLI,
            "plan",
            "--profile",
            str(profile),
            "--budget",
            "-5",
            "--currency",
            "XYZ",
            "--hours-per-week",
            "5",
            "--weeks",
            "12",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "--budget" in out.stderr and "--currency" in out.stderr
