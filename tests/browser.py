"""Playwright on Debian's Chromium (/usr/bin/chromium), headless, with the flags this
machine needs; never a browser downloaded by a test tool."""

from __future__ import annotations

import contextlib
import tempfile

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def browser_context(**options):
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="puente-chromium-") as profile:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS, **options
            )
            try:
                yield context
            finally:
                context.close()
