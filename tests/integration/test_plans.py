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
TRAIN_EMPLOYEES = "http://data.europa.eu/esco/skill/e54ff029-1ce9-447d-a5b2-eb7283a23e6e"

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


def _en(item: dict) -> str:
    """The English ESCO label (plans name skills in the worker's language)."""
    return item.get("label_en") or item["label"]


def _covered(plan) -> dict[str, str]:
    return {_en(c): o["id"] for o in plan["offers"] for c in o["covers"]}


def _titles(plan) -> dict[str, str]:
    return {o["id"]: o["title"].lower() for o in plan["offers"]}


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
    gaps = {_en(g): g for g in result["gaps"]["gaps"]}
    assert _en(result["gaps"]["occupation"]) == "shop supervisor"
    assert gaps["manage staff"]["essential"]
    # she taught the new cashiers: training employees is credited, not a gap
    credited = {c["required"] for c in result["gaps"]["covered"]}
    assert TRAIN_EMPLOYEES in credited and "train employees" not in gaps
    covered, titles = _covered(result["plan"]), _titles(result["plan"])
    assert "supervis" in titles[covered["manage staff"]]  # a course for (new) supervisors
    assert "presupuesto" in titles[covered["manage budgets"]]  # budgets and expenses
    # AND no course made for another job that merely shares a skill (it once proposed a
    # beauty-salon course for "apply company policies")
    assert not any("belleza" in t or "logístic" in t for t in titles.values()), titles
    _check_limits(result["plan"], constraints)


def test_home_carer_gets_person_centred_care_and_first_aid(results):
    result, constraints = results["home carer to nursing assistant"]
    assert _en(result["gaps"]["occupation"]) == "nurse assistant"
    covered, titles = _covered(result["plan"]), _titles(result["plan"])
    assert "enfermería" in titles[covered["implement fundamentals of nursing"]]
    assert "salud" in titles[covered["ensure safety of healthcare users"]]
    # first aid is one of her first gaps; the care pathway teaches it when the plan cannot
    first_aid = next(g["uri"] for g in result["gaps"]["gaps"][:5] if _en(g) == "first aid")
    pathway = result["plan"]["alternatives"]["pathway"]
    assert pathway["pathway_id"] == "path-cuidados"
    teaching = [
        o
        for o in result["plan"]["offers"] + pathway["offers"]
        if first_aid in {c["uri"] for c in o["covers"]}
    ]
    assert teaching and all("auxilios" in o["title"].lower() for o in teaching)
    _check_limits(result["plan"], constraints)


def test_farm_worker_gets_warehouse_systems_and_stock_control(results):
    result, constraints = results["farm worker to logistics"]
    assert _en(result["gaps"]["occupation"]) == "warehouse worker"
    essential_digital = {
        _en(g) for g in result["gaps"]["gaps"] if g["essential"] and g["kind"] == "digital"
    }
    assert {"have computer literacy", "operate warehouse record systems"} <= essential_digital
    covered, titles = _covered(result["plan"]), _titles(result["plan"])
    assert "almacén" in titles[covered["operate warehouse record systems"]]
    # a warehouse-systems course or a stock-control spreadsheet course teaches it
    stock_course = titles[covered["maintain stock control systems"]]
    assert "almacén" in stock_course or "inventario" in stock_course
    _check_limits(result["plan"], constraints)


def test_web_builder_gets_programming_and_debugging_online_in_english(results):
    result, constraints = results["self-taught web builder to junior developer"]
    assert _en(result["gaps"]["occupation"]) == "software developer"
    plan = result["plan"]
    covered, titles = _covered(plan), _titles(plan)
    # a programming course in English teaches debugging (Python for beginners, or practice)
    debugging = titles[covered["debug software"]]
    assert any(word in debugging for word in ("debugging", "python", "programming"))
    assert all(o["mode"] == "online" and "en" in o["languages"] for o in plan["offers"])
    _check_limits(plan, constraints)


