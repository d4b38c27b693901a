"""Identity and access, tried as an attacker would against the production profile (real Rasa,
action server and web app; PostgreSQL and Redis; PUENTE_ENVIRONMENT=production):

- a REST request naming someone else's sender is refused and touches nothing;
- a WhatsApp worker's number posted on the REST channel (with a valid key or token) reaches
  nothing of theirs: not their data, their code, or the deletion of their data;
- guessing resume codes is locked out per sender and per address, and audited;
- a code moves a conversation only after a confirmation turn, and the old device is told;
- a summary/export link can be revoked (then 404), and the export has no counsellor notes;
- without real secrets no server starts, each naming the variable.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import uuid
from datetime import UTC, datetime

import httpx
import jwt
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, free_port
from tests.integration.test_whatsapp import post, said, tap, webhook
from tests.integration.test_whatsapp import text as wa_text

pytestmark = [pytest.mark.servers, pytest.mark.postgres]
NOT_FOUND_CODE = "No encontré ese código"
LOCKED = "demasiados intentos"


def chat(prod, message: str, headers: dict, sender: str | None = None, ip: str = "10.20.0.1"):
    body = {"message": message} if sender is None else {"sender": sender, "message": message}
    return httpx.post(
        prod.rasa(0) + "/webhooks/rest/webhook",
        json=body,
        headers={"X-Forwarded-For": ip, **headers},
        timeout=120,
    )


def reply_text(response: httpx.Response) -> str:
    return "\n".join(m.get("text") or "" for m in response.json())


def chat_token(prod) -> dict:
    """A REST chat client's token, as the web app issues it to anyone (a new conversation)."""
    issued = httpx.post(prod.stack.url("web") + "/api/v1/chat/session", json={}, timeout=30)
    assert issued.status_code == 200, issued.text
    data = issued.json()
    return {"Authorization": f"Bearer {data['token']}", "sender_id": data["sender_id"]}


def bearer(token: dict) -> dict:
    return {"Authorization": token["Authorization"]}


def row_of(prod, conversation_id: str) -> dict | None:
    digest = hashlib.sha256(f"puente:{conversation_id}".encode()).hexdigest()
    engine = create_engine(prod.engine_url())
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, resume_code, state FROM conversation WHERE sender_hash = :h"),
            {"h": digest},
        ).first()
    engine.dispose()
    return dict(row._mapping) if row else None


def whatsapp_worker(prod, graph_api) -> tuple[str, dict]:
    """A WhatsApp worker who consented and told one job: (number, their stored row)."""
    number = f"57300{uuid.uuid4().int % 10**7:07d}"

    def turn(message: dict, expect: str) -> None:
        before = len(graph_api.to(number))
        assert post(prod.stack, webhook(number, message)).status_code == 200
        graph_api.wait_for(number, lambda ms: expect in said(ms[before:]))

    turn(wa_text("hola"), "¿Aceptas?")
    turn(tap("/affirm", "Acepto"), "Cuéntame de un trabajo")
    turn(wa_text("Trabajé cuatro años de niñera: cuidaba a dos niños y los bañaba."), "Anotado")
    row = row_of(prod, f"whatsapp:+{number}")
    assert row is not None and len(row["resume_code"]) == 12
    return number, row


def test_a_bare_or_forged_rest_sender_is_refused_and_touches_nothing(production):
    prod = production
    victim = f"victim-{uuid.uuid4().hex[:6]}"
    # WHEN someone posts a sender of their choosing with no credential
    bare = chat(prod, "/ask_my_data", {}, sender=victim)
    # AND with a token signed with the value once published in the repository
    forged = jwt.encode(
        {"sub": victim, "aud": "puente-rest", "exp": 9999999999}, "dev-only-change-me", "HS256"
    )
    forged_reply = chat(prod, "hola", {"Authorization": f"Bearer {forged}"}, sender=victim)
    # AND with an API key that does not exist
    unknown = chat(prod, "hola", {"Authorization": "Bearer pk_not-a-key"}, sender=victim)
    # THEN all are refused with 401, saying what is needed
    for response in (bare, forged_reply, unknown):
        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization" in bare.json()["error"]
    # AND no conversation was touched under any spelling of that sender
    for conversation in (victim, f"rest:{victim}"):
        users = [e for e in prod.events(conversation) if e["event"] == "user"]
        assert users == []


