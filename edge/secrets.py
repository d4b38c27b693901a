"""What counts as a secret (both sides fail closed on the same rule), and the audiences of
the tokens the web app issues and the channels accept."""

from __future__ import annotations

# Values that were published (in this repository's history or its docs): never a secret.
PUBLISHED_SECRETS = frozenset({"dev-only-change-me", "change-me", "changeme", "secret"})
MIN_SECRET_BYTES = 32

WIDGET_AUDIENCE = "puente-widget"  # the widget's socket
REST_AUDIENCE = "puente-rest"  # the REST channel's chat sessions


def secret_problem(value: str) -> str | None:
    """Why a value cannot be a secret, or None."""
    if not value.strip():
        return "is not set"
    if value in PUBLISHED_SECRETS:
        return "is a published default value"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    return None
