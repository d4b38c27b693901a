"""The trained Rasa model for the current inputs (config, domain, NLU data, Rasa's lock file),
cached under a hash of them and trained only when missing; its training time kept beside it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings, get_settings
from assistant.errors import PuenteError

RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
# No telemetry or Sentry reports (nothing may leave the machine), and quieter logs.
QUIET_RASA = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}
RASA_INPUTS = ("config.yml", "domain.yml", "nlu_data", "requirements/rasa.lock")


class RasaTrainingError(PuenteError):
    """`rasa train` failed."""


def _hash_paths(root: Path, names: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in names:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.exists() or "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def rasa_model_hash(root: Path = PROJECT_ROOT, inputs: tuple[str, ...] = RASA_INPUTS) -> str:
    return _hash_paths(root, inputs)[:20]


def ensure_rasa_model(
    settings: Settings | None = None,
    root: Path = PROJECT_ROOT,
    data: str = "nlu_data",
    domain: str = "domain.yml",
    config: str = "config.yml",
    inputs: tuple[str, ...] = RASA_INPUTS,
    name: str = "puente",
    log: Path | None = None,
) -> Path:
    """Return the trained model for the current inputs, training it only if it is missing;
    `log`: where Rasa's own output goes (setup trains Rasa beside other work)."""
    settings = settings or get_settings()
    if settings.rasa_model_file is not None and name == "puente":
        if not settings.rasa_model_file.is_file():
            raise RasaTrainingError(
                f"PUENTE_RASA_MODEL_FILE: no such file {settings.rasa_model_file}"
            )
        return settings.rasa_model_file
    model_hash = rasa_model_hash(root, inputs)
    models = settings.cache_dir / "rasa-models"
    model = models / f"{name}-{model_hash}.tar.gz"
    if model.exists():
        return model
    if not RASA_BIN.exists():
        raise RasaTrainingError(f"{RASA_BIN} is missing: run `make setup` first")
    models.mkdir(parents=True, exist_ok=True)
    print(
        f"training the Rasa model {name} (inputs changed or no cached model) ...",
        file=sys.stderr,
        flush=True,
    )
    cmd = [
        str(RASA_BIN),
        "train",
        "--config",
        config,
        "--domain",
        domain,
        "--data",
        data,
        "--out",
        str(models),
        "--fixed-model-name",
        f"{name}-{model_hash}-partial",
    ]
    # Rasa's training cache defaults to ./.rasa/cache in the project; keep it with our cache.
    env = {
        **os.environ,
        **QUIET_RASA,
        "RASA_CACHE_DIRECTORY": str(settings.cache_dir / "rasa-training-cache"),
    }
    started = time.perf_counter()
    if log is None:
        done = subprocess.run(cmd, cwd=root, env=env)
    else:
        print(f"  (Rasa's output: {log})", file=sys.stderr, flush=True)
        with log.open("w") as out:
            done = subprocess.run(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    partial = models / f"{name}-{model_hash}-partial.tar.gz"
    if done.returncode != 0 or not partial.exists():
        where = f"; its output: {log}" if log else ""
        raise RasaTrainingError(
            f"rasa train failed (exit {done.returncode}) for {root / data}{where}"
        )
    shutil.move(partial, model)
    # how long it took, for the benchmark report (training is not repeated there)
    training_record(model).write_text(
        json.dumps(
            {"train_seconds": round(time.perf_counter() - started, 1), "cpus": os.cpu_count()}
        )
    )
    return model


def training_record(model: Path) -> Path:
    return model.with_name(model.name.removesuffix(".tar.gz") + ".training.json")
