"""Link tokens and resume codes never reach the web app's access log."""

from __future__ import annotations

import logging

from assistant.web.ops import RedactCodes, redact


def test_codes_in_paths_and_queries_are_replaced():
    assert redact("/s/AB12CD.pdf") == "/s/[code].pdf"
    assert redact("/s/AB12CD/export.json") == "/s/[code]/export.json"
    token = "Zk3_q-9aBcDeFgHiJkLmNoPq"
    assert redact(f"/s/{token}.pdf") == "/s/[code].pdf"
    assert redact(f"/s/{token}/chart.png") == "/s/[code]/chart.png"
    assert redact("/?lang=en&code=XY98ZZ") == "/?lang=en&code=[code]"
    assert redact("/api/v1/plan") == "/api/v1/plan"


def test_the_access_log_filter_rewrites_uvicorns_arguments():
    # GIVEN uvicorn's access record (client, method, path, version, status)
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/s/K7P2QX", "1.1", 200),
        None,
    )
    # WHEN the filter runs THEN the message carries no code
    assert RedactCodes().filter(record)
    assert "K7P2QX" not in record.getMessage() and "/s/[code]" in record.getMessage()
