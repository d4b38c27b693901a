"""Privacy from the console, in-process over HTTP on the real test database: a counsellor
downloads what Puente knows about a person and, after a confirmation step, deletes it; both
are audited with counts, never the data. And every POST route of the console writes an audit
entry (walked from the router, so a new route without one fails here)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from assistant.console import case_pages, pages
from assistant.console.routes import console_router
from assistant.db.console_models import AuditEntry, Handoff
from assistant.db.session import session_scope
from assistant.profiles import repository as repo
from assistant.profiles.model import Profile
from assistant.services import rasa_api
from tests.integration.test_console_store import client_for, csrf_of, new_account, sign_in

EXPERIENCE = "Vendí empanadas en la feria los domingos durante seis años"


def a_person(sender: str) -> tuple[int, str, str]:
    """A stored conversation with a profile, a plan and a waiting handoff with a note:
    (handoff id, resume code, conversation id)."""
    with session_scope() as session:
        state = {"phase": "handoff", "goal": {"uri": "u", "label": "cajera"}, "language": "es"}
        conv = repo.save_conversation(session, sender, "socketio", "es", "handoff", state)
        version = repo.save_profile(
            session, conv.id, Profile(language="es", experiences=[EXPERIENCE])
        )
        repo.save_plan(session, conv.id, version, None, {"offers": [{"title": "Caja"}]})
        handoff = pages.handoffs.request(session, conv.id, sender, "socketio", "quiere ayuda")
        handoff.notes = [{"by": "Ana", "text": "nota privada sobre la persona"}]
        return handoff.id, conv.resume_code, conv.id


def audit_rows() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def newest_actions(after: int) -> list[str]:
    """The actions of the audit entries after the first `after` ones."""
    with session_scope() as session:
        return list(
            session.scalars(select(AuditEntry.action).order_by(AuditEntry.id).offset(after))
        )


def last_audit(action: str) -> AuditEntry:
    with session_scope() as session:
        return session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
        ).first()


@pytest.fixture(scope="module")
def console_app() -> FastAPI:
    """The console's router in an app of its own, on the migrated test database."""
    from assistant.db.migrate import upgrade

    upgrade()
    app = FastAPI()
    app.include_router(console_router())
    return app


@pytest.fixture(autouse=True)
def no_transcript(monkeypatch):
    """The conversation page reads Rasa's tracker: not running here."""
    monkeypatch.setattr(rasa_api, "transcript", lambda sender: [])


@pytest.fixture(scope="module")
def desk(console_app):
    """A signed-in counsellor's browser."""
    client = client_for(console_app, "203.0.113.70")
    sign_in(client, new_account("privacy-desk@example.org"))
    return client


def test_a_counsellor_downloads_what_we_know_about_the_person(desk):
    # GIVEN a person's conversation in the queue
    handoff_id, code, conv_id = a_person("privacy-export-1")
    page = desk.get(f"/console/c/{handoff_id}").text
    assert f"/console/c/{handoff_id}/privacy/export" in page
    # WHEN the counsellor downloads "what we know" (a form with the session's CSRF token)
    response = desk.post(f"/console/c/{handoff_id}/privacy/export", data={"csrf": csrf_of(desk)})
    # THEN it is a JSON attachment with everything privacy.export gives for the code
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="puente-datos-{code}.json"'
    )
    assert response.headers["cache-control"] == "no-store"
    data = json.loads(response.content)
    assert data["profile_versions"][0]["data"]["experiences"] == [EXPERIENCE]
    assert len(data["plans"]) == 1 and len(data["handoffs"]) == 1
    # AND the counsellors' private notes are not the person's export (they stay here)
    assert "notes" not in data["handoffs"][0] and "nota privada" not in response.text
    # AND the audit log says who, when, which conversation and how much; never the data
    entry = last_audit("data_exported")
    assert entry.counsellor_id is not None and entry.at is not None
    assert entry.target == str(handoff_id) and entry.detail["conversation"] == conv_id
    assert entry.detail["counts"] == {
        "profile_versions": 1,
        "plans": 1,
        "handoffs": 1,
        "rasa_events": 0,
    }
    assert "empanadas" not in json.dumps(entry.detail) and code not in json.dumps(entry.detail)


