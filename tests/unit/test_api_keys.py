"""API keys (assistant/access/api_keys.py) on a real, migrated, throw-away SQLite database:
what is stored (a hash and a prefix, never the key), scopes, verification, revocation, and
last_used_at written at most once a minute."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.access import api_keys
from assistant.db.access_models import ApiKey
from assistant.db.session import session_scope

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def db():
    from assistant.db.migrate import upgrade

    upgrade()


def make(name: str = "partner", scopes=("api",)) -> tuple[int, str]:
    with session_scope() as session:
        row, key = api_keys.create(session, name, scopes, now=T0)
        return row.id, key


def stored(key_id: int) -> ApiKey:
    with session_scope() as session:
        return session.get(ApiKey, key_id)


def test_a_new_key_is_random_and_only_its_hash_and_prefix_are_stored(db):
    """GIVEN two keys made with the same name
    WHEN their rows are read back
    THEN each key is "pk_" + 43 URL-safe characters, different from the other; the row keeps
    its first 10 characters and the sha256 hex of the whole key, and no column holds it."""
    first_id, first = make("same name")
    second_id, second = make("same name")
    assert first != second
    for key_id, key in ((first_id, first), (second_id, second)):
        assert key.startswith("pk_") and len(key) == 46
        row = stored(key_id)
        assert row.prefix == key[:10]
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert row.scopes == "api" and row.created_at is not None
        assert row.last_used_at is None and row.revoked_at is None
        columns = [str(getattr(row, c.key)) for c in ApiKey.__table__.columns]
        assert not any(key in value for value in columns)


def test_scopes_are_checked_and_stored_comma_separated(db):
    """GIVEN scopes asked for in any order, repeated or in capitals
    WHEN the key is made
    THEN they are stored once each, as "api,chat"; an unknown scope, no scope, an empty name
    or a name over 100 characters is refused with a message and nothing is stored."""
    key_id, _ = make("both", ["chat", "API", "chat"])
    assert stored(key_id).scopes == "api,chat"
    assert stored(make("chat only", ["chat"])[0]).scopes == "chat"
    with session_scope() as session:
        before = len(api_keys.list_keys(session))
    for name, scopes, message in (
        ("x", ["admin"], "unknown scope 'admin'"),
        ("x", [], "at least one scope"),
        ("   ", ["api"], "give the key a name"),
        ("n" * 101, ["api"], "longer than 100"),
    ):
        with pytest.raises(api_keys.ApiKeyError, match=message), session_scope() as session:
            api_keys.create(session, name, scopes)
    with session_scope() as session:
        assert len(api_keys.list_keys(session)) == before


def test_verify_accepts_only_a_known_unrevoked_key_with_the_scope(db):
    """GIVEN an api key and a chat-only key
    WHEN they are verified for a scope, and so are made-up, altered and foreign strings
    THEN only a key with that scope is returned; `find` still knows the chat key (so the web
    app can tell 403 from 401); everything else is None."""
    api_id, api_key = make("api key")
    chat_id, chat_key = make("chat key", ["chat"])
    with session_scope() as session:
        assert api_keys.verify(session, api_key, "api").id == api_id
        assert api_keys.verify(session, chat_key, "chat").id == chat_id
        assert api_keys.verify(session, chat_key, "api") is None
        assert api_keys.verify(session, api_key, "chat") is None
        assert api_keys.find(session, chat_key).id == chat_id
        for other in (
            api_key[:-1] + ("A" if api_key[-1] != "A" else "B"),  # one character changed
            api_key + "x",
            "pk_" + "A" * 43,
            "",
            "Bearer " + api_key,
            api_keys.hash_key(api_key),  # the stored hash is not a key
            "pk_" + "x" * 10_000,
        ):
            assert api_keys.verify(session, other, "api") is None
            assert api_keys.find(session, other) is None


def test_revoked_keys_are_refused_and_stay_listed(db):
    """GIVEN a key that works
    WHEN it is revoked, twice, and an id that does not exist is revoked
    THEN the key no longer verifies, its first revocation time is kept, it is still listed
    (revoked), and the unknown id gives False."""
    key_id, key = make("to revoke")
    with session_scope() as session:
        assert api_keys.verify(session, key, "api") is not None
        assert api_keys.revoke(session, key_id, now=T0) is True
    with session_scope() as session:
        assert api_keys.revoke(session, key_id, now=T0 + timedelta(days=1)) is True
        assert api_keys.revoke(session, 999_999) is False
    with session_scope() as session:
        assert api_keys.verify(session, key, "api") is None
        assert api_keys.find(session, key) is None
        listed = {row.id: api_keys.describe(row) for row in api_keys.list_keys(session)}
    assert listed[key_id]["revoked"] is True
    assert listed[key_id]["revoked_at"] == T0.isoformat(timespec="seconds")


def test_last_use_is_written_at_most_once_a_minute(db):
    """GIVEN a key never used
    WHEN it is verified at T, T+30s, T+59s, T+60s and T+61s, and refused for a scope it lacks
    at T+10min
    THEN last_used_at is T until a minute has passed, then T+60s; a refused use writes
    nothing."""
    key_id, key = make("busy")
    t = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    expected = [t, t, t, t + timedelta(seconds=60), t + timedelta(seconds=60)]
    for offset, want in zip((0, 30, 59, 60, 61), expected, strict=True):
        with session_scope() as session:
            assert api_keys.verify(session, key, "api", now=t + timedelta(seconds=offset))
        last = stored(key_id).last_used_at
        assert last.replace(tzinfo=last.tzinfo or UTC) == want, offset
    with session_scope() as session:
        assert api_keys.verify(session, key, "chat", now=t + timedelta(minutes=10)) is None
    last = stored(key_id).last_used_at
    assert last.replace(tzinfo=last.tzinfo or UTC) == t + timedelta(seconds=60)


def test_the_list_is_oldest_first_and_never_shows_the_hash(db):
    """GIVEN keys made one after another
    WHEN they are listed and described
    THEN they come oldest first, and a description has id, name, prefix, scopes and times,
    but neither the key nor its hash."""
    ids = [make(f"listed {n}")[0] for n in range(3)]
    with session_scope() as session:
        rows = api_keys.list_keys(session)
        hashes = {row.key_hash for row in rows}
        described = [api_keys.describe(row) for row in rows]
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    assert ids == [d["id"] for d in described if d["name"].startswith("listed ")]
    assert set(described[0]) == {
        "id",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked",
    }
    assert not any(h in str(described) for h in hashes)


def test_the_table_is_the_one_the_migration_made(db):
    """GIVEN the migrated database
    WHEN a key is made
    THEN it is found by its hash with a plain query (as the Rasa side reads it)."""
    key_id, key = make("raw")
    with session_scope() as session:
        found = session.execute(
            select(ApiKey.id, ApiKey.scopes, ApiKey.revoked_at).where(
                ApiKey.key_hash == hashlib.sha256(key.encode()).hexdigest()
            )
        ).one()
    assert found == (key_id, "api", None)


# -- the command line ---------------------------------------------------------------------------


def run_cli(*args: str):
    from typer.testing import CliRunner

    from assistant.cli import apikey_cmd

    return CliRunner().invoke(apikey_cmd.app, list(args))


def test_the_cli_prints_a_new_key_once_and_lists_only_its_prefix(db):
    """GIVEN the `assistant apikey` commands
    WHEN a key is created without --json, then the keys are listed (table and JSON)
    THEN the key alone is on stdout, with the warning that it will not be shown again on
    stderr; the list shows its prefix, scope and "never" used, but not the key."""
    made = run_cli("create", "--name", "cli partner")
    assert made.exit_code == 0, made.output
    key = made.stdout.strip()
    assert key.startswith("pk_") and len(key) == 46
    assert "will not be shown again" in made.stderr and key not in made.stderr
    table = run_cli("list")
    assert table.exit_code == 0 and key not in table.stdout
    line = next(row for row in table.stdout.splitlines() if "cli partner" in row)
    assert key[:10] in line and "api" in line and "never" in line
    rows = json.loads(run_cli("list", "--json").stdout)
    assert any(r["prefix"] == key[:10] and r["scopes"] == ["api"] for r in rows)
    assert key not in json.dumps(rows)


def test_the_cli_refuses_bad_input_with_a_message_and_a_non_zero_exit(db):
    """GIVEN the `assistant apikey` commands
    WHEN a key is asked for an unknown scope or with no name, and an unknown id is revoked
    THEN each fails with a non-zero exit code and a message that says what is wrong; a known
    id is revoked (exit 0) and shows as revoked."""
    bad_scope = run_cli("create", "--name", "x", "--scope", "admin")
    assert bad_scope.exit_code != 0 and "unknown scope 'admin'" in bad_scope.stderr
    no_name = run_cli("create", "--name", " ")
    assert no_name.exit_code != 0 and "name" in no_name.stderr
    unknown = run_cli("revoke", "424242")
    assert unknown.exit_code != 0 and "no API key with id 424242" in unknown.stderr
    made = json.loads(run_cli("create", "--name", "cli chat", "--scope", "chat", "--json").stdout)
    assert made["scopes"] == ["chat"] and made["key"].startswith(made["prefix"])
    revoked = run_cli("revoke", str(made["id"]))
    assert revoked.exit_code == 0 and "revoked API key" in revoked.stdout
    rows = {r["id"]: r for r in json.loads(run_cli("list", "--json").stdout)}
    assert rows[made["id"]]["revoked"] is True
