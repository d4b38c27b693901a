"""What the web app accepts: a cap on request bodies (checked before any route reads them),
JSON-only bodies on the API, and the per-field limits the request models declare."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Request
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import get_settings
from assistant.web.errors import ApiError, json_error

# Occupation search reads at most this much of a title or description (goals/occupations.py).
OCCUPATION_TEXT_CHARS = 2000
MAX_PROFILE_SKILLS = 1000
MAX_URI_CHARS = 500


def _api_text_chars() -> int:
    return get_settings().api_max_text_chars


def _within_api_text_chars(value: str) -> str:
    limit = _api_text_chars()
    if len(value) > limit:
        # the same error (and message) as a Field(max_length=...) would give
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": limit},
        )
    return value


def _api_text_schema(schema: dict) -> None:
    limit = _api_text_chars()
    schema["maxLength"] = limit
    schema["description"] = f"{schema.get('description', 'Text')} (at most {limit} characters)"


# Text the open API hands to the skill engine: at most PUENTE_API_MAX_TEXT_CHARS characters,
# the value configured for this process (checked at each request; the OpenAPI states it).
ApiText = Annotated[
    str, AfterValidator(_within_api_text_chars), Field(json_schema_extra=_api_text_schema)
]


class BodyLimitMiddleware:
    """Refuse request bodies over `max_bytes` with 413 and a JSON error, whether the client
    announces the size (Content-Length) or streams it (chunked). The body is read here, up to
    the limit, and handed to the app unchanged."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is None and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body at all
            return
        if length is not None:
            if not length.strip().isdigit():
                message = "the Content-Length header is not a number"
                await self._refuse(scope, receive, send, 400, "bad_request", message)
                return
            if int(length) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away; nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # e.g. http.disconnect for streaming responses

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than the {self.max_bytes} bytes this server accepts"
        await self._refuse(scope, receive, send, 413, "body_too_large", message)

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, status: int, error: str, message: str
    ) -> None:
        # the rest of the body is not read: close the connection instead of draining it
        response = json_error(status, error, message, headers={"Connection": "close"})
        await response(scope, receive, send)


def _is_json(content_type: str) -> bool:
    main = content_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or (
        main.startswith("application/") and main.endswith("+json")
    )


def _not_plain_json(data: object) -> str | None:
    """Python's JSON parser accepts NaN/Infinity and lone UTF-16 surrogates ("\\ud800");
    neither is JSON anyone should send, and neither can be stored or answered safely."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return "the body has a lone UTF-16 surrogate (\\ud800-\\udfff): not valid text"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "the body has NaN or Infinity, which JSON does not allow"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


async def json_only(request: Request) -> None:
    """Dependency for the JSON API: a body must be JSON (415 otherwise) and plain JSON (400).
    It runs after FastAPI has read and parsed the body and before the body is validated, so an
    empty body still gets the validation error that names the missing field."""
    body = await request.body()
    if not body:
        return
    if not _is_json(request.headers.get("content-type", "")):
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        )
    problem = _not_plain_json(await request.json())  # parsed once already: cached
    if problem:
        raise ApiError(400, "malformed_json", problem)
