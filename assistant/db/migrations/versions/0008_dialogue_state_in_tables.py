"""the dialogue's state in Puente's tables, not in Rasa's tracker: a version counter on each
conversation (every write is a compare-and-set on it) and a short-lived table for the state of
workers who have not consented

Existing conversations keep their stored state (version 1). Trackers whose `puente_state` slot
still holds a whole state are moved by the action itself, once, on their next turn (the slot
then holds only a reference): Rasa's events are not rewritten here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "anonymous_state",
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_hash"),
    )
    op.create_index("ix_anonymous_state_updated_at", "anonymous_state", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_anonymous_state_updated_at", table_name="anonymous_state")
    op.drop_table("anonymous_state")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("version")
