"""The live preview in a real Chromium: edits appear by themselves, errors show over the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_serve import SEED, SEED_URL, eventually, make_site, serving

pytestmark = pytest.mark.browser
WAIT_MS = 30_000  # an eventual condition, not a timing: a loaded CI machine may take long


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page()
    yield page
    page.close()


def test_an_open_page_follows_edits_and_shows_errors(tmp_path: Path, page: Page) -> None:
    site = make_site(tmp_path / "site", base_url="https://user.github.io/archive/")
    article = site / "content" / SEED
    good = article.read_text(encoding="utf-8")
    with serving(site) as (server, _):
        with page.expect_response(lambda response: "__sitegen/events" in response.url):
            page.goto(server.url.rstrip("/") + SEED_URL)
        page.evaluate("window.openedByTheTest = true")
        main = page.locator("main")
        expect(main).to_contain_text("3月14日下午")

        article.write_text(good.replace("3月14日下午", "3月14日傍晚"), encoding="utf-8")
        expect(main).to_contain_text("3月14日傍晚", timeout=WAIT_MS)
        assert page.evaluate("window.openedByTheTest") is None, "the page reloaded by itself"

        article.write_text(good.replace("title: '", "title: ['", 1), encoding="utf-8")
        overlay = page.locator("#sitegen-build-errors")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        expect(overlay.get_by_role("alertdialog")).to_contain_text("构建失败")
        expect(overlay.locator("li")).to_contain_text(f"content/{SEED}:")
        expect(main).to_contain_text("3月14日傍晚")
        overlay.get_by_role("button").click()
        expect(overlay).to_have_count(0)

        hostile = site / "content" / "<img src=x onerror=alert(1)>.txt"
        hostile.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        expect(overlay.locator("li", has_text="<img src=x onerror=alert(1)>.txt")).to_be_visible()
        expect(overlay.locator("img")).to_have_count(0)
        page.keyboard.press("Escape")
        expect(overlay).to_have_count(0)

        hostile.unlink()
        article.write_text(good.replace("3月14日下午", "3月14日夜里"), encoding="utf-8")
        expect(main).to_contain_text("3月14日夜里", timeout=WAIT_MS)
        expect(overlay).to_have_count(0)


def test_only_the_tabs_showing_a_changed_page_reload(tmp_path: Path, browser: Browser) -> None:
    site = make_site(tmp_path / "site")
    article = site / "content" / SEED
    with serving(site) as (server, rebuilt):
        tabs = {SEED_URL: browser.new_page(), "/archives/": browser.new_page()}
        for url, tab in tabs.items():
            with tab.expect_response(lambda response: "__sitegen/events" in response.url):
                tab.goto(server.url.rstrip("/") + url)
            tab.evaluate("window.openedByTheTest = true")
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("3月14日下午", "3月14日傍晚"), encoding="utf-8")
        expect(tabs[SEED_URL].locator("main")).to_contain_text("3月14日傍晚", timeout=WAIT_MS)
        eventually(lambda: rebuilt, "the rebuild")
        tabs[SEED_URL].wait_for_timeout(500)
        assert tabs["/archives/"].evaluate("window.openedByTheTest") is True, "left alone"
        for tab in tabs.values():
            tab.close()
