"""Run under .venv-rasa: several processes take the same conversation's lock from one Redis
and do a read-modify-write on a shared counter inside it. With mutual exclusion the counter
ends at processes x rounds; a lost update shows a broken lock.

usage: python lock_race.py REDIS_URL STORE(puente|rasa) PROCESSES ROUNDS"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
import uuid


def make_store(kind: str, url: str):
    if kind == "puente":
        from rasa.utils.endpoints import EndpointConfig

        from connectors.stores import PuenteLockStore

        return PuenteLockStore(EndpointConfig(url=url))
    import redis
    from rasa.core.lock_store import RedisLockStore

    parsed = redis.connection.parse_url(url)
    return RedisLockStore(host=parsed.get("host", "127.0.0.1"), port=parsed.get("port", 6379))


def worker(kind: str, url: str, conversation: str, counter: str, rounds: int) -> None:
    import redis

    store = make_store(kind, url)
    red = redis.Redis.from_url(url)

    async def run() -> None:
        for _ in range(rounds):
            async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.001):
                value = int(red.get(counter) or 0)
                time.sleep(0.002)  # widen the window a broken lock would let others into
                red.set(counter, value + 1)

    asyncio.run(run())


def main() -> None:
    url, kind, processes, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    import redis

    conversation, counter = f"race-{uuid.uuid4().hex}", f"puente:test:{uuid.uuid4().hex}"
    procs = [
        multiprocessing.Process(target=worker, args=(kind, url, conversation, counter, rounds))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    red = redis.Redis.from_url(url)
    print(int(red.get(counter) or 0), processes * rounds)
    red.delete(counter)


if __name__ == "__main__":
    main()
