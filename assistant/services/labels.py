"""Skill and job names in the reader's language, for every output (chat, API, CLI, summary,
chart, console).

The engine ranks and reasons over URIs with English labels; everything a person reads goes
through here first. An item keeps its `uri`, gets `label` in the language asked for where the
taxonomy has one, `label_en` always, and `label_language`, the language `label` is actually
in, so that an English fallback is marked where it is shown, never silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.db.session import session_scope


def labels(uris: Iterable[str], language: str) -> dict[str, tuple[str, str]]:
    """uri -> (label, language it is in); English where `language` has none."""
    from assistant.taxonomy.repository import cached_labels

    uris = [u for u in dict.fromkeys(uris) if u]
    if not uris:
        return {}
    with session_scope() as session:
        return cached_labels(session, uris, language)


def localize(items: Iterable[dict], language: str) -> list[dict]:
    """Relabels {uri, label} dicts in place (and returns them): `label` in `language`,
    `label_en`, `label_language`."""
    items = [i for i in items if isinstance(i, dict) and i.get("uri")]
    wanted = labels((i["uri"] for i in items), language)
    english = wanted if language == "en" else labels((i["uri"] for i in items), "en")
    for item in items:
        uri = item["uri"]
        item.setdefault("label_en", item.get("label", ""))
        if uri in english and english[uri][1] == "en":
            item["label_en"] = english[uri][0].strip()
        if uri in wanted:
            item["label"], item["label_language"] = wanted[uri][0].strip(), wanted[uri][1]
        else:
            item.setdefault("label_language", "en")
    return items


def localize_extraction(data: dict, language: str) -> dict:
    """An `extract(...).as_dict()` result with every skill list relabelled."""
    for key in ("skills", "transversal", "digital"):
        localize(data.get(key) or [], language)
    for segment in data.get("segments") or []:
        if isinstance(segment, dict):
            localize(segment.get("skills") or [], language)
    return data


def localize_report(report, language: str) -> None:
    """A GapReport (before it is planned, so the plan's reasons use the same words): each
    gap's label and the target's, in `language`."""
    wanted = labels([g.uri for g in report.gaps] + [report.occupation.get("uri")], language)
    for gap in report.gaps:
        if gap.uri in wanted:
            gap.label = wanted[gap.uri][0].strip()
        gap.reason = gap.reason_in(language)  # `reason` is what a reader of one language sees
    localize([report.occupation], language)


def localize_report_dict(report: dict, language: str) -> dict:
    """The JSON form of a gap report: gaps, covered skills and the target, relabelled."""
    localize(report.get("gaps") or [], language)
    if isinstance(report.get("occupation"), dict):
        localize([report["occupation"]], language)
    return report
