"""`assistant bench` / `make bench`: quality, speed and footprint, side by side with baselines.

Writes var/bench/latest.json (machine-readable) and docs/benchmarks.md (tables and a plot).
Sections not built yet say so instead of being left out.
"""

from __future__ import annotations

import json
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from assistant.config import PROJECT_ROOT, get_settings

LATENCY_TEXTS = {
    "en-1": "I fixed bikes for my neighbours.",
    "en-5": "I worked at a supermarket for two years. I ran the till and did the closing. "
    "I showed the new girls how to use the scanner. I also stocked shelves and checked expiry "
    "dates. On weekends I posted offers on the shop's Facebook page.",
    "es-1": "Arreglaba bicicletas para mis vecinos.",
    "es-5": "Trabajé dos años en un almacén. Atendía la caja y hacía el cierre del día. Les "
    "enseñaba a las nuevas a usar el lector. También reponía mercadería y revisaba fechas de "
    "vencimiento. Los fines de semana subía las ofertas a la página de Facebook.",
}


def _percentiles(samples: list[float]) -> dict:
    return {
        "p50_ms": round(float(np.percentile(samples, 50)), 1),
        "p95_ms": round(float(np.percentile(samples, 95)), 1),
        "n": len(samples),
    }


def skill_latency(engine, repeats: int = 100) -> dict:
    out = {}
    for name, text in LATENCY_TEXTS.items():
        for _ in range(3):
            engine.extract(text)
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            engine.extract(text)
            samples.append((time.perf_counter() - started) * 1000)
        out[name] = _percentiles(samples)
    return out


def esco_import_seconds() -> float:
    from assistant.db.migrate import upgrade
    from assistant.db.session import session_scope
    from assistant.taxonomy.importer import import_esco

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        started = time.perf_counter()
        with session_scope(url) as session:
            import_esco(session, get_settings().esco_dir, progress=lambda *_: None)
        return round(time.perf_counter() - started, 1)


def index_builds() -> dict:
    out = {}
    for manifest in sorted(get_settings().index_dir.glob("*/manifest.json")):
        data = json.loads(manifest.read_text())
        out[manifest.parent.name] = {"vectors": data["count"], "seconds": data["build_seconds"]}
    return out


def run_bench(fresh_nlu: bool = False) -> dict:
    from assistant.bench_load import rest_turns
    from assistant.bench_more import nlu_cross_validation, plan_latency
    from assistant.services.skills import get_occupation_search, get_skill_engine
    from assistant.skills.quality_report import (
        occupations_quality,
        skills_jobads,
        skills_quality,
    )

    started = time.perf_counter()
    sections: dict[str, float] = {}

    def timed(name: str, measure):
        began = time.perf_counter()
        value = measure()
        sections[name] = round(time.perf_counter() - began, 1)
        print(f"bench: {name} done in {sections[name]} s", flush=True)
        return value

    engine = get_skill_engine()
    engine.warm_up()
    search = get_occupation_search()
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
        "skills_quality": timed("skills_quality", lambda: skills_quality(engine)),
        "skills_jobads": timed("skills_jobads", lambda: skills_jobads(engine)),
        "occupations_quality": timed(
            "occupations_quality", lambda: occupations_quality(search, engine)
        ),
        "skill_latency": timed("skill_latency", lambda: skill_latency(engine)),
        "builds": timed(
            "builds",
            lambda: {"esco_import_seconds": esco_import_seconds(), "indexes": index_builds()},
        ),
        "peak_rss_mb": {
            "bench_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        },
        "plans": timed("plans", lambda: [plan_latency(offers=n) for n in (300, 5000)]),
        "rest": timed("rest", rest_turns),
        "rasa_training": rasa_training(),
        "nlu": timed(
            "nlu",
            lambda: nlu_cross_validation(cache_dir=get_settings().cache_dir, fresh=fresh_nlu),
        ),
    }
    result["section_seconds"] = sections
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def rasa_training() -> dict:
    """The served model's training time, recorded when it was trained (not repeated here)."""
    from assistant.services.runtime import ensure_rasa_model, training_record

    record = training_record(ensure_rasa_model())
    if not record.exists():
        return {"train_seconds": None, "note": "model trained before training times were kept"}
    return json.loads(record.read_text())


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def write_report(result: dict, root: Path = PROJECT_ROOT) -> tuple[Path, Path]:
    out_dir = get_settings().var_dir / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    latest = out_dir / "latest.json"
    latest.write_text(json.dumps(result, indent=2))
    docs = root / "docs"
    plot = docs / "benchmarks-skills.png"
    _plot(result["skills_quality"], plot)
    _plot_latency(result, docs / "benchmarks-latency.png")
    (docs / "benchmarks.md").write_text(_markdown(result, plot.name))
    return latest, docs / "benchmarks.md"


