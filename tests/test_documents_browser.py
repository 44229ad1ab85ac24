"""A cited document's page in a real Chromium, on a phone and on a desktop: from the archive to the
documents' index, to a document, to an article citing it, and back through its citation block."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from .conftest import FIXTURES, served

pytestmark = pytest.mark.browser
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
DOCUMENT = "《直播电商监督管理办法》"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixtures served under a project path, as GitHub Pages publishes them."""
    root = tmp_path_factory.mktemp("documents-site")
    shutil.copytree(FIXTURES / "documents" / "cites", root / "content")
    (root / "site.toml").write_text(
        'base_url = "https://user.github.io/archive/"\n', encoding="utf-8"
    )
    with served(root) as url:
        yield url


@pytest.mark.parametrize("device", VIEWPORTS)
def test_document_page_to_an_article_citing_it(
    browser: Browser, site_url: str, device: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url + "archives/")
    page.get_by_role("link", name="文章提及的文件").click()
    expect(page.locator("h1")).to_have_text("文章提及的文件")
    page.get_by_role("link", name=DOCUMENT).click()
    expect(page.locator("h1")).to_have_text(DOCUMENT)
    expect(page.locator("ol.timeline li")).to_have_count(2)
    # Nothing wider than the screen: the timeline and the cards fit a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # the record's facts link the article saying them too; the card leads there as well
    cards = page.locator("div.cards")
    cards.get_by_role("link", name="市场监管总局发布直播电商新规").click()
    expect(page.locator("h1")).to_have_text("市场监管总局发布直播电商新规")
    assert "/archive/2026/01/" in page.url
    # cite.js writes the GB/T 7714 entry from the citation_* tags, canonical link and 原文链接
    page.locator("footer.article-footer details summary").click()
    expect(page.locator("footer.article-footer details p")).to_have_text(
        "人民日报记者. 市场监管总局发布直播电商新规[N/OL]. 人民日报, 2026-01-05. "
        "https://paper.people.com.cn/rmrb/html/2026-01/05/nw.D110000renmrb_20260105_1-04.htm. "
        "存档：https://user.github.io/archive/2026/01/2026-01-05-livestream-rules/."
    )
    page.get_by_role("link", name=DOCUMENT).click()
    expect(page.locator("h1")).to_have_text(DOCUMENT)
    # Without an original link the entry gives the archive's own address alone.
    page.goto(site_url + "2026/02/2026-02-10-livestream-followup/")
    page.locator("footer.article-footer details summary").click()
    expect(page.locator("footer.article-footer details p")).to_have_text(
        "36氪. 直播电商新规施行首月：平台整改进行时[N/OL]. 新华社, 2026-02-10. "
        "https://user.github.io/archive/2026/02/2026-02-10-livestream-followup/."
    )
    context.close()
    assert not errors, errors
