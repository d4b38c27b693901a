"""The quality sections of `make bench`: skill extraction and occupation search on the frozen
test part of the development sets, the public job-ad validation set, each beside the
baselines computed in the same run, and their markdown for docs/benchmarks.md."""

from __future__ import annotations

from assistant.skills.evaluate import (
    DEVSET_DIR,
    compare_occupation_rankers,
    compare_skill_rankers,
    jobads_quality,
    load_items,
    transversal_digital_skills,
)

LANGS = ("en", "es", "pt", "all")
TARGETS = "recall@10 ≥ 0.60, transversal+digital recall@10 ≥ 0.50, precision@10 ≥ 0.60"


def skills_quality(engine) -> dict:
    """Claims come from the frozen test part, with the baselines; the engine on the tune
    part (what its rules and weights were tuned on) is kept apart, for comparison only."""
    path, focus = DEVSET_DIR / "skills.jsonl", transversal_digital_skills()
    return {
        "part": "test",
        "systems": compare_skill_rankers(engine, load_items(path, part="test"), focus),
        "tune": compare_skill_rankers(
            engine, load_items(path, part="tune"), focus, baselines=False
        ),
    }


def skills_jobads(engine) -> dict:
    return jobads_quality(engine)


def occupations_quality(search, engine) -> dict:
    path = DEVSET_DIR / "occupations.jsonl"
    return {
        "part": "test",
        "systems": compare_occupation_rankers(
            search, engine, load_items(path, "occupations", part="test")
        ),
        "tune": compare_occupation_rankers(
            search, engine, load_items(path, "occupations", part="tune"), baselines=False
        ),
    }


# -- markdown ----------------------------------------------------------------------------------
def _f(m: dict, key: str, digits: int = 3) -> str:
    value = m.get(key)
    return "–" if value is None else f"{value:.{digits}f}"


def _with_n(m: dict, key: str) -> str:
    """A mean some items were left out of, with how many it is over."""
    if m.get(key) is None:
        return "–"
    return f"{m[key]:.3f} ({m.get(f'{key}_n', m['n'])})"


def _skill_rows(systems: dict[str, dict]) -> list[str]:
    rows = []
    for system, per_lang in systems.items():
        for lang in LANGS:
            if lang not in per_lang:
                continue
            m = per_lang[lang]
            rows.append(
                f"| {system} | {lang} | {m['n']} | {_f(m, 'recall@10')} | "
                f"{_with_n(m, 'transversal_digital_recall@10')} | {_f(m, 'rp@5')} | "
                f"{_f(m, 'rp@10')} | {_f(m, 'mrr')} | {_f(m, 'precision@10')} | "
                f"{_with_n(m, 'shown_precision')} | {_f(m, 'shown_recall')} | "
                f"{_f(m, 'shown_count', 1)} |"
            )
    return rows


def _occupation_rows(systems: dict[str, dict]) -> list[str]:
    return [
        f"| {system} | {lang} | {per_lang[lang]['n']} | {_f(per_lang[lang], 'recall@1')} | "
        f"{_f(per_lang[lang], 'recall@10')} | {_f(per_lang[lang], 'mrr')} |"
        for system, per_lang in systems.items()
        for lang in LANGS
        if lang in per_lang
    ]


SKILL_HEADER = [
    "| system | lang | n | recall@10 | transversal+digital recall@10 (n) | RP@5 | RP@10 | MRR "
    "| precision@10 | shown: precision (n) | shown: recall | shown: count |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
]
OCCUPATION_HEADER = [
    "| system | lang | n | recall@1 | recall@10 | MRR |",
    "|---|---|---|---|---|---|",
]


def _jobads_lines(jobads: dict | None) -> list[str]:
    lines = ["## Skill extraction on public job-ad sentences (English)", ""]
    if not jobads or "missing" in jobads:
        where = (jobads or {}).get("missing", "not measured")
        return lines + [f"Not measured: the validation set was not found ({where})."]
    lines += [
        f"The validation splits of the TECH and HOUSE sets (`../shared/benchmarks/"
        f"skills-jobads-validation`, {jobads['sentences']} sentences): every ESCO skill ranked "
        "for each sentence, gold skills matched on their exact preferred label "
        f"({len(jobads['unknown_labels'])} gold labels name no skill here). Shown ×100, as in "
        "the literature. A validation set, not a test of generalisation. Target: RP@5 ≥ 60.",
        "",
        "| system | RP@5 | RP@10 | MRR | n | ms per sentence |",
        "|---|---|---|---|---|---|",
    ]
    for system, result in jobads["systems"].items():
        m = result["en"]
        lines.append(
            f"| {system} | {100 * m['rp@5']:.1f} | {100 * m['rp@10']:.1f} | "
            f"{100 * m['mrr']:.1f} | {m['n']} | {result['ms_per_text']} |"
        )
    return lines


def quality_lines(r: dict, plot_name: str) -> list[str]:
    skills, occupations = r["skills_quality"], r["occupations_quality"]
    lines = [
        f"## Skill extraction quality (development set, {skills['part']} part)",
        "",
        "Worker statements (tests/data/devset/skills.jsonl), the frozen test part of their "
        "fixed split (`assistant.skills.evaluate.part_of`); nothing is tuned on it. Per "
        "statement, then averaged: recall@10 = accepted skills in the top 10 / accepted "
        "skills; transversal+digital recall@10 = the same over the accepted skills in ESCO's "
        "transversal, digital or DigComp collections (statements without one left out: its "
        "n); RP@k = hits in the top k / min(k, accepted); MRR = 1 / rank of the first "
        "accepted skill; precision@10 = hits in the top 10 / 10. *Shown* is what a worker "
        "sees: the engine's top 10 with its cut-off on (precision over what is shown, "
        "statements with nothing shown left out; recall; how many are shown). "
        "*puente-untrained* is the engine with its base models instead of the ones trained "
        "by setup (English: MiniLM instead of the skill linker); *puente-no-route* without the "
        "occupation route; *puente-reranked* with the second-stage ranker ordering the "
        "candidates (measured, not served; what is shown is cut by the same score); "
        "*puente-english-labels* with every text meeting ESCO's English labels only (Spanish "
        "as matched before ESCO's and Puente's Spanish labels, #19; English is unchanged by "
        "them). Baselines rank "
        "ESCO's English preferred labels (BM25; MiniLM and multilingual e5, plain models). "
        f"Targets per language: {TARGETS}.",
        "",
        *SKILL_HEADER,
        *_skill_rows(skills["systems"]),
        "",
        f"![recall@10 by language]({plot_name})",
        "",
    ]
    if skills.get("tune"):
        lines += [
            "Tune part, for comparison only (the statements rules, lexicons and weights are "
            "tuned on; no claim rests on it):",
            "",
            *SKILL_HEADER,
            *_skill_rows(skills["tune"]),
            "",
        ]
    lines += _jobads_lines(r.get("skills_jobads"))
    lines += [
        "",
        f"## Occupation search (informal job titles, {occupations['part']} part)",
        "",
        "recall@k: share of titles with an accepted occupation (1-3 per title) in the top k. "
        "*puente-english-labels* searches ESCO's English titles only (before ESCO's Spanish "
        "titles, #19; the job-title lexicon kept). Baselines rank ESCO's English preferred "
        "occupation labels.",
        "",
        *OCCUPATION_HEADER,
        *_occupation_rows(occupations["systems"]),
    ]
    if occupations.get("tune"):
        lines += [
            "",
            "Tune part, for comparison only:",
            "",
            *OCCUPATION_HEADER,
            *_occupation_rows(occupations["tune"]),
        ]
    return lines
