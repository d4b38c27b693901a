"""How choices are shaped for WhatsApp: reply buttons while every title fits whole, a list
(with the whole name as the row's description) when one does not; never a word cut."""

from __future__ import annotations

from connectors.whatsapp_send import _cut, choices_payload


def test_short_titles_are_reply_buttons():
    # GIVEN three titles of at most 20 characters WHEN shaped THEN three reply buttons, uncut
    buttons = [{"title": t, "payload": f"/p{i}"} for i, t in enumerate(["Sí", "No", "Me da igual"])]
    payload = choices_payload("¿Aceptas?", buttons)
    assert payload["type"] == "button"
    assert [b["reply"]["title"] for b in payload["action"]["buttons"]] == [
        "Sí",
        "No",
        "Me da igual",
    ]


def test_a_long_job_title_makes_a_list_whose_rows_keep_the_whole_name():
    # GIVEN job titles longer than a reply button holds
    names = ["supervisor/a de tienda", "auxiliar de educación infantil", "cajero/a"]
    buttons = [
        {"title": n, "payload": f'/select_number{{"number": "{i}"}}'}
        for i, n in enumerate(names, 1)
    ]
    # WHEN shaped
    payload = choices_payload("Creo que es: 1. supervisor/a de tienda.", buttons)
    # THEN a list: each row title fits 24 characters, ends at a word, and a shortened one has
    # the whole name as its description
    assert payload["type"] == "list"
    rows = payload["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == [
        "supervisor/a de tienda",
        "auxiliar de educación…",
        "cajero/a",
    ]
    assert rows[1]["description"] == "auxiliar de educación infantil"
    assert "description" not in rows[0] and "description" not in rows[2]


def test_cutting_keeps_whole_words_and_drops_a_dangling_preposition():
    # GIVEN names longer than the limit WHEN cut THEN at a word's end, never "de…"
    assert _cut("auxiliar de educación infantil", 20) == "auxiliar…"
    assert _cut("residential home young people care worker", 20) == "residential home…"
    assert _cut("gestionar reclamaciones de clientes", 24) == "gestionar reclamaciones…"
    assert _cut("corto", 20) == "corto"
