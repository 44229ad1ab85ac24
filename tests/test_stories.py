"""One story, many feeds: copies found by their text, listed once, linking each other.

The fixtures (tests/fixtures/stories/content/) are a 人民日报 article, its reprint in Traditional
script under another title, feed and boilerplate with a paragraph dropped, and the first part of
two days of 新闻联播 transcripts, which share their title pattern and template but not their news.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import lxml.etree
import lxml.html

from sitegen import stories
from sitegen.build import build
from sitegen.build.articles import normalize_all
from sitegen.cache import ArticleCache
from sitegen.config import SiteConfig, load_config
from sitegen.models import Article
from sitegen.site import Site, index
from sitegen.urls import Urls

from .conftest import make_config
from .sitecheck import parse, tree_digest
from .test_search import found
from .test_serve import assert_equals_clean_build, eventually, serving, shows

FIXTURES = Path(__file__).parent / "fixtures" / "stories" / "content"
ORIGINAL = "财政部推动解决异常低价问题"
REPRINT = "財政部出手整治政府採購異常低價"
REPRINT_FILE = Path("bbc-finance") / "reprint-in-traditional.md"


def make_site(root: Path, *, search: bool = False) -> Path:
    shutil.copytree(FIXTURES, root / "content")
    enabled = str(search).lower()
    (root / "site.toml").write_text(
        f'title = "测试档案"\nbase_url = "https://example.org/"\n\n[search]\nenabled = {enabled}\n',
        encoding="utf-8",
    )
    return root


def config_of(root: Path) -> SiteConfig:
    return load_config(root / "site.toml")


def split_the_reprint(content: Path) -> None:
    """Edit the reprint until it tells another story (its boilerplate stays)."""
    path = content / REPRINT_FILE
    head, _, _ = path.read_text(encoding="utf-8").partition("<p>")
    other = "".join(
        f"<p>{line}</p>\n"
        for line in (
            "英国央行周四宣布维持基准利率不变，并表示未来数月通胀预计将继续回落至目标水平附近。",
            "多位经济学家认为，劳动力市场降温和能源价格下降，为年内晚些时候的降息创造了条件。",
            "伦敦金融城的交易员随后调整了对利率路径的押注，英镑兑美元汇率在消息公布后小幅走低。",
            "财政大臣在议会答问时重申，政府将坚持既定的财政规则，优先确保公共财政的可持续性。",
        )
    )
    path.write_text(head + other + "<p>（責任編輯：李明）</p>\n", encoding="utf-8")


def fixture_site(tmp_path: Path) -> Site:
    """The fixtures loaded and indexed as a build does (no cache, one process)."""
    config = make_config(tmp_path, content_dir=str(FIXTURES))
    outcomes = normalize_all(config, 1, ArticleCache(None, config.timezone))
    return index([o for _, o in outcomes if isinstance(o, Article)], Urls(config))


def test_a_reprint_in_the_other_script_with_other_boilerplate_and_a_paragraph_less_is_one_story(
    tmp_path: Path,
) -> None:
    site = fixture_site(tmp_path)
    titles = [a.title for a in site.articles]
    original, reprint = titles.index(ORIGINAL), titles.index(REPRINT)
    assert site.copies[original] == site.copies[reprint] == (original, reprint)
    assert original in site.leads and reprint not in site.leads


def test_two_xinwen_lianbo_transcripts_are_not_one_story(tmp_path: Path) -> None:
    site = fixture_site(tmp_path)
    transcripts = [i for i, a in enumerate(site.articles) if a.title.startswith("《新闻联播》")]
    assert len(transcripts) == 2
    assert all(site.copies[i] == () and i in site.leads for i in transcripts)


def test_a_short_text_is_a_copy_only_with_the_same_title_and_text() -> None:
    caption = "兩名在蘇格蘭居住了三十年的華人講述他們對獨立公投的看法。"
    same = stories.sketch("視頻：蘇格蘭公投", caption)
    also = stories.sketch(
        "视频：苏格兰公投", "两名在苏格兰居住了三十年的华人讲述他们对独立公投的看法。"
    )
    other = stories.sketch("視頻：倫敦地鐵罷工", caption)
    tiny = stories.sketch("第 1 篇", "第 1 篇。")  # shorter than a shingle
    found = stories.find([same, also, other, tiny], [0, 1, 2, 3], limit=0)
    assert found.copies == ((0, 1), (0, 1), (), ())


def article_page(output: Path, href: str) -> lxml.html.HtmlElement:
    return parse(output / unquote(href).lstrip("/") / "index.html")


def card_titles(page: lxml.html.HtmlElement) -> list[str]:
    return [t.strip() for t in page.xpath("//div[@class='cards']/article/*[1]/a/text()")]


def test_lists_feeds_and_search_show_a_story_once_and_its_copies_link_each_other(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site", search=True)
    report = build(config_of(site))
    output = config_of(site).output_path
    assert report.search is not None and report.search.docs == 3  # two transcripts, one story

    home = parse(output / "index.html")
    assert card_titles(home).count(ORIGINAL) == 1 and REPRINT not in card_titles(home)
    card = home.xpath("//div[@class='cards']/article[.//a[text()=$t]]", t=ORIGINAL)[0]
    assert card.xpath("string(p[@class='also-in'])") == "也见于 新闻 › BBC中文-財經"
    month = parse(output / Urls(config_of(site)).month(2026, 1).strip("/") / "index.html")
    assert card_titles(month) == [ORIGINAL]
    assert "共 1 篇" in month.text_content()
    feed = lxml.etree.fromstring((output / "atom.xml").read_bytes())
    entries = feed.xpath("//*[local-name()='entry']/*[local-name()='title']/text()")
    assert ORIGINAL in entries and REPRINT not in entries

    # A category keeps the copy filed on it; the parent of both lists the story once.
    finance = parse(output / "categories" / "新闻" / "BBC中文-財經" / "index.html")
    assert card_titles(finance) == [REPRINT]
    assert card_titles(parse(output / "categories" / "新闻" / "index.html")).count(ORIGINAL) == 1
    assert REPRINT not in card_titles(parse(output / "categories" / "新闻" / "index.html"))

    # Each copy keeps its page, which links the other; search finds the earliest only.
    original_href = card.xpath("string(h2/a/@href)")
    assert {unquote(u) for u in found(output / "search-index", "政府采购异常低价")} == {
        unquote(original_href)
    }
    original_page = article_page(output, original_href)
    reprint_href = original_page.xpath("string(//p[@class='article-also-in']/a/@href)")
    reprint_page = article_page(output, reprint_href)
    assert reprint_page.xpath("string(//h1)") == REPRINT
    assert reprint_page.xpath("//p[@class='article-also-in']/a/@href") == [original_href]
    assert reprint_page.xpath("//p[@class='article-also-in']/a/text()") == ["新闻 › 人民日报"]


def test_an_edit_that_makes_two_copies_differ_splits_the_story_as_a_cold_build_would(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    build(config_of(site))
    output = config_of(site).output_path
    assert REPRINT not in card_titles(parse(output / "index.html"))

    split_the_reprint(site / "content")
    build(config_of(site))
    home = parse(output / "index.html")
    assert {ORIGINAL, REPRINT} <= set(card_titles(home))
    assert not home.xpath("//p[@class='also-in']")
    build(config_of(site), tmp_path / "cold", cache=False)
    assert tree_digest(output) == tree_digest(tmp_path / "cold")


def test_serve_watch_splits_the_story_when_an_edit_makes_the_copies_differ(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    with serving(site) as (server, _):
        assert not shows(server, "/", REPRINT)
        assert shows(server, "/", "也见于")
        split_the_reprint(site / "content")
        eventually(lambda: shows(server, "/", REPRINT), "the reprint is listed on its own")
        assert not shows(server, "/", "也见于")
        assert_equals_clean_build(server, site, tmp_path / "clean")
