"""The archive chart, tag pages and the category tree in a real Chromium, on a phone (390 px) and
a desktop, light and dark: nothing scrolls sideways, targets are at least 24 px, labels do not meet."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .conftest import FIXTURES, served
from .test_site_browser import DESKTOP, PHONE, SCREENSHOTS, shoot

pytestmark = pytest.mark.browser
YEARS = range(2005, 2025)  # twenty years
BUSY = (2022, 3)  # one busy month beside months of one to three articles
BUSY_COUNT = 60
VIEWS = [("phone", PHONE), ("desktop", DESKTOP)]
SCHEMES = ["light", "dark"]


def write_span(content: Path) -> None:
    """A sparse twenty-year archive with one month far busier than every other."""
    for year in YEARS:
        for month in (1 + year % 12, 4 + year % 7, 11):
            for n in range(1 + (year + month) % 3):
                name = f"y{year}-{month:02d}-{n}.md"
                (content / name).write_text(
                    f"---\ntitle: {year}年{month}月第{n}篇\ndate: {year}-{month:02d}-0{n + 1} 08:00:00\n"
                    f"categories:\n  - 政策\n---\n<p>正文。</p>\n",
                    encoding="utf-8",
                )
    year, month = BUSY
    for n in range(BUSY_COUNT):
        (content / f"busy-{n:02d}.md").write_text(
            f"---\ntitle: 忙碌的一个月第{n}篇\ndate: {year}-{month:02d}-{1 + n % 28:02d} 09:00:00\n"
            "categories:\n  - 经济\n---\n<p>正文。</p>\n",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("reader-site")
    shutil.copytree(FIXTURES / "reader" / "content", root / "content")
    write_span(root / "content")
    (root / "site.toml").write_text(
        'title = "政策新闻档案"\nbase_url = "https://user.github.io/archive/"\nper_page = 2\n'
        "[search]\nenabled = false\n",
        encoding="utf-8",
    )
    with served(root) as url:
        yield url


def pages(browser: Browser) -> Iterator[tuple[str, Page]]:
    """A page per view and colour scheme, named for the screenshots."""
    for view, viewport in VIEWS:
        for scheme in SCHEMES:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            try:
                yield f"{view}-{scheme}", context.new_page()
            finally:
                context.close()


def shoot_part(part: Locator, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    part.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


BOXES = "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })"


def test_the_chart_over_twenty_years_is_readable_and_tappable(
    browser: Browser, site_url: str
) -> None:
    for name, page in pages(browser):
        page.goto(site_url + "archives/")
        no_sideways_scroll(page)
        cells = page.locator(".chart-grid a").evaluate_all(BOXES)
        assert len(cells) == sum(1 for _ in page.locator(".months a").all())
        for _, _, width, height in cells:
            assert width >= 24 and height >= 24, f"{name}: a {width}×{height} target"
        years = page.locator(".chart-year").evaluate_all(BOXES)
        assert len(years) == len(YEARS)
        for (_, top, _, height), (_, below, _, _) in pairwise(years):
            assert top + height <= below, f"{name}: year labels overlap"
        bars = page.locator(".chart-grid a").evaluate_all(
            "els => els.map(e => parseFloat(getComputedStyle(e, '::before').height))"
        )
        assert min(bars) >= 3, f"{name}: a month of one article is {min(bars)}px high"
        assert max(bars) > 3 * min(bars), f"{name}: the busy month stands out"
        shoot_part(page.locator("figure.chart"), f"chart-{name}")
        shoot(page, f"archives-{name}")
        page.locator(".chart-grid a").first.click()
        expect(page.locator("h1")).to_have_text(re.compile("^2024年"))


def test_tag_pages_on_a_phone_and_a_desktop(browser: Browser, site_url: str) -> None:
    for name, page in pages(browser):
        page.goto(site_url + "tags/")
        no_sideways_scroll(page)
        tags = page.locator("nav.chips a").evaluate_all(BOXES)
        assert len(tags) == 5 and all(h >= 24 for _, _, _, h in tags), tags
        shoot(page, f"tags-{name}")
        page.locator("nav.chips a", has_text="两会").click()
        expect(page.locator("h1")).to_have_text("两会")
        no_sideways_scroll(page)
        shoot(page, f"tag-{name}")
        page.locator(".cards a").first.click()
        links = page.locator(".article-tags a.tag")
        expect(links.first).to_be_visible()
        heights = links.evaluate_all(BOXES)
        assert all(h >= 24 for _, _, _, h in heights), heights
        no_sideways_scroll(page)
        shoot_part(page.locator(".article-footer"), f"article-tags-{name}")


def test_the_category_tree_uses_a_desktops_width(browser: Browser, site_url: str) -> None:
    for name, page in pages(browser):
        page.goto(site_url + "categories/")
        no_sideways_scroll(page)
        tops = [top for _, top, _, _ in page.locator(".tree > li").evaluate_all(BOXES)]
        side_by_side = len(tops) > len(set(tops))
        assert side_by_side == name.startswith("desktop"), (name, tops)
        shoot(page, f"categories-{name}")
