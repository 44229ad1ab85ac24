"""Search in a real Chromium against a real HTTP server: the seeds plus a few hundred real articles."""

from __future__ import annotations

import json
import random
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

import lxml.etree
import lxml.html
import pytest
from playwright.sync_api import Browser, Page, expect

from sitegen.pipeline import build
from sitegen.render import THEME
from sitegen.search import format as fmt
from sitegen.search import tokens
from sitegen.search.doc import Doc
from sitegen.search.writer import SearchIndex

from .conftest import CHROMIUM, CORPUS, SEEDS, make_config

pytestmark = pytest.mark.browser
REAL_ARTICLES = 300
RECALL_ARTICLES = 200
RECALL_QUERIES = 300
SEED_TITLE = "工业和信息化部党组召开扩大会议"
SITE_TITLE = "政策新闻档案"
WAIT_MS = 15_000
PAGE_SIZE = 10


class Handler(SimpleHTTPRequestHandler):
    """Serves the output folder at `base` (a GitHub Pages project site lives under /repo/)."""

    def __init__(self, *args: object, base: str, **kwargs: object) -> None:
        self.base = base
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base):
            return str(Path(self.directory) / "missing")
        return super().translate_path("/" + path[len(self.base) :])

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test output is for failures."""


@dataclass(frozen=True)
class Served:
    url: str
    base: str
    articles: int
    output: Path


def pick_real_articles() -> list[Path]:
    """Evenly spaced over the sorted corpus, so every run and machine gets the same few hundred."""
    files = sorted(p for p in CORPUS.rglob("*.md") if p.is_file())
    step = max(1, len(files) // REAL_ARTICLES)
    return files[::step][:REAL_ARTICLES]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); it lives beside the repository")
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(SEEDS, content, dirs_exist_ok=True)
    for path in pick_real_articles():
        target = content / "real" / path.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    servers = []
    served = {}
    for name, base in [("root", "/"), ("sub", "/archive/")]:
        root = tmp_path_factory.mktemp(name)
        config = make_config(
            root, content_dir=str(content), base_url=f"https://example.org{base}", title=SITE_TITLE
        )
        report = build(config, jobs=2)
        handler = partial(Handler, directory=str(config.output_path), base=base)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        url = f"http://127.0.0.1:{server.server_port}{base}"
        served[name] = Served(url, base, report.articles, config.output_path)
    yield served
    for server in servers:
        server.shutdown()
        server.server_close()


def found(page: Page) -> int:
    """The number of articles the status line reports, once the search has finished."""
    status = page.locator(".search-status")
    expect(status).to_have_text(re.compile(r"找到 \d+ 篇|没有找到"), timeout=WAIT_MS)
    match = re.search(r"找到 (\d+) 篇", status.inner_text())
    return int(match.group(1)) if match else 0


def titles(page: Page) -> list[str]:
    return page.locator(".search-result .card-title").all_inner_texts()


def search(page: Page, served: Served, query: str) -> int:
    page.goto(f"{served.url}search/?q={quote(query)}")
    return found(page)


@pytest.mark.parametrize("name", ["root", "sub"])
def test_an_article_pages_search_link_leads_to_a_box_ready_for_typing(
    sites: dict[str, Served], page: Page, name: str
) -> None:
    """Search is a link in every page's navigation, not a box: by keyboard it is a few Tabs
    away, on a phone's width it shows, and the search page takes the caret."""
    served = sites[name]
    if name == "sub":
        page.set_viewport_size({"width": 360, "height": 740})
    article = next(
        p.parent.relative_to(served.output).as_posix()
        for p in sorted(served.output.glob("2022/03/*/index.html"))
        if SEED_TITLE in p.read_text(encoding="utf-8")
    )
    page.goto(f"{served.url}{article}/")
    link = page.get_by_role("navigation", name="主导航").get_by_role("link", name="搜索")
    expect(link).to_be_in_viewport()
    for _ in range(6):  # the skip link, the site's title, 分类, 归档, 搜索
        page.keyboard.press("Tab")
        if link.evaluate("a => a === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/$"))
    expect(page.locator("#search-q")).to_be_focused()
    expect(link).to_have_attribute("aria-current", "page")
    page.keyboard.type("工业和信息化部")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.url.startswith(f"{served.url}search/")
    assert found(page) >= 1
    assert any(title.startswith(SEED_TITLE) for title in titles(page))
    heading = page.locator(".card-title", has_text=SEED_TITLE)
    result = page.locator(".search-result").filter(has=heading).first
    link = result.locator(".card-title a")
    assert link.get_attribute("href").startswith(f"{served.base}2022/03/")
    expect(result.locator(".search-excerpt mark").first).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_contain_text(SEED_TITLE)


