"""What each phase does with a turn, and how each phase asks its question. Called by
`dialogue.Dialogue`; every function takes the state, changes it and returns messages."""

from __future__ import annotations

import hashlib
import json
import re

from assistant.conversation import parse, understand
from assistant.conversation.phases import Phase
from assistant.conversation.state import ConversationState
from assistant.conversation.texts import Message, T, button, say
from assistant.plans.constraints import PlanConstraints
from assistant.plans.planner import quality_in
from assistant.profiles.model import Profile, ProfileSkill
from assistant.taxonomy.display import shown

REVIEW_PER_KIND = {"transversal": 4, "digital": 4, "specific": 5}
DEFAULT_WEEKS = 12
SHORT_EXPERIENCE_WORDS = 10


def entity(entities: list[dict], name: str) -> str | None:
    for e in entities or []:
        if e.get("entity") == name and e.get("value") not in (None, ""):
            return str(e["value"])
    return None


def quote(text: str, limit: int = 90) -> str:
    """The worker's words, cut where a word ends when too long ("I apologize a…" read as
    another word)."""
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        if space > limit // 2 and text[limit - 1] != " ":
            cut = cut[:space]
        text = cut.rstrip(" ,;:") + "…"
    return f"«{text}»"


def relabel(state: ConversationState, services) -> None:
    """After a change of language: every name the worker will see again, in the new one."""
    lang = state.language
    skills = [s for s in state.profile.skills]
    items = [{"uri": s.uri, "label": s.label_en or s.label} for s in skills]
    services.labels(items, lang)
    for skill, item in zip(skills, items, strict=True):
        skill.label, skill.label_en = item["label"], item.get("label_en", skill.label_en)
        skill.label_language = item.get("label_language", "en")
    targets = [state.goal] if state.goal else []
    targets += state.goal_options + list((state.gaps or {}).get("gaps") or [])
    for item in targets:
        item["label"] = item.get("label_en") or item.get("label", "")
    services.labels(targets, lang)


# -- experiences ------------------------------------------------------------------------------
def record_experience(state: ConversationState, text: str, services) -> list[Message]:
    lang = state.language
    folded = parse.fold(text).strip(" .!")
    if any(parse.fold(e).strip(" .!") == folded for e in state.profile.experiences):
        return [Message(say("already_told", lang)), anything_else(lang)]
    index = len(state.profile.experiences)
    extraction = services.extract(text, lang)
    found = Profile.from_extraction(extraction, experience=index)
    state.profile.experiences.append(text)
    before = {s.uri for s in state.profile.skills}
    state.profile.merge(found.skills)
    new = [s for s in state.profile.skills if s.uri not in before and s.status == "active"]
    if new:
        state.reviewed = False
        state.review_list = []
    messages = []
    if found.skills:
        examples = ", ".join(shown(s, lang) for s in found.skills[:3])
        messages.append(Message(say("noted", lang, examples=examples)))
    else:
        messages.append(Message(say("noted_nothing", lang)))
        state.asked_tasks.append(index)
        return messages
    if len(text.split()) < SHORT_EXPERIENCE_WORDS and index not in state.asked_tasks:
        state.asked_tasks.append(index)  # follow up once per experience, never twice
        messages.append(Message(say("ask_tasks", lang)))
        return messages
    messages.append(anything_else(lang))
    return messages


def anything_else(lang: str) -> Message:
    return Message(
        say("anything_else", lang),
        buttons=[button("btn_more", "/affirm", lang), button("btn_done", "/deny", lang)],
    )


