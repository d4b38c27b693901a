"""Roles in the console, in-process over HTTP on the real test database (Rasa's API replaced
by a recorder): writing on a case (send, note, hand back, close) needs holding it, for
admins too; "take over" moves a case to the signed-in counsellor; erasing a person's data is
for administrators, and a counsellor may do it only with a written reason, which the
administrators see on the audit page; only administrators see the audit page."""

from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from assistant.cases import handoffs
from assistant.console.routes import console_router
from assistant.db.console_models import AuditEntry, Counsellor, Handoff
from assistant.db.session import session_scope
from assistant.profiles import repository as repo
from assistant.services import rasa_api
from tests.integration.test_console_privacy import a_person, last_audit
from tests.integration.test_console_store import client_for, csrf_of, new_account, sign_in

BEA, CARLA = "roles-bea@example.org", "roles-carla@example.org"
NOT_YOURS = "Este caso lo atiende otra persona: tómalo primero"
REASON = "La persona lo pidió por teléfono al servicio de empleo"


@pytest.fixture(scope="module")
def console_app() -> FastAPI:
    from assistant.db.migrate import upgrade

    upgrade()
    app = FastAPI()
    app.include_router(console_router())
    return app


@pytest.fixture(autouse=True)
def rasa_calls(monkeypatch) -> list[str]:
    """Rasa's API replaced by a recorder: the console's calls succeed, nothing is sent."""
    calls: list[str] = []
    for name in ("pause", "resume", "send"):
        monkeypatch.setattr(rasa_api, name, lambda *a, _n=name, **k: calls.append(_n))
    monkeypatch.setattr(rasa_api, "transcript", lambda sender: [])
    return calls


def browser_of(app: FastAPI, email: str, ip: str):
    client = client_for(app, ip)
    assert sign_in(client, email).status_code == 303
    return client


@pytest.fixture(scope="module")
def bea(console_app):
    """A counsellor who will hold cases."""
    return browser_of(console_app, new_account(BEA), "203.0.113.90")


@pytest.fixture(scope="module")
def carla(console_app):
    """Another counsellor."""
    return browser_of(console_app, new_account(CARLA), "203.0.113.91")


@pytest.fixture(scope="module")
def jefa(console_app):
    """An administrator."""
    return browser_of(console_app, new_account("roles-jefa@example.org", "admin"), "203.0.113.92")


def id_of(email: str) -> int:
    with session_scope() as session:
        return session.scalar(select(Counsellor.id).where(Counsellor.email == email))


def held_by(email: str, sender: str) -> int:
    """A person's case, taken by the counsellor with this e-mail: its handoff id."""
    handoff_id, _, _ = a_person(sender)
    with session_scope() as session:
        handoffs.set_status(session.get(Handoff, handoff_id), "taken", id_of(email))
    return handoff_id


def row_of(handoff_id: int) -> dict:
    with session_scope() as session:
        h = session.get(Handoff, handoff_id)
        return {
            "status": h.status,
            "counsellor_id": h.counsellor_id,
            "notes": list(h.notes),
            "sender_id": h.sender_id,
            "taken_at": h.taken_at,
            "closed_at": h.closed_at,
        }


def post(client, handoff_id: int, action: str, **data):
    return client.post(
        f"/console/c/{handoff_id}/{action}",
        data={"csrf": csrf_of(client), "text": "hola", "phase": "goal", **data},
    )


# -- writing on a case needs holding it -------------------------------------------------------


@pytest.mark.parametrize("action", ["send", "note", "handback", "close"])
def test_a_counsellor_who_does_not_hold_a_case_cannot_write_on_it(carla, bea, rasa_calls, action):
    # GIVEN a case Bea holds
    handoff_id = held_by(BEA, f"roles-not-yours-{action}")
    before = row_of(handoff_id)
    # WHEN Carla tries to write on it
    response = post(carla, handoff_id, action)
    # THEN she is refused with a clear page that offers to take the case over
    assert response.status_code == 403
    assert NOT_YOURS in response.text and "roles-bea" in response.text
    assert f"/console/c/{handoff_id}/takeover" in response.text
    assert "Tomar el caso (lo atiende roles-bea)" in response.text
    # AND nothing changed: not the handoff row, not Rasa
    assert row_of(handoff_id) == before and rasa_calls == []
    # AND the attempt is audited, with the action
    entry = last_audit("forbidden")
    assert entry.target == str(handoff_id) and entry.counsellor_id == id_of(CARLA)
    assert entry.detail["action"] == action and entry.detail["holder"] == id_of(BEA)


