"""Rasa's stores as Puente runs them (endpoints.yml names these classes).

PuenteLockStore: Rasa's ticket lock in Redis when PUENTE_REDIS_URL is set, in memory
otherwise. Rasa's own RedisLockStore issues and returns tickets by read-modify-write (GET,
change in Python, SET): two instances taking a ticket for the same conversation at once can
both get the same number and then both process a message at the same time, losing or
duplicating events. Here both steps are one Lua script each, atomic in Redis.

PuenteSQLTrackerStore: Rasa's SQL tracker store with connections checked before use, so that
after the database comes back the first turn does not fail on a dead pooled connection.

Building the lock store also registers connectors/action_payload.py's hook: action_converse is
sent the events of the turn, not of the whole chat session. How events are stored and read
back: connectors/stored_events.py.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs

from connectors.stored_events import Stored, deserialise, event_of, latest_slots

log = logging.getLogger(__name__)
KEY_PREFIX = "puente:lock:"

# KEYS[1] lock key; ARGV: now, lifetime, conversation id. Returns the new ticket's number.
ISSUE = """
local raw = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[1])
local tickets = {}
if raw then
  for _, t in ipairs(cjson.decode(raw)['tickets'] or {}) do
    if tonumber(cjson.decode(t)['expires']) >= now then table.insert(tickets, t) end
  end
end
local number = 0
if #tickets > 0 then number = cjson.decode(tickets[#tickets])['number'] + 1 end
table.insert(tickets, string.format('{"number": %d, "expires": %.6f}', number,
  now + tonumber(ARGV[2])))
local parts = {}
for i, t in ipairs(tickets) do parts[i] = cjson.encode(t) end
redis.call('SET', KEYS[1], '{"conversation_id": ' .. cjson.encode(ARGV[3]) ..
  ', "tickets": [' .. table.concat(parts, ', ') .. ']}')
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) * 1000) + 60000)
return number
"""

# KEYS[1] lock key; ARGV: ticket number to return, now. Deletes the lock when nobody waits.
RETURN = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local lock = cjson.decode(raw)
local now = tonumber(ARGV[2])
local kept = {}
for _, t in ipairs(lock['tickets'] or {}) do
  local ticket = cjson.decode(t)
  if ticket['number'] ~= tonumber(ARGV[1]) and tonumber(ticket['expires']) >= now then
    table.insert(kept, cjson.encode(t))
  end
end
if #kept == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], '{"conversation_id": ' .. cjson.encode(lock['conversation_id']) ..
    ', "tickets": [' .. table.concat(kept, ', ') .. ']}', 'KEEPTTL')
end
return #kept
"""


