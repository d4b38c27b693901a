"""NLU quality: Rasa's intent classification cross-validated per language (`rasa test nlu`,
in .venv-rasa), reused from the cache while its inputs are unchanged."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from assistant.config import PROJECT_ROOT

NLU_FOLDS = 3  # 2 folds train on half the data: en F1 0.882 vs 0.920 with 3
NLU_INPUTS = ("nlu_data/nlu_es.yml", "nlu_data/nlu_en.yml", "config.yml", "requirements/rasa.lock")


def nlu_cross_validation(
    folds: int = NLU_FOLDS, cache_dir: Path | None = None, fresh: bool = False
) -> dict:
    """Intent F1 per language by cross-validation, reused from `cache_dir` while its inputs
    (both languages' data, config.yml, the Rasa lock file, the folds) are unchanged: it is the
    bench's most expensive part and a pure function of those inputs (DIET's seed is fixed)."""
    digest = hashlib.sha256(str(folds).encode())
    for name in NLU_INPUTS:
        digest.update((PROJECT_ROOT / name).read_bytes())
    cached = cache_dir / "bench" / f"nlu-{digest.hexdigest()[:20]}.json" if cache_dir else None
    if cached and cached.exists() and not fresh:
        result = json.loads(cached.read_text())
        return {**result, "reused": True}
    result = {
        "languages": _run_cross_validation(folds),
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs_sha256": digest.hexdigest(),
    }
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result, indent=2))
    return {**result, "reused": False}


def _run_cross_validation(folds: int) -> dict:
    """`rasa test nlu --cross-validation` on each language's data (the project's pipeline,
    config.yml), weighted and macro averages over the folds. The two languages run at once
    (one process each), which roughly halves the wall time on 2 cores."""
    rasa = PROJECT_ROOT / ".venv-rasa/bin/rasa"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as logs:
        started = time.perf_counter()
        running = {
            lang: subprocess.Popen(
                [
                    str(rasa),
                    "test",
                    "nlu",
                    "--nlu",
                    f"nlu_data/nlu_{lang}.yml",
                    "--config",
                    "config.yml",
                    "--cross-validation",
                    "--folds",
                    str(folds),
                    "--out",
                    str(Path(tmp) / lang),
                ],
                cwd=PROJECT_ROOT,
                # each its own training cache: two processes creating Rasa's default one
                # (./.rasa/cache) at once on a fresh clone made one of them fail
                env={**env, "RASA_CACHE_DIRECTORY": str(Path(tmp) / f"cache-{lang}")},
                stdout=logs.enter_context((Path(tmp) / f"{lang}.log").open("w")),
                stderr=subprocess.STDOUT,
            )
            for lang in ("es", "en")
        }
        for lang, proc in running.items():
            if proc.wait(timeout=7200) != 0:
                tail = (Path(tmp) / f"{lang}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(
                    f"rasa test nlu failed for {lang} (exit {proc.returncode}); its output "
                    f"ended:\n{tail}"
                )
            report = json.loads((Path(tmp) / lang / "intent_report.json").read_text())
            out[lang] = {
                "intent_f1_weighted": round(report["weighted avg"]["f1-score"], 3),
                "intent_f1_macro": round(report["macro avg"]["f1-score"], 3),
                "examples": int(report["weighted avg"]["support"]),
                "folds": folds,
                "seconds": round(time.perf_counter() - started, 1),
            }
    return out


# -- the served model on held-out examples --------------------------------------------------
HELD_OUT = {lang: f"tests/dialogue/nlu_stories_{lang}.yml" for lang in ("es", "en")}
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


NEAR = 0.85  # difflib ratio from which a test turn counts as a training example reworded


def plain(text: str) -> str:
    """An example's text without its entity annotations, as a person typed it."""
    return " ".join(_ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", text).split())


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", plain(text).lower()).split())


def held_out_examples(lang: str) -> tuple[list[tuple[str, str]], int]:
    """(text as annotated, intent) of each user turn of the language's test stories that is
    neither a training example of either language nor one lightly reworded (same words but
    for punctuation and case, or a difflib ratio >= NEAR); and how many were dropped so."""
    import difflib

    training: list[str] = []
    for name in ("nlu_data/nlu_es.yml", "nlu_data/nlu_en.yml"):
        for block in yaml.safe_load((PROJECT_ROOT / name).read_text()).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    training.append(_words(line.strip()[2:]))
    exact = set(training)
    stories = yaml.safe_load((PROJECT_ROOT / HELD_OUT[lang]).read_text())["stories"]
    kept, dropped = [], 0
    for story in stories:
        for step in story["steps"]:
            if "user" not in step:
                continue
            text = " ".join(step["user"].split())
            words = _words(text)
            if words in exact or difflib.get_close_matches(words, training, n=1, cutoff=NEAR):
                dropped += 1
            else:
                kept.append((text, step["intent"]))
    return kept, dropped


def served_model_held_out(model: Path, cache_dir: Path | None = None) -> dict:
    """Intent F1 of the model Puente serves (one bilingual DIET trained on all of
    nlu_data/) on the user turns of the test stories, per language: examples written apart
    from the training data, any that equal a training example dropped. Reused from the
    cache while the model and the stories are unchanged."""
    digest = hashlib.sha256(model.name.encode())
    for name in HELD_OUT.values():
        digest.update((PROJECT_ROOT / name).read_bytes())
    cached = (
        cache_dir / "bench" / f"nlu-served-{digest.hexdigest()[:20]}.json" if cache_dir else None
    )
    if cached and cached.exists():
        return {**json.loads(cached.read_text()), "reused": True}
    rasa = PROJECT_ROOT / ".venv-rasa/bin/rasa"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for lang in HELD_OUT:
            examples, dropped = held_out_examples(lang)
            by_intent: dict[str, list[str]] = {}
            for text, intent in examples:
                by_intent.setdefault(intent, []).append(text)
            data = Path(tmp) / f"held_out_{lang}.yml"
            data.write_text(
                yaml.safe_dump(
                    {
                        "version": "3.1",
                        "nlu": [
                            {"intent": i, "examples": "".join(f"- {t}\n" for t in texts)}
                            for i, texts in sorted(by_intent.items())
                        ],
                    },
                    allow_unicode=True,
                    sort_keys=False,
                )
            )
            done = subprocess.run(
                [str(rasa), "test", "nlu", "--model", str(model), "--nlu", str(data)]
                + ["--out", str(Path(tmp) / lang)],
                cwd=PROJECT_ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=1800,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"rasa test nlu (served model, {lang}): {done.stderr[-500:]}")
            report = json.loads((Path(tmp) / lang / "intent_report.json").read_text())
            out[lang] = {
                "intent_f1_weighted": round(report["weighted avg"]["f1-score"], 3),
                "intent_f1_macro": round(report["macro avg"]["f1-score"], 3),
                "accuracy": round(report.get("accuracy", 0.0), 3),
                "examples": len(examples),
                "dropped_as_training": dropped,
            }
    result = {
        "model": model.name,
        "languages": out,
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result, indent=2))
    return {**result, "reused": False}