# -- skills review ----------------------------------------------------------------------------
def review_message(state: ConversationState) -> list[Message]:
    """The numbered list to review. Once shown, the list stays the same while the worker
    corrects it: a removed skill is not replaced by the next candidate (it used to bring new,
    often wrong, ones); a new experience starts a new list."""
    lang = state.language
    lines = [say("review_intro", lang)]
    numbered: list[str] = []
    listed = set(state.review_list)
    for kind, cap in REVIEW_PER_KIND.items():
        skills = sorted(
            (s for s in state.profile.active if s.kind == kind and (not listed or s.uri in listed)),
            key=lambda s: (-s.confidence, s.label),
        )[:cap]
        if not skills:
            continue
        lines.append("")
        lines.append(say(f"kind_{kind}", lang) + ":")
        for s in skills:
            numbered.append(s.uri)
            level = f" ({s.level})" if s.level else ""
            evidence = f" — {quote(s.evidence[0].text)}" if s.evidence else ""
            lines.append(f"{len(numbered)}. {shown(s, lang)}{level}{evidence}")
    state.review_list = numbered
    lines += ["", say("review_ask", lang)]
    return [
        Message(
            "\n".join(lines),
            buttons=[
                button("btn_all_ok", "/affirm", lang),
                button("btn_add_job", "/add_experience", lang),
            ],
        )
    ]


def review_turn(state: ConversationState, intent: str, text: str, entities) -> list[Message]:
    lang, count = state.language, len(state.review_list)
    if intent == "affirm":
        for uri in state.review_list or [s.uri for s in state.profile.active]:
            skill = state.profile.get(uri)
            if skill and skill.source == "inferred":
                skill.source = "confirmed"
        state.reviewed = True
        return []
    if intent not in ("deny", "rate_level", "select_number"):
        return review_message(state)
    actions = understand.review_actions(text, count)  # each number with its own cue
    if not actions:
        picked = parse.choices(text, count)
        number = entity(entities, "number")
        if not picked and number and number.isdigit() and 1 <= int(number) <= count:
            picked = [int(number) - 1]
        level = entity(entities, "level") or parse.level(text)
        if not picked or (intent == "rate_level" and not level):
            return [Message(say("which_number", lang))]
        rate = intent == "rate_level" or (level and intent != "deny")
        actions = dict.fromkeys(picked, level if rate else "remove")
    return _review_actions(state, actions)


def _review_actions(state: ConversationState, actions: dict[int, str]) -> list[Message]:
    """Removes or rates the numbered skills ("saca la 2 y la 3 la manejo avanzado")."""
    lang, messages, removed = state.language, [], []
    for i, action in actions.items():
        skill = state.profile.get(state.review_list[i])
        if action == "remove":
            skill.status = "rejected"
            removed.append(shown(skill, lang))
            continue
        skill.level = action if action in ("basic", "intermediate", "advanced") else None
        level = say(f"level_{action}", lang) if f"level_{action}" in T else action
        messages.append(Message(say("rated", lang, level=level, label=shown(skill, lang))))
    if not removed:
        return messages
    messages.append(Message(say("removed", lang, labels=", ".join(removed))))
    return messages + review_message(state)


# -- goal --------------------------------------------------------------------------------------
# A first option this far ahead of the second (occupation search scores) is proposed as
# "I think it is ..."; closer results are a list followed by "or did you mean ...?". On the
# tune part of the occupation development set, the first option was right for 24 of the 32
# Spanish titles proposed at a lead of 0.1 and 17 of 19 at 0.2 (English 23/30, 14/18).
CLEAR_LEAD = 0.2


def goal_options_message(
    state: ConversationState, options: list[dict], key: str, goal: str = ""
) -> Message:
    lang = state.language
    options = options[:3]
    keep = ("uri", "label", "label_en", "label_language")
    state.goal_options = [{k: o[k] for k in keep if k in o} for o in options]
    scores = [o.get("score") for o in options]
    state.goal_best = key == "goal_options" and (
        len(options) == 1 or (None not in scores[:2] and scores[0] - scores[1] >= CLEAR_LEAD)
    )
    if state.goal_best and goal:
        first = options[0]
        state.goal_best = not parse.unplaced(
            goal, [first.get("label", ""), first.get("label_en", "")]
        )
    names = distinct_names(options, lang)
    if state.goal_best:
        lines = [say("goal_best", lang, label=names[0])]
        if len(options) > 1:
            lines.append(say("goal_others", lang))
    else:
        lines = [say(key, lang)]
    for i, (o, name) in enumerate(zip(options, names, strict=True), 1):
        if state.goal_best and i == 1:
            continue
        share = f" ({o['covered_share']:.0%})" if "covered_share" in o else ""
        lines.append(f"{i}. {name}{share}")
    if key == "goal_options" and not state.goal_best:
        lines.append(say("goal_meant", lang))
    buttons = [
        {"title": name, "payload": f'/select_number{{"number": "{i}"}}'}
        for i, name in enumerate(names, 1)
    ]
    return Message("\n".join(lines), buttons=buttons)


