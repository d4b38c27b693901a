"""Start the real processes (Rasa, action server, web app) on free ports for a test run."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.bootstrap.processes import procfile_commands
from tests.conftest import ROOT, free_port


@dataclass
class Stack:
    env: dict[str, str]
    ports: dict[str, int]
    logs: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def admin_headers(self) -> dict:
        """An admin token for Rasa's HTTP API (tests read and set trackers with it)."""
        import jwt

        token = jwt.encode(
            {"user": {"username": "tests", "role": "admin"}},
            self.env["PUENTE_RASA_JWT_SECRET"],
            algorithm="HS256",
        )
        return {"Authorization": f"Bearer {token}"}

    def start(self, name: str, command: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_http(self, name: str, path: str, timeout: float = 420) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs[name]
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{self.tail(name)}")
            try:
                if httpx.get(self.url(name) + path, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{name} not ready after {timeout}s:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    def stop(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.procs):
            proc = self.procs.pop(key, None)
            if proc and proc.poll() is None:
                os.killpg(proc.pid, 15)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, 9)


def rasa_command(
    stack: Stack,
    model: Path,
    endpoints: str = "endpoints.yml",
    credentials: str = "credentials.yml",
    port: int | None = None,
) -> list[str]:
    """The Procfile's Rasa command (as `make run` starts it), on this stack's ports."""
    env = {**stack.env, "PUENTE_HOST": "127.0.0.1", "PUENTE_RASA_MODEL": str(model)}
    env["PUENTE_RASA_PORT"] = str(port or stack.ports["rasa"])
    argv = procfile_commands(env)["rasa"]
    argv[argv.index("--endpoints") + 1] = endpoints
    argv[argv.index("--credentials") + 1] = credentials
    return argv


def action_command(port: int) -> list[str]:
    env = {"PUENTE_HOST": "127.0.0.1", "PUENTE_ACTION_PORT": str(port)}
    return procfile_commands(env)["actions"]


def web_command(port: int) -> list[str]:
    # the Procfile runs uvicorn with --no-proxy-headers: the client's address is the app's to
    # decide (X-Forwarded-For only from PUENTE_TRUSTED_PROXIES), not uvicorn's
    return procfile_commands({"PUENTE_HOST": "127.0.0.1", "PUENTE_WEB_PORT": str(port)})["web"]


def make_stack(settings, model: Path, logs: Path) -> Stack:
    from assistant.bootstrap.processes import process_environment

    ports = {"rasa": free_port(), "action": free_port(), "web": free_port()}
    env = {**os.environ, **process_environment(settings, model, ports)}
    logs.mkdir(parents=True, exist_ok=True)
    return Stack(env, ports, logs)
