"""Conversations, profile versions and plans in the database."""

from __future__ import annotations

from assistant.access import links
from assistant.db.session import session_scope
from assistant.profiles import repository as repo
from assistant.profiles.model import Profile, ProfileSkill
from assistant.web.summary import load_summary, render_html, render_pdf

SKILL = "http://data.europa.eu/esco/skill/x"


def _profile(level=None) -> Profile:
    return Profile(
        skills=[
            ProfileSkill(
                uri=SKILL,
                label="use spreadsheets software",
                kind="digital",
                source="confirmed",
                confidence=0.9,
                level=level,
                evidence=[{"text": "llevaba las cuentas en Excel"}],
            )
        ]
    )


def test_profiles_are_versioned_per_conversation_and_identical_saves_are_not_new_versions(esco_db):
    with session_scope() as session:
        row = repo.save_conversation(
            session, "store-1", "rest", "es", "experiences", {"phase": "experiences"}
        )
        # 12 characters of 32 (60 bits), never a word or a number
        code = row.resume_code
        assert len(code) == 12 and any(ch.isdigit() for ch in code) and not code.isdigit()
        assert not set(code) & set("01IO")
        assert repo.save_profile(session, row.id, _profile()) == 1
        assert repo.save_profile(session, row.id, _profile()) == 1
        assert repo.save_profile(session, row.id, _profile("advanced")) == 2
        versions = repo.profile_versions(session, row.id)
        assert [v.version for v in versions] == [1, 2]
        assert versions[-1].data["skills"][0]["digcomp"] == {"band": "Advanced", "levels": [5, 6]}
        assert repo.get_conversation(session, "store-1").id == row.id
        assert row.sender_hash != "store-1"  # the sender id itself is not stored


def test_deleting_a_conversation_removes_profiles_and_plans(esco_db):
    with session_scope() as session:
        row = repo.save_conversation(session, "store-2", "rest", "es", "plan", {"phase": "plan"})
        version = repo.save_profile(session, row.id, _profile())
        repo.save_plan(session, row.id, version, None, {"offers": []})
    with session_scope() as session:
        assert repo.delete_conversation(session, "store-2")
    with session_scope() as session:
        assert repo.get_conversation(session, "store-2") is None
        assert repo.profile_versions(session, row.id) == []
        assert repo.latest_plan(session, row.id) is None
        assert not repo.delete_conversation(session, "store-2")


def test_summary_page_and_pdf_escape_and_render(esco_db):
    with session_scope() as session:
        state = {"phase": "wrap_up", "goal": {"uri": "u", "label": "<script>x</script>"}}
        row = repo.save_conversation(session, "store-3", "rest", "es", "wrap_up", state)
        repo.save_profile(session, row.id, _profile())
        token = links.issue(session, row.id)
        code = row.resume_code
    with session_scope() as session:
        summary = load_summary(session, token)
        assert load_summary(session, "nope") is None
        assert load_summary(session, code) is None  # a resume code opens no summary
        links.revoke_all(session, row.id)
        assert load_summary(session, token) is None
    page = render_html(summary)
    assert "llevaba las cuentas en Excel" in page and "<script>x" not in page
    assert render_pdf(summary, None).startswith(b"%PDF")