@pytest.mark.parametrize("action", ["send", "note", "handback"])
def test_nobody_writes_on_a_waiting_case_before_taking_it(jefa, rasa_calls, action):
    # GIVEN a waiting case nobody holds WHEN even an admin writes on it
    handoff_id, _, _ = a_person(f"roles-waiting-{action}")
    before = row_of(handoff_id)
    response = post(jefa, handoff_id, action)
    # THEN it is refused (take it first), nothing changes, and it is audited
    assert response.status_code == 403 and "tómalo primero" in response.text
    assert f"/console/c/{handoff_id}/take" in response.text
    assert row_of(handoff_id) == before and rasa_calls == []
    assert last_audit("forbidden").detail["action"] == action


def test_an_admin_must_hold_the_case_too(jefa, rasa_calls):
    # GIVEN a case Bea holds WHEN an admin sends a message on it THEN it is refused alike
    handoff_id = held_by(BEA, "roles-admin-not-holder")
    before = row_of(handoff_id)
    response = post(jefa, handoff_id, "send")
    assert response.status_code == 403 and NOT_YOURS in response.text
    assert row_of(handoff_id) == before and rasa_calls == []


def test_a_waiting_case_nobody_holds_may_be_closed(carla, rasa_calls):
    # GIVEN a waiting case WHEN a counsellor closes it THEN it is closed (no Rasa call needed)
    handoff_id, _, _ = a_person("roles-close-waiting")
    response = post(carla, handoff_id, "close")
    assert response.status_code == 303 and row_of(handoff_id)["status"] == "closed"
    assert rasa_calls == []
    assert last_audit("close").target == str(handoff_id)


def test_the_holder_writes_and_hands_back(bea, rasa_calls):
    # GIVEN a case Bea holds WHEN she writes a note, sends a message and hands it back
    handoff_id = held_by(BEA, "roles-holder-writes")
    assert post(bea, handoff_id, "note", text="llamar el lunes").status_code == 303
    assert post(bea, handoff_id, "send").status_code == 303
    assert post(bea, handoff_id, "handback").status_code == 303
    # THEN each one happened
    row = row_of(handoff_id)
    assert row["notes"][-1] == {"by": "roles-bea", "text": "llamar el lunes"}
    assert row["status"] == "closed" and rasa_calls == ["send", "resume"]


def test_the_conversation_page_shows_who_holds_the_case_and_hides_the_forms(bea, carla):
    # GIVEN a waiting case THEN the page offers "Tomar el caso" and no write form
    handoff_id, _, _ = a_person("roles-page")
    waiting = carla.get(f"/console/c/{handoff_id}").text
    assert "Nadie atiende este caso" in waiting and ">Tomar el caso</button>" in waiting
    assert f"/console/c/{handoff_id}/send" not in waiting
    assert f"/console/c/{handoff_id}/note" not in waiting
    # WHEN Bea takes it
    assert post(bea, handoff_id, "take").status_code == 303
    # THEN Bea sees the write forms, and Carla sees who holds it and the take-over button only
    mine = bea.get(f"/console/c/{handoff_id}").text
    for action in ("send", "note", "handback", "close"):
        assert f"/console/c/{handoff_id}/{action}" in mine
    assert "/takeover" not in mine
    theirs = carla.get(f"/console/c/{handoff_id}").text
    assert "Lo atiende: <strong>roles-bea</strong>" in theirs
    assert "Tomar el caso (lo atiende roles-bea)" in theirs
    for action in ("send", "note", "handback", "close"):
        assert f"/console/c/{handoff_id}/{action}" not in theirs


# -- take over --------------------------------------------------------------------------------


def test_take_over_moves_the_case_to_the_signed_in_counsellor(bea, carla, rasa_calls):
    # GIVEN a case Bea holds
    handoff_id = held_by(BEA, "roles-takeover")
    # WHEN Carla takes it over (one click)
    response = post(carla, handoff_id, "takeover")
    # THEN Carla holds it; the bot was already paused, so Rasa is not called
    assert response.status_code == 303
    row = row_of(handoff_id)
    assert row["status"] == "taken" and row["counsellor_id"] == id_of(CARLA)
    assert rasa_calls == []
    # AND it is audited with the previous holder
    entry = last_audit("taken_over")
    assert entry.target == str(handoff_id)
    assert entry.counsellor_id == id_of(CARLA)
    assert entry.detail == {"previous": id_of(BEA)}
    # AND now Carla writes on it, and Bea is the one refused
    assert post(carla, handoff_id, "send").status_code == 303 and rasa_calls == ["send"]
    assert post(bea, handoff_id, "note").status_code == 403
    assert "Tomar el caso (lo atiende roles-carla)" in bea.get(f"/console/c/{handoff_id}").text


def test_take_over_of_a_waiting_case_changes_nothing(carla, rasa_calls):
    # GIVEN a waiting case WHEN a counsellor posts "take over" THEN it is refused (409, take it
    # instead), nothing changes, and the attempt is audited
    handoff_id, _, _ = a_person("roles-takeover-waiting")
    before = row_of(handoff_id)
    response = post(carla, handoff_id, "takeover")
    assert response.status_code == 409 and "tómalo primero" in response.text
    assert row_of(handoff_id) == before and rasa_calls == []
    assert last_audit("takeover_refused").detail["status"] == "waiting"


