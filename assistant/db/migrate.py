"""Apply Alembic migrations from code (setup, tests, `assistant db upgrade`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from assistant.config import PROJECT_ROOT, get_settings


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "assistant/db/migrations"))
    config.set_main_option(
        "sqlalchemy.url", (url or get_settings().sqlalchemy_url).replace("%", "%%")
    )
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    if (url or get_settings().sqlalchemy_url).startswith("sqlite"):
        get_settings().var_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)