def _plot(quality: dict, path: Path) -> None:
    """Recall@10 of the accepted skills per language, each system, on the test part."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems_results = quality["systems"]
    langs = [lang for lang in ("en", "es", "pt", "all") if lang in systems_results["puente"]]
    systems = list(systems_results)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    width = 0.8 / len(systems)
    for i, system in enumerate(systems):
        per_lang = systems_results[system]
        values = [per_lang[lang]["recall@10"] if lang in per_lang else np.nan for lang in langs]
        ax.bar(np.arange(len(langs)) + i * width, values, width, label=system)
    ax.set_xticks(np.arange(len(langs)) + width * (len(systems) - 1) / 2, langs)
    ax.set_ylabel("recall@10")
    ax.axhline(0.6, color="red", linestyle="--", linewidth=1, label="target")
    ax.set_title(f"Skills a counsellor accepts, in the top 10 ({quality['part']} part)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_latency(r: dict, path: Path) -> None:
    """Skill extraction and whole-turn latency against their targets, one picture."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    names = list(r["skill_latency"])
    x = np.arange(len(names))
    for i, key in enumerate(("p50_ms", "p95_ms")):
        left.bar(x + i * 0.4, [r["skill_latency"][n][key] for n in names], 0.4, label=key[:3])
    left.axhline(80, color="red", linestyle="--", linewidth=1, label="target p95 (5 sentences)")
    left.set_xticks(x + 0.2, names)
    left.set_ylabel("ms")
    left.set_title("Skill extraction (warm)")
    left.legend(fontsize=8)
    levels = r["rest"]["levels"]
    users = [
        f"{level['users']}{' paced' if level.get('think_seconds') else ''}" for level in levels
    ]
    x = np.arange(len(users))
    for i, key in enumerate(("p50_ms", "p95_ms", "p99_ms")):
        right.bar(x + i * 0.27, [level[key] for level in levels], 0.27, label=key[:3])
    right.axhline(300, color="red", linestyle="--", linewidth=1, label="target p95 (10 users)")
    right.set_xticks(x + 0.27, users)
    right.set_xlabel("concurrent users")
    right.set_ylabel("ms")
    right.set_yscale("log")
    right.set_title("Whole turns through REST")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _markdown(r: dict, plot_name: str) -> str:
    from assistant.bench_load import SCRIPT
    from assistant.skills.quality_report import quality_lines

    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` ({r['when']}, {r['machine']['cpus']} cores, "
        f"{r['seconds']} s). Raw numbers: `var/bench/latest.json`.",
        "",
    ]
    lines += quality_lines(r, plot_name)
    lines += [
        "",
        "## Skill extraction latency (warm, one process)",
        "",
        "| text | p50 | p95 | target p95 |",
        "|---|---|---|---|",
    ]
    for name, m in r["skill_latency"].items():
        target = "80 ms" if name.endswith("-5") else ""
        lines.append(f"| {name} sentences | {m['p50_ms']} ms | {m['p95_ms']} ms | {target} |")
    lines += [
        "",
        "## Builds",
        "",
        f"- ESCO import: {r['builds']['esco_import_seconds']} s",
        *[
            f"- index {name}: {v['vectors']:,} vectors, {v['seconds']} s"
            for name, v in r["builds"]["indexes"].items()
        ],
        f"- all indexes: {sum(v['seconds'] for v in r['builds']['indexes'].values()):.0f} s "
        "as recorded when each was last built (target: a full rebuild under 5 minutes; "
        "`assistant index build --rebuild` measures one)",
        f"- peak RSS of the benchmark process: {r['peak_rss_mb']['bench_process']} MB",
        "",
        "## Plans (optimisation after the catalogue query)",
        "",
        *[
            f"- {p['offers']:,} generated offers, {p['gaps']} gaps, "
            f"{p['candidates_after_pruning']} candidates after pruning: "
            f"p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms for the plan and its "
            f"cheapest and fastest alternatives (solver: {', '.join(p['solver'])}; "
            "target: under 1 s for 5,000)"
            for p in _as_list(r["plans"])
        ],
        "",
        "## NLU (Rasa, intent classification, cross-validation)",
        "",
        _nlu_provenance(r["nlu"]),
        "",
        "| lang | intent F1 (weighted) | intent F1 (macro) | examples | folds | target |",
        "|---|---|---|---|---|---|",
        *[
            f"| {lang} | {m['intent_f1_weighted']:.3f} | {m['intent_f1_macro']:.3f} | "
            f"{m['examples']} | {m['folds']} | ≥ 0.90 |"
            for lang, m in _nlu_languages(r["nlu"]).items()
        ],
        "",
        "## Whole turns through the REST channel (real Rasa, action server and web app)",
        "",
        f"Database: {r['rest']['database']}, lock store: {r['rest']['lock_store']}; each user "
        f"holds a complete {len(SCRIPT['es'])}-turn conversation (consent, an experience, "
        "skills review, goal, constraints, plan, wrap-up). Targets: p95 ≤ 300 ms at 10 users, "
        "no errors at 50. Two load models: *at once* — every user sends the next message the "
        "moment a reply arrives, so `users` requests are always in flight (a stress test); "
        "*paced* — every user first pauses 1-3 s (seeded), a quick typist. CPU per turn is what "
        "each server process used, divided by the turns.",
        "",
        "| load | users | turns | p50 | p95 | p99 | turns/s | errors | CPU per turn |",
        "|---|---|---|---|---|---|---|---|---|",
        *[
            f"| {'paced' if m.get('think_seconds') else 'at once'} | {m['users']} | "
            f"{m['turns']} | {m['p50_ms']} ms | {m['p95_ms']} ms | {m['p99_ms']} ms | "
            f"{m['turns_per_second']} | {m['errors']} | "
            + ", ".join(f"{k} {v} ms" for k, v in m.get("cpu_ms_per_turn", {}).items())
            + " |"
            for m in r["rest"]["levels"]
        ],
        "",
        *_queueing_lines(r),
        "",
        "![Latency against the targets](benchmarks-latency.png)",
        "",
        "Peak memory (VmHWM) of the served processes: "
        + ", ".join(f"{k} {v} MB" for k, v in r["rest"]["peak_rss_mb"].items())
        + f"; all together {sum(v or 0 for v in r['rest']['peak_rss_mb'].values()):.0f} MB "
        "(target: under 3 GB).",
        "",
        f"Rasa training (when the served model was built): "
        f"{r['rasa_training'].get('train_seconds')} s.",
        "",
        "## Where the bench's time went",
        "",
        ", ".join(f"{k} {v} s" for k, v in r.get("section_seconds", {}).items()) or "not recorded",
        "",
    ]
    return "\n".join(lines)


def _as_list(plans) -> list[dict]:
    return plans if isinstance(plans, list) else [plans]  # reports before session 4: one size


def _nlu_languages(nlu: dict) -> dict:
    return nlu.get("languages", nlu)  # reports before session 4 held the languages directly


def _nlu_provenance(nlu: dict) -> str:
    if "measured" not in nlu:
        return "Measured in this run."
    if nlu.get("reused"):
        return (
            f"Measured on {nlu['measured']} and reused: the data, config.yml and Rasa lock "
            "file are unchanged since (`assistant bench --fresh-nlu` measures again)."
        )
    return f"Measured in this run ({nlu['measured']})."


def _queueing_lines(r: dict) -> list[str]:
    """What the turns cost alone, and the floor queueing puts under the *at once* levels."""
    levels = r["rest"]["levels"]
    alone = next((m for m in levels if m["users"] == 1 and not m.get("think_seconds")), None)
    lines = []
    if alone and alone.get("step_p50_ms"):
        steps = alone["step_p50_ms"]
        lines.append(
            "One user alone, the median of each step of the script: "
            + ", ".join(f"{i + 1}: {ms} ms" for i, ms in enumerate(steps))
            + " (3 is the experience, read by the skill engine; 6 the goal, searched among "
            "occupations; 10 the plan)."
        )
    cores = r["machine"]["cpus"] or 1
    for m in levels:
        cpu = sum(m.get("cpu_ms_per_turn", {}).values())
        if m.get("think_seconds") or m["users"] == 1 or not cpu:
            continue
        lines.append(
            f"At once with {m['users']} users, {m['users']} turns are in flight all the time "
            "(but while a chart is fetched), so the mean turn takes users / throughput "
            f"(Little's law). Every turn costs {cpu:.0f} ms of CPU across the servers, so "
            f"{cores} cores finish at most {1000 * cores / cpu:.1f} turns/s and the mean cannot "
            f"fall below {m['users'] * cpu / cores:.0f} ms (less the chart fetches), however "
            "the work is scheduled."
        )
    return lines
