"""The caller's address: X-Forwarded-For is believed only from a trusted proxy."""

from __future__ import annotations


def trusted_proxies(setting: str) -> frozenset[str]:
    """PUENTE_TRUSTED_PROXIES ("10.0.0.1, 10.0.0.2") as a set of addresses."""
    return frozenset(p.strip() for p in (setting or "").split(",") if p.strip())


def client_ip(peer: str | None, forwarded_for: str | None, trusted: frozenset[str]) -> str:
    """The first untrusted hop from the right of X-Forwarded-For, when the peer itself is a
    trusted proxy; the peer otherwise."""
    peer = peer or "unknown"
    if forwarded_for and peer in trusted:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop
    return peer
