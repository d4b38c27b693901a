"""Playwright on Debian's Chromium (/usr/bin/chromium), headless, with the flags this
machine needs; never a browser downloaded by a test tool. Playwright gives each launch a
fresh, empty profile (--user-data-dir)."""

from __future__ import annotations

import contextlib

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
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def browser_context(**options):
    with chromium() as browser:
        context = browser.new_context(**options)
        try:
            yield context
        finally:
            context.close()