class PuenteLockStore(LockStore):
    def __init__(self, endpoint_config: Any = None) -> None:
        # Rasa builds its lock store once, at start, whatever else endpoints.yml holds: the
        # place to add the hook that sends action_converse the turn, not the whole session
        # (connectors/action_payload.py)
        from connectors import action_payload

        action_payload.register()
        url = (getattr(endpoint_config, "url", None) or "").strip()
        self.red = None
        self._memory: InMemoryLockStore | None = None
        if url:
            import redis

            self.red = redis.Redis.from_url(url, socket_timeout=5)
            self._issue = self.red.register_script(ISSUE)
            self._return = self.red.register_script(RETURN)
        else:
            self._memory = InMemoryLockStore()
        super().__init__()

    def ping(self) -> None:
        if self.red is not None:
            self.red.ping()

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        if self._memory is not None:
            return self._memory.get_lock(conversation_id)
        raw = self.red.get(KEY_PREFIX + conversation_id)
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    def delete_lock(self, conversation_id: str) -> None:
        if self._memory is not None:
            return self._memory.delete_lock(conversation_id)
        self.red.delete(KEY_PREFIX + conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        if self._memory is not None:
            return self._memory.save_lock(lock)
        self.red.set(KEY_PREFIX + lock.conversation_id, lock.dumps())

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        if self._memory is not None:
            return super().issue_ticket(conversation_id, lock_lifetime)
        try:
            return int(
                self._issue(
                    keys=[KEY_PREFIX + conversation_id],
                    args=[repr(time.time()), repr(float(lock_lifetime)), conversation_id],
                )
            )
        except Exception as exc:
            raise LockError(f"could not take a ticket for the conversation: {exc}") from exc

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        if self._memory is not None:
            return super().finish_serving(conversation_id, ticket_number)
        self._return(
            keys=[KEY_PREFIX + conversation_id], args=[int(ticket_number), repr(time.time())]
        )

    def update_lock(self, conversation_id: str) -> None:
        if self._memory is not None:
            return super().update_lock(conversation_id)
        # Rasa saves a re-read copy here, which could drop a ticket issued meanwhile; the
        # scripts already skip expired tickets, so there is nothing to write.

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        if self._memory is not None:
            return super().cleanup(conversation_id, ticket_number)
        # returning the ticket also deletes the lock when nobody waits, in the same step
        self.finish_serving(conversation_id, ticket_number)


class PuenteSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        import sqlalchemy as sa

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        if url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # -- a bounded tracker ---------------------------------------------------------------
    # Rasa replays, featurises and (for the action server) serialises every event it
    # retrieves, so a chat session's cost per turn grew with its length. Rasa is given the
    # session's last WINDOW_TURNS user turns, preceded by each slot's latest value; the
    # dialogue's state is in Puente's database, not in the events, and the one rule Rasa
    # applies (every intent to action_converse) looks at the latest turn only. The events
    # table keeps everything: the transcript (retrieve_full_tracker) and the production
    # tests read it whole.
    WINDOW_TURNS = 8

    async def retrieve(self, sender_id: str):
        from rasa.shared.core.trackers import DialogueStateTracker

        with self.session_scope() as session:
            rows = session.execute(
                self._window_sql(), {"sender": sender_id, "window": self.WINDOW_TURNS}
            ).all()
        if rows and rows[0].users > self.WINDOW_TURNS:
            start = min(row.id for row in rows if row.type_name == "user")
            earlier = latest_slots(row for row in rows if row.id < start)
            events = earlier + [event_of(row) for row in rows if row.id >= start]
        else:
            events = [event_of(row) for row in rows]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_events(
            sender_id, deserialise(events), self.domain.slots
        )
        # save() stores what comes after these: the table holds more than the tracker
        tracker.puente_loaded = len(tracker.events)
        return tracker

    def _window_sql(self):
        """One query for the window (py-spy: the three queries it took were a third of a
        retrieval): the latest session's events (as Rasa's `_event_query` finds its start)
        from the WINDOW_TURNS-th last user event on, and every slot event before it (of which
        `retrieve` keeps each slot's latest); `users`, on every row: the session's user
        events, counted up to WINDOW_TURNS + 1 (more than WINDOW_TURNS: the window applies)."""
        import sqlalchemy as sa

        table = self.SQLEvent.__tablename__
        # the CTEs carry ids only: one holding the events' data would be built whole, every
        # turn (SQLite materialises a CTE read twice), and grow with the session
        in_session = "(started.at IS NULL OR e.timestamp >= started.at)"
        return sa.text(
            f"""
            WITH started AS (
                SELECT max(timestamp) AS at FROM {table}
                WHERE sender_id = :sender AND type_name = 'session_started'
            ),
            latest_users AS (
                SELECT e.id FROM {table} AS e, started
                WHERE e.sender_id = :sender AND e.type_name = 'user' AND {in_session}
                ORDER BY e.id DESC LIMIT :window + 1
            ),
            counted AS (SELECT count(*) AS users FROM latest_users),
            window_start AS (
                SELECT min(id) AS id FROM (
                    SELECT id FROM latest_users ORDER BY id DESC LIMIT :window
                ) AS last_users
            )
            SELECT e.id, e.type_name, e.timestamp, e.data, counted.users
            FROM {table} AS e, started, counted, window_start
            WHERE e.sender_id = :sender AND {in_session}
                AND (counted.users <= :window OR e.type_name = 'slot' OR e.id >= window_start.id)
            ORDER BY e.id
            """
        )

    async def retrieve_full_tracker(self, conversation_id: str):
        """Every event of every session (transcripts, export), read as `retrieve` reads."""
        from rasa.shared.core.trackers import DialogueStateTracker

        with self.session_scope() as session:
            query = self._event_query(session, conversation_id, fetch_events_from_all_sessions=True)
            events = [event_of(row) for row in query.all()]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_events(
            conversation_id, deserialise(events), self.domain.slots
        )

    def _additional_events(self, session, tracker):
        loaded = getattr(tracker, "puente_loaded", None)
        if loaded is None:
            events = super()._additional_events(session, tracker)
        else:
            events = itertools.islice(tracker.events, loaded, len(tracker.events))
        return map(Stored, events)

    async def save(self, tracker) -> None:
        """As Rasa's, with each event written as compact JSON that keeps its characters
        (Rasa's json.dumps writes "á" as six characters and a space after every separator:
        a Spanish reply grew by about a tenth)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=event.timestamp,
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    )
                )
            session.commit()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The embedded default (SQLite): write-ahead log, as Puente's own engine, and the log
    synced at checkpoints rather than on every turn's commit (py-spy: the sync was a fifth of
    saving a turn). A crash of the process loses nothing; a power cut may lose the last
    turns' events (the transcript's, not the dialogue's state, which is in Puente's tables
    with full sync). PostgreSQL, the production setting, is not affected."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
