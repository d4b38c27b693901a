"""The address of the person behind a request to the web app or console (trusted proxies'
X-Forwarded-For believed, nobody else's)."""

from __future__ import annotations

from starlette.requests import Request

from edge.addresses import client_ip, trusted_proxies


def request_address(request: Request, proxies_setting: str) -> str:
    peer = request.client.host if request.client else None
    return client_ip(peer, request.headers.get("x-forwarded-for"), trusted_proxies(proxies_setting))