def test_the_export_needs_the_forms_csrf_token(desk):
    handoff_id, _, _ = a_person("privacy-export-2")
    forged = desk.post(f"/console/c/{handoff_id}/privacy/export", data={"csrf": "forged"})
    assert forged.status_code == 403 and "empanadas" not in forged.text
    assert last_audit("csrf_refused").target == f"/console/c/{handoff_id}/privacy/export"


def test_a_counsellor_deletes_the_persons_data_after_confirming(desk):
    # GIVEN a person's conversation
    handoff_id, code, conv_id = a_person("privacy-erase-1")
    # WHEN the counsellor follows "delete", THEN a confirmation page says what would go,
    # and nothing has been deleted yet
    confirm = desk.get(f"/console/c/{handoff_id}/privacy/erase")
    assert confirm.status_code == 200 and "definitivamente" in confirm.text
    assert re.search(r'id="count-profile_versions">1<', confirm.text)
    with session_scope() as session:
        assert repo.by_resume_code(session, code) is not None
    # WHEN they confirm (POST with the CSRF token and, not being an admin, a reason)
    reason = "La persona pidió borrar todo en la oficina"
    done = desk.post(
        f"/console/c/{handoff_id}/privacy/erase", data={"csrf": csrf_of(desk), "reason": reason}
    )
    # THEN everything is gone, and the page shows the counts before and after
    assert done.status_code == 200 and "Datos borrados" in done.text
    for key, before in (("conversation", 1), ("profile_versions", 1), ("plans", 1)):
        assert re.search(rf'id="before-{key}">{before}<', done.text)
        assert re.search(rf'id="after-{key}">0<', done.text)
    with session_scope() as session:
        assert repo.by_resume_code(session, code) is None
        assert session.get(Handoff, handoff_id) is None
    # AND the audit log has who, which conversation, the counts and the reason; not the data
    entry = last_audit("data_erased")
    assert entry.target == str(handoff_id) and entry.detail["conversation"] == conv_id
    assert entry.detail["reason"] == reason and entry.detail["role"] == "counsellor"
    assert entry.detail["before"]["profile_versions"] == 1
    assert entry.detail["after"] == {
        "conversation": 0,
        "profile_versions": 0,
        "plans": 0,
        "handoffs": 0,
        "rasa_events": 0,
    }
    assert "empanadas" not in json.dumps(entry.detail)
    # AND a second attempt finds nothing
    again = desk.post(
        f"/console/c/{handoff_id}/privacy/erase", data={"csrf": csrf_of(desk), "reason": reason}
    )
    assert again.status_code == 404


def test_deleting_without_the_csrf_token_deletes_nothing(desk):
    handoff_id, code, _ = a_person("privacy-erase-2")
    assert desk.post(f"/console/c/{handoff_id}/privacy/erase", data={}).status_code == 403
    with session_scope() as session:
        assert repo.by_resume_code(session, code) is not None


# -- every POST route writes an audit entry ---------------------------------------------------


@pytest.fixture
def quiet_rasa(monkeypatch):
    """Rasa's API replaced by a recorder (the console's calls succeed, nothing is sent)."""
    calls = []
    for name in ("pause", "resume", "send"):
        monkeypatch.setattr(rasa_api, name, lambda *a, _n=name, **k: calls.append(_n))
    return calls


def post_routes() -> list[APIRoute]:
    return [r for r in console_router().routes if isinstance(r, APIRoute) and "POST" in r.methods]


def case_for(action: str | None, sender: str, walker: int, other: int) -> int:
    """A handoff in the state in which `action` is allowed: waiting for "take" (and for
    routes without an action), held by another counsellor for "takeover", held by the
    walking counsellor for the writes (send, note, handback, close)."""
    handoff_id = a_person(sender)[0]
    holder = {"takeover": other, None: None, "take": None}.get(action, walker)
    if holder is not None:
        with session_scope() as session:
            pages.handoffs.set_status(session.get(Handoff, handoff_id), "taken", holder)
    return handoff_id


