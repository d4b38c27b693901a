"""Twilio's WhatsApp webhooks, signed as Twilio signs them, answered through a fake Twilio
API on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx
import pytest

from tests.integration.conftest import TWILIO

pytestmark = pytest.mark.servers


def _signed_post(stack, form: dict, token: str = TWILIO["PUENTE_TWILIO_AUTH_TOKEN"]):
    url = stack.env["PUENTE_TWILIO_WEBHOOK_URL"]
    data = url + "".join(k + form[k] for k in sorted(form))
    sig = base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()
    return httpx.post(url, data=form, headers={"X-Twilio-Signature": sig}, timeout=30)


def _form(number: str, body: str | None) -> dict:
    form = {
        "SmsMessageSid": "SM" + number[-6:],
        "AccountSid": TWILIO["PUENTE_TWILIO_ACCOUNT_SID"],
        "From": number,
        "To": TWILIO["PUENTE_TWILIO_NUMBER"],
        "NumMedia": "0",
        "ProfileName": "Rosa",
    }
    if body is not None:
        form["Body"] = body
    return form


def test_a_signed_message_is_answered_asynchronously_and_split(stack, twilio_api):
    me = "whatsapp:+5215550007777"
    assert _signed_post(stack, _form(me, "hola")).status_code == 204
    got = twilio_api.wait_for(me, lambda ms: any("¿Aceptas?" in m.get("Body", "") for m in ms))
    assert all(len(m["Body"]) <= 1600 for m in got if "Body" in m)
    assert got[0]["From"] == TWILIO["PUENTE_TWILIO_NUMBER"]
    assert got[0]["path"].startswith(f"/2010-04-01/Accounts/{TWILIO['PUENTE_TWILIO_ACCOUNT_SID']}/")


def test_bad_signatures_are_refused(stack, twilio_api):
    me = "whatsapp:+5215550008888"
    assert _signed_post(stack, _form(me, "hola"), token="forged").status_code == 403
    url = stack.env["PUENTE_TWILIO_WEBHOOK_URL"]
    assert httpx.post(url, data=_form(me, "hola"), timeout=30).status_code == 403


def test_a_message_without_body_gets_a_polite_answer_not_a_crash(stack, twilio_api):
    me = "whatsapp:+5215550009999"
    assert _signed_post(stack, _form(me, None)).status_code == 204
    twilio_api.wait_for(me, lambda ms: any("solo puedo leer" in m.get("Body", "") for m in ms))
