"""`run_bench`: every section of the bench in turn, each timed (`section_seconds`), into one
result that `assistant.bench.report.write_report` writes out."""

from __future__ import annotations

import platform
import resource
import time
from datetime import UTC, datetime

from assistant.bench.builds import esco_import_seconds, index_builds, rasa_training
from assistant.bench.extraction import skill_latency
from assistant.bench.load import rest_turns
from assistant.bench.long_conversation import long_conversation
from assistant.bench.nlu import nlu_cross_validation, served_model_held_out
from assistant.bench.plans import plan_latency
from assistant.config import get_settings


def run_bench(fresh_nlu: bool = False) -> dict:
    from assistant.bootstrap.rasa_model import ensure_rasa_model
    from assistant.evaluation.gaps import run_gap_evaluation
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
        "gaps_quality": timed("gaps_quality", lambda: run_gap_evaluation(refresh_catalogue=False)),
        "rest": timed("rest", rest_turns),
        "long_conversation": timed("long_conversation", lambda: long_conversation("es")),
        "rasa_training": rasa_training(),
        "nlu": timed(
            "nlu",
            lambda: nlu_cross_validation(cache_dir=get_settings().cache_dir, fresh=fresh_nlu),
        ),
        "nlu_served": timed(
            "nlu_served",
            lambda: served_model_held_out(ensure_rasa_model(), get_settings().cache_dir),
        ),
    }
    result["section_seconds"] = sections
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))
