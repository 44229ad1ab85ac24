"""One search across an archive in parts, in a real Chromium against a real HTTP server: the same
articles built as one site and as three parts give the same results in the same order, with the
same facet counts; a part that cannot be reached is named and the rest shown; links resolve."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import CHROMIUM
from .parts_served import one_and_parts

pytestmark = pytest.mark.browser
WAIT_MS = 15_000
WORDS = ["稳增长", "专项债", "新规", "财政", "货币政策", "就业", "两会", "改革"]
CATEGORIES = ["金融", "经济", "社会"]
SOURCES = ["新华社", "人民日报", "财新网"]


def write_articles(content: Path) -> None:
    """Sixty articles over 2022-2024, words and facets drawn from a fixed seed."""
    draw = random.Random(27)
    content.mkdir()
    for n in range(60):
        year = 2022 + n % 3
        day = f"{year}-{1 + n % 12:02d}-{1 + n % 27:02d} {n % 24:02d}:00:00"
        title = f"{draw.choice(WORDS)}动态第{n}号"
        body = "，".join(draw.sample(WORDS, 3))
        (content / f"a{n:02d}.md").write_text(
            f"---\ntitle: {title}\ndate: {day}\ncategories: [{draw.choice(CATEGORIES)}]\n"
            f"source: {draw.choice(SOURCES)}\n---\n\n{body}。这是第{n}篇的正文。\n",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server: the archive as one site at /one/, and as three parts at /archive/,
    /archive-2023/ and /archive-2024/; yields its address."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with one_and_parts(tmp_path_factory.mktemp("parts-search"), write_articles) as (address, _):
        yield address


def search(page: Page, url: str, query: str) -> tuple[str, list[str]]:
    """The status line and the results' paths (each relative to its own site), every page shown."""
    page.goto(f"{url}search/?q={query}")
    status = page.locator(".search-status")
    expect(status).to_have_text(re.compile(r"找到 \d+ 篇|没有找到"), timeout=WAIT_MS)
    results = page.locator(".search-result")
    total = int(m.group(1)) if (m := re.search(r"找到 (\d+) 篇", status.inner_text())) else 0
    while results.count() < total:
        shown = results.count()
        page.locator(".search-more").click()
        expect(results).to_have_count(min(total, shown + 10), timeout=WAIT_MS)
    hrefs = page.locator(".search-result .card-title a").evaluate_all("as => as.map(a => a.href)")
    paths = [re.sub(r"^https?://[^/]+/[^/]+/", "", unquote(href)) for href in hrefs]
    return status.inner_text(), paths


def facets(page: Page) -> dict[str, list[tuple[str, str]]]:
    page.locator(".search-options summary").click()
    expect(page.locator("select[name=year] option").nth(1)).to_contain_text("（", timeout=WAIT_MS)
    return {
        name: page.locator(f"select[name={name}] option").evaluate_all(
            "os => os.map(o => [o.value, o.textContent])"
        )
        for name in ("category", "source", "year")
    }


@pytest.mark.parametrize("query", ["稳增长", "专项债 改革", "第7号", "动态"])
@pytest.mark.parametrize("part", ["archive", "archive-2023"])
def test_a_search_on_one_part_gives_one_indexs_results_order_and_counts(
    served: str, page: Page, query: str, part: str
) -> None:
    whole_status, whole = search(page, f"{served}/one/", query)
    whole_facets = facets(page) if whole else {}
    status, found = search(page, f"{served}/{part}/", query)
    assert found == whole
    assert status == whole_status
    assert not whole or facets(page) == whole_facets
    assert any(path.startswith("2024/") for path in whole) or query == "第7号"


def test_a_result_in_another_part_links_there(served: str, page: Page) -> None:
    _, found = search(page, f"{served}/archive/", "第59号")
    assert found == ["2024/12/a59/"]
    link = page.locator(".search-result .card-title a").first
    assert link.get_attribute("href", timeout=WAIT_MS).startswith(f"{served}/archive-2024/")
    link.click()
    expect(page.locator("h1")).to_contain_text("第59号", timeout=WAIT_MS)


