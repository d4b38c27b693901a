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
    occupation = data["occupation"]  # named in the worker's language, with the English label
    assert occupation.get("label_en", occupation["label"]) == "shop assistant" and data["gaps"]


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


def test_gaps_are_aimed_at_the_goal(engine, analyser):
    # GIVEN an empty profile and a target job
    occupation = _occupation(engine, SHOP_SUPERVISOR)
    report = analyser.analyse([], occupation)
    essential = set(engine.view.essential[occupation])
    flags = [g.uri in essential for g in report.gaps]
    # THEN every essential skill of the target comes before anything else
    assert all(flags[: len(essential)]) and not any(flags[len(essential) :])
    # AND the transversal and digital gaps added are what jobs like it need, not a global list
    added = [g for g in report.gaps if g.uri not in essential]
    demand = [g for g in added if g.uri not in engine.view.optional.get(occupation, [])]
    assert demand and {g.kind for g in demand} <= {"transversal", "digital"}
    assert all("jobs like shop supervisor" in g.reasons["en"] for g in demand)
    # AND with the job-specific order asked for, the target's job-specific skills lead
    first = analyser.analyse([], occupation, job_specific_first=True).gaps[0]
    assert first.essential and first.kind == "specific"
    # AND without a target the demand profile alone is used
    alone = analyser.analyse([], None)
    assert alone.gaps and {g.kind for g in alone.gaps} == {"transversal", "digital"}


def test_every_gap_says_why_in_english_and_spanish(engine, analyser):
    # GIVEN the gaps of an empty profile towards early years teaching assistant
    occupation = _occupation(engine, "early years teaching assistant")
    report = analyser.analyse([], occupation)
    for gap in report.gaps:
        # THEN each gap has a one-line reason in both languages
        assert gap.reasons["en"] and gap.reasons["es"] and "\n" not in gap.reasons["es"]
        if gap.essential:
            assert gap.reasons["en"].startswith("Essential for early years teaching assistant")
            assert gap.reasons["es"].startswith("Es esencial para")
    # AND what a short course teaches (knowledge of the field) ranks before what practice
    # gives, even when fewer similar jobs list it
    labels = [g.label for g in report.gaps]
    assert labels.index("kindergarten school procedures") < labels.index(
        "encourage students to acknowledge their achievements"
    )


def test_a_skill_the_profile_nearly_has_ranks_lower(engine, analyser):
    # GIVEN a target and, in the profile, a skill close to (not the same as) an essential one
    occupation = _occupation(engine, SHOP_SUPERVISOR)
    rows, vectors = analyser._label_vectors
    essential = [u for u in engine.view.essential[occupation] if u in rows]
    target = essential[0]
    sims = vectors @ vectors[rows[target]]
    keys = list(rows)
    near = next(
        keys[i]
        for i in sims.argsort()[::-1]
        if 0.6 < sims[i] < 0.75
        and keys[i] not in essential
        and not analyser._covered_by(target, [keys[i]])
    )
    plain = {g.uri: g.priority for g in analyser.analyse([], occupation).gaps}
    nearly = {g.uri: g.priority for g in analyser.analyse([near], occupation).gaps}
    # THEN that essential skill stays a gap but weighs less, still more than any optional one
    assert nearly[target] < plain[target]
    optional = engine.view.optional.get(occupation, [])
    assert nearly[target] > max(nearly.get(u, 0) for u in optional)
