"""The channels' guard (connectors/guard.py): rate limits, client addresses, friendly texts.
Pure Python, so tested here without Rasa; the Redis-backed limiter against the real server."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from connectors import guard
from edge.addresses import client_ip
from edge.limiter import RateLimiter

REDIS = os.environ.get("PUENTE_TEST_REDIS", "redis://127.0.0.1:6379/5")


def run(coro):
    return asyncio.run(coro)


def test_a_sender_over_the_limit_is_refused_until_the_minute_has_passed():
    # GIVEN a limit of 3 messages a minute, in memory
    limiter = RateLimiter()
    # WHEN a sender sends 4 at t=0..3 s
    allowed = [run(limiter.allow("s", 3, now=t)) for t in (0, 1, 2, 3)]
    # THEN the 4th is refused, and one minute after the first, a message goes through again
    assert allowed == [True, True, True, False]
    assert run(limiter.allow("s", 3, now=60.5)) is True
    assert run(limiter.allow("other", 3, now=3)) is True


def test_a_limit_of_zero_switches_the_limit_off():
    limiter = RateLimiter()
    assert all(run(limiter.allow("s", 0, now=0)) for _ in range(1000))


def test_the_redis_limiter_is_shared_by_every_instance():
    # GIVEN two limiters (two Rasa instances) on the same Redis
    key = f"s-{uuid.uuid4().hex}"

    async def scenario():
        a = RateLimiter(REDIS, prefix="puente:test-rate:")
        b = RateLimiter(REDIS, prefix="puente:test-rate:")
        # WHEN the same sender writes through both, at the same second
        return [await (a if i % 2 else b).allow(key, 4, now=1000.0) for i in range(6)]

    # THEN they count together: 4 pass, then both refuse
    assert run(scenario()) == [True] * 4 + [False] * 2


def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    trusted = frozenset({"10.0.0.1"})
    assert client_ip("10.0.0.1", "203.0.113.9, 10.0.0.1", trusted) == "203.0.113.9"
    # a client cannot choose its own address by sending the header itself
    assert client_ip("198.51.100.7", "203.0.113.9", trusted) == "198.51.100.7"
    assert client_ip(None, None, trusted) == "unknown"


def test_admit_reports_which_limit_refused():
    limits = guard.Limits(per_sender=2, per_ip=3, max_chars=100, trusted_proxies=frozenset())
    guard._limiter = RateLimiter()
    sender = f"u-{uuid.uuid4().hex}"
    outcomes = [run(guard.admit("rest", sender, "1.2.3.4", limits, now=5.0)) for _ in range(3)]
    assert outcomes == [None, None, "sender"]
    # the address has used 3 of its 3; another sender from it is refused by address
    assert run(guard.admit("rest", "someone-else", "1.2.3.4", limits, now=5.0)) == "ip"


@pytest.mark.parametrize("key", sorted(guard.TEXTS))
def test_every_reply_exists_in_both_languages_and_in_both_at_once(key):
    assert guard.text(key, "es", n=5) != guard.text(key, "en", n=5)
    both = guard.text(key, None, n=5)
    assert guard.text(key, "es", n=5) in both and guard.text(key, "en", n=5) in both


def test_a_language_is_read_only_when_it_is_one_we_speak():
    assert guard.language_of({"language": "en"}) == "en"
    assert guard.language_of({"language": "fr"}) is None and guard.language_of({}) is None
