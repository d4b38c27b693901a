"""The production profile on real servers: PostgreSQL for everything (the engine's data and
Rasa's tracker store), Redis for Rasa's lock store and the rate limits, two Rasa instances
and one action server. Proves, over the REST channel on 127.0.0.1:

- readiness and metrics on every process, and the model routes refused;
- one sender's messages alternated (and raced) between the instances: no event lost or doubled,
  and the dialogue's state in PostgreSQL written once per message; two writers holding the
  same version of a state cannot both win;
- 50 users holding complete conversations at once: every message answered, no 5xx, every
  tracker exactly as expected, every plan stored;
- the action server killed mid-conversation: the user gets an apology, and the conversation
  goes on after a restart;
- a WhatsApp message delivered to both instances (Meta retries) is answered once;
- the tracker database dropped and restored: turns are refused visibly (503), never kept in
  memory, and the conversation continues intact afterwards.

Not skipped anywhere: PostgreSQL and Redis are started by .ci/run where they are not running.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import threading
import time
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import create_engine, text

from assistant.bench.load import SCRIPT
from assistant.db.session import session_scope
from assistant.profiles import state_store
from tests.integration.conftest import PRODUCTION_PER_IP, WHATSAPP

pytestmark = [pytest.mark.servers, pytest.mark.postgres]
APOLOGY = ("algo falló de mi lado", "something went wrong on my side")
PER_IP = PRODUCTION_PER_IP
UNAVAILABLE = ("no puedo guardar la conversación", "cannot save the conversation")


@pytest.fixture(scope="module")
def prod(production):
    return production


async def say(
    client: httpx.AsyncClient, url: str, sender: str, message: str, ip: str, auth: dict
) -> tuple:
    """A turn from a server-to-server integration (its API key has the chat scope)."""
    started = time.perf_counter()
    response = await client.post(
        url + "/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        headers={"X-Forwarded-For": ip, **auth},
        timeout=300,
    )
    return response, time.perf_counter() - started


def reply_text(response: httpx.Response) -> str:
    return "\n".join(m.get("text") or m.get("image") or "" for m in response.json())


def assert_exact_tracker(events: list[dict], sent: list[str]) -> None:
    """Every message once, each with exactly one dialogue action, nothing doubled."""
    users = [e["text"] for e in events if e["event"] == "user"]
    assert Counter(users) == Counter(sent), (users, sent)
    actions = [e for e in events if e["event"] == "action" and e["name"] == "action_converse"]
    assert len(actions) == len(sent)
    keys = [(e["event"], e.get("timestamp"), e.get("name"), e.get("text")) for e in events]
    assert len(keys) == len(set(keys)), "an event was saved twice"


def test_every_process_is_ready_exposes_metrics_and_refuses_model_changes(prod):
    for name in ("rasa", "rasa2"):
        ready = httpx.get(prod.stack.url(name) + "/webhooks/ops/ready", timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"model": "ok", "tracker_store": "ok", "lock_store": "ok"}
    assert httpx.get(prod.stack.url("action") + "/ready", timeout=10).json()["ready"] is True
    # WHEN an admin token tries to replace or unload the model THEN both are refused
    for method in ("PUT", "DELETE"):
        refused = httpx.request(method, prod.rasa(0) + "/model", headers=prod.admin, timeout=10)
        assert refused.status_code == 403
    metrics = httpx.get(prod.stack.url("rasa") + "/webhooks/ops/metrics", timeout=10).text
    assert "puente_turns_total" in metrics and "puente_tracker_store_errors_total" in metrics
    assert "puente_action_seconds" in httpx.get(prod.stack.url("action") + "/metrics").text


def test_one_senders_messages_alternated_and_raced_between_instances_lose_nothing(prod):
    async def conversation(client, n: int) -> tuple[str, list[str]]:
        sender, sent = f"alt-{n}-{uuid.uuid4().hex[:6]}", []
        for k in range(0, 8, 2):
            # two messages of the same sender at once, one to each instance
            pair = [f"mensaje {k} de {sender}", f"mensaje {k + 1} de {sender}"]
            results = await asyncio.gather(
                *(
                    say(client, prod.rasa(k + j), sender, pair[j], f"10.9.0.{n}", prod.chat_headers)
                    for j in range(2)
                )
            )
            for response, _ in results:
                assert response.status_code == 200, response.text
                assert response.json(), "a message went unanswered"
            sent += pair
        return sender, sent

    async def run():
        async with httpx.AsyncClient() as client:
            return await asyncio.gather(*(conversation(client, n) for n in range(6)))

    for sender, sent in asyncio.run(run()):
        assert_exact_tracker(prod.events(prod.rest_id(sender)), sent)
        # AND the state in PostgreSQL was written once per message: no update lost
        with session_scope(prod.engine_url()) as session:
            stored = state_store.load(session, prod.rest_id(sender))
        assert stored.table == "anonymous" and stored.version == len(sent)


def test_two_writers_holding_one_version_of_a_state_in_postgresql_cannot_both_win(prod):
    # GIVEN a stored conversation in PostgreSQL, read by two writers at the same version
    url, sender = prod.engine_url(), f"rest:pg-race-{uuid.uuid4().hex[:6]}"
    state = {"phase": "experiences", "language": "es", "consent": True}
    with session_scope(url) as session:
        state_store.save_consented(session, sender, "rest", state, state_store.NOTHING)
    with session_scope(url) as session:
        base = state_store.load(session, sender)
    start, results = threading.Barrier(2), []

    def write(note: str) -> None:
        start.wait(timeout=30)
        try:
            with session_scope(url) as session:
                state_store.save_consented(
                    session, sender, "rest", {**state, "goal_text": note}, base
                )
            results.append(note)
        except state_store.StateConflict:
            results.append("lost")

    # WHEN both write at once
    threads = [threading.Thread(target=write, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # THEN one wins and one loses, and the row holds the winner's state at the next version
    assert sorted(results) in (["first", "lost"], ["lost", "second"]), results
    with session_scope(url) as session:
        after = state_store.load(session, sender)
    assert after.version == base.version + 1
    assert after.state["goal_text"] == next(r for r in results if r != "lost")


def test_one_address_over_its_limit_is_refused_on_both_instances(prod):
    # GIVEN one client address (behind the trusted proxy) writing as many senders
    async def run():
        async with httpx.AsyncClient() as client:
            return [
                (
                    await say(
                        client,
                        prod.rasa(i),
                        f"ip-{i}-{uuid.uuid4().hex[:4]}",
                        "/greet",
                        "10.8.0.1",
                        prod.chat_headers,
                    )
                )[0]
                for i in range(PER_IP + 1)
            ]

    statuses = [r.status_code for r in asyncio.run(run())]
    # THEN the limit is shared by the two instances (counted in Redis): the last is refused
    assert statuses[:PER_IP] == [200] * PER_IP and statuses[PER_IP] == 429


def test_fifty_users_hold_complete_conversations_at_once(prod):
    users = [(f"load-{i}-{uuid.uuid4().hex[:6]}", "es" if i % 2 else "en") for i in range(50)]
    latencies: list[float] = []
    statuses: Counter = Counter()
    problems: list[str] = []

    async def user(client, i: int, sender: str, lang: str) -> None:
        for k, message in enumerate(SCRIPT[lang]):
            # a load balancer without stickiness: each message may land on either instance
            response, seconds = await say(
                client, prod.rasa(i + k), sender, message, f"10.1.0.{i + 1}", prod.chat_headers
            )
            statuses[response.status_code] += 1
            latencies.append(seconds)
            if response.status_code != 200 or not response.json():
                problems.append(f"{sender} #{k}: {response.status_code} {response.text[:200]}")
            elif any(a in reply_text(response) for a in APOLOGY + UNAVAILABLE):
                problems.append(f"{sender} #{k}: fallback {reply_text(response)[:200]}")

    async def run():
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        async with httpx.AsyncClient(limits=limits) as client:
            await asyncio.gather(*(user(client, i, s, lang) for i, (s, lang) in enumerate(users)))

    started = time.perf_counter()
    asyncio.run(run())
    took = time.perf_counter() - started
    turns = sum(len(SCRIPT[lang]) for _, lang in users)
    print(
        f"\n50 users, {turns} turns in {took:.0f} s: p50 {statistics.median(latencies):.2f} s, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1]:.2f} s, statuses {dict(statuses)}"
    )
    # THEN every message was answered by the bot itself, with no 5xx
    assert problems == [] and set(statuses) == {200}
    # AND every tracker holds exactly the conversation, and every plan is in PostgreSQL
    for sender, lang in users:
        assert_exact_tracker(prod.events(prod.rest_id(sender)), SCRIPT[lang])
    engine = create_engine(prod.engine_url())
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.phase, COUNT(p.id) FROM conversation c "
                "LEFT JOIN plan_record p ON p.conversation_id = c.id GROUP BY c.id, c.phase"
            )
        ).all()
    engine.dispose()
    done = [r for r in rows if r[0] == "wrap_up"]
    assert len(done) >= 50 and all(count >= 1 for _, count in done)


def test_a_whatsapp_retry_reaching_the_other_instance_is_answered_once(prod, graph_api):
    import hashlib
    import hmac
    import json

    from tests.integration.test_whatsapp import webhook

    number = f"52155{uuid.uuid4().int % 10**8:08d}"
    payload = webhook(number, {"type": "text", "text": {"body": "hola"}, "id": f"wamid.{number}"})
    body = json.dumps(payload).encode()
    secret = WHATSAPP["PUENTE_WHATSAPP_APP_SECRET"].encode()
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest(),
    }
    # WHEN Meta delivers the same message to both instances (a retry after a timeout)
    for i in (0, 1):
        url = prod.rasa(i) + "/webhooks/whatsapp/webhook"
        assert httpx.post(url, content=body, headers=headers, timeout=30).status_code == 200
    graph_api.wait_for(number, lambda sent: len(sent) >= 1)
    time.sleep(3)  # a second, duplicate turn would have answered by now
    # THEN the conversation holds the message once
    users = [e for e in prod.events(f"whatsapp:+{number}") if e["event"] == "user"]
    assert [e["text"] for e in users] == ["hola"]


def test_a_killed_action_server_gets_an_apology_and_the_conversation_goes_on(prod):
    me = f"fault-action-{uuid.uuid4().hex[:6]}"
    chat = lambda m: httpx.post(  # noqa: E731
        prod.rasa(0) + "/webhooks/rest/webhook",
        json={"sender": me, "message": m},
        headers=prod.chat_headers,
        timeout=120,
    )
    assert chat("hola").status_code == 200 and chat("/affirm").status_code == 200
    # WHEN the action server dies mid-conversation
    os.killpg(prod.stack.procs.pop("action").pid, signal.SIGKILL)
    time.sleep(0.5)
    broken = chat("Trabajé dos años de mesera en un restaurante, atendía las mesas.")
    # THEN the user hears an apology, not silence, and no server error
    assert broken.status_code == 200 and any(a in reply_text(broken) for a in APOLOGY)
    # WHEN it is restarted THEN the conversation continues where it was (experiences)
    prod.start_action_server()
    again = chat("Trabajé dos años de mesera en un restaurante, atendía las mesas.")
    assert again.status_code == 200 and "Anotado" in reply_text(again), reply_text(again)


def test_a_dropped_tracker_database_refuses_turns_visibly_and_loses_nothing(prod):
    me = f"fault-db-{uuid.uuid4().hex[:6]}"
    chat = lambda m: httpx.post(  # noqa: E731
        prod.rasa(1) + "/webhooks/rest/webhook",
        json={"sender": me, "message": m},
        headers=prod.chat_headers,
        timeout=120,
    )
    assert chat("hello").status_code == 200 and chat("/affirm").status_code == 200
    before = prod.events(prod.rest_id(me))
    # WHEN the database connection drops
    prod.proxy.cut()
    try:
        refused = chat("I worked as a cleaner in a hotel for a year")
        ready = httpx.get(prod.rasa(1) + "/webhooks/ops/ready", timeout=20)
    finally:
        prod.proxy.restore()
    # THEN the turn is refused with a clear 503, readiness says why, and nothing went to memory
    assert refused.status_code == 503 and any(u in reply_text(refused) for u in UNAVAILABLE)
    assert ready.status_code == 503 and ready.json()["checks"]["tracker_store"] != "ok"
    # WHEN it is back THEN the same conversation continues, with nothing lost or invented
    again = chat("I worked as a cleaner in a hotel for a year, cleaning the rooms")
    assert again.status_code == 200 and "Noted" in reply_text(again), reply_text(again)
    after = prod.events(prod.rest_id(me))
    assert after[: len(before)] == before
    users = [e["text"] for e in after if e["event"] == "user"]
    assert users == [
        "hello",
        "/affirm",
        "I worked as a cleaner in a hotel for a year, cleaning the rooms",
    ]
    metrics = httpx.get(prod.rasa(1) + "/webhooks/ops/metrics", timeout=10).text
    assert 'puente_turns_total{channel="rest",outcome="refused_store"} 1.0' in metrics
