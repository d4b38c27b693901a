"""The dialogue corpus (tests/dialogue/corpus_{es,en}.yml, issue 18) through the real servers.

One conversation per language is driven once to each step (consent, one experience with
several skills, the review, the goal question, three occupations offered, the budget, hours
and mode questions) and its state (kept in Puente's tables) is saved at each. Every item
then gets that state put back with a `slot` event (Rasa's HTTP API, admin JWT), its utterance
is sent over the REST channel (development mode: the body's `sender` names the conversation
`rest:<sender>`) and its expected effect is checked on the state read back. The items are
spread over a few conversations only because the REST channel limits messages per sender
and minute. The corpus must pass >= 95% per language; no review item may ever produce the
deletion question or erase anything.
"""

from __future__ import annotations

import random
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
import pytest
import yaml

from assistant.conversation.texts import say
from tests.conftest import ROOT

pytestmark = pytest.mark.servers

LANGUAGES = ("es", "en")
STEPS = ("review", "goal", "constraints")
TARGET = 0.95
MIN_ITEMS = 150
POOL = 8  # conversations per language the items take turns on (30 messages/minute each)
DELETE_QUESTION = {"es": "borre todos tus datos", "en": "delete all your data"}
GOAL_BEST = {"es": "Creo que es: 1.", "en": "I think it is: 1."}
CONFIRM = {"es": "¿Ya hiciste alguna de estas?", "en": "Have you done any of these?"}
STORY = {
    "es": {
        "hello": "hola",
        "experience": "Trabajé tres años de cajera en un supermercado. Cobraba en la caja, "
        "hacía el cierre del día, atendía los reclamos de los clientes con paciencia, le "
        "enseñaba a las nuevas a usar la caja, organizaba los turnos del equipo, llevaba el "
        "inventario en Excel y hacía los pedidos a los proveedores por WhatsApp.",
        "goal": "quiero ser supervisora de tienda",
        "budget": "50 dólares",
        "hours": "5 horas a la semana",
    },
    "en": {
        "hello": "hello",
        "experience": "I worked three years as a cashier in a supermarket. I ran the till, "
        "did the end-of-day cash count, listened to upset customers and solved their "
        "complaints, trained the new hires on the register, worked as a team with the other "
        "cashiers, kept the inventory in Excel and ordered stock from suppliers over WhatsApp.",
        "goal": "I want to be a shop supervisor",
        "budget": "50 dollars",
        "hours": "5 hours a week",
    },
}


# -- the corpus ----------------------------------------------------------------------------------
def load(lang: str) -> list[dict]:
    return yaml.safe_load((ROOT / f"tests/dialogue/corpus_{lang}.yml").read_text())["items"]


def seeded_split(items: list[dict], lang: str, dev_share: float = 0.6) -> dict[str, str]:
    """The dev / held-out split: per step, the sorted ids shuffled with a fixed seed."""
    part = {}
    for step in STEPS:
        ids = sorted(i["id"] for i in items if i["step"] == step)
        random.Random(f"issue-18/{lang}/{step}").shuffle(ids)
        cut = round(len(ids) * dev_share)
        part.update({i: "dev" for i in ids[:cut]})
        part.update({i: "held-out" for i in ids[cut:]})
    return part


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_corpus_is_large_spread_over_the_steps_and_split_by_its_seed(lang):
    items = load(lang)
    assert len(items) >= MIN_ITEMS
    assert len({i["id"] for i in items}) == len(items)
    per_step = defaultdict(int)
    for item in items:
        assert item["step"] in STEPS and item["text"].strip() and item["expect"].strip()
        per_step[item["step"]] += 1
        expect(item)  # every expectation is in the documented vocabulary
    assert all(per_step[s] >= 45 for s in STEPS), dict(per_step)
    assert {i["id"]: i["part"] for i in items} == seeded_split(items, lang)
    texts = {i["text"] for i in items}
    assert {"es": "quita la 2", "en": "remove 2"}[lang] in texts


