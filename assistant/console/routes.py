"""The console's router, put together in this one place: each module of pages adds its routes
to it (`register`), in the order below."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.console import audit_pages, case_pages, pages, privacy_pages
from assistant.console.common import ConsoleRoute


def console_router() -> APIRouter:
    """Every route under /console, out of the OpenAPI schema, each answer with the console's
    security headers (ConsoleRoute): sign-in, queue, conversation and in-person case (pages),
    the audit page, the case actions, and the privacy pages."""
    router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
    for module in (pages, audit_pages, case_pages, privacy_pages):
        module.register(router)
    return router
