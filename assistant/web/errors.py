"""One JSON shape for every error the web app answers:

    {"error": "<code>", "message": "<for a person>", "detail": ..., "request_id": ...}

`detail` keeps FastAPI's meaning (a string, or the list of field errors) so existing clients
still find it. Unexpected exceptions become a generic 500 with a request id; the log gets the
id, the route and the traceback, never the request body or the exception's message (both may
hold what a worker wrote)."""

from __future__ import annotations

import json
import logging
import re
import traceback
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("assistant.web")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_FASTAPI_PARSE_ERROR = "There was an error parsing the body"


class ApiError(StarletteHTTPException):
    """An HTTP error with its own code (otherwise the code comes from the status)."""

    def __init__(self, status_code: int, error: str, message: str) -> None:
        super().__init__(status_code=status_code, detail=message)
        self.error = error


class SafeJSONResponse(JSONResponse):
    """JSON that can always be sent: text that cannot be UTF-8 encoded (lone surrogates from
    stored data) is written as \\u escapes instead of failing the response."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(
                content, ensure_ascii=True, allow_nan=False, separators=(",", ":")
            ).encode("ascii")


class ErrorOut(BaseModel):
    error: str = Field(description="A stable code, e.g. invalid_request or body_too_large")
    message: str = Field(description="What went wrong, in a sentence for a person")
    detail: Any = Field(None, description="FastAPI's detail: a string or the field errors")
    request_id: str | None = Field(None, description="Quote it when reporting a server error")


def json_error(
    status: int,
    error: str,
    message: str,
    detail: Any = None,
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
) -> SafeJSONResponse:
    body = {"error": error, "message": message, "detail": detail if detail is not None else message}
    if request_id:
        body["request_id"] = request_id
    return SafeJSONResponse(body, status_code=status, headers=headers)


def error_doc(description: str) -> dict:
    return {"model": ErrorOut, "description": description}


class RateLimitedOut(BaseModel):
    error: str = Field(description="Why: too many requests from this address")


RATE_LIMITED_DOC = {
    "model": RateLimitedOut,
    "description": "Too many requests from this address; retry after the Retry-After seconds",
}


# Declared on every JSON API operation (OpenAPI), so clients and schemathesis know them.
API_ERRORS: dict[int | str, dict] = {
    400: error_doc("Malformed JSON (bad syntax, not UTF-8, NaN, lone surrogates)"),
    413: error_doc("The body is larger than the server accepts"),
    415: error_doc("The body is not JSON (Content-Type must be application/json)"),
    422: error_doc("The JSON does not fit the request schema, or the text cannot be used"),
    500: error_doc("Unexpected server error; the answer carries a request id"),
}


def _field_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's errors without `input`/`ctx`: they echo what was sent (maybe 100 KB, maybe
    not encodable) and are not needed to say what is wrong."""
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e["type"]}
        for e in errors
    ]


def _where(loc: list[str]) -> str:
    """["body", "constraints", "weeks"] -> "constraints.weeks"; ["body"] -> "body"."""
    return ".".join(loc[1:] if loc[:1] == ["body"] and len(loc) > 1 else loc) or "request"


async def _validation_error(request: Request, exc: RequestValidationError) -> SafeJSONResponse:
    errors = list(exc.errors())
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        reason = str((broken.get("ctx") or {}).get("error", "syntax error"))
        where = broken.get("loc", ("body", "?"))[-1]
        return json_error(
            400, "malformed_json", f"the body is not valid JSON: {reason} (at character {where})"
        )
    fields = _field_errors(errors)
    message = "; ".join(f"{_where(f['loc'])}: {f['msg']}" for f in fields[:5])
    if len(fields) > 5:
        message += f"; and {len(fields) - 5} more"
    return json_error(422, "invalid_request", message or "invalid request", detail=fields)


async def _http_error(request: Request, exc: StarletteHTTPException) -> SafeJSONResponse:
    status = exc.status_code
    detail = exc.detail
    if status == 400 and detail == _FASTAPI_PARSE_ERROR:
        return json_error(400, "malformed_json", "the body could not be read as UTF-8 JSON")
    if detail is None or detail == "":
        try:
            detail = HTTPStatus(status).phrase
        except ValueError:
            detail = "error"
    message = detail if isinstance(detail, str) else "request refused"
    if status == 404 and detail == "Not Found":
        message = "nothing here: no such page or API route"
    return json_error(
        status,
        getattr(exc, "error", None) or CODES.get(status, "error"),
        message,
        detail=detail,
        headers=getattr(exc, "headers", None),
    )


class ServerErrorGuard:
    """Turn an unhandled exception into a generic 500 JSON answer with a request id (taken from
    a sane X-Request-ID header, or made up) and log it without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            request_id = _request_id(scope)
            log.error(
                "unhandled %s on %s %s (request %s)\n%s",
                type(exc).__name__,
                scope.get("method"),
                # the route's template, not the path: /s/{code}, never someone's code
                getattr(scope.get("route"), "path", "(no route)"),
                request_id,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            if started:
                raise  # too late to answer: let the server drop the connection
            response = json_error(
                500,
                "internal_error",
                "something went wrong on our side; quote the request id if you report it",
                headers={"X-Request-ID": request_id},
                request_id=request_id,
            )
            await response(scope, receive, send)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers") or []:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
