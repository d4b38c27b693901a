"""A sliding one-minute window per key, in this process's memory or in Redis (shared by
every instance): the channels' and the API's rate limits."""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque

log = logging.getLogger(__name__)


class RateLimiter:
    """A sliding one-minute window per key: in memory, or in Redis (a sorted set of request
    times, trimmed and counted in one transaction, shared by every instance). Refused requests
    are not counted, in both."""

    WINDOW = 60.0

    def __init__(self, redis_url: str | None = None, prefix: str = "puente:rate:") -> None:
        self.prefix = prefix
        self._hits: dict[str, deque[float]] = {}
        self._redis = None
        if redis_url:
            import redis.asyncio as aioredis

            self._redis = aioredis.from_url(redis_url, socket_timeout=2)

    async def allow(self, key: str, limit: int, now: float | None = None) -> bool:
        if limit <= 0:
            return True
        now = time.time() if now is None else now
        if self._redis is not None:
            name, member = f"{self.prefix}{key}", f"{now!r}:{uuid.uuid4().hex[:8]}"
            try:
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.zremrangebyscore(name, "-inf", now - self.WINDOW)
                    pipe.zadd(name, {member: now})
                    pipe.zcard(name)
                    pipe.expire(name, int(self.WINDOW) + 5)
                    count = (await pipe.execute())[2]
                if count > limit:
                    await self._redis.zrem(name, member)
                    return False
                return True
            except Exception:  # noqa: BLE001 - a limiter outage must not stop the service
                log.warning("rate limiter: Redis unreachable; counting in memory meanwhile")
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.WINDOW:
            hits.popleft()
        if len(hits) >= limit:
            return False
        hits.append(now)
        if len(self._hits) > 50_000:  # forget idle keys rather than grow without bound
            for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - 60]:
                del self._hits[stale]
        return True
