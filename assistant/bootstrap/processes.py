"""How the three servers (Rasa, the action server, the web app) are started: their
environment from Puente's settings, and their command lines from the Procfile."""

from __future__ import annotations

from pathlib import Path

from assistant.bootstrap.rasa_model import QUIET_RASA
from assistant.config import PROJECT_ROOT, Settings


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
        # Rasa's TensorFlow on one thread per operation: DIET's tensors for one message are
        # tiny, and handing them between thread pools cost more than it saved (alternating
        # runs, 2 users x 40 turns: Rasa's CPU per turn 24.6-29.3 ms against 29.0-31.4)
        "TF_INTER_OP_PARALLELISM_THREADS": "1",
        "TF_INTRA_OP_PARALLELISM_THREADS": "1",
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
