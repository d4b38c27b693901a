"""counsellor console: failed logins, account lockouts, sessions' last request

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_console_login_failure_at", "console_login_failure", ["at"])
    op.create_index("ix_console_login_failure_account", "console_login_failure", ["account"])
    op.create_index("ix_console_login_failure_ip", "console_login_failure", ["ip"])
    op.create_table(
        "console_lockout",
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account"),
    )
    # sessions that exist when this runs have no last request: they count as idle (sign in again)
    op.add_column(
        "counsellor_session", sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("counsellor_session") as batch:
        batch.drop_column("last_seen")
    op.drop_table("console_lockout")
    op.drop_index("ix_console_login_failure_ip", table_name="console_login_failure")
    op.drop_index("ix_console_login_failure_account", table_name="console_login_failure")
    op.drop_index("ix_console_login_failure_at", table_name="console_login_failure")
    op.drop_table("console_login_failure")
