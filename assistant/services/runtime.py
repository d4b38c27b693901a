"""Everything `make run` and `make test` need before servers start, built only when missing:
schema, ESCO tables, indexes and the trained Rasa model (cached by a hash of its inputs)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings, get_settings
from assistant.errors import PuenteError

log = logging.getLogger(__name__)
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
) -> Path:
    """Return the trained model for the current inputs, training it only if it is missing."""
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
    done = subprocess.run(cmd, cwd=root, env=env)
    partial = models / f"{name}-{model_hash}-partial.tar.gz"
    if done.returncode != 0 or not partial.exists():
        raise RasaTrainingError(f"rasa train failed (exit {done.returncode}) for {root / data}")
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


def rasa_tracker_url(settings: Settings) -> str:
    """Rasa 3.6 runs SQLAlchemy 1.4 with psycopg2: same database, its own driver spelling."""
    url = settings.sqlalchemy_url
    return url.replace("postgresql+psycopg://", "postgresql://")


def process_environment(
    settings: Settings, model: Path, ports: dict[str, int] | None = None
) -> dict[str, str]:
    """Environment for the three processes: Rasa reads ${...} from endpoints.yml."""
    ports = ports or {}
    rasa_port = ports.get("rasa", settings.rasa_port)
    action_port = ports.get("action", settings.action_port)
    web_port = ports.get("web", settings.web_port)
    return {
        "PUENTE_ENVIRONMENT": settings.environment,
        "PUENTE_HOST": settings.host,
        "PUENTE_RASA_PORT": str(rasa_port),
        "PUENTE_ACTION_PORT": str(action_port),
        "PUENTE_WEB_PORT": str(web_port),
        "PUENTE_RASA_MODEL": str(model),
        "PUENTE_RASA_URL": f"http://{settings.host}:{rasa_port}",
        "PUENTE_ACTION_ENDPOINT": f"http://{settings.host}:{action_port}/webhook",
        "PUENTE_TRACKER_URL": rasa_tracker_url(settings),
        "PUENTE_RASA_JWT_SECRET": settings.rasa_jwt_secret.get_secret_value(),
        "PUENTE_WIDGET_JWT_SECRET": settings.widget_jwt_secret.get_secret_value(),
        "PUENTE_ALLOWED_ORIGINS": settings.allowed_origins
        or f"http://{settings.host}:{web_port},http://localhost:{web_port}",
        "PUENTE_MAX_MESSAGE_CHARS": str(settings.max_message_chars),
        "PUENTE_RATE_PER_SENDER": str(settings.rate_per_sender),
        "PUENTE_RATE_PER_IP": str(settings.rate_per_ip),
        "PUENTE_TRUSTED_PROXIES": settings.trusted_proxies,
        # Rasa's lock store and the channels' rate limits; empty: in this process's memory
        "PUENTE_REDIS_URL": settings.redis_url,
        # Sanic reads SANIC_* into its config: Rasa's server refuses bodies above this (413)
        "SANIC_REQUEST_MAX_SIZE": str(settings.max_request_bytes),
        # credentials.yml reads these; empty values leave the WhatsApp channel switched off
        "PUENTE_WHATSAPP_VERIFY_TOKEN": settings.whatsapp_verify_token.get_secret_value(),
        "PUENTE_WHATSAPP_APP_SECRET": settings.whatsapp_app_secret.get_secret_value(),
        "PUENTE_WHATSAPP_ACCESS_TOKEN": settings.whatsapp_access_token.get_secret_value(),
        "PUENTE_WHATSAPP_PHONE_NUMBER_ID": settings.whatsapp_phone_number_id,
        "PUENTE_WHATSAPP_API_URL": settings.whatsapp_api_url,
        "PUENTE_WHATSAPP_TEMPLATE": settings.whatsapp_template,
        "PUENTE_TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "PUENTE_TWILIO_AUTH_TOKEN": settings.twilio_auth_token.get_secret_value(),
        "PUENTE_TWILIO_NUMBER": settings.twilio_number,
        "PUENTE_TWILIO_API_URL": settings.twilio_api_url,
        "PUENTE_TWILIO_WEBHOOK_URL": settings.twilio_webhook_url,
        "SANIC_HOST": settings.host,
        "PYTHONPATH": str(PROJECT_ROOT),
        **QUIET_RASA,
    }


def procfile_commands(env: dict[str, str], root: Path = PROJECT_ROOT) -> dict[str, list[str]]:
    """The three servers' command lines, from the Procfile (their one definition: `assistant
    run`, the tests' servers and the load bench all start them from it), with `$VARIABLES`
    taken from `env` (`process_environment`'s) and paths made absolute."""
    import re
    import shlex

    def expand(token: str) -> str:
        return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), token)

    commands = {}
    for line in (root / "Procfile").read_text().splitlines():
        if ":" not in line or line.lstrip().startswith("#"):
            continue
        name, command = line.split(":", 1)
        argv = [expand(token) for token in shlex.split(command)]
        if argv and argv[0].startswith("."):
            argv[0] = str(root / argv[0])
        commands[name.strip()] = argv
    return commands


def setup_all(train: bool = True) -> Path | None:
    """Build whatever is missing; cheap when nothing changed."""
    from assistant.db.migrate import upgrade
    from assistant.db.session import session_scope
    from assistant.services.skills import build_indexes
    from assistant.taxonomy.importer import import_esco
    from assistant.taxonomy.labels import configured_label_dirs, import_labels

    settings = get_settings()
    upgrade()
    with session_scope() as session:
        result = import_esco(session, settings.esco_dir)
    print(
        f"ESCO v{result.version}: {'up to date' if result.skipped else 'imported'}", file=sys.stderr
    )
    with session_scope() as session:  # every language's labels (PUENTE_ESCO_LABELS_DIRS)
        sets = import_labels(session, configured_label_dirs(settings.esco_labels_dirs))
    print(
        "ESCO labels: "
        + ", ".join(
            f"{s.source} ({s.language}) {'up to date' if s.skipped else 'imported'}" for s in sets
        ),
        file=sys.stderr,
    )
    from assistant.progress import progress_bar

    build_indexes(progress_bar)
    setup_demo_catalogue(settings, progress_bar)
    return ensure_rasa_model(settings) if train else None


DEMO_CATALOGUE = PROJECT_ROOT / "catalogue_index" / "sources" / "demo_catalogue.jsonl"


def setup_demo_catalogue(settings: Settings, progress_factory=None) -> None:
    """Import (and tag) the demo catalogue when it is missing or changed; index the offers."""
    from assistant.catalogue.service import import_file, offer_index
    from assistant.db.session import session_scope
    from assistant.services.skills import get_skill_engine

    with session_scope() as session:
        outcome = import_file(
            session, DEMO_CATALOGUE, get_skill_engine(), source="demo", only_if_changed=True
        )
    print(
        f"demo catalogue: {'up to date' if outcome.skipped else 'imported'} "
        f"({outcome.counts.get('valid', 0)} offers)",
        file=sys.stderr,
    )
    with session_scope() as session:
        progress = progress_factory("offers index") if progress_factory else None
        offer_index(session, settings.index_dir, settings.cache_dir, progress)
