"""The browser origins allowed to open the widget's socket: PUENTE_ALLOWED_ORIGINS, or the
web app's own origin."""

from __future__ import annotations


def allowed_origins(setting: str, web_port: int | str = 8000) -> list[str]:
    if (setting or "").strip():
        return [o.strip().rstrip("/") for o in setting.split(",") if o.strip()]
    return [f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}"]
