"""Skill extraction latency: the engine on short and five-sentence texts in both languages,
warm, in this process."""

from __future__ import annotations

import time

import numpy as np

LATENCY_TEXTS = {
    "en-1": "I fixed bikes for my neighbours.",
    "en-5": "I worked at a supermarket for two years. I ran the till and did the closing. "
    "I showed the new girls how to use the scanner. I also stocked shelves and checked expiry "
    "dates. On weekends I posted offers on the shop's Facebook page.",
    "es-1": "Arreglaba bicicletas para mis vecinos.",
    "es-5": "Trabajé dos años en un almacén. Atendía la caja y hacía el cierre del día. Les "
    "enseñaba a las nuevas a usar el lector. También reponía mercadería y revisaba fechas de "
    "vencimiento. Los fines de semana subía las ofertas a la página de Facebook.",
}


def _percentiles(samples: list[float]) -> dict:
    return {
        "p50_ms": round(float(np.percentile(samples, 50)), 1),
        "p95_ms": round(float(np.percentile(samples, 95)), 1),
        "n": len(samples),
    }


def skill_latency(engine, repeats: int = 100) -> dict:
    """Each text as a text never seen: the query cache is emptied before every run (a
    worker's new sentences miss it; only gap reports and plans re-read them)."""
    from assistant.skills.embedders import forget_queries

    out = {}
    for name, text in LATENCY_TEXTS.items():
        for _ in range(3):
            engine.extract(text)
        samples = []
        for _ in range(repeats):
            forget_queries()
            started = time.perf_counter()
            engine.extract(text)
            samples.append((time.perf_counter() - started) * 1000)
        out[name] = _percentiles(samples)
    return out
