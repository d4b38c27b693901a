"""Import every model module so Base.metadata knows all tables (Alembic, tests)."""

from assistant.db import catalogue_models, conversation_models, taxonomy_models  # noqa: F401