def distinct_names(options: list[dict], lang: str) -> list[str]:
    """Each option as the worker reads it; where two read the same (ESCO gives
    "ayudante técnico/a educativo/a" to the primary school and the special needs teaching
    assistants), each of those also says its English title, so they can be told apart."""
    plain = [shown(o, lang) for o in options]
    names = list(plain)
    for i, o in enumerate(options):
        english = o.get("label_en") or ""
        if plain.count(plain[i]) > 1 and english and english != plain[i]:
            names[i] = f"{plain[i]} ({english})"
    return names


def search_goal(state: ConversationState, text: str, services) -> list[Message]:
    options = services.search_occupations(text, state.language, 3)
    if not options:
        return [Message(say("no_goal_found", state.language))]
    return [goal_options_message(state, options, "goal_options", text)]


def goal_turn(state, intent, text, entities, services) -> list[Message]:
    lang = state.language
    if intent == "ask_close_jobs":
        options = services.close_jobs(state.profile, 3, lang)
        if not options:
            return [Message(say("ask_goal", lang))]
        return [goal_options_message(state, options, "close_options")]
    if state.goal_options and intent in ("select_number", "affirm", "ask_offer_details"):
        index = parse.choice(text, len(state.goal_options))
        number = entity(entities, "number")
        if index is None and number and number.isdigit():
            index = int(number) - 1 if 1 <= int(number) <= len(state.goal_options) else None
        if (
            index is None
            and intent == "affirm"
            and (len(state.goal_options) == 1 or state.goal_best)
        ):
            index = 0
        if index is None:
            return [Message(say("which_number", lang))]
        state.goal = state.goal_options[index]
        state.goal_options = []
        state.plan = state.gaps = None
        state.confirm_options, state.confirm_done = [], False
        return [Message(say("goal_set", lang, label=shown(state.goal, lang)))]
    if state.goal_options and intent == "deny":
        other = understand.none_of_these(text)  # "ninguna de esas": ask again
        if other == "":
            state.goal_options = []
            return [goal_prompt(state, again=True)]
        if other:
            return search_goal(state, other, services)
    title = goal_title(text, entities)
    if title:
        return search_goal(state, title, services)
    return [goal_prompt(state)]


GOAL_LEAD = re.compile(
    r"^(?:(?:yo\s+)?(?:quiero|quisiera|me gustar[ií]a|busco|mi meta es|sueño con|i want|"
    r"i'd like|i would like|i'm looking for|my goal is)\s+)?"
    r"(?:(?:to\s+)?(?:ser|trabajar|trabajo|un trabajo|empleo|chamba|be|become|work|a job|"
    r"cambiar (?:de )?meta|change (?:my )?goal)\s+)?"
    r"(?:(?:de|como|en|as|an?|in)\s+)?(?:(?:una?|el|la)\s+)?",
    re.IGNORECASE,
)


def goal_title(text: str, entities) -> str:
    """The job asked for: the text without its lead-in ("quiero ser ..."); Rasa's job_title
    entity only when the text has nothing else (entities often catch one word of several)."""
    stripped = _strip_goal_words(text)
    found = entity(entities, "job_title") or ""
    return stripped if len(stripped) >= len(found) else found


def _strip_goal_words(text: str) -> str:
    """ "quiero trabajar de auxiliar de enfermería" -> "auxiliar de enfermería"."""
    return " ".join(GOAL_LEAD.sub("", text.strip(" .!¿?")).split())


def goal_prompt(state: ConversationState, again: bool = False) -> Message:
    lang = state.language
    return Message(
        say("goal_again" if again else "ask_goal", lang),
        buttons=[button("btn_close_jobs", "/ask_close_jobs", lang)],
    )


