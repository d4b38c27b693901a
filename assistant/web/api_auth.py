"""API keys on the open API (/api/v1): who may call the engine routes, and how often.

Every /api/v1 operation needs `Authorization: Bearer <key>` with the "api" scope, except the
two session routes the widget and the chat client call (EXEMPT_PATHS). Outside development a
missing key is 401 (with `WWW-Authenticate: Bearer`), an unknown or revoked key 401, a key
without the scope 403. In development a key is optional, but one that is sent is checked the
same way. Keys are made with `assistant apikey create` (assistant/access/api_keys.py).

Limits, per minute, in Redis when PUENTE_REDIS_URL is set (shared by every instance):
PUENTE_API_RATE_PER_KEY for each valid key, wherever it is used from, and
PUENTE_API_RATE_PER_IP for each client address on requests without a valid key (anonymous
ones in development, and refused ones: guessing keys gets slowed down too). X-Forwarded-For
counts only from PUENTE_TRUSTED_PROXIES. Over a limit: 429 with Retry-After."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from fastapi import Depends, Request, params
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool

from assistant.config import get_settings
from assistant.web.errors import ApiError, error_doc

SCOPE = "api"
# The widget's and the chat client's sessions: they are how anonymous people start talking.
EXEMPT_PATHS = frozenset({"/api/v1/widget/session", "/api/v1/chat/session"})
RETRY_AFTER_SECONDS = 60  # the limiter's window is one minute

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    bearerFormat="pk_...",
    description="An API key with the `api` scope, sent as `Authorization: Bearer pk_...`. "
    "An operator makes one with `assistant apikey create --name NAME --scope api` (the key is "
    "shown once), lists them with `assistant apikey list` and revokes one with "
    "`assistant apikey revoke ID`.",
)

# Declared on every protected operation (OpenAPI), so clients and schemathesis know them.
AUTH_ERRORS: dict[int | str, dict] = {
    401: error_doc("No API key (outside development), or an unknown or revoked one"),
    403: error_doc("The API key does not have the `api` scope"),
    429: error_doc("Too many requests for this key or address; retry after Retry-After seconds"),
}


def refusal(status: int, error: str, message: str, headers: dict[str, str]) -> ApiError:
    exc = ApiError(status, error, message)
    exc.headers = headers  # the JSON error handler sends them
    return exc


def _missing() -> ApiError:
    return refusal(
        401,
        "unauthorized",
        "this API needs a key: send `Authorization: Bearer <key>` "
        "(an operator makes one with `assistant apikey create`)",
        {"WWW-Authenticate": 'Bearer realm="puente"'},
    )


def _invalid(message: str) -> ApiError:
    return refusal(
        401,
        "invalid_api_key",
        message,
        {"WWW-Authenticate": 'Bearer realm="puente", error="invalid_token"'},
    )


def _rate_limited(message: str) -> ApiError:
    return refusal(429, "rate_limited", message, {"Retry-After": str(RETRY_AFTER_SECONDS)})


@functools.lru_cache(maxsize=4)
def _limiter(redis_url: str):
    from edge.limiter import RateLimiter

    return RateLimiter(redis_url or None, prefix="puente:api-rate:")


def _address(request: Request, trusted_proxies: str) -> str:
    from assistant.web.addresses import request_address

    return request_address(request, trusted_proxies)


def _check_key(key: str) -> tuple[str, int | None]:
    """("ok", id), ("scope", id) for a key without the api scope, or ("unknown", None)."""
    from assistant.access import api_keys
    from assistant.db.session import session_scope

    with session_scope() as session:  # commits last_used_at
        row = api_keys.verify(session, key, SCOPE)
        if row is not None:
            return "ok", row.id
        row = api_keys.find(session, key)
        return ("scope", row.id) if row is not None else ("unknown", None)


async def require_api_key(request: Request, _bearer: Any = Depends(bearer)) -> None:
    """The /api/v1 router's dependency (see the module's docstring)."""
    if request.url.path in EXEMPT_PATHS:  # ApiKeyRoute leaves it off them; in case it is not used
        return
    settings = get_settings()
    limiter = _limiter(settings.redis_url)

    async def count_address() -> None:
        address = _address(request, settings.trusted_proxies)
        if not await limiter.allow(f"ip:{address}", settings.api_rate_per_ip):
            raise _rate_limited("too many requests from your address; wait a minute")

    header = request.headers.get("authorization")
    if header is None:
        await count_address()
        if settings.environment != "development":
            raise _missing()
        return  # development: anonymous calls are allowed
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        await count_address()
        raise _invalid("send the API key as `Authorization: Bearer <key>`")
    outcome, key_id = await run_in_threadpool(_check_key, key.strip())
    if outcome == "unknown":
        await count_address()
        raise _invalid("this API key is not valid (unknown, or revoked)")
    if outcome == "scope":
        await count_address()
        raise refusal(
            403,
            "insufficient_scope",
            f"this API key does not have the `{SCOPE}` scope",
            {
                "WWW-Authenticate": 'Bearer realm="puente", error="insufficient_scope", '
                f'scope="{SCOPE}"'
            },
        )
    if not await limiter.allow(f"key:{key_id}", settings.api_rate_per_key):
        raise _rate_limited(
            f"this API key made more than {settings.api_rate_per_key} requests in the last "
            "minute; wait a minute"
        )
    request.state.api_key_id = key_id


def _requires_key(dependencies: Sequence[params.Depends]) -> bool:
    return any(d.dependency is require_api_key for d in dependencies)


class ApiKeyRoute(APIRoute):
    """The route class of the /api/v1 router: the exempt paths lose `require_api_key` (so the
    OpenAPI shows no security on them); the others declare the 401/403/429 answers, and in
    development an empty security requirement too, as a key is optional there."""

    def __init__(
        self,
        path: str,
        endpoint,
        *,
        dependencies: Sequence[params.Depends] | None = None,
        responses: dict[int | str, dict[str, Any]] | None = None,
        openapi_extra: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        dependencies = list(dependencies or [])
        if path in EXEMPT_PATHS:
            dependencies = [d for d in dependencies if d.dependency is not require_api_key]
        elif _requires_key(dependencies):
            responses = {**AUTH_ERRORS, **(responses or {})}
            if get_settings().environment == "development":
                openapi_extra = {**(openapi_extra or {}), "security": [{}]}  # appended
        super().__init__(
            path,
            endpoint,
            dependencies=dependencies,
            responses=responses,
            openapi_extra=openapi_extra,
            **kwargs,
        )