@pytest.mark.parametrize("name", ["root", "sub"])
def test_a_policy_phrase_finds_the_seed_article(
    sites: dict[str, Served], page: Page, name: str
) -> None:
    assert search(page, sites[name], "专精特新") >= 1
    assert any(title.startswith(SEED_TITLE) for title in titles(page))


def options(page: Page, name: str) -> dict[str, str]:
    """A filter menu's values and their labels, the "all" entry left out."""
    pairs = page.locator(f"select[name={name}] option").evaluate_all(
        "os => os.map(o => [o.value, o.textContent])"
    )
    return {value: label for value, label in pairs if value}


@pytest.mark.parametrize("name", ["root", "sub"])
def test_category_source_and_year_filters_narrow_the_results(
    sites: dict[str, Served], page: Page, name: str
) -> None:
    everything = search(page, sites[name], "发展")
    assert everything > 20
    year = page.locator("select[name=year]")
    assert not year.is_visible(), "the filters are folded away until asked for"
    page.locator(".search-options summary").click()
    expect(page.locator("select[name=year] option").nth(1)).to_contain_text("（")
    years = options(page, "year")
    assert len(years) > 1
    year.select_option("2022")
    in_2022 = found(page)
    assert 0 < in_2022 < everything
    assert all(d.startswith("2022-") for d in page.locator(".search-result time").all_inner_texts())
    assert "year=2022" in page.url

    year.select_option("")
    assert found(page) == everything
    category = page.locator("select[name=category]")
    category.select_option("金融")
    in_finance = found(page)
    assert 0 < in_finance < everything
    year.select_option("2022")
    narrowed = found(page)
    assert 0 < narrowed <= min(in_finance, in_2022)
    counts = {
        value: int(re.search(r"（(\d+)）", label)[1])
        for value, label in options(page, "year").items()
    }
    assert counts["2022"] == narrowed, "a year's count is within the chosen category"
    assert all(count > 0 for count in counts.values()), "empty values are hidden"
    year.select_option("")
    category.select_option("")
    sources = options(page, "source")
    assert len(sources) > 1
    source = max(sources, key=lambda v: int(re.search(r"（(\d+)）", sources[v])[1]))
    page.locator("select[name=source]").select_option(source)
    from_source = found(page)
    assert 0 < from_source < everything
    assert "source=" in page.url
    shown = page.locator(".search-result .card-source").all_inner_texts()
    assert shown and all(text == f"来源：{source}" for text in shown)


def test_results_sort_by_date_newest_first(sites: dict[str, Served], page: Page) -> None:
    served = sites["root"]
    page.goto(f"{served.url}search/?q={quote('发展')}&sort=date")
    assert found(page) > PAGE_SIZE
    days = page.locator(".search-result time").all_inner_texts()
    assert days == sorted(days, reverse=True)
    assert page.locator("select[name=sort]").input_value() == "date"


def test_traditional_and_simplified_queries_find_the_same_articles(
    sites: dict[str, Served], page: Page
) -> None:
    served = sites["sub"]
    for simplified, traditional in [
        ("发展", "發展"),
        ("经济", "經濟"),
        ("党组扩大会议", "黨組擴大會議"),
    ]:
        count = search(page, served, simplified)
        assert count > 0
        assert search(page, served, traditional) == count, traditional
    expect(page.locator(".search-result .search-excerpt mark").first).to_have_text("党组扩大会议")