def test_a_whatsapp_number_posted_on_rest_reaches_nothing_of_that_worker(production, graph_api):
    prod = production
    number, before = whatsapp_worker(prod, graph_api)
    code = before["resume_code"]
    token = chat_token(prod)
    attempts = [
        (prod.chat_headers, number),  # an integration's key, naming the number
        (prod.chat_headers, f"+{number}"),
        (prod.chat_headers, f"whatsapp:+{number}"),
        (bearer(token), number),  # a chat token: the body's sender is not used at all
    ]
    for headers, sender in attempts:
        # WHEN an attacker asks for the worker's data, says goodbye, and erases "their" data
        mine = chat(prod, "/ask_my_data", headers, sender)
        bye = chat(prod, "adiós", headers, sender)
        chat(prod, "borrar mis datos", headers, sender)
        erased = chat(prod, "/affirm", headers, sender)
        # THEN none of it is the worker's: no link, no code, nothing erased
        for response in (mine, bye, erased):
            assert response.status_code == 200, response.text
            assert "/s/" not in reply_text(response)
            assert code not in reply_text(response).replace("-", "")
    after = row_of(prod, f"whatsapp:+{number}")
    assert after is not None and after["id"] == before["id"]
    assert after["resume_code"] == code
    assert after["state"]["profile"]["experiences"] == before["state"]["profile"]["experiences"]
    # AND the worker's own chat still holds only what the worker wrote
    users = [e["text"] for e in prod.events(f"whatsapp:+{number}") if e["event"] == "user"]
    assert len(users) == 3


def test_guessing_codes_is_locked_out_per_sender_and_per_address_and_audited(production):
    prod = production
    me = f"guesser-{uuid.uuid4().hex[:6]}"
    chat(prod, "hola", prod.chat_headers, me, ip="10.30.0.1")
    # WHEN one conversation tries wrong codes
    replies = [
        reply_text(
            chat(prod, f"mi código es QQQQ-RRRR-SS{n}{n}", prod.chat_headers, me, "10.30.0.1")
        )
        for n in range(2, 8)
    ]
    # THEN the first ones are refused plainly, then further tries are locked out
    assert all(NOT_FOUND_CODE in r for r in replies[:4])
    assert LOCKED in replies[4] and LOCKED in replies[5]
    # WHEN many conversations from one address each try a couple (PER_ADDRESS is 8 here)
    for k in range(4):
        rotating = f"{me}-r{k}"
        chat(prod, "hola", prod.chat_headers, rotating, ip="10.30.0.2")
        for n in (2, 3):
            code = f"WWWW-XXXX-Y{k + 2}{n}Z"
            chat(prod, f"mi código es {code}", prod.chat_headers, rotating, ip="10.30.0.2")
    fresh = f"{me}-fresh"
    chat(prod, "hola", prod.chat_headers, fresh, ip="10.30.0.2")
    locked = chat(prod, "mi código es WWWW-XXXX-Y99Z", prod.chat_headers, fresh, ip="10.30.0.2")
    # THEN a new conversation from that address is locked out too
    assert LOCKED in reply_text(locked)
    # AND each lockout is in the audit log
    engine = create_engine(prod.engine_url())
    with engine.connect() as conn:
        scopes = conn.execute(
            text("SELECT target FROM audit_entry WHERE action = 'code_lockout'")
        ).scalars()
        scopes = set(scopes)
    engine.dispose()
    assert {"sender", "address"} <= scopes


def test_a_code_moves_a_conversation_only_after_confirming_and_the_old_device_is_told(
    production, graph_api
):
    prod = production
    number, before = whatsapp_worker(prod, graph_api)
    shown = "-".join(before["resume_code"][i : i + 4] for i in range(0, 12, 4))
    token = chat_token(prod)
    laptop = bearer(token)
    chat(prod, "hola", laptop, ip="10.40.0.1")
    # WHEN the worker types their code on a new device
    asked = reply_text(chat(prod, f"mi código es {shown}", laptop, ip="10.40.0.1"))
    # THEN nothing moves before they confirm
    assert "¿La sigo en este dispositivo?" in asked
    assert row_of(prod, f"whatsapp:+{number}") is not None
    # WHEN they confirm
    moved = reply_text(chat(prod, "/affirm", laptop, ip="10.40.0.1"))
    # THEN the conversation is here, no longer on WhatsApp, and the phone was told
    assert "Seguimos donde quedamos" in moved
    assert row_of(prod, f"whatsapp:+{number}") is None
    assert row_of(prod, token["sender_id"])["id"] == before["id"]
    graph_api.wait_for(number, lambda ms: "continúa ahora en otro dispositivo" in said(ms))


