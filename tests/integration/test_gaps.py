"""Gap analysis on real ESCO: coverage through the hierarchy and relations, and why."""

from __future__ import annotations

import json
import subprocess

import pytest

from assistant.db.session import session_scope
from assistant.goals.gaps import GapAnalyser, read_profile
from assistant.profiles.model import ProfileError
from tests.conftest import ROOT

SHOP_SUPERVISOR = "shop supervisor"


@pytest.fixture(scope="module")
def analyser(engine):
    with session_scope() as session:
        return GapAnalyser(session, engine)


def _occupation(engine, label):
    return next(u for u, (lab, _, _) in engine.view.occupations.items() if lab == label)


def test_cashier_towards_shop_supervisor(engine, analyser):
    # GIVEN a cashier's profile extracted from her own words
    text = (
        "I worked as a cashier in a supermarket. I ran the till, counted the cash at closing, "
        "helped customers find products and trained new staff. I also restocked shelves."
    )
    profile = [h.uri for h in engine.extract(text, top=15).skills[:15]]
    # WHEN compared with the shop supervisor occupation
    report = analyser.analyse(profile, _occupation(engine, SHOP_SUPERVISOR)).as_dict()
    # THEN some essential skills are covered, the rest are gaps with reasons
    assert 0 < report["coverage"]["essential_covered"] < report["coverage"]["essential_total"]
    labels = [g["label"] for g in report["gaps"]]
    assert "manage budgets" in labels and "recruit employees" in labels
    assert all(
        "shop supervisor" in g["reason"] or "in demand" in g["reason"] for g in report["gaps"]
    )
    essential = [g for g in report["gaps"] if g["essential"]]
    optional = [g for g in report["gaps"] if not g["essential"]]
    assert min(g["priority"] for g in essential) > max(g["priority"] for g in optional)


def test_hierarchy_counts_as_coverage(engine, analyser):
    # GIVEN a profile holding a narrower skill of a required one
    occupation = _occupation(engine, SHOP_SUPERVISOR)
    required = next(s for s in engine.view.essential[occupation] if analyser.narrower.get(s))
    narrower = sorted(analyser.narrower[required])[0]
    report = analyser.analyse([narrower], occupation)
    assert any(c.required == required and c.how == "narrower" for c in report.covered)


def test_close_jobs_rank_by_covered_share(engine, analyser):
    occupation = _occupation(engine, SHOP_SUPERVISOR)
    ranked = analyser.close_occupations(engine.view.essential[occupation], top=5)
    assert ranked[0]["label"] == SHOP_SUPERVISOR and ranked[0]["covered_share"] == 1.0


def test_profiles_from_the_skills_cli_compose(tmp_path, engine):
    cli = str(ROOT / ".venv/bin/assistant")
    skills = subprocess.run(
        [cli, "skills", "I sold clothes at the market and kept the accounts", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    profile = tmp_path / "p.json"
    profile.write_text(skills.stdout)
    gaps = subprocess.run(
        [cli, "gaps", "--profile", str(profile), "--occupation", "shop assistant", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(gaps.stdout)
    assert data["occupation"]["label"] == "shop assistant" and data["gaps"]


def test_bad_profiles_are_explained(tmp_path):
    bad = tmp_path / "bad.json"
    for content, message in [
        ("not json", "not a readable JSON"),
        ("[]", '"skills" list'),
        ('{"skills": []}', "no skills"),
    ]:
        bad.write_text(content)
        with pytest.raises(ProfileError, match=message):
            read_profile(bad)


def test_transversal_and_digital_gaps_are_always_reported(engine, analyser):
    # GIVEN an occupation whose ESCO profile lists no transversal skills
    occupation = _occupation(engine, SHOP_SUPERVISOR)
    report = analyser.analyse([], occupation)
    kinds = [g.kind for g in report.gaps]
    # THEN the demand profile still adds transversal and digital gaps, ranked first
    assert "transversal" in kinds and "digital" in kinds
    assert kinds.index("specific") > kinds.index("digital")
    # AND with the job-specific order asked for, essential job skills lead
    first = analyser.analyse([], occupation, job_specific_first=True).gaps[0]
    assert first.essential and first.kind == "specific"
    # AND without a target the demand profile alone is used
    alone = analyser.analyse([], None)
    assert alone.gaps and {g.kind for g in alone.gaps} == {"transversal", "digital"}
