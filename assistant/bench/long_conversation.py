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

# -- a long conversation ------------------------------------------------------------------------
# Consent, a first experience, goal and plan; then, over and over: another experience, its
# review, a new goal, a changed budget, a plan, a look at one of its courses and at what Puente
# knows. After each plan comes the same block of ten digressions (help, why, thanks, greetings),
# always in the plan phase: the turns measured at the start (11-20) and at the end (191-200) of
# the conversation are the same messages in the same phase, so what differs between them is
# how long the conversation already is (and how much the worker has told by then).
LONG = {
    "es": {
        "start": ["hola", "sí, acepto"],
        "first": ["no, eso es todo", "/affirm"],
        "plan": [
            '/select_number{"number": "1"}',
            "puedo gastar unos 60 dólares",
            "5 horas a la semana durante 3 meses",
            '/choose_mode{"mode": "any"}',
        ],
        "again": [
            "no, eso es todo",
            "/affirm",
            "quiero cambiar de meta",
            None,  # the cycle's goal
            '/select_number{"number": "1"}',
            "ahora puedo gastar 80 dólares",
            '/choose_mode{"mode": "online"}',
            "cuéntame más del curso 1",
            "¿qué sabes de mí?",
        ],
        "probe": [
            "/ask_help",
            "¿por qué me preguntas eso?",
            "/thanks",
            "gracias",
            "/greet",
            "ayuda por favor",
            "/ask_help",
            "¿por qué?",
            "muchas gracias",
            "/greet",
        ],
        "experiences": [
            "Trabajé tres años de cajera en un supermercado. Cobraba en la caja, hacía el "
            "cierre y atendía los reclamos de los clientes.",
            "También trabajé dos años de mesera en un restaurante: atendía las mesas, tomaba "
            "los pedidos y cobraba la cuenta.",
            "Cuidé a mi abuela tres años: le daba sus medicamentos, la bañaba y la llevaba al "
            "médico.",
            "Vendí ropa por Instagram: sacaba las fotos, respondía los mensajes y llevaba las "
            "cuentas en Excel.",
            "Fui voluntaria en un comedor comunitario: organizaba las compras y coordinaba a "
            "los voluntarios.",
            "Arreglaba celulares y computadoras de mis vecinos: cambiaba pantallas e "
            "instalaba programas.",
        ],
        "goals": [
            "quiero ser supervisora de tienda",
            "quiero trabajar de recepcionista de hotel",
            "me gustaría ser asistente administrativa",
            "quiero ser técnica en reparación de computadoras",
            "quiero trabajar como cocinera",
        ],
    },
    "en": {
        "start": ["hello", "yes, I agree"],
        "first": ["nothing else", "/affirm"],
        "plan": [
            '/select_number{"number": "1"}',
            "about 100 dollars",
            "8 hours a week for 20 weeks",
            '/choose_mode{"mode": "online"}',
        ],
        "again": [
            "nothing else",
            "/affirm",
            "I want to change my goal",
            None,
            '/select_number{"number": "1"}',
            "now I can spend 150 dollars",
            '/choose_mode{"mode": "any"}',
            "tell me more about course 1",
            "what do you know about me?",
        ],
        "probe": [
            "/ask_help",
            "why are you asking that?",
            "/thanks",
            "thanks",
            "/greet",
            "help please",
            "/ask_help",
            "why?",
            "thank you very much",
            "/greet",
        ],
        "experiences": [
            "I worked two years in a call centre answering customer complaints and I kept the "
            "records of every call in a spreadsheet.",
            "I also worked as a waiter in a restaurant: I served tables, took orders and "
            "handled the bills.",
            "I looked after my grandmother for three years: I gave her medicines and took her "
            "to the doctor.",
            "I sold clothes on Instagram: I took the photos, answered the messages and kept "
            "the accounts in Excel.",
            "I volunteered at a community kitchen, buying the food and coordinating the "
            "volunteers.",
            "I repaired my neighbours' phones and computers, replacing screens and installing "
            "software.",
        ],
        "goals": [
            "I want to be a junior web developer",
            "I want to work as a hotel receptionist",
            "I would like to be an administrative assistant",
            "I want to be a computer repair technician",
            "I want to work as a cook",
        ],
    },
}
LONG_TURNS = 200
PROBE_WINDOWS = {"early": (11, 20), "late": (191, 200)}  # 1-based turns, both the probe block


def long_script(lang: str, turns: int = LONG_TURNS) -> list[str]:
    """The first `turns` messages of the long conversation in `lang` (10 to start with, a
    first plan; then the digressions; then cycles of 20: another experience, goal and plan,
    and the digressions again)."""
    words = LONG[lang]
    script = [*words["start"], words["experiences"][0], *words["first"], words["goals"][0]]
    script += [*words["plan"], *words["probe"]]
    cycle = 1
    while len(script) < turns:
        goal = words["goals"][cycle % len(words["goals"])]
        experience = words["experiences"][cycle % len(words["experiences"])]
        again = [goal if m is None else m for m in words["again"]]
        script += [experience, *again, *words["probe"]]
        cycle += 1
    return script[:turns]


def long_conversation(lang: str = "es", turns: int = LONG_TURNS) -> dict:
    """One conversation of `turns` turns through the real servers, every turn measured: its
    latency, the CPU each process spent on it, the bytes Rasa sent the action server, and how
    much the stored tracker and the stored state grew. The early and late windows are the same
    ten messages (PROBE_WINDOWS), compared side by side."""
    import httpx

    from assistant.bench.serving import cpu_seconds, serving
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
            cpu = {name: cpu_seconds(proc.pid) for name, proc in running.items()}
            started = time.perf_counter()
            reply = client.post(rasa, json={"sender": sender, "message": message})
            seconds = time.perf_counter() - started
            body = reply.json() if reply.status_code == 200 else []
            for image in [m["image"] for m in body if m.get("image")]:
                client.get(image)  # as the widget does, after the reply
            spent = {
                name: round(1000 * (cpu_seconds(proc.pid) - cpu[name]), 1)
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