def test_a_revoked_link_answers_404_and_the_export_has_no_private_notes(production):
    prod = production
    token = chat_token(prod)
    me = bearer(token)
    for message in ("hola", "/affirm", "Trabajé dos años de mesera en un restaurante."):
        assert chat(prod, message, me, ip="10.50.0.1").status_code == 200
    row = row_of(prod, token["sender_id"])
    # GIVEN a counsellor's private note on the person's case
    engine = create_engine(prod.engine_url())
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO handoff (conversation_id, channel, reason, status, notes, "
                "requested_at) VALUES (:c, 'rest', 'a petición propia', 'closed', :n, :t)"
            ),
            {
                "c": row["id"],
                "n": '[{"by": "Ana", "text": "PRIVATE-NOTE-7Q"}]',
                "t": datetime.now(UTC),
            },
        )
    engine.dispose()
    # WHEN the worker asks what Puente knows about them
    reply = reply_text(chat(prod, "/ask_my_data", me, ip="10.50.0.1"))
    link = re.search(r"https?://\S+/s/([A-Za-z0-9_-]{24})/export\.json", reply)
    assert link, reply
    export = httpx.get(link.group(0), timeout=30)
    # THEN the export has their data and the handoff, never the counsellor's note
    assert export.status_code == 200 and export.json()["handoffs"]
    assert "PRIVATE-NOTE-7Q" not in export.text and "notes" not in export.json()["handoffs"][0]
    assert row["resume_code"] not in export.text.replace("-", "")
    summary = prod.stack.url("web") + f"/s/{link.group(1)}"
    assert httpx.get(summary, timeout=30).status_code == 200
    # WHEN they switch their links off in the chat
    assert "desactivé" in reply_text(chat(prod, "anula mi enlace", me, ip="10.50.0.1"))
    # THEN the link answers 404 everywhere, and their data is still there
    assert httpx.get(link.group(0), timeout=30).status_code == 404
    assert httpx.get(summary, timeout=30).status_code == 404
    assert httpx.get(summary + ".pdf", timeout=30).status_code == 404
    assert row_of(prod, token["sender_id"]) is not None
    # AND a resume code never opens a summary
    assert (
        httpx.get(prod.stack.url("web") + f"/s/{row['resume_code']}", timeout=30).status_code == 404
    )


# -- secrets fail closed (no stack needed) ------------------------------------------------------


def _without_secrets(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PUENTE_ENVIRONMENT", "PUENTE_RASA_JWT_SECRET", "PUENTE_WIDGET_JWT_SECRET")
    }
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def test_the_web_app_refuses_to_start_without_secrets_naming_the_variable():
    # WHEN the web app starts with PUENTE_ENVIRONMENT unset and no secrets
    command = [
        str(ROOT / ".venv/bin/uvicorn"),
        "assistant.web.app:create_app",
        "--factory",
        "--port",
        str(free_port()),
    ]
    done = subprocess.run(
        command, env=_without_secrets(), capture_output=True, text=True, timeout=120
    )
    # THEN it exits non-zero, naming the variable
    assert done.returncode != 0
    assert "PUENTE_RASA_JWT_SECRET is not set" in done.stderr
    # AND a short or published secret is refused as well
    for value, problem in (("short", "shorter than 32 bytes"), ("dev-only-change-me", "published")):
        env = _without_secrets(
            PUENTE_ENVIRONMENT="production",
            PUENTE_RASA_JWT_SECRET="r" * 48,
            PUENTE_WIDGET_JWT_SECRET=value,
        )
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert (
            done.returncode != 0
            and f"PUENTE_WIDGET_JWT_SECRET is {'a ' if problem == 'published' else ''}"
            in done.stderr
        )
        assert problem in done.stderr


def test_the_action_server_and_rasa_refuse_to_start_on_a_weak_secret(tmp_root):
    from assistant.bootstrap.rasa_model import ensure_rasa_model
    from assistant.config import get_settings

    # WHEN the action server starts with PUENTE_ENVIRONMENT unset and no secrets
    action = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "actions", "--port", str(free_port())],
        env=_without_secrets(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # THEN it exits non-zero, naming the variable
    assert action.returncode != 0 and "PUENTE_RASA_JWT_SECRET is not set" in action.stderr
    from assistant.bootstrap.processes import process_environment

    settings = get_settings()
    model = ensure_rasa_model(settings)
    endpoints = tmp_root / "endpoints-refuse.yml"
    endpoints.write_text("action_endpoint:\n  url: http://127.0.0.1:9/webhook\n")
    env = {**os.environ, **process_environment(settings, model)}
    env.pop("PUENTE_ENVIRONMENT")
    env.update(PUENTE_RASA_JWT_SECRET="x" * 10, PUENTE_WIDGET_JWT_SECRET="y" * 40)
    # WHEN Rasa starts with a 10-byte JWT secret (its HTTP API would be open to forgery)
    from assistant.bootstrap.processes import procfile_commands

    env.update(PUENTE_HOST="127.0.0.1", PUENTE_RASA_PORT=str(free_port()))
    env["PUENTE_RASA_MODEL"] = str(model)
    command = procfile_commands(env)["rasa"]  # the Procfile's Rasa, as `make run` starts it
    command[command.index("--endpoints") + 1] = str(endpoints)
    rasa = subprocess.run(
        command,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # THEN it does not start, and says which variable
    assert rasa.returncode != 0
    assert "PUENTE_RASA_JWT_SECRET is shorter than 32 bytes" in rasa.stdout + rasa.stderr