NANNY = (
    "Fui niñera cinco años de dos hermanos. Les preparaba la comida, los bañaba y los "
    "acostaba; jugábamos, hacíamos manualidades y al mayor le ayudaba con las tareas. Una vez "
    "el chico se quemó con agua caliente y le di primeros auxilios. Todos los días les contaba "
    "a los papás cómo les había ido."
)
EARLY_EDUCATION = {"children's physical development", "kindergarten school procedures"}


def test_nanny_gets_early_education_gaps_and_a_course_on_them(engine, demo_catalogue):
    # GIVEN the nanny of issue 21, who wants to become an early years teaching assistant
    view = engine.view
    target = next(
        u
        for u, (label, _, _) in view.occupations.items()
        if label == "early years teaching assistant"
    )
    by_label = {view.skills[u].label: u for u in view.essential[target]}
    profile = Profile.from_extraction(engine.extract(NANNY, language="es").as_dict(10))
    limits = {"budget": 100, "currency": "USD", "hours_per_week": 5, "weeks": 12}
    constraints = PlanConstraints(language="es", start_date=START, **limits)
    # WHEN Puente answers with gaps and a plan
    result = make_plan(profile, target, constraints)
    gaps, plan = result["gaps"]["gaps"], result["plan"]
    # THEN the first gaps are the job's own essential skills, each saying why in Spanish
    assert all(g["essential"] for g in gaps[:5])
    assert all(g["reasons"]["es"].startswith("Es esencial para") for g in gaps[:5])
    # AND child development or early education is among the gaps named first
    first = {g["uri"] for g in gaps[:8]}
    assert first & {by_label[label] for label in EARLY_EDUCATION}
    # AND the plan proposes a course on them, saying which gaps it covers and why it won
    covered = {c["uri"] for o in plan["offers"] for c in o["covers"]}
    assert covered & {by_label[label] for label in EARLY_EDUCATION}
    for offer in plan["offers"]:
        assert offer["why_chosen"] and offer["why_chosen"] in offer["reason"]
        assert all(c["why"] for c in offer["covers"])
    # AND nothing in the plan is unrelated to the goal: every course covers one of its skills
    linked = set(view.essential[target]) | set(view.optional.get(target, []))
    assert all(any(c["uri"] in linked for c in o["covers"]) for o in plan["offers"])
    _check_limits(plan, constraints)


def test_a_core_gap_without_courses_is_named_not_filled(engine, demo_catalogue):
    # GIVEN a target whose core the demo catalogue does not teach (musical instruments, tuning)
    # and a worker with nothing towards it yet
    view = engine.view
    target = next(u for u, (label, _, _) in view.occupations.items() if label == "organ builder")
    profile = Profile(skills=[])
    constraints = PlanConstraints(
        language="es", start_date=START, budget=100, hours_per_week=5, weeks=12
    )
    # WHEN a plan is asked for
    plan = make_plan(profile, target, constraints)["plan"]
    # THEN the core gaps without any course are named, with advice to ask a counsellor
    core = plan["core_gaps"]
    assert core["no_offer"] and not core["covered"]
    assert "orientador" in plan["advice"] and core["no_offer"][0]["label"] in plan["advice"]
    # AND the budget is not filled with generic courses: each one teaches a skill of the job
    linked = set(view.essential[target]) | set(view.optional.get(target, []))
    assert all(any(c["uri"] in linked for c in o["covers"]) for o in plan["offers"])


def test_alternatives_are_never_dearer_or_slower_than_the_plan(results):
    for result, _ in results.values():
        plan = result["plan"]
        cheapest, fastest = plan["alternatives"]["cheapest"], plan["alternatives"]["fastest"]
        assert cheapest["totals"]["cost"]["amount"] <= plan["totals"]["cost"]["amount"] + 0.01
        assert fastest["totals"]["hours"] <= plan["totals"]["hours"]
        assert cheapest["totals"]["coverage"] >= 0.7 * plan["totals"]["coverage"] - 0.001
        assert plan["solver"] in ("cp-sat optimal", "enumerated optimal")
        # the alternatives name skills as the plan does: the worker's language and English
        for alternative in (cheapest, fastest):
            for offer in alternative["offers"]:
                assert all(c.get("label_en") for c in offer["covers"]), offer["covers"]


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
