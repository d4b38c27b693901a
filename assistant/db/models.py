"""Import every model module so Base.metadata knows all tables (Alembic, tests)."""

from assistant.db import (  # noqa: F401
    access_models,
    catalogue_models,
    console_models,
    conversation_models,
    taxonomy_models,
)
