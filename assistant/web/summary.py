"""The printable summary a worker gets at the end: profile with evidence, gaps, plan, chart
and the ESCO attribution, as an HTML page, a PDF and JSON. Opened by a link token
(access.links), never by the resume code."""

from __future__ import annotations

import html
import re
from pathlib import Path

from sqlalchemy.orm import Session

from assistant.db.conversation_models import Conversation
from assistant.profiles import repository as repo
from assistant.skills.engine import ESCO_ATTRIBUTION
from assistant.taxonomy.display import shown

TITLES = {
    "es": {
        "title": "Tu resumen de Puente",
        "skills": "Tus habilidades",
        "gaps": "Lo que te conviene reforzar para: {goal}",
        "plan": "Tu plan de formación",
        "total": "Total: {cost}, {hours} h, unas {weeks} semanas",
        "updated": "Actualizado el {date}",
        "transversal": "Transversales",
        "digital": "Digitales",
        "specific": "Propias del oficio",
        "confirmed": "confirmada",
        "inferred": "sugerida",
        "self-declared": "declarada",
    },
    "en": {
        "title": "Your Puente summary",
        "skills": "Your skills",
        "gaps": "What is worth strengthening for: {goal}",
        "plan": "Your learning plan",
        "total": "Total: {cost}, {hours} h, about {weeks} weeks",
        "updated": "Updated on {date}",
        "transversal": "Transversal",
        "digital": "Digital",
        "specific": "Job-specific",
        "confirmed": "confirmed",
        "inferred": "suggested",
        "self-declared": "self-declared",
    },
}


def load_summary(session: Session, token: str) -> dict | None:
    """The summary a link token opens (None for an unknown, revoked or expired one)."""
    from assistant.access import links

    row = links.resolve(session, token)
    return {**summary_of(session, row), "token": token} if row is not None else None


def summary_of(session: Session, row: Conversation) -> dict:
    """What the worker's summary shows, every skill and job named in their language (stored
    names may be older or English: they are looked up again), `label_en` beside each."""
    import copy

    from assistant.taxonomy.repository import localize

    state = copy.deepcopy(row.state or {})
    profile = repo.latest_profile_row(session, row.id)
    plan = repo.latest_plan(session, row.id)
    summary = {
        "language": row.language,
        "updated_at": row.updated_at.isoformat(),
        "profile": copy.deepcopy(profile.data) if profile else state.get("profile", {}),
        "profile_version": profile.version if profile else None,
        "goal": state.get("goal"),
        "gaps": state.get("gaps"),
        "plan": copy.deepcopy(plan.data) if plan else state.get("plan"),
        "attribution": ESCO_ATTRIBUTION,
    }
    named = [*((summary["profile"] or {}).get("skills") or [])]
    named += [summary["goal"]] if isinstance(summary["goal"], dict) else []
    named += (summary["gaps"] or {}).get("gaps") or []
    for offer in (summary["plan"] or {}).get("offers") or []:
        named += offer.get("covers") or []
    localize(session, [n for n in named if isinstance(n, dict)], row.language or "es")
    return summary


def _skills_by_kind(summary: dict) -> dict[str, list[dict]]:
    """The skills the worker reviewed and kept, by kind; a kind the page has no heading for
    is shown as job-specific."""
    groups: dict[str, list[dict]] = {"transversal": [], "digital": [], "specific": []}
    for skill in (summary.get("profile") or {}).get("skills") or []:
        if not isinstance(skill, dict) or skill.get("status") == "rejected":
            continue
        if skill.get("source") == "inferred":  # never shown in the review: not listed
            continue
        kind = skill.get("kind")
        groups[kind if kind in groups else "specific"].append(skill)
    return groups


def _label(skill: dict, lang: str) -> str:
    return shown(skill, lang)


def _quote(skill: dict) -> str:
    evidence = skill.get("evidence") or []
    first = evidence[0] if evidence and isinstance(evidence[0], dict) else {}
    return str(first.get("text") or "")


def _web_link(url: object) -> str | None:
    """Only http(s) links become hrefs (never javascript: or data: from a catalogue row)."""
    return url if isinstance(url, str) and re.match(r"(?i)^https?://", url) else None


def _esc(value: object) -> str:
    """HTML-escaped text that can always be encoded (a lone surrogate becomes "?")."""
    text = html.escape(str(value))
    return text.encode("utf-8", "replace").decode("utf-8")


def _totals(summary: dict, words: dict) -> str:
    plan = summary.get("plan") or {}
    t = plan.get("totals")
    if not t:
        return ""
    cost = f"{t['cost']['currency']} {t['cost']['amount']:g}"
    return words["total"].format(cost=cost, hours=f"{t['hours']:g}", weeks=t.get("weeks", "?"))


