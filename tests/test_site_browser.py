"""What a reader sees, in a real Chromium: navigation, Chinese typography, phone and dark mode."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import REPO, SEEDS, served

pytestmark = pytest.mark.browser
SCREENSHOTS = REPO / "tests" / "screenshots"
SEED_TITLE = "工业和信息化部党组召开扩大会议传达学习习近平总书记重要讲话精神和全国两会精神"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeds served under a GitHub Pages project path, as they will be published."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(SEEDS, root / "content")
    (root / "site.toml").write_text(
        'title = "政策新闻档案"\nbase_url = "https://user.github.io/archive/"\n', encoding="utf-8"
    )
    with served(root) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_home_to_article_to_its_category_and_back(page: Page, site_url: str) -> None:
    page.goto(site_url)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.locator(".cards > h2")).to_have_count(2)
    shoot(page, "home-desktop")
    page.get_by_role("link", name=SEED_TITLE).first.click()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    expect(page.locator("main")).to_contain_text("2022年3月14日 16:58")
    trail = page.locator(".article > header > nav a")
    expect(trail).to_have_text(["金融", "新浪财经", "新浪财经－国內"])
    shoot(page, "article-desktop")
    trail.nth(1).click()
    expect(page.locator("h1")).to_have_text("新浪财经")
    expect(page.get_by_role("navigation", name="子分类")).to_contain_text("新浪财经－国內")
    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)


def test_archive_month_link_to_article(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="归档").click()
    expect(page.locator("h1")).to_have_text("归档")
    expect(page.locator("figure.chart .chart-grid a")).not_to_have_count(0)
    shoot(page, "archives-desktop")
    page.get_by_role("link", name="12月").first.click()
    expect(page.locator("h1")).to_have_text("2021年12月")
    page.locator(".cards a").first.click()
    expect(page.locator("h1")).to_have_text("工信部：全力稳定工业经济增长，保持制造业占比基本稳定")


def test_chinese_typography_indent_and_font(page: Page, site_url: str) -> None:
    page.goto(site_url + "2022/03/000_f847cc9c3667cd96/")
    paragraph = page.locator(".article-body p").first
    style = paragraph.evaluate(
        "p => { const s = getComputedStyle(p); return [s.textIndent, s.fontSize, s.lineHeight, s.fontFamily]; }"
    )
    indent, size, line_height, family = style
    assert float(indent.removesuffix("px")) == pytest.approx(2 * float(size.removesuffix("px")))
    assert float(line_height.removesuffix("px")) >= 1.75 * float(size.removesuffix("px"))
    assert "Noto" in family or "CJK" in family or "PingFang" in family
    assert "　　" not in paragraph.inner_text()


def test_fine_on_a_phone_in_light_and_dark(browser: Browser, site_url: str) -> None:
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme)
        page = context.new_page()
        for name, path in [
            ("home", ""),
            ("article", "2021/12/001_c31c58ede6f3a8cb/"),
            ("archives", "archives/"),
            ("category", "categories/金融/"),
            ("year", "archives/2022/"),
        ]:
            page.goto(site_url + path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= PHONE["width"], f"{name} scrolls sideways on a phone ({width}px)"
            shoot(page, f"{name}-phone-{scheme}")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
        assert (sum(channels) < 150) == (scheme == "dark"), background
        context.close()


def test_keyboard_focus_is_visible(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
