"""Short-lived tokens for the chat: the web widget's and a REST chat client's. No API key is
needed on these two routes (ApiKeyRoute); they are limited per address (assistant.web.ops)."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.config import Settings
from assistant.web import errors
from assistant.web.routes.schemas import WidgetSessionRequest
from assistant.web.routes.shared import api_router


def sessions_router(settings: Settings) -> APIRouter:
    router = api_router()

    @router.post(
        "/widget/session",
        responses={429: errors.RATE_LIMITED_DOC},
    )
    def widget_session(body: WidgetSessionRequest) -> dict:
        """A short-lived token for the chat widget; `previous` keeps the same conversation."""
        from assistant.web.widget_tokens import issue

        return issue(
            settings.widget_jwt_secret.get_secret_value(),
            settings.widget_token_minutes,
            body.previous,
        )

    @router.post(
        "/chat/session",
        responses={429: errors.RATE_LIMITED_DOC},
    )
    def chat_session(body: WidgetSessionRequest) -> dict:
        """A short-lived token for a REST chat client: send it as `Authorization: Bearer ...`
        to Rasa's POST /webhooks/rest/webhook; the conversation is the token's (no `sender`
        needed). `previous` (an earlier token, expired is fine) keeps the same conversation."""
        from assistant.web.widget_tokens import CHAT_AUDIENCE, issue

        return issue(
            settings.widget_jwt_secret.get_secret_value(),
            settings.widget_token_minutes,
            body.previous,
            audience=CHAT_AUDIENCE,
        )

    return router