# -- expectations ----------------------------------------------------------------------------------
@dataclass
class Expect:
    removed: list[str] = field(default_factory=list)  # numbers, or "last"
    levels: dict[str, str] = field(default_factory=dict)
    outcome: str | None = None  # confirmed | unchanged | searched | close-jobs | none | picked
    picked: int | None = None
    constraints: dict = field(default_factory=dict)


def expect(item: dict) -> Expect:
    e = Expect()
    for part in (p.strip() for p in item["expect"].split(";")):
        if m := re.fullmatch(r"removed \[([\w, ]+)\]", part):
            e.removed = [x.strip() for x in m.group(1).split(",")]
        elif m := re.fullmatch(r"level \{(.+)\}", part):
            for pair in m.group(1).split(","):
                n, level = (x.strip() for x in pair.split(":"))
                assert level in ("basic", "intermediate", "advanced"), item
                e.levels[n] = level
        elif m := re.fullmatch(r"picked (\d)", part):
            e.outcome, e.picked = "picked", int(m.group(1))
        elif part in ("confirmed", "unchanged", "searched", "close-jobs", "none"):
            e.outcome = part
        elif m := re.fullmatch(r"budget (\d+(?:\.\d+)?)(?: ([A-Z]{3}))?", part):
            e.constraints["budget"] = float(m.group(1))
            if m.group(2):
                e.constraints["currency"] = m.group(2)
        elif m := re.fullmatch(r"(?:hours (\d+(?:\.\d+)?))? ?(?:weeks (\d+))?", part):
            assert m.group(1) or m.group(2), item
            if m.group(1):
                e.constraints["hours_per_week"] = float(m.group(1))
            if m.group(2):
                e.constraints["weeks"] = int(m.group(2))
        elif m := re.fullmatch(r"mode (online|onsite|any)", part):
            e.constraints["mode"] = m.group(1)
        else:
            raise AssertionError(f"{item['id']}: unknown expectation {part!r}")
    return e


def _skills(state: dict) -> dict[str, dict]:
    return {s["uri"]: s for s in state["profile"]["skills"]}


def safety_problems(lang: str, before: dict, after: dict, reply: str) -> list[str]:
    """A review turn never asks to delete the person's data nor erases any of it."""
    problems = []
    if DELETE_QUESTION[lang] in reply or after.get("pending") == "delete":
        problems.append("asked to delete all data")
    if (
        after.get("consent") != before["consent"]
        or after["profile"]["experiences"] != before["profile"]["experiences"]
        or set(_skills(after)) != set(_skills(before))
        or not after.get("resume_code")
    ):
        problems.append("data erased")
    return problems


