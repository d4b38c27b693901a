"""Query vectors are kept per model (assistant/skills/embedders.py QueryCache): a worker's
sentences are embedded once, not again for each gap report and plan made from them."""

from __future__ import annotations

import numpy as np

from assistant.skills.embedders import QueryCache


class CountingEmbedder:
    name, dim, version = "fake", 2, "fake-1"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed_queries(self, texts):
        self.seen += texts
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32).reshape(-1, 2)

    def embed_documents(self, texts, batch_size=64):
        # a passage is embedded differently from a query (e5's "passage: " prefix)
        self.seen += [f"doc:{t}" for t in texts]
        return np.array([[len(t), 2.0] for t in texts], dtype=np.float32).reshape(-1, 2)


def test_each_text_is_embedded_once_and_vectors_come_back_in_order():
    # GIVEN a cache over an embedder that counts what it is asked
    inner = CountingEmbedder()
    cache = QueryCache(inner, size=10)
    # WHEN texts are embedded, some repeated within and across calls
    first = cache.embed_queries(["ab", "abc", "ab"])
    second = cache.embed_queries(["abc", "abcd"])
    # THEN each text reached the model once, and every call gets its own rows in order
    assert inner.seen == ["ab", "abc", "abcd"]
    assert first[:, 0].tolist() == [2, 3, 2] and second[:, 0].tolist() == [3, 4]
    assert first.dtype == np.float32 and cache.embed_queries([]).shape == (0, 2)
    # AND the model's attributes are the inner model's
    assert (cache.name, cache.dim, cache.version) == ("fake", 2, "fake-1")


def test_the_least_recently_used_vector_goes_first_and_no_text_is_kept():
    # GIVEN a cache of two vectors
    inner = CountingEmbedder()
    cache = QueryCache(inner, size=2)
    cache.embed_queries(["a", "bb"])
    cache.embed_queries(["a"])  # "a" used again: "bb" is now the oldest
    # WHEN a third text comes
    cache.embed_queries(["ccc"])
    cache.embed_queries(["a", "bb"])
    # THEN "bb" had to be embedded again, "a" did not
    assert inner.seen == ["a", "bb", "ccc", "bb"]
    # AND the cache holds digests, not the worker's words
    assert all(isinstance(k, bytes) and len(k) == 17 for k in cache._kept)  # kind + digest


def test_an_emptied_cache_asks_the_model_again():
    # GIVEN a text already embedded through the cache
    inner = CountingEmbedder()
    cache = QueryCache(inner, size=10)
    cache.embed_queries(["ab"])
    # WHEN the cache is emptied (the latency bench does so before each timed run)
    cache.clear()
    cache.embed_queries(["ab"])
    # THEN the model is asked again, as for a text never seen
    assert inner.seen == ["ab", "ab"]


def test_labels_are_kept_as_documents_apart_from_queries():
    # GIVEN a cache over an embedder that embeds queries and documents differently
    inner = CountingEmbedder()
    cache = QueryCache(inner, size=10)
    # WHEN a target's skill labels are embedded for two turns, and the same words as a query
    first = cache.embed_labels(["cuidar niños", "cocinar"])
    again = cache.embed_labels(["cocinar", "cuidar niños"])
    query = cache.embed_queries(["cocinar"])
    # THEN each label reached the model once, as a document; the query is its own vector
    assert inner.seen == ["doc:cuidar niños", "doc:cocinar", "cocinar"]
    assert first[:, 1].tolist() == [2.0, 2.0] and again[:, 0].tolist() == [7, 12]
    assert query[:, 1].tolist() == [1.0]
