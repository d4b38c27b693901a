"""identity and access: channel-namespaced conversation keys, longer resume codes, API keys,
share links and resume-code attempts

Existing conversations are re-keyed, not lost: each conversation's channel id is found among
Rasa's tracker events (ours is only a hash of it) and namespaced by its channel
(`whatsapp:+57...`, `twilio:...`, `widget:...`, `rest:...`); its Rasa events and open handoff
follow it. A conversation whose events are gone (retention) keeps its row and is reached by
its new code. Every conversation gets a new 12-character code: the old 6-character ones
(~30 bits) could be guessed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00
"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copies of the rules at the time of this migration (live code may change later).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def _hash(sender_id: str) -> str:
    return hashlib.sha256(f"puente:{sender_id}".encode()).hexdigest()


def namespaced(channel: str, sender: str) -> str:
    if channel == "whatsapp":
        return "whatsapp:+" + sender.removeprefix("whatsapp:").lstrip("+")
    prefix = {"socketio": "widget:", "twilio": "twilio:"}.get(channel, f"{channel or 'rest'}:")
    return sender if sender.startswith(prefix) else prefix + sender


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken and any(c.isdigit() for c in code) and not code.isdigit():
            taken.add(code)
            return code


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_key_key_hash", "api_key", ["key_hash"], unique=True)
    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_share_link_conversation_id", "share_link", ["conversation_id"])
    op.create_index("ix_share_link_token_hash", "share_link", ["token_hash"], unique=True)
    op.create_table(
        "code_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_code_attempt_at", "code_attempt", ["at"])
    op.create_index("ix_code_attempt_sender_hash", "code_attempt", ["sender_hash"])
    op.create_index("ix_code_attempt_address_hash", "code_attempt", ["address_hash"])
    with op.batch_alter_table("conversation") as batch:
        batch.alter_column(
            "resume_code", type_=sa.String(length=16), existing_type=sa.String(length=8)
        )
    _rekey_conversations()


def _rekey_conversations() -> None:
    bind = op.get_bind()
    has_events = sa.inspect(bind).has_table("events")
    clear: dict[str, str] = {}
    if has_events:
        for (sender,) in bind.execute(sa.text("SELECT DISTINCT sender_id FROM events")):
            clear[_hash(sender)] = sender
    rows = bind.execute(
        sa.text("SELECT id, sender_hash, channel, state FROM conversation")
    ).fetchall()
    taken: set[str] = set()
    conversation = sa.table(
        "conversation",
        sa.column("id", sa.String),
        sa.column("sender_hash", sa.String),
        sa.column("resume_code", sa.String),
        sa.column("state", sa.JSON),
    )
    for conv_id, old_hash, channel, state in rows:
        code = _new_code(taken)
        values = {"resume_code": code}
        if isinstance(state, str):  # SQLite hands JSON back as text here
            import json

            state = json.loads(state)
        if isinstance(state, dict):
            values["state"] = {**state, "resume_code": code}
        old = clear.get(old_hash)
        if old is not None:
            new = namespaced(channel, old)
            values["sender_hash"] = _hash(new)
            params = {"new": new, "old": old}
            bind.execute(
                sa.text("UPDATE events SET sender_id = :new WHERE sender_id = :old"), params
            )
            bind.execute(
                sa.text("UPDATE handoff SET sender_id = :new WHERE sender_id = :old"), params
            )
        bind.execute(conversation.update().where(conversation.c.id == conv_id).values(**values))


def downgrade() -> None:
    # Codes and keys cannot be shortened back; the new tables go.
    op.drop_table("code_attempt")
    op.drop_table("share_link")
    op.drop_table("api_key")