# -- erasing a person's data ------------------------------------------------------------------


def erase(client, handoff_id: int, **data):
    return client.post(
        f"/console/c/{handoff_id}/privacy/erase", data={"csrf": csrf_of(client), **data}
    )


def still_there(code: str) -> bool:
    with session_scope() as session:
        return repo.by_resume_code(session, code) is not None


@pytest.mark.parametrize(
    ("reason", "missing", "says"),
    [
        (None, "missing", "Falta el motivo"),
        ("   ", "missing", "Falta el motivo"),
        ("porque  sí", "too_short", "demasiado corto"),  # 9 non-blank characters
        ("x" * 1001, "too_long", "demasiado largo"),
    ],
)
def test_a_counsellor_cannot_erase_without_a_reason(carla, reason, missing, says):
    # GIVEN a person's case; the confirmation page asks a counsellor for a required reason
    handoff_id, code, conv_id = a_person(f"roles-erase-refused-{missing}-{len(reason or '')}")
    confirm = carla.get(f"/console/c/{handoff_id}/privacy/erase").text
    assert re.search(r'<textarea id="reason" name="reason"[^>]*\brequired\b', confirm)
    assert 'minlength="10"' in confirm and 'maxlength="1000"' in confirm
    # WHEN the counsellor confirms without a valid reason
    response = erase(carla, handoff_id, **({} if reason is None else {"reason": reason}))
    # THEN the page says what is missing (400) and nothing is erased
    assert response.status_code == 400 and says in response.text
    assert 'id="erase-error"' in response.text
    assert still_there(code)
    # AND the refusal is audited
    entry = last_audit("erase_refused")
    assert entry.target == str(handoff_id) and entry.detail["missing"] == missing
    assert entry.detail["conversation"] == conv_id


def test_a_counsellor_erases_with_a_reason_and_the_admins_see_it(carla, jefa):
    # GIVEN a person's case
    handoff_id, code, conv_id = a_person("roles-erase-with-reason")
    # WHEN a counsellor confirms the erasure with a written reason
    response = erase(carla, handoff_id, reason=f"  {REASON}  ")
    # THEN the data is gone
    assert response.status_code == 200 and "Datos borrados" in response.text
    assert not still_there(code)
    # AND the audit entry keeps who, the role and the reason (never the person's data)
    entry = last_audit("data_erased")
    assert entry.target == str(handoff_id) and entry.counsellor_id == id_of(CARLA)
    assert entry.detail["reason"] == REASON and entry.detail["role"] == "counsellor"
    assert "empanadas" not in json.dumps(entry.detail)
    # AND an admin's audit page lists it in its own section: who, when, which case, the reason
    audit = jefa.get("/console/audit")
    assert audit.status_code == 200
    section = audit.text.split('id="by-counsellors"')[1].split('id="all"')[0]
    assert "Borrados hechos por consejeros" in audit.text
    assert REASON in section and "roles-carla@example.org" in section
    assert f"caso {handoff_id} (conversación {conv_id})" in section
    assert str(entry.at) in section


def test_an_admin_erases_without_a_reason(jefa):
    # GIVEN a person's case; the admin's confirmation page does not require a reason
    handoff_id, code, conv_id = a_person("roles-erase-admin")
    confirm = jefa.get(f"/console/c/{handoff_id}/privacy/erase").text
    assert "Motivo del borrado (opcional)" in confirm
    assert not re.search(r'<textarea id="reason" name="reason"[^>]*\brequired\b', confirm)
    # WHEN the admin confirms without one THEN the data is gone
    response = erase(jefa, handoff_id)
    assert response.status_code == 200 and not still_there(code)
    # AND it is audited as an admin's erasure, not listed among the counsellors' ones
    entry = last_audit("data_erased")
    assert entry.detail["role"] == "admin" and "reason" not in entry.detail
    section = jefa.get("/console/audit").text.split('id="by-counsellors"')[1].split('id="all"')[0]
    assert conv_id not in section  # handoff ids are reused after an erasure; these are not


def test_only_admins_see_the_audit_page(carla, jefa):
    # GIVEN a counsellor and an admin WHEN each opens the audit page
    refused = carla.get("/console/audit")
    # THEN the counsellor is refused (and the attempt audited); the admin reads it
    assert refused.status_code == 403 and "Registro de auditoría" not in refused.text
    with session_scope() as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "forbidden", AuditEntry.target == "audit")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.counsellor_id == id_of(CARLA)
    assert "Registro de auditoría" in jefa.get("/console/audit").text
    assert "Registro de auditoría" not in carla.get("/console").text
