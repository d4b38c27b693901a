"""The printable summary lists what the worker reviewed, never candidates they were not shown."""

from __future__ import annotations

from assistant.web.summary import render_html


def skill(label: str, source: str, status: str = "active") -> dict:
    return {
        "uri": f"s:{label}",
        "label": label,
        "kind": "specific",
        "source": source,
        "status": status,
        "evidence": [],
    }


def test_the_summary_shows_reviewed_skills_only():
    # GIVEN a profile with a confirmed skill, a removed one and a candidate never reviewed
    summary = {
        "language": "es",
        "updated_at": "2026-12-06T10:00:00",
        "token": "t" * 24,
        "profile": {
            "skills": [
                skill("operate cash register", "confirmed"),
                skill("drive vehicles", "inferred"),
                skill("load cargo", "confirmed", status="rejected"),
            ]
        },
    }
    # WHEN the page is drawn
    page = render_html(summary)
    # THEN only the confirmed one is listed, and no resume code is printed
    assert "operate cash register" in page
    assert "drive vehicles" not in page and "load cargo" not in page
    assert "Código para volver" not in page


def _pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_the_pdf_never_spends_a_page_on_the_attribution():
    from assistant.web.summary import render_pdf

    # GIVEN a summary that fills most of a page, with gaps and a plan
    summary = {
        "language": "es",
        "updated_at": "2026-12-06T10:00:00",
        "token": "t" * 24,
        "profile": {"skills": [skill(f"skill number {i}", "confirmed") for i in range(20)]},
        "goal": {"label": "supervisor/a de tienda"},
        "gaps": {"gaps": [{"uri": "g", "label": "lead others"}]},
        "plan": {
            "offers": [{"title": "Curso A", "reason": "Cubre: lead others"}],
            "totals": {"cost": {"amount": 10, "currency": "USD"}, "hours": 8, "weeks": 2},
        },
    }
    # WHEN it is printed THEN it fits one page (the attribution is in the page's footer)
    assert _pages(render_pdf(summary, None)) == 1
    # AND one whose content fills the page to the bottom gets no page for the attribution
    # alone (41 skills and one course: the old layout printed it alone on page 2)
    summary["profile"]["skills"] = [skill(f"skill number {i}", "confirmed") for i in range(41)]
    summary["gaps"] = None
    assert _pages(render_pdf(summary, None)) == 1
