"""Browser fixtures: the live app and a headless Chromium page (skipped without chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.runtime import Runtime
from tests.support.live import CHROMIUM, CHROMIUM_ARGS, live_server, need_chromium


@pytest.fixture
def base_url(runtime: Runtime) -> Iterator[str]:
    """The app served by uvicorn on the test database."""
    with live_server(runtime) as url:
        yield url


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh headless Chromium page (Chinese locale) that accepts confirm() dialogs."""
    need_chromium()  # before the server starts: a skip costs nothing
    base_url = request.getfixturevalue("base_url")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", base_url=base_url)
        context.set_default_timeout(15_000)
        tab = context.new_page()
        tab.on("dialog", lambda dialog: dialog.accept())
        try:
            yield tab
        finally:
            context.close()
            browser.close()
