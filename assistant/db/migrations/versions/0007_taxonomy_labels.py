"""multilingual taxonomy labels: one row per (concept, language, kind, source, label), and a
record of each label source imported (ESCO language releases, Puente's own labels)

The tables start empty; `assistant taxonomy import` and `assistant setup` fill them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taxonomy_label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uri", sa.String(length=200), nullable=False),
        sa.Column("concept", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("taxonomy_label", schema=None) as batch_op:
        batch_op.create_index("ix_taxonomy_label_lookup", ["uri", "language", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_taxonomy_label_source"), ["source"], unique=False)

    op.create_table(
        "taxonomy_label_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "language", name="uq_label_set_source"),
    )


def downgrade() -> None:
    op.drop_table("taxonomy_label_set")
    with op.batch_alter_table("taxonomy_label", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taxonomy_label_source"))
        batch_op.drop_index("ix_taxonomy_label_lookup")
    op.drop_table("taxonomy_label")