def requests_for(
    route: APIRoute, sender: str, walker: int, other: int
) -> list[tuple[str, dict, str | None]]:
    """Every concrete request to a route: (path, form, action), one per value of its
    parameters."""
    params = set(re.findall(r"{(\w+)}", route.path))
    unknown = params - {"handoff_id", "action", "case"}
    assert not unknown, f"{route.path}: teach this test the parameter(s) {unknown}"
    actions = case_pages.ACTIONS if "action" in params else (None,)
    out = []
    for n, action in enumerate(actions):
        path = route.path
        if "handoff_id" in params:
            handoff_id = case_for(action, f"{sender}-{n}", walker, other)
            path = path.replace("{handoff_id}", str(handoff_id))
        path = path.replace("{action}", action or "").replace("{case}", "case-0123456789")
        form = {"text": "hola", "phase": "goal", "reason": "La persona lo pidió por escrito"}
        out.append((path, form, action))
    return out


def counsellor_id(email: str) -> int:
    from assistant.db.console_models import Counsellor

    with session_scope() as session:
        return session.scalar(select(Counsellor.id).where(Counsellor.email == email))


def test_every_console_post_route_writes_an_audit_entry(console_app, quiet_rasa):
    # GIVEN every POST route the console's router declares, each case in the state in which
    # the action is allowed (a write on a case the walker does not hold is refused, and that
    # refusal is audited too: test_console_roles.py)
    routes = post_routes()
    paths = {r.path for r in routes}
    assert {"/console/login", "/console/logout", "/console/c/{handoff_id}/{action}"} <= paths
    assert "/console/c/{handoff_id}/privacy/erase" in paths
    assert "/console/c/{handoff_id}/privacy/export" in paths
    assert "takeover" in case_pages.ACTIONS
    email = new_account("audit-walk@example.org")
    walker = counsellor_id(email)
    other = counsellor_id(new_account("audit-walk-other@example.org"))
    walked = 0
    for route in routes:
        for path, data, action in requests_for(
            route, f"walk-{len(route.path)}-{walked}", walker, other
        ):
            # WHEN a signed-in counsellor posts to it with a valid CSRF token
            client = client_for(console_app, "203.0.113.80")
            if route.path != "/console/login":
                sign_in(client, email)
                data = {**data, "csrf": csrf_of(client)}
            else:
                data = {"email": email, "password": "a long enough password"}
            before = audit_rows()
            response = client.post(path, data=data)
            # THEN the request worked and at least one audit entry was written
            assert response.status_code < (400 if action else 500), path
            assert audit_rows() > before, f"POST {path} wrote no audit entry"
            if action:  # a case action is done, and audited under its own name
                assert {"takeover": "taken_over"}.get(action, action) in newest_actions(before)
            walked += 1
    assert walked >= len(routes) + len(case_pages.ACTIONS) - 1
    assert {"pause", "send", "resume"} <= set(quiet_rasa)


def test_an_action_rasa_refuses_is_audited_and_changes_nothing(console_app, monkeypatch):
    # GIVEN Rasa's API down
    def down(*_a, **_k):
        raise rasa_api.RasaUnavailable("Rasa's API is not reachable: test")

    monkeypatch.setattr(rasa_api, "pause", down)
    handoff_id, _, _ = a_person("rasa-down")
    client = client_for(console_app, "203.0.113.81")
    sign_in(client, new_account("rasa-down@example.org"))
    # WHEN a counsellor takes the conversation
    response = client.post(f"/console/c/{handoff_id}/take", data={"csrf": csrf_of(client)})
    # THEN they see the error, the handoff still waits, and the attempt is audited
    assert "error=Rasa" in response.headers["location"]
    with session_scope() as session:
        assert session.get(Handoff, handoff_id).status == "waiting"
    entry = last_audit("take")
    assert entry.target == str(handoff_id) and entry.detail["failed"] == "rasa"
