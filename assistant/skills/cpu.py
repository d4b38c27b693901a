"""What this machine's CPU computes natively (read from /proc/cpuinfo): the embedders and the
linker's training pick their arithmetic by it."""

from __future__ import annotations

from pathlib import Path


def cpu_has_native_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags for flag in ("avx512_bf16", "amx_bf16"))
