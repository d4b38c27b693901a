"""Secrets fail closed: one rule (edge.secrets), used by the engine's settings and by the
connectors Rasa loads (which never import the engine)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from assistant.config import Settings, secret_problem
from assistant.errors import ConfigurationError
from connectors import identity

VALUES = ["", "   ", "dev-only-change-me", "change-me", "short", "x" * 31, "x" * 32, "é" * 16]


@pytest.mark.parametrize("value", VALUES)
def test_both_sides_use_the_one_rule(value):
    # GIVEN any value WHEN the settings and the connectors judge it THEN by the same function
    assert secret_problem is identity.secret_problem
    assert secret_problem(value) in (None, "is not set", "is a published default value") or (
        "bytes" in secret_problem(value)
    )


def test_a_long_random_value_is_a_secret_and_a_published_one_never_is():
    assert secret_problem("k" * 48) is None
    assert "published" in secret_problem("dev-only-change-me")
    assert "32 bytes" in secret_problem("x" * 31)


def test_production_settings_name_the_weak_variable(tmp_path):
    # GIVEN production settings whose widget secret is short
    settings = Settings(
        environment="production",
        home=tmp_path,
        rasa_jwt_secret=SecretStr("r" * 48),
        widget_jwt_secret=SecretStr("short"),
    )
    # WHEN a serving process checks them THEN it stops, naming the variable
    with pytest.raises(ConfigurationError, match="PUENTE_WIDGET_JWT_SECRET is shorter"):
        settings.require_secrets()


def test_development_generates_missing_secrets_once_and_keeps_them(tmp_path):
    # GIVEN a development machine with no secrets set
    unset = {"rasa_jwt_secret": SecretStr(""), "widget_jwt_secret": SecretStr("")}
    first = Settings(environment="development", home=tmp_path, **unset).with_development_secrets()
    again = Settings(environment="development", home=tmp_path, **unset).with_development_secrets()
    # THEN real secrets were generated, kept under var/ (private), and reused
    first.require_secrets()
    assert first.rasa_jwt_secret.get_secret_value() == again.rasa_jwt_secret.get_secret_value()
    assert first.rasa_jwt_secret.get_secret_value() != first.widget_jwt_secret.get_secret_value()
    assert oct((tmp_path / "var" / "dev-secrets.json").stat().st_mode & 0o777) == "0o600"
    # AND production never generates anything
    prod = Settings(environment="production", home=tmp_path, **unset).with_development_secrets()
    with pytest.raises(ConfigurationError, match="PUENTE_RASA_JWT_SECRET is not set"):
        prod.require_secrets()