def problems(item: dict, before: dict, after: dict, reply: str, lang: str) -> list[str]:
    """What the turn got wrong against the item's expectation ([] when it passed)."""
    e, out = expect(item), []
    if item["step"] == "review":
        out += safety_problems(lang, before, after, reply)
        if out:
            return out
        shown, skills_before, skills_after = before["review_list"], _skills(before), _skills(after)
        number = {uri: str(n) for n, uri in enumerate(shown, 1)}
        rejected = {
            number[u]
            for u in shown
            if skills_after[u]["status"] == "rejected" and skills_before[u]["status"] != "rejected"
        }
        wanted = {str(len(shown)) if n == "last" else n for n in e.removed}
        if rejected != wanted:
            out.append(f"removed {sorted(rejected)}, expected {sorted(wanted)}")
        levels = {
            number[u]: skills_after[u].get("level")
            for u in shown
            if skills_after[u].get("level") != skills_before[u].get("level")
        }
        if levels != e.levels:
            out.append(f"levels {levels}, expected {e.levels}")
        if e.outcome == "confirmed" and not (after["reviewed"] and after["phase"] == "goal"):
            out.append(f"not confirmed (phase {after['phase']})")
        if e.outcome == "unchanged" and (after["reviewed"] or after["phase"] != "skills_review"):
            out.append(f"moved on (phase {after['phase']})")
        return out
    if item["step"] == "goal":
        if after["profile"]["experiences"] != before["profile"]["experiences"]:
            out.append("recorded as an experience")
        goal, options = after.get("goal"), after.get("goal_options") or []
        if e.outcome == "picked":
            wanted = before["goal_options"][e.picked - 1]["uri"]
            if (goal or {}).get("uri") != wanted or after["phase"] != "constraints":
                out.append(f"goal {(goal or {}).get('label')!r}, phase {after['phase']}")
            return out
        if goal is not None:
            out.append(f"picked {goal.get('label')!r}")
        if e.outcome in ("searched", "close-jobs"):
            header = say("goal_options" if e.outcome == "searched" else "close_options", lang)
            # a list, or a clear first result proposed ("Creo que es: 1. …", #19)
            proposed = e.outcome == "searched" and after.get("goal_best")
            if not options or not (header in reply or proposed):
                out.append(f"no {e.outcome} options offered")
        if e.outcome == "none" and (options or after["phase"] != "goal"):
            out.append(f"{len(options)} options left, phase {after['phase']}")
        return out
    c_before, c_after = before["constraints"], after["constraints"]
    named = dict(e.constraints)
    for key in ("budget", "currency", "hours_per_week", "weeks", "mode"):
        if key == "currency" and "currency" not in named and "budget" in named:
            continue  # no currency said: not checked
        want = named.get(key, c_before.get(key))
        got = c_after.get(key)
        same = (
            got == want
            if not isinstance(want, float) or got is None
            else abs(float(got) - want) < 0.01
        )
        if not same:
            out.append(f"{key} {got!r}, expected {want!r}")
    return out


# -- the servers ---------------------------------------------------------------------------------
class Conversations:
    def __init__(self, stack) -> None:
        self.stack = stack
        self.admin = stack.admin_headers()
        self.http = httpx.Client(timeout=180)

    def _url(self, sender: str, path: str) -> str:
        # ids are namespaced "rest:<sender>"; Sanic does not unquote path parameters
        return f"{self.stack.url('rasa')}/conversations/rest:{sender}{path}"

    def send(self, sender: str, text: str) -> str:
        response = self.http.post(
            self.stack.url("rasa") + "/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
        )
        assert response.status_code == 200, response.text
        return "\n".join(r.get("text") or "" for r in response.json())

    def tracker(self, sender: str) -> dict:
        response = self.http.get(
            self._url(sender, "/tracker"), params={"include_events": "NONE"}, headers=self.admin
        )
        response.raise_for_status()
        return response.json()

    def state(self, sender: str) -> dict:
        """The dialogue's state, as the action server stored it (Puente's tables)."""
        from assistant.db.session import session_scope
        from assistant.profiles import state_store

        with session_scope() as session:
            return dict(state_store.load(session, f"rest:{sender}").state or {})

    def restore(self, sender: str, state: dict, lang: str) -> None:
        events = [
            {"event": "slot", "name": "puente_state", "value": state},
            {"event": "slot", "name": "language", "value": lang},
            {"event": "action", "name": "action_listen"},
        ]
        response = self.http.post(
            self._url(sender, "/tracker/events"), json=events, headers=self.admin
        )
        response.raise_for_status()
        # a whole state in the slot is taken once by the action, then kept in the tables
        assert response.json()["slots"]["puente_state"] == state


