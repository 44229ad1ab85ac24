"""Pages showing kept, lost and thumbnail pictures, in a real Chromium on a phone and a desktop:
no broken image icon, no layout shift; and `sitegen serve` serving the kept copies."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from sitegen.config import load_config
from sitegen.images.update import update
from tests.conftest import served
from tests.picture_server import PictureServer, noisy_jpeg, picture_server, serves
from tests.test_images import write_site

pytestmark = pytest.mark.browser
VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#c63"/></svg>'
ROUTES = {
    "/photo.jpg": serves(noisy_jpeg(900, 600), "image/jpeg"),
    "/wide.jpg": serves(noisy_jpeg(1600, 400, 3), "image/jpeg"),
    "/logo.svg": serves(SVG, "image/svg+xml"),
}
# Layout shifts, summed as Chromium reports them (the Cumulative Layout Shift of web-vitals).
WATCH_SHIFTS = """
window.__shift = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__shift += e.value; })
  .observe({type: "layout-shift", buffered: true});
"""
ALL_LOADED = "[...document.images].every(i => i.complete)"
BROKEN = "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"


@pytest.fixture(scope="module")
def pictures() -> Iterator[PictureServer]:
    with picture_server(ROUTES) as server:
        yield server


def make_site(root: Path, server: PictureServer, publish: str) -> Path:
    urls = [f"{server.url}{path}" for path in (*ROUTES, "/gone.png")]
    body = (
        f'<div class="img_wrapper"><img src="{urls[0]}" alt="会场"><span class="img_descr">会议现场</span></div>'
        f"<p>前文。</p><p>{'正文段落。' * 200}</p>"
        f'<p><img src="{urls[1]}"></p><p>{"正文段落。" * 200}</p>'
        f'<p>标志<img src="{urls[2]}" alt="标志"></p>'
        f'<div class="img_wrapper"><img src="{urls[3]}" alt="图表"><span class="img_descr">已失效的图</span></div>'
    )
    copies = 'base_url = "https://pictures.example/archive/"\n' if publish == "copies" else ""
    write_site(root, [], f'publish = "{publish}"\n{copies}timeout = 2\nretries = 0\n')
    article = root / "content" / "pictures.md"
    article.write_text(article.read_text(encoding="utf-8").replace("<p>正文。</p>", body))
    config = load_config(root / "site.toml")
    with ThreadPoolExecutor(1) as thread:  # out of Playwright's event loop, as a command runs
        thread.submit(update, config, urls, lambda stage, done, total: None).result()
    return root


@pytest.fixture(scope="module")
def thumbs_site(pictures: PictureServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(make_site(tmp_path_factory.mktemp("thumbs"), pictures, "thumbnails")) as site:
        yield site


def look(browser: Browser, url: str, device: str) -> Page:
    """The article page at `url`, scrolled through so every lazy picture loads, on `device`."""
    context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone")
    page = context.new_page()
    page.add_init_script(WATCH_SHIFTS)
    page.goto(url)
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + 1, 300):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.wait_for_function(ALL_LOADED)
    return page


def article_url(page: Page, site: str) -> str:
    page.goto(site)
    return page.locator(".cards h2 a").first.evaluate("a => a.href")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_kept_lost_and_thumbnail_pictures_never_break_or_shift(
    browser: Browser, pictures: PictureServer, thumbs_site: str, device: str
) -> None:
    site = thumbs_site
    home = look(browser, site, device)
    card = home.locator(".cards img")
    assert card.count() == 1 and card.evaluate("i => i.naturalWidth") > 0
    page = look(browser, article_url(home, site), device)
    assert page.evaluate(BROKEN) == []
    assert page.evaluate("window.__shift") == 0
    images = page.locator(".article-body img")
    assert images.count() == 3
    assert [images.nth(2).get_attribute(side) for side in ("width", "height")] == ["200", "100"]
    first = images.first
    assert "/thumbs/" in (first.get_attribute("src") or "")
    assert first.get_attribute("data-original") == f"{pictures.url}/photo.jpg"
    box = first.bounding_box()
    assert box is not None and abs(box["width"] / box["height"] - 1.5) < 0.02
    lost = page.locator(".article-body .img-lost")
    assert lost.all_inner_texts() == ["图片已失效：图表"]
    assert page.locator(".article-body figcaption").all_inner_texts() == ["会议现场", "已失效的图"]
    og = page.locator('meta[property="og:image"]').get_attribute("content") or ""
    assert og.startswith("https://example.org/archive/thumbs/") and og.endswith(".webp")
    page.context.close()
    home.context.close()


def test_serve_shows_the_kept_copies_from_the_store(
    browser: Browser, pictures: PictureServer, tmp_path: Path
) -> None:
    root = make_site(tmp_path, pictures, "copies")
    with served(root) as site:
        home = look(browser, site, "desktop")
        page = look(browser, article_url(home, site), "desktop")
        assert page.evaluate(BROKEN) == []
        assert page.evaluate("window.__shift") == 0
        sources = page.locator(".article-body img").evaluate_all("l => l.map(i => i.src)")
        assert len(sources) == 3
        assert all(src.startswith(site + "__sitegen/images/") for src in sources)
        assert page.locator(".article-body .img-lost").count() == 1
        page.context.close()
        home.context.close()