# -- what the worker can already do for the goal ----------------------------------------------
ALL = re.compile(r"\b(todas|todos|all|every|las dos|both)\b")


def confirm_question(state: ConversationState, services) -> Message | None:
    """Before the plan, once per goal: the target's skills Puente is least sure about, asked
    as a counsellor would. None (and settled) when there is nothing worth asking."""
    lang = state.language
    options = services.skills_to_confirm(state.profile, state.goal["uri"], lang)
    state.confirm_options = options
    if not options:
        state.confirm_done = True
        return None
    items = "\n".join(f"{i}. {shown(o, lang)}" for i, o in enumerate(options, 1))
    return Message(
        say("confirm_ask", lang, label=shown(state.goal, lang), items=items),
        buttons=[button("btn_none", "/deny", lang), button("btn_all", "/affirm", lang)],
    )


def confirm_turn(state: ConversationState, intent: str, text: str, entities) -> list[Message]:
    """The answer: the skills picked are added as self-declared (what the worker says they
    did); "ninguna" adds none. Anything else leaves the question settled and unanswered, so
    the turn is read as what it is (a budget, say): the question costs at most one turn."""
    lang, options = state.language, state.confirm_options
    t = parse.fold(text)
    picked = parse.choices(text, len(options))
    number = entity(entities, "number")
    if not picked and number and number.isdigit() and 1 <= int(number) <= len(options):
        picked = [int(number) - 1]
    if not picked and ALL.search(t) and (intent == "affirm" or len(t.split()) <= 4):
        picked = list(range(len(options)))
    if not picked and intent == "affirm":
        if text.strip() == "/affirm":  # the "Todas" button
            picked = list(range(len(options)))
        else:  # "sí": some of them, but which?
            return [Message(say("which_number", lang))]
    state.confirm_done, state.confirm_options = True, []
    if picked:
        chosen = [options[i] for i in picked]
        state.profile.merge(
            [
                ProfileSkill(
                    uri=o["uri"],
                    label=o.get("label", ""),
                    label_en=o.get("label_en", ""),
                    label_language=o.get("label_language", "en"),
                    kind=o.get("kind", "specific"),
                    source="self-declared",
                    confidence=1.0,
                )
                for o in chosen
            ]
        )
        for o in chosen:  # already there (rejected or inferred): the worker's word wins
            skill = state.profile.get(o["uri"])
            skill.status, skill.source = "active", "self-declared"
        state.plan = state.gaps = None
        labels = ", ".join(shown(o, lang) for o in chosen)
        return [Message(say("confirm_noted", lang, labels=labels))]
    if intent == "deny" or understand.none_of_these(text) is not None:
        return [Message(say("confirm_none", lang))]
    return []


# -- constraints -------------------------------------------------------------------------------
def apply_constraints(state, intent: str, text: str, entities) -> list[str]:
    """Reads whatever constraints the text gives, whichever was asked ("50 dólares, 5 hrs x
    semana, en línea"); Rasa's entities only where the text alone says nothing. Returns what it
    noted."""
    c, noted = state.constraints, []
    asked = c.missing()
    found = understand.constraints_in(text, asked)
    amount, hours = entity(entities, "amount"), entity(entities, "hours")
    if "budget" not in found and amount and (intent == "give_budget" or asked == "budget"):
        found["budget"] = parse.budget(amount)
    if "hours" not in found and hours and (intent == "give_hours" or asked == "hours"):
        found["hours"] = parse.budget(hours)
    if found.get("budget") is not None:
        c.budget = value = found["budget"]
        said = (entity(entities, "currency") or "").upper()  # a code, never "60USD"
        said = said if re.fullmatch(r"[A-Z]{3}", said) else None
        c.currency = (parse.currency(text) or said or c.currency or "USD").upper()
        noted.append(f"{c.currency} {value:g}")
    if found.get("hours"):
        hours = found["hours"]
        c.hours_per_week = min(max(hours, 0.5), 80)  # the planner's bounds
        noted.append(f"{hours:g} h/sem" if state.language == "es" else f"{hours:g} h/week")
    if found.get("weeks"):
        c.weeks = weeks = found["weeks"]
        noted.append(f"{weeks} sem" if state.language == "es" else f"{weeks} weeks")
    value = found.get("mode") or parse.mode(entity(entities, "mode") or "")
    if value is None and asked == "mode" and intent == "deny":
        value = "any"
    if value in ("online", "onsite", "any"):
        c.mode = value
        noted.append(say(f"mode_{value}", state.language))
    if noted:
        state.plan = None
    return noted