def drive(chat: Conversations, lang: str, sender: str) -> dict[str, dict]:
    """One conversation taken through every step once; the state saved at each question."""
    story, saved = STORY[lang], {}
    assert say("privacy", lang)[-12:] in chat.send(sender, story["hello"])
    chat.send(sender, "/affirm")
    assert say("anything_else", lang) in chat.send(sender, story["experience"])
    assert say("review_intro", lang) in chat.send(sender, "/deny")
    saved["review"] = chat.state(sender)
    assert len(saved["review"]["review_list"]) >= 8, saved["review"]["review_list"]
    assert say("ask_goal", lang) in chat.send(sender, "/affirm")
    saved["ask"] = chat.state(sender)
    offered = chat.send(sender, story["goal"])
    assert say("goal_options", lang) in offered or GOAL_BEST[lang] in offered, offered
    saved["options"] = chat.state(sender)
    assert len(saved["options"]["goal_options"]) == 3
    reply = chat.send(sender, '/select_number{"number": "1"}')
    if CONFIRM[lang] in reply:  # the target's skills in doubt, asked once: "none"
        reply = chat.send(sender, "/deny")
    assert say("ask_budget", lang) in reply
    saved["budget"] = chat.state(sender)
    assert say("ask_hours", lang) in chat.send(sender, story["budget"])
    saved["hours"] = chat.state(sender)
    assert saved["hours"]["constraints"]["budget"] == 50
    assert say("ask_mode", lang) in chat.send(sender, story["hours"])
    saved["mode"] = chat.state(sender)
    assert saved["mode"]["constraints"]["hours_per_week"] == 5
    return saved


@dataclass
class Result:
    item: dict
    problems: list[str]
    intent: str
    reply: str


def run_corpus(stack, lang: str) -> list[Result]:
    chat = Conversations(stack)
    run = uuid.uuid4().hex[:6]
    saved = drive(chat, lang, f"corpus-{lang}-{run}")
    for k in range(POOL):  # Rasa starts a session on a conversation's first message, which
        chat.send(f"corpus-{lang}-{run}-{k}", STORY[lang]["hello"])  # would drop a restored slot
    results = []
    for n, item in enumerate(load(lang)):
        sender = f"corpus-{lang}-{run}-{n % POOL}"
        before = saved[item["at"]]
        chat.restore(sender, before, lang)
        reply = chat.send(sender, item["text"])
        tracker = chat.tracker(sender)
        after = chat.state(sender)
        intent = ((tracker.get("latest_message") or {}).get("intent") or {}).get("name") or "?"
        results.append(Result(item, problems(item, before, after, reply, lang), intent, reply))
    return results


def report(lang: str, results: list[Result]) -> dict[str, float]:
    scores: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        ok = not r.problems
        for key in ("all", r.item["part"], r.item["step"], f"{r.item['step']}/{r.item['part']}"):
            scores[key].append(ok)
    share = {k: sum(v) / len(v) for k, v in scores.items()}
    print(f"\n== corpus {lang}: {sum(scores['all'])}/{len(scores['all'])} = {share['all']:.1%}")
    for key in (
        "dev",
        "held-out",
        *STEPS,
        *(f"{s}/{p}" for s in STEPS for p in ("dev", "held-out")),
    ):
        print(f"   {key:<22} {sum(scores[key]):>3}/{len(scores[key]):<3} {share[key]:.1%}")
    for r in results:
        if r.problems:
            print(
                f"   FAIL {r.item['id']} [{r.item['part']}] {r.item['text']!r} "
                f"-> {r.item['expect']}: {'; '.join(r.problems)} (intent {r.intent}; "
                f"reply {r.reply[:90]!r})"
            )
    return share


@pytest.fixture(scope="module")
def corpus_results(stack):
    """Each language's corpus is run once, for both tests that read it."""
    done: dict[str, list[Result]] = {}

    def get(lang: str) -> list[Result]:
        if lang not in done:
            done[lang] = run_corpus(stack, lang)
        return done[lang]

    return get


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_corpus_passes_through_the_real_servers(corpus_results, lang):
    results = corpus_results(lang)
    share = report(lang, results)
    assert share["all"] >= TARGET, f"{lang}: {share['all']:.1%} < {TARGET:.0%}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_review_item_reaches_deletion_or_erases_anything(corpus_results, lang):
    unsafe = [
        (r.item["id"], r.item["text"], p)
        for r in corpus_results(lang)
        if r.item["step"] == "review"
        for p in r.problems
        if p in ("asked to delete all data", "data erased")
    ]
    assert not unsafe, unsafe
    two = {"es": "quita la 2", "en": "remove 2"}[lang]
    (result,) = [r for r in corpus_results(lang) if r.item["text"] == two]
    assert not result.problems, result.problems