def test_an_unreachable_part_is_named_and_the_rest_shown(served: str, page: Page) -> None:
    _, whole = search(page, f"{served}/one/", "稳增长")
    page.route(re.compile(r".*/archive-2023/search-index/.*"), lambda route: route.abort())
    status, found = search(page, f"{served}/archive/", "稳增长")
    assert "p2023" in status
    assert "无法连接" in status
    assert found == [path for path in whole if not re.match(r"2023/(09|1[0-2])/", path)]
    assert len(found) < len(whole)


def resolves(page: Page, hrefs: list[str]) -> None:
    """Each link parts.js made lands on a page of the server (every part's folder)."""
    for href in hrefs:
        assert page.request.get(href).ok, href


def years(page: Page) -> list[str]:
    """The archive page's years and months, as its list reads: 2024年 20 篇 12月 2 篇…"""
    return page.locator(".years").inner_text().split()


def test_the_archive_page_shows_every_parts_years_each_linking_into_its_part(
    served: str, page: Page
) -> None:
    """On any part, the archive's years, months and chart are the whole archive's (as one site
    shows them), each month linking into the part whose span holds it."""
    page.goto(f"{served}/one/archives/")
    whole, cells = years(page), page.locator(".chart-grid a").count()
    for part in ("archive", "archive-2023", "archive-2024"):
        page.goto(f"{served}/{part}/archives/")
        expect(page.locator("[data-key]")).to_contain_text("全档案共 60 篇", timeout=WAIT_MS)
        assert years(page) == whole
        assert page.locator(".chart-grid a").count() == cells
        months = page.locator(".years .months a, .chart-grid a").evaluate_all(
            "as => as.map(a => a.href)"
        )
        for href in months:
            year, month = map(int, re.findall(r"/(\d{4})/(\d{2})/$", href)[0])
            holder = "archive-2024" if year == 2024 else "archive"
            if (year, month) >= (2023, 9) and year == 2023:
                holder = "archive-2023"
            assert href.startswith(f"{served}/{holder}/archives/"), href
        links = page.locator("[data-key] a, .years a").evaluate_all("as => as.map(a => a.href)")
        resolves(page, links + months)
    cell = page.locator(".chart-grid a").first
    month = (cell.get_attribute("title") or "").split("：")[0]
    cell.click()
    expect(page.locator("h1")).to_have_text(month, timeout=WAIT_MS)


def category_count(page: Page, url: str) -> int:
    page.goto(url)
    return int(
        re.findall(r"共 (\d+) 篇", page.locator(".list-stats:not([data-key])").inner_text())[0]
    )


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_category_page_says_how_many_of_its_articles_the_other_parts_hold(
    served: str, page: Page, category: str
) -> None:
    whole = category_count(page, f"{served}/one/categories/{category}/")
    here = category_count(page, f"{served}/archive-2023/categories/{category}/")
    more = page.locator("[data-key]")
    expect(more).to_contain_text(f"本档案的其他部分另有 {whole - here} 篇", timeout=WAIT_MS)
    links = more.locator("a")
    hrefs = links.evaluate_all("as => as.map(a => a.href)")
    assert [unquote(urlsplit(h).path) for h in hrefs] == [
        f"/{part}/categories/{category}/" for part in ("archive", "archive-2024")
    ]
    resolves(page, hrefs)
    counted = [int(n) for n in re.findall(r"(\d+) 篇", more.inner_text())[1:]]
    assert counted == [category_count(page, href) for href in hrefs]


def test_an_unreachable_part_is_reported_on_lists_and_the_archive(served: str, page: Page) -> None:
    page.route(re.compile(r".*/archive-2023/part-counts/.*"), lambda route: route.abort())
    page.goto(f"{served}/archive-2024/categories/金融/")
    more = page.locator("[data-key]")
    expect(more).to_contain_text("无法连接本档案的部分 p2023", timeout=WAIT_MS)
    assert "其中的文章未计入" in more.inner_text()
    assert urlsplit(more.locator("a").first.get_attribute("href") or "").path == (
        "/archive/categories/%E9%87%91%E8%9E%8D/"
    )
    page.goto(f"{served}/archive/archives/")
    expect(more).to_contain_text("无法连接本档案的部分 p2023", timeout=WAIT_MS)
    assert "2023-09-01 至 2023-12-31" in more.inner_text()
    assert not any(
        re.search(r"/2023/(09|1[0-2])/", href)
        for href in more.page.locator(".chart-grid a").evaluate_all("as => as.map(a => a.href)")
    )
