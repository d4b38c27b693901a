"""The pages a browser opens on the web app: the home page (with the chat widget), its icon,
and /health. (Liveness, readiness and metrics are assistant.web.ops'.)"""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from assistant.config import Settings
from assistant.skills.engine import ESCO_ATTRIBUTION

STATIC = Path(__file__).resolve().parents[1] / "static"


def pages_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    def home(lang: str = "es", code: str = "") -> str:
        lang = "en" if lang == "en" else "es"
        # a resume code handed over in a link (ABCD-EFGH-JK23): typed in the chat for the
        # person, who still confirms before anything moves
        code = code.upper() if re.fullmatch(r"[A-Za-z0-9]{4}(-?[A-Za-z0-9]{4}){2}", code) else ""
        base, rasa = html.escape(settings.base_url), html.escape(settings.rasa_url)
        intro = {
            "es": "Cuéntale a Puente lo que has hecho —trabajos pagados, informales o "
            "voluntarios— y te ayuda a nombrar tus habilidades, ver qué te falta para el "
            "trabajo que quieres y armar un plan corto y barato de cursos con certificado.",
            "en": "Tell Puente what you have done (paid, informal or volunteer work) and it "
            "helps you name your skills, see what you need for the job you want and build a "
            "short, affordable plan of certified courses.",
        }[lang]
        return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Puente</title>
<link rel="icon" href="{base}/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{base}/static/home.css"></head>
<body><main><h1>Puente</h1><p>{html.escape(intro)}</p>
<p><a href="/?lang={"es" if lang == "en" else "en"}">{"Español" if lang == "en" else "English"}</a>
· API: <a href="/docs">/docs</a></p>
<footer><p>{html.escape(ESCO_ATTRIBUTION)}</p></footer></main>
<script src="{base}/static/widget.js" data-api="{base}" data-socket="{rasa}" data-lang="{lang}"
 data-code="{code}" data-open="{"true" if code else "false"}" defer></script></body></html>"""

    @router.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(
            (STATIC / "favicon.svg").read_bytes(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "max-age=86400"},
        )

    @router.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    return router
