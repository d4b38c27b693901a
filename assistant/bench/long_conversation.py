"""The long-conversation bench: one conversation of 200 turns through the real servers,
every turn measured (latency, CPU per process, bytes Rasa sent the action server, stored
tracker and state sizes), and the scripts the load levels use (the first 40 turns of it).

`python -m assistant.bench.long_conversation long` runs it alone (var/bench/long-es.json);
`python -m assistant.bench.long_conversation load` runs the load levels alone
(var/bench/load.json).
"""

from __future__ import annotations

import json
import os
import time

from assistant.bench.long_script import (  # noqa: F401 - re-exported
    LONG,
    LONG_TURNS,
    PROBE_WINDOWS,
    long_script,
)


def long_conversation(lang: str = "es", turns: int = LONG_TURNS) -> dict:
    """One conversation of `turns` turns through the real servers, every turn measured: its
    latency, the CPU each process spent on it, the bytes Rasa sent the action server, and how
    much the stored tracker and the stored state grew. The early and late windows are the same
    ten messages (PROBE_WINDOWS), compared side by side."""
    import httpx

    from assistant.bench.serving import cpu_seconds_fine, serving
    from assistant.config import get_settings

    settings = get_settings()
    sender = f"long-{lang}-{os.getpid()}-{int(time.time())}"
    conversation = f"rest:{sender}"
    rows: list[dict] = []
    with (
        serving(settings) as (running, ports),
        httpx.Client(timeout=300) as client,
    ):
        rasa = f"http://127.0.0.1:{ports['rasa']}/webhooks/rest/webhook"
        metrics = f"http://127.0.0.1:{ports['action']}/metrics"
        sent_before = _request_bytes(client, metrics)
        for n, message in enumerate(long_script(lang, turns), start=1):
            cpu = {name: cpu_seconds_fine(proc.pid) for name, proc in running.items()}
            started = time.perf_counter()
            reply = client.post(rasa, json={"sender": sender, "message": message})
            seconds = time.perf_counter() - started
            body = reply.json() if reply.status_code == 200 else []
            for image in [m["image"] for m in body if m.get("image")]:
                client.get(image)  # as the widget does, after the reply
            spent = {
                name: round(1000 * (cpu_seconds_fine(proc.pid) - cpu[name]), 2)
                for name, proc in running.items()
            }
            sent = _request_bytes(client, metrics)  # read after the turn's CPU: not counted
            rows.append(
                {
                    "turn": n,
                    "message": message[:40],
                    "status": reply.status_code,
                    "reply": " ".join(m.get("text") or "" for m in body)[:120],
                    "ms": round(1000 * seconds, 1),
                    "cpu_ms": spent,
                    "action_request_bytes": sent - sent_before,
                    **_stored_sizes(conversation),
                }
            )
            sent_before = sent
    return {
        "lang": lang,
        "turns": turns,
        "summary": summarise_long(rows),
        "per_turn": rows,
    }


def _request_bytes(client, metrics_url: str) -> int:
    """The action server's running total of request bytes (actions/__main__.py)."""
    for line in client.get(metrics_url).text.splitlines():
        if line.startswith("puente_action_request_bytes_sum"):
            return int(float(line.split()[-1]))
    return 0


def _stored_sizes(conversation: str) -> dict:
    """Rasa's stored tracker (events, bytes) and Puente's stored state (bytes) for it."""
    from sqlalchemy import text

    from assistant.db.session import session_scope
    from assistant.profiles import state_store

    with session_scope() as session:
        events, size = session.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM events WHERE sender_id = :s"
            ),
            {"s": conversation},
        ).one()
        stored = state_store.load(session, conversation)
    return {
        "tracker_events": int(events),
        "tracker_bytes": int(size),
        "state_bytes": len(json.dumps(stored.state)) if stored.state else 0,
        "state_version": stored.version,
    }


def summarise_long(rows: list[dict]) -> dict:
    """Means over the early and late windows (the same messages), and the growth per turn."""

    def window(first: int, last: int) -> dict:
        picked = [r for r in rows if first <= r["turn"] <= last]
        if not picked:
            return {}
        names = picked[0]["cpu_ms"].keys()
        mean = lambda xs: round(sum(xs) / len(xs), 1)  # noqa: E731
        return {
            "turns": [first, last],
            "ms": mean([r["ms"] for r in picked]),
            "cpu_ms": {k: mean([r["cpu_ms"][k] for r in picked]) for k in names},
            "cpu_ms_all": mean([sum(r["cpu_ms"].values()) for r in picked]),
            "action_request_bytes": mean([r["action_request_bytes"] for r in picked]),
            "tracker_bytes_per_turn": mean(
                [
                    b["tracker_bytes"] - a["tracker_bytes"]
                    for a, b in zip(picked, picked[1:], strict=False)
                ]
            )
            if len(picked) > 1
            else None,
        }

    last = rows[-1] if rows else {}
    return {
        **{name: window(*span) for name, span in PROBE_WINDOWS.items()},
        "errors": sum(1 for r in rows if r["status"] != 200 or "algo falló" in r["reply"]),
        "tracker_bytes": last.get("tracker_bytes"),
        "tracker_events": last.get("tracker_events"),
        "tracker_bytes_per_turn": round(last.get("tracker_bytes", 0) / max(len(rows), 1), 1),
        "state_bytes": last.get("state_bytes"),
        "state_version": last.get("state_version"),
    }


def main(argv: list[str] | None = None) -> None:
    """`python -m assistant.bench.long_conversation long [--turns N] [--lang es|en]`: the
    long conversation alone (var/bench/long-<lang>.json); `load [--turns N]`: the load levels
    with conversations of N turns (var/bench/load.json)."""
    import argparse

    from assistant.bench.load import rest_turns
    from assistant.config import get_settings

    parser = argparse.ArgumentParser(prog="python -m assistant.bench.long_conversation")
    parser.add_argument("only", choices=("long", "load"))
    parser.add_argument("--turns", type=int, default=None)
    parser.add_argument("--lang", choices=("es", "en"), default="es")
    parser.add_argument("--levels", default="1,10,50", help="load: users at once, per level")
    args = parser.parse_args(argv)
    out = get_settings().var_dir / "bench"
    out.mkdir(parents=True, exist_ok=True)
    if args.only == "long":
        result = long_conversation(args.lang, args.turns or LONG_TURNS)
        path = out / f"long-{args.lang}.json"
    else:
        levels = tuple(int(n) for n in args.levels.split(","))
        result = rest_turns(levels, turns=args.turns or 40)
        path = out / "load.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result.get("summary", result), indent=2, ensure_ascii=False))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