def constraint_question(state: ConversationState) -> Message | None:
    lang = state.language
    missing = state.constraints.missing()
    if missing == "budget":
        return Message(say("ask_budget", lang))
    if missing == "hours":
        return Message(say("ask_hours", lang))
    if missing == "mode":
        return Message(
            say("ask_mode", lang),
            buttons=[
                button("btn_online", '/choose_mode{"mode": "online"}', lang),
                button("btn_onsite", '/choose_mode{"mode": "onsite"}', lang),
                button("btn_any", '/choose_mode{"mode": "any"}', lang),
            ],
        )
    return None


def plan_constraints(state: ConversationState) -> PlanConstraints:
    c = state.constraints
    return PlanConstraints(
        budget=c.budget or 0,
        currency=c.currency or "USD",
        hours_per_week=c.hours_per_week or 1,
        weeks=c.weeks or DEFAULT_WEEKS,
        language=state.language,
        mode=c.mode or "any",
    )


# -- plan ---------------------------------------------------------------------------------------
def gap_line(gap: dict, lang: str) -> str:
    """One gap in the chat: its name and, in a few words, why it matters for the goal."""
    reasons = gap.get("reasons") or {}
    why = reasons.get(f"{lang}_short") or reasons.get(lang)
    if not why:
        return f"• {shown(gap, lang)} ({say('kind_' + gap['kind'], lang).lower()})"
    return f"• {shown(gap, lang)}: {why}"


def plan_inputs(state: ConversationState) -> str:
    """A digest of everything a plan is made from: the profile (experiences, skills, the
    worker's answers), the goal, the constraints and the language."""
    made_from = {
        "profile": state.profile.model_dump(mode="json"),
        "goal": state.goal["uri"],
        "constraints": plan_constraints(state).model_dump(mode="json"),
    }
    return hashlib.sha256(json.dumps(made_from, sort_keys=True).encode()).hexdigest()[:32]


def present_plan(state: ConversationState, services) -> list[Message]:
    lang = state.language
    made_from = plan_inputs(state)
    if state.plan is None or state.gaps is None or state.plan_inputs != made_from:
        result = services.plan(state.profile, state.goal["uri"], plan_constraints(state))
        state.gaps, state.plan, state.plan_inputs = result["gaps"], result["plan"], made_from
        state.chart = None
    gaps, plan = state.gaps, state.plan
    cov = gaps["coverage"]
    lines = [
        say(
            "gaps_intro",
            lang,
            label=shown(state.goal, lang),
            covered=cov["essential_covered"],
            total=cov["essential_total"],
        )
    ]
    for gap in gaps["gaps"][:6]:
        lines.append(gap_line(gap, lang))
    messages = [Message("\n".join(lines))]
    url = state.chart = services.chart_url(gaps, lang, reuse=state.chart)
    if url:
        messages.append(Message(image=url))
    if not plan["offers"]:
        # the plan's own advice names what the catalogue cannot answer and whom to ask
        empty = say("plan_empty", lang)
        messages.append(Message(f"{empty}\n{plan['advice']}" if plan.get("advice") else empty))
        return messages
    t = plan["totals"]
    cost = f"{t['cost']['currency']} {t['cost']['amount']:g}"
    lines = [
        say(
            "plan_intro",
            lang,
            n=len(plan["offers"]),
            cost=cost,
            hours=f"{t['hours']:g}",
            weeks=t["weeks"],
        )
    ]
    for i, offer in enumerate(plan["offers"], 1):
        lines.append(f"{i}. {offer['title']}\n   {offer['reason']}")
    if plan.get("advice"):
        lines += ["", plan["advice"]]
    lines += ["", say("plan_ask", lang), say("attribution", lang)]
    messages.append(
        Message(
            "\n".join(lines),
            buttons=[
                button("btn_plan_ok", "/affirm", lang),
                button("btn_change_goal", "/change_goal", lang),
            ],
        )
    )
    return messages