def render_html(summary: dict) -> str:
    lang = summary["language"] if summary["language"] in TITLES else "es"
    w, e = TITLES[lang], _esc
    goal = _label(summary["goal"], lang) if summary.get("goal") else "-"
    parts = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(w['title'])}</title><style>body{{font-family:system-ui,sans-serif;"
        "max-width:46rem;margin:1rem auto;padding:0 1rem;line-height:1.45}"
        "q{color:#555}.reason{color:#444;font-size:.92em}img{max-width:100%}"
        "@media print{a.dl{display:none}}</style></head><body><main>",
        f"<h1>{e(w['title'])}</h1><p>{e(w['updated'].format(date=summary['updated_at'][:10]))}</p>",
        f'<p><a class="dl" href="{e(summary["token"])}.pdf">PDF</a> · '
        f'<a class="dl" href="{e(summary["token"])}.json">JSON</a></p>',
        f"<h2>{e(w['skills'])}</h2>",
    ]
    for kind, skills in _skills_by_kind(summary).items():
        if not skills:
            continue
        parts.append(f"<h3>{e(w[kind])}</h3><ul>")
        for s in skills:
            quote = _quote(s)
            level = f" ({e(s['level'])})" if s.get("level") else ""
            parts.append(
                f"<li><strong>{e(_label(s, lang))}</strong>{level} — "
                f"{e(w.get(s.get('source'), ''))}"
                + (f"<br><q>{e(quote)}</q>" if quote else "")
                + "</li>"
            )
        parts.append("</ul>")
    gaps = (summary.get("gaps") or {}).get("gaps") or []
    if gaps:
        parts.append(f"<h2>{e(w['gaps'].format(goal=goal))}</h2>")
        parts.append(f'<img src="{e(summary["token"])}/chart.png" alt="chart">')
        parts.append(
            "<ul>" + "".join(f"<li>{e(_label(g, lang))}</li>" for g in gaps[:10]) + "</ul>"
        )
    offers = (summary.get("plan") or {}).get("offers") or []
    if offers:
        parts.append(f"<h2>{e(w['plan'])}</h2><ol>")
        for o in offers:
            url = _web_link(o.get("url"))
            link = f' <a href="{e(url)}" rel="noopener nofollow">↗</a>' if url else ""
            parts.append(
                f"<li><strong>{e(o.get('title', ''))}</strong>{link}"
                f'<div class="reason">{e(o.get("reason", ""))}</div></li>'
            )
        parts.append(f"</ol><p>{e(_totals(summary, w))}</p>")
    parts.append(
        f"<footer><p><small>{e(ESCO_ATTRIBUTION)}</small></p></footer></main></body></html>"
    )
    return "".join(parts)


def _font() -> Path:
    from assistant.plans.chart_drawing import dejavu_font

    return dejavu_font()


def render_pdf(summary: dict, chart_png: bytes | None) -> bytes:
    import io

    from fpdf import FPDF

    lang = summary["language"] if summary["language"] in TITLES else "es"
    w = TITLES[lang]
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(_font()))
    pdf.add_page()

    def line(text: str, size: int = 10, gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", size=size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line(w["title"], 16, 3)
    line(w["updated"].format(date=summary["updated_at"][:10]), 10, 4)
    line(w["skills"], 13, 2)
    for kind, skills in _skills_by_kind(summary).items():
        if skills:
            line(w[kind], 11, 1)
            for s in skills:
                quote = f' — "{_quote(s)}"' if _quote(s) else ""
                line(f"• {_label(s, lang)} ({w.get(s.get('source'), '')}){quote}", 9, 0.5)
            pdf.ln(2)
    goal = _label(summary["goal"], lang) if summary.get("goal") else "-"
    gaps = (summary.get("gaps") or {}).get("gaps") or []
    if gaps or chart_png:
        line(w["gaps"].format(goal=goal), 13, 2)
        for g in gaps[:10]:  # the list itself, not only the picture
            line(f"• {_label(g, lang)}", 9, 0.5)
        pdf.ln(2)
        if chart_png:
            pdf.image(io.BytesIO(chart_png), w=150)
            pdf.ln(3)
    offers = (summary.get("plan") or {}).get("offers") or []
    if offers:
        line(w["plan"], 13, 2)
        for i, o in enumerate(offers, 1):
            line(f"{i}. {o.get('title', '')}", 10, 0.5)
            line(str(o.get("reason", "")), 8, 2)
        line(_totals(summary, w), 10, 3)
    # the attribution in the page footer: never a page of its own
    return _with_footer(pdf, ESCO_ATTRIBUTION)


def _with_footer(pdf, text: str) -> bytes:
    pages = pdf.pages_count
    for number in range(1, pages + 1):
        pdf.page = number
        pdf.set_auto_page_break(False)
        pdf.set_y(-12)
        pdf.set_font("DejaVu", size=7)
        pdf.cell(0, 5, f"{text}   {number}/{pages}", align="C")
    return bytes(pdf.output())
