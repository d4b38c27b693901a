"""The dialogue's services on the real engine, catalogue and database (one session per
call). Charts are written under var/charts and served by the web app."""

from __future__ import annotations

import functools
import logging
import secrets

from assistant.config import get_settings
from assistant.conversation.dialogue import Dialogue
from assistant.db.session import session_scope
from assistant.plans.constraints import PlanConstraints
from assistant.profiles import repository as repo
from assistant.profiles.model import Profile

log = logging.getLogger(__name__)


class LiveServices:
    def extract(self, text: str, language: str) -> dict:
        from assistant.services.labels import localize_extraction
        from assistant.services.skills import get_skill_engine

        found = get_skill_engine().extract(text, language=language, top=10).as_dict(10)
        return localize_extraction(found, language)

    def search_occupations(self, text: str, language: str, top: int) -> list[dict]:
        from assistant.services.labels import localize
        from assistant.services.skills import get_occupation_search

        hits = get_occupation_search().search(text, language, top)
        return localize([h.as_dict() for h in hits], language)

    def close_jobs(self, profile: Profile, top: int, language: str = "en") -> list[dict]:
        from assistant.services.labels import localize
        from assistant.services.skills import get_gap_analyser

        return localize(get_gap_analyser().close_occupations(profile.uris(), top), language)

    def skills_to_confirm(self, profile: Profile, occupation: str, language: str) -> list[dict]:
        from assistant.services.plans import skills_to_confirm

        return skills_to_confirm(profile, occupation, language)

    def labels(self, items: list[dict], language: str) -> list[dict]:
        """Relabels {uri, label} items for a reader of `language` (after a language change)."""
        from assistant.services.labels import localize

        return localize(items, language)

    def plan(self, profile: Profile, occupation: str, constraints: PlanConstraints) -> dict:
        from assistant.services.plans import make_plan

        return make_plan(profile, occupation, constraints)

    def chart_url(self, gaps: dict, language: str, reuse: str | None = None) -> str | None:
        """The chart is drawn by the web app when it is first fetched (drawing took 170-600
        ms, more than the rest of the plan turn): the turn only writes what it shows."""
        from assistant.plans.chart import TOKEN, write_chart_source
        from assistant.services.plans import skill_kinds

        settings = get_settings()
        prefix = f"{settings.base_url}/charts/"
        if reuse and reuse.startswith(prefix) and reuse.endswith(".png"):
            token = reuse[len(prefix) : -len(".png")]
            if TOKEN.fullmatch(token) and (settings.var_dir / "charts" / f"{token}.json").exists():
                return reuse  # not yet purged (retention.purge_charts)
        token = secrets.token_hex(12)
        write_chart_source(settings.var_dir / "charts", token, gaps, skill_kinds(gaps), language)
        return f"{settings.base_url}/charts/{token}.png"

    def offer(self, offer_id: str) -> dict | None:
        from assistant.catalogue.service import offers_by_id

        with session_scope() as session:
            offer = offers_by_id(session, [offer_id]).get(offer_id)
        return offer.model_dump(mode="json") if offer else None

    def load(self, sender_id: str) -> dict | None:
        with session_scope() as session:
            row = repo.get_conversation(session, sender_id)
            return dict(row.state) if row else None

    def check_code(self, code: str, sender_id: str, address: str | None) -> dict:
        """Whether `code` opens a saved conversation this sender may claim, without moving
        it: {"status": "ok", "goal", "skills"} | {"status": "bad"} | {"status": "locked"}.
        Every try is counted (access.codes); too many failures lock further tries out."""
        from assistant.access import codes

        limits = self._code_limits()
        address = codes.address_hash(address)
        mine = repo.sender_hash(sender_id)
        with session_scope() as session:
            if codes.locked(session, mine, address, limits):
                return {"status": "locked", "minutes": limits.window_minutes}
            row = repo.by_resume_code(session, code) if code else None
            if codes.record(session, mine, address, row is not None, limits):
                return {"status": "locked", "minutes": limits.window_minutes}
            if row is None:
                return {"status": "bad"}
            if row.sender_hash == mine:
                return {"status": "same"}
            profile = (row.state or {}).get("profile") or {}
            active = [s for s in profile.get("skills") or [] if s.get("status") != "rejected"]
            return {
                "status": "ok",
                "goal": ((row.state or {}).get("goal") or {}).get("label"),
                "skills": len(active),
            }

    def claim_code(self, code: str, sender_id: str, channel: str, notice: str) -> dict | None:
        """Move the conversation with `code` to this sender (after the worker confirmed) and
        tell the device it leaves; returns its state."""
        claimed = self._claim(code, sender_id, channel, notice)
        return claimed[0] if claimed else None

    def _claim(self, code: str, sender_id: str, channel: str, notice: str) -> tuple | None:
        """claim_code's work: (the state, the row's version once moved) or None."""
        from assistant.privacy import rasa_senders

        with session_scope() as session:
            row = repo.by_resume_code(session, code)
            if row is None:
                return None
            before = [s for s in rasa_senders(session, row.sender_hash) if s != sender_id]
            repo.rebind_sender(session, row, sender_id, channel)
            state, version = dict(row.state), row.version
        for old in before:
            self._tell_moved(old, notice)
        return state, version

    @staticmethod
    def _tell_moved(sender: str, notice: str) -> None:
        from assistant.services import rasa_api

        try:
            rasa_api.tell_moved(sender, notice)
        except rasa_api.RasaUnavailable:
            log.warning("could not tell the previous device that its conversation moved")

    @staticmethod
    def _code_limits():
        from assistant.access.codes import CodeLimits

        settings = get_settings()
        return CodeLimits(
            per_sender=settings.code_tries_per_sender,
            per_address=settings.code_tries_per_address,
            overall=settings.code_tries_overall,
            window_minutes=settings.code_window_minutes,
        )

    def save(self, sender_id: str, channel: str, state: dict) -> str:
        with session_scope() as session:
            row = repo.save_conversation(
                session, sender_id, channel, state.get("language", "es"), state["phase"], state
            )
            profile = Profile.model_validate(state.get("profile") or {})
            if profile.skills:
                repo.save_profile(session, row.id, profile)
            if row.state.get("resume_code") != row.resume_code:
                row.state = {**state, "resume_code": row.resume_code}
            return row.resume_code

    def save_plan(self, sender_id: str, state: dict) -> None:
        with session_scope() as session:
            row = repo.get_conversation(session, sender_id)
            if row is None or not state.get("plan"):
                return
            version = repo.save_profile(session, row.id, Profile.model_validate(state["profile"]))
            repo.save_plan(
                session, row.id, version, (state.get("goal") or {}).get("uri"), state["plan"]
            )

    def delete(self, sender_id: str) -> dict:
        """Erase what is stored for this sender; returns how much there was, to show it."""
        from assistant.privacy import counts, erase_rasa_events_after_turn
        from assistant.profiles.state_store import delete_anonymous

        with session_scope() as session:
            row = repo.get_conversation(session, sender_id)
            erased = counts(session, row, [sender_id])
            repo.delete_conversation(session, sender_id)
            # the state kept before consent is a conversation record too
            erased["conversation"] += delete_anonymous(session, sender_id)
        erase_rasa_events_after_turn(sender_id)  # the chat history too, also when not stored
        return erased

    def export(self, sender_id: str) -> dict | None:
        """What is stored about this sender (privacy.export), with a link to the JSON."""
        from assistant.privacy import export_conversation

        with session_scope() as session:
            row = repo.get_conversation(session, sender_id)
            if row is None:
                return None
            data = export_conversation(session, row)
            data["link"] = self._link(session, row.id) + "/export.json"
        return data

    def summary_link(self, code: str) -> str | None:
        """A new link to the summary of the conversation holding `code` (its own)."""
        with session_scope() as session:
            row = repo.by_resume_code(session, code)
            return self._link(session, row.id) if row is not None else None

    def revoke_links(self, sender_id: str) -> int:
        from assistant.access import links

        with session_scope() as session:
            row = repo.get_conversation(session, sender_id)
            return links.revoke_all(session, row.id) if row is not None else 0

    @staticmethod
    def _link(session, conversation_id: str) -> str:
        from assistant.access import links

        settings = get_settings()
        token = links.issue(session, conversation_id, settings.retention_days or None)
        return f"{settings.base_url}/s/{token}"

    def request_person(self, sender_id: str, channel: str, reason: str) -> None:
        from assistant.cases import handoffs

        with session_scope() as session:
            row = repo.get_conversation(session, sender_id)
            if row is not None:
                handoffs.request(session, row.id, sender_id, channel, reason)

    def counsellor_contact(self) -> str:
        return get_settings().counsellor_contact


@functools.cache
def get_dialogue() -> Dialogue:
    return Dialogue(LiveServices())