def offer_details(state: ConversationState, text: str, entities, services) -> list[Message]:
    lang = state.language
    offers = (state.plan or {}).get("offers") or []
    if not offers:
        return [Message(say("no_plan_yet", lang))]
    index = parse.choice(text, len(offers))
    number = entity(entities, "number")
    if index is None and number and number.isdigit() and 1 <= int(number) <= len(offers):
        index = int(number) - 1
    if index is None:
        if len(offers) != 1:
            return [Message(say("which_number", lang))]
        index = 0
    data = services.offer(offers[index]["id"]) or {}
    cost = data.get("cost") or {}
    qa = data.get("quality_assurance") or {}
    return [
        Message(
            say(
                "details",
                lang,
                title=data.get("title", offers[index]["title"]),
                provider=(data.get("provider") or data.get("awarding_body") or {}).get("name", ""),
                mode=_mode(data.get("mode"), lang),
                languages=", ".join(data.get("languages", [])),
                cost=f"{cost.get('currency', '')} {cost.get('amount', '')}",
                hours=(data.get("workload") or {}).get("hours", ""),
                outcomes="; ".join(data.get("learning_outcomes", [])[:4]),
                qa=_quality(qa.get("type"), lang),
                credential=", ".join((data.get("credential") or {}).get("format", [])) or "-",
                url=data.get("url") or "",
            )
        )
    ]


def _mode(mode: str | None, lang: str) -> str:
    """A course's mode in the worker's language (a catalogue's own word as it comes)."""
    return say(f"mode_{mode}", lang) if mode in ("online", "onsite", "blended") else mode or ""


def _quality(kind: str | None, lang: str) -> str:
    """A course's quality assurance for its details, in the worker's language ("-": none)."""
    return quality_in(kind, lang) if kind and kind.lower() != "none" else "-"


def why(state: ConversationState, text: str, entities, phase: Phase) -> list[Message]:
    lang = state.language
    offers = (state.plan or {}).get("offers") or []
    if phase in (Phase.PLAN, Phase.WRAP_UP) and offers:
        index = parse.choice(text, len(offers))
        if index is not None:
            return [Message(say("why_offer", lang, n=index + 1, reason=offers[index]["reason"]))]
        offers = (state.plan or {}).get("offers") or []
        qa = sum(1 for o in offers if o.get("quality_assurance"))
        honest = say("plan_qa", lang, n=len(offers), qa=qa) if offers else ""
        return [Message(say("why_plan", lang, qa=honest).strip())]
    if phase in (Phase.GOAL, Phase.CONSTRAINTS):
        return [Message(say("why_gaps", lang))]
    return [Message(say("why_skills", lang))]


def reviewed_skills(state: ConversationState) -> list:
    """The skills the worker saw and kept (or declared): what the wrap-up counts and the
    summary shows. Candidates never shown in the review are not theirs to count."""
    return [s for s in state.profile.active if s.source != "inferred"]


def wrap_up(state: ConversationState, services) -> list[Message]:
    lang = state.language
    plan = state.plan or {"offers": [], "totals": {"cost": {"amount": 0, "currency": "USD"}}}
    cost = plan["totals"]["cost"]
    text = say(
        "wrap_up",
        lang,
        skills=len(reviewed_skills(state)),
        goal=shown(state.goal, lang) if state.goal else "-",
        n=len(plan["offers"]),
        cost=f"{cost['currency']} {cost['amount']:g}",
    )
    messages = [Message(text)]
    if state.consent and state.resume_code:
        link = services.summary_link(state.resume_code)
        code = parse.display_code(state.resume_code)
        messages.append(Message(say("wrap_code", lang, code=code, link=link)))
    else:
        messages.append(Message(say("wrap_unsaved", lang)))
    messages.append(Message(say("after_wrap", lang)))
    return messages
