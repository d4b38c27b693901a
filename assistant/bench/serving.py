"""The three servers as `make run` starts them (Rasa, the action server and the web app, from
the Procfile, on free ports and the configured database: SQLite by default, PostgreSQL and
Redis when DATABASE_URL and REDIS_URL say so), and what each process has used: CPU time and
peak memory (VmHWM). The load levels and the long conversation run against them."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.config import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_fine(pid: int) -> float | None:
    """CPU time of the process's live threads at nanosecond resolution (the sum of
    /proc/<pid>/task/*/schedstat), for one turn or a few: `cpu_seconds` counts clock ticks
    (10 ms), as coarse as a cheap turn (a window of ten turns read 1.0 or 2.0 ms a turn for an
    idle process). A thread that ends between two readings takes its time with it, so this
    is for short spans of long-lived servers."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    total = 0
    for tid in threads:
        try:
            total += int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return total / 1e9


@contextlib.contextmanager
def serving(settings) -> Iterator[tuple[dict[str, subprocess.Popen], dict[str, int]]]:
    """Rasa, the action server and the web app on free ports, as `make run` starts them (on
    the configured database); stopped on the way out."""
    from assistant.bootstrap.processes import process_environment, procfile_commands
    from assistant.bootstrap.rasa_model import ensure_rasa_model

    model = ensure_rasa_model(settings)
    ports = {"rasa": _free_port(), "action": _free_port(), "web": _free_port()}
    env = {
        **os.environ,
        **process_environment(settings, model, ports),
        "PUENTE_HOST": "127.0.0.1",
        "PUENTE_TRUSTED_PROXIES": "127.0.0.1",
        "PUENTE_RATE_PER_SENDER": "0",
    }
    logs = Path(tempfile.mkdtemp(prefix="puente-bench-"))
    commands = procfile_commands(env)  # as `make run` starts them
    procs = {"action": commands["actions"], "rasa": commands["rasa"], "web": commands["web"]}
    running = {
        name: subprocess.Popen(
            cmd,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=(logs / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name, cmd in procs.items()
    }
    try:
        _wait(f"http://127.0.0.1:{ports['action']}/health", running["action"])
        _wait(f"http://127.0.0.1:{ports['rasa']}/webhooks/ops/health", running["rasa"])
        _wait(f"http://127.0.0.1:{ports['web']}/healthz", running["web"])
        yield running, ports
    finally:
        for proc in running.values():
            # one that already exited (refusing to start) must not hide why, with its own error
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
        for proc in running.values():
            proc.wait(timeout=30)


def _wait(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited ({proc.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout} s")
