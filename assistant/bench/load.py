"""Whole turns through the REST channel with the real servers (`assistant.bench.serving`):
1, 10 and 50 users holding conversations of 40 turns at once (the start of the long
conversation, `assistant.bench.long_conversation`), first sending each message the moment a
reply arrives, then paced like a person. Reports latency percentiles, throughput, errors, the
CPU per turn of each process and each process's peak memory (VmHWM)."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid

from assistant.bench.serving import cpu_seconds, peak_rss_mb, serving
from assistant.config import get_settings

APOLOGIES = ("algo falló de mi lado", "something went wrong on my side", "no puedo guardar")
SCRIPT = {
    "es": [
        "hola",
        "/affirm",
        "Trabajé tres años de cajera en un supermercado. Cobraba en la caja, hacía el cierre "
        "y atendía los reclamos de los clientes.",
        "/deny",
        "/affirm",
        "quiero ser supervisora de tienda",
        '/select_number{"number": "1"}',
        "puedo gastar unos 60 dólares",
        "5 horas a la semana durante 3 meses",
        '/choose_mode{"mode": "any"}',
        "/affirm",
    ],
    "en": [
        "hello",
        "/affirm",
        "I worked two years in a call centre answering customer complaints and I kept the "
        "records of every call in a spreadsheet.",
        "/deny",
        "/affirm",
        "I want to be a junior web developer",
        '/select_number{"number": "1"}',
        "about 100 dollars",
        "8 hours a week for 20 weeks",
        '/choose_mode{"mode": "online"}',
        "/affirm",
    ],
}


THINK_SECONDS = (1.0, 3.0)  # a quick typist's pause between a reply and the next message


async def run_users(
    url: str,
    users: int,
    prefix: str,
    think: tuple[float, float] | None = None,
    scripts: dict[str, list[str]] | None = None,
) -> dict:
    """`users` complete conversations at once; every turn timed. Without `think` each user
    sends the next message the moment a reply arrives (a stress test: `users` requests always
    in flight); with it each pauses a seeded random time in that range first, like a person."""
    import random

    import httpx

    pauses = random.Random(users)
    scripts = scripts or SCRIPT

    latencies: list[float] = []
    by_step: dict[int, list[float]] = {}
    errors: list[str] = []

    async def user(client, i: int) -> None:
        lang = "es" if i % 2 else "en"
        sender = f"{prefix}-{i}-{uuid.uuid4().hex[:6]}"
        for step, message in enumerate(scripts[lang]):
            if think:
                await asyncio.sleep(pauses.uniform(*think))
            started = time.perf_counter()
            try:
                response = await client.post(
                    url + "/webhooks/rest/webhook",
                    json={"sender": sender, "message": message},
                    headers={"X-Forwarded-For": f"10.2.{i // 200}.{i % 200 + 1}"},
                    timeout=300,
                )
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
                continue
            latencies.append(time.perf_counter() - started)
            by_step.setdefault(step, []).append(latencies[-1])
            body = response.json() if response.status_code == 200 else []
            text = " ".join(m.get("text") or "" for m in body)
            if response.status_code != 200 or not body or any(a in text for a in APOLOGIES):
                errors.append(str(response.status_code))
            for image in [m["image"] for m in body if m.get("image")]:
                # as the widget does: the chart is fetched (and drawn by the web app) after
                # the reply, so it is not part of the turn's latency
                try:
                    fetched = await client.get(image, timeout=300)
                    if fetched.status_code != 200:
                        errors.append(f"image {fetched.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"image {type(exc).__name__}")

    limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10)
    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits) as client:
        await asyncio.gather(*(user(client, i) for i in range(users)))
    took = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "users": users,
        "think_seconds": list(think) if think else None,
        "turns": len(latencies),
        "seconds": round(took, 1),
        "turns_per_second": round(len(latencies) / took, 2),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": len(errors),
        # the median of each step of the script (both languages): which turns cost the most
        "step_p50_ms": [
            round(1000 * statistics.median(by_step[step]), 1) for step in sorted(by_step)
        ],
    }


def rest_turns(levels: tuple[int, ...] = (1, 10, 50), turns: int = 40) -> dict:
    """The load levels, each user holding a conversation of `turns` turns (both languages:
    the first `turns` of the long conversation, assistant/bench/long_conversation.py)."""
    from assistant.bench.long_script import long_script

    settings = get_settings()
    scripts = {lang: long_script(lang, turns) for lang in ("es", "en")}
    with serving(settings) as (running, ports):
        url = f"http://127.0.0.1:{ports['rasa']}"
        asyncio.run(run_users(url, 2, "warm"))  # models loaded, caches warm
        results = []
        for n, think in [(n, think) for think in (None, THINK_SECONDS) for n in levels]:
            before = {name: cpu_seconds(proc.pid) for name, proc in running.items()}
            tag = f"bench{n}{'t' if think else ''}"
            level = asyncio.run(run_users(url, n, tag, think, scripts))
            # where a turn's CPU goes: with every core busy, latency is this times the queue
            level["cpu_ms_per_turn"] = {
                name: round(1000 * (cpu_seconds(proc.pid) - before[name]) / level["turns"], 1)
                for name, proc in running.items()
                if before[name] is not None and level["turns"]
            }
            results.append(level)
        rss = {name: peak_rss_mb(proc.pid) for name, proc in running.items()}
    return {
        "database": "postgresql" if settings.database_url.startswith("postgres") else "sqlite",
        "lock_store": "redis" if settings.redis_url else "memory",
        "conversation_turns": turns,
        "levels": results,
        "peak_rss_mb": rss,
    }