def test_search_works_on_a_phone(sites: dict[str, Served], browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    assert search(page, sites["sub"], "专精特新") >= 1
    expect(page.locator(".search-result .search-excerpt mark").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(".search-options summary").click()
    select = page.locator("select[name=category]")
    box = select.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    context.close()


EXCERPT_LAYOUT = """(excerpt) => {
  const mark = excerpt.querySelector("mark");
  const around = (node, last) => {
    if (!node || !node.textContent.trim()) return null;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()];
    return rects.length ? rects[last ? rects.length - 1 : 0] : null;
  };
  const hit = mark.getClientRects()[0];
  const before = around(mark.previousSibling, true);
  const after = around(mark.nextSibling, false);
  const line = parseFloat(getComputedStyle(excerpt).lineHeight);
  const sameLine = (rect) => rect !== null && Math.abs(rect.top - hit.top) < line / 2;
  return {
    shares_a_line: sameLine(before) || sameLine(after),
    gap_before: sameLine(before) ? hit.left - before.right : 0,
    gap_after: sameLine(after) ? after.left - hit.right : 0,
    lines: excerpt.getBoundingClientRect().height / line,
  };
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_a_result_marks_the_hit_inline_in_an_excerpt_of_at_most_four_lines(
    sites: dict[str, Served], browser: Browser, width: int
) -> None:
    """The hit sits in its line of text, no gap around it, and the excerpt is cut at four lines
    (style.css's `.cards p` once made the excerpt a flex row: the hit on a line of its own)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600)
    page = context.new_page()
    assert search(page, sites["sub"], "专精特新") >= 1
    excerpt = page.locator(".search-result .search-excerpt").filter(has=page.locator("mark")).first
    expect(excerpt).to_be_visible(timeout=WAIT_MS)
    layout = excerpt.evaluate(EXCERPT_LAYOUT)
    assert layout["shares_a_line"], layout
    assert abs(layout["gap_before"]) < 2 and abs(layout["gap_after"]) < 2, layout
    assert layout["lines"] <= 4.05, layout
    context.close()


def test_the_site_title_alone_does_not_find_every_page(
    sites: dict[str, Served], page: Page
) -> None:
    served = sites["root"]
    hits = search(page, served, SITE_TITLE)
    assert hits < served.articles // 10
    page.goto(f"{served.url}search/?q={quote('首页')}")
    assert found(page) < served.articles // 10


def test_without_javascript_the_page_says_how_to_browse(
    sites: dict[str, Served], browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{sites['sub'].url}search/?q=test")
    text = page.locator("main").inner_text()
    assert "JavaScript" in text
    assert page.locator("main noscript a").count() == 0 or "分类" in text
    hrefs = page.locator("main a").evaluate_all("links => links.map(a => a.href)")
    assert {"/archive/categories/", "/archive/archives/"} <= {urlsplit(h).path for h in hrefs}
    context.close()


def test_a_phrase_finds_both_seed_articles_however_they_word_it(
    sites: dict[str, Served], page: Page
) -> None:
    """One seed says 党组扩大会议, the other 部党组扩大会议, which a word segmenter splits apart."""
    assert search(page, sites["root"], "党组扩大会议") >= 2
    shown = titles(page)
    assert any(title.startswith(SEED_TITLE) for title in shown)
    assert any(title.startswith("工信部：全力稳定工业经济增长") for title in shown)
    first = page.locator(".search-result .card-title").first
    expect(first).to_contain_text(SEED_TITLE)
    expect(page.locator(".search-result .search-excerpt mark").first).to_have_text("党组扩大会议")


BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "th", "h2", "h3", "h4", "h5", "h6", "figure",
              "figcaption", "blockquote", "table", "ul", "ol", "pre", "hr", "section"}  # fmt: skip


def block_text(element: lxml.html.HtmlElement) -> str:
    """An element's text with every block on its own line, so no run of characters spans two."""
    parts: list[str] = []
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):
        if not isinstance(node.tag, str):
            continue
        if node.tag in BLOCK_TAGS:
            parts.append("\n")
        if event == "start" and node.text:
            parts.append(node.text)
        if event == "end" and node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def article_texts(output: Path) -> dict[str, tuple[str, str]]:
    """Every article page's URL → (all its searchable text, its clean body text)."""
    texts = {}
    for path in sorted(output.rglob("index.html")):
        page = lxml.html.fromstring(path.read_bytes())
        body = page.find_class("article-body")
        if not body:
            continue
        text = block_text(body[0])
        header = (
            page.xpath("string(//h1)")
            + "\n"
            + page.xpath("string(//*[contains(@class, 'article-original-title')])")
        )
        texts["/" + path.parent.relative_to(output).as_posix() + "/"] = (header + "\n" + text, text)
    return texts


MIXED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]+[\u4e00-\u9fff]{2,4}")
MIXED_QUERIES = 30


def sample_phrases(texts: dict[str, tuple[str, str]], seeds: list[str]) -> list[str]:
    """Seeded: substrings of 2-8 Chinese characters from the seeds and 200 real articles, and a
    few that start with a whole Latin word or number (5G基站), as readers also type."""
    rng = random.Random(6)
    sources = seeds + sorted(set(texts) - set(seeds))[:RECALL_ARTICLES]
    runs = {url: re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}", texts[url][1]) for url in sources}
    phrases = []
    while len(phrases) < RECALL_QUERIES:
        found = runs[rng.choice(sources)]
        if found:
            run = rng.choice(found)
            length = rng.randint(2, min(8, len(run)))
            start = rng.randint(0, len(run) - length)
            phrases.append(run[start : start + length])
    mixed = sorted({m for url in sources for m in MIXED.findall(texts[url][1])})
    return phrases + rng.sample(mixed, MIXED_QUERIES)


def containing(phrase: str, text: str) -> bool:
    """Chinese anywhere; a Latin word or number only whole, and in any case, as the index has it."""
    if not phrase[0].isascii():
        return phrase in text
    return re.search(r"(?<![A-Za-z0-9])" + re.escape(phrase), text, re.IGNORECASE) is not None


def test_every_article_containing_a_phrase_is_found(sites: dict[str, Served], page: Page) -> None:
    served = sites["root"]
    texts = article_texts(served.output)
    seeds = sorted(url for url in texts if "_f847cc9c3667cd96" in url or "_c31c58ede6f3a8cb" in url)
    assert len(seeds) == 2
    phrases = sample_phrases(texts, seeds)
    folder = served.output / "search-index"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    urls = [
        row[0]
        for block in range(-(-index["docs"] // index["meta_block"]))
        for row in fmt.meta_rows(folder, block)
    ]
    page.goto(f"{served.url}search/")
    found = page.evaluate(
        """async (phrases) => {
          const { find } = await import("../search.js");
          const out = [];
          for (const phrase of phrases) out.push((await find(phrase)).results.map((r) => r.id));
          return out;
        }""",
        phrases,
    )
    misses = []
    for phrase, ids in zip(phrases, found, strict=True):
        got = {urls[i] for i in ids}
        wanted = {url for url, (text, _) in texts.items() if containing(phrase, text)}
        if not wanted <= got:
            misses.append(
                f"{phrase}: {len(wanted - got)} of {len(wanted)} missed, e.g. {min(wanted - got)}"
            )
    assert not misses, f"recall {len(phrases) - len(misses)}/{len(phrases)}:\n" + "\n".join(misses)


def test_a_phrase_fetches_the_postings_of_its_rarest_pairs_only(tmp_path: Path, page: Page) -> None:
    """推动, 质量 and 发展 in every one of 17,500 articles: their postings are long enough for
    files of their own (as a third of a real part's articles hold 发展). A search for the phrase
    reads their counts in their shards and pins its candidates with its rarer pairs; a search for
    发展 alone fetches its file."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    texts = {f"/a{n}/": "推动工作，讲质量，谋发展。" for n in range(17500)}
    texts["/a7/"] += "推动高质量发展。"
    texts["/a16000/"] += "带动高质量发展。"  # holds every pair, 推动 apart: a candidate
    docs = [
        Doc(url, f"第{n}号", start + timedelta(minutes=n), "2024-01-01", 2024, "", (), url)
        for n, url in enumerate(texts)
    ]
    folder = tmp_path / "site"
    SearchIndex(tmp_path / "state").update(folder / "search-index", docs, lambda d: texts[d.url])
    shutil.copyfile(THEME / "static" / "search.js", folder / "search.js")
    (folder / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    common = {fmt.outside_path(tokens.query(pair)[0]) for pair in ("推动", "质量", "发展")}
    assert all((folder / "search-index" / path).exists() for path in common)
    handler = partial(Handler, directory=str(folder), base="/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        ask = """async (q) => (await (await import("./search.js")).find(q)).results.map((r) => r.id)"""
        assert sorted(page.evaluate(ask, "推动高质量发展")) == [7, 16000]
        assert not [url for url in fetched if "/p/" in url]
        assert len(page.evaluate(ask, "发展")) == 17500
        own = [url.split("/search-index/")[1] for url in fetched if "/p/" in url]
        assert own == [fmt.outside_path(tokens.query("发展")[0])]
    finally:
        server.shutdown()
        server.server_close()
