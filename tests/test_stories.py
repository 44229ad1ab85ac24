"""One story, many feeds: copies found by their text, listed once, linking each other.

The fixtures (tests/fixtures/stories/content/) are a 人民日报 article, its reprint in Traditional
script under another title, feed and boilerplate with a paragraph dropped, and the first part of
two days of 新闻联播 transcripts, which share their title pattern and template but not their news.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import lxml.etree
import lxml.html
import numpy as np

from sitegen import stories
from sitegen.cache import CACHE_DIR, ArticleCache
from sitegen.config import SiteConfig, load_config
from sitegen.kinds import BY_NAME
from sitegen.models import Article, Sketch
from sitegen.names import tag_segment
from sitegen.pipeline import Session, build
from sitegen.pipeline.articles import normalize_all
from sitegen.site import Site, index
from sitegen.urls import Urls

from .conftest import make_config
from .sitecheck import parse, tree_digest
from .test_search import found
from .test_serve import assert_equals_clean_build, eventually, serving, shows

TAGS = BY_NAME["tags"]
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
    return index([o for _, o in outcomes if isinstance(o, Article)], config)


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
    found = stories.find([same, also, other, tiny], "abcd", [4.0, 3.0, 2.0, 1.0], limit=0)
    assert found.copies == ((1, 0), (1, 0), (), ())  # earliest first


def article_page(output: Path, href: str) -> lxml.html.HtmlElement:
    return parse(output / unquote(href).lstrip("/") / "index.html")


def card_titles(page: lxml.html.HtmlElement) -> list[str]:
    return [t.strip() for t in page.xpath("//div[@class='cards']/*/a/text()")]


def test_lists_feeds_and_search_show_a_story_once_and_its_copies_link_each_other(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site", search=True)
    report = build(config_of(site))
    output = config_of(site).output_path
    assert report.search is not None and report.search.docs == 3  # two transcripts, one story

    home = parse(output / "index.html")
    assert card_titles(home).count(ORIGINAL) == 1 and REPRINT not in card_titles(home)
    # a card: its heading, its date, its also-in line
    card = home.xpath("//div[@class='cards']/h2[a[text()=$t]]", t=ORIGINAL)[0]
    assert (
        card.xpath("string(following-sibling::*[2][@class='also-in'])")
        == "也见于 新闻 › BBC中文-財經"
    )
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
    original_href = card.xpath("string(a/@href)")
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
    assert (site / CACHE_DIR / "related.pickle").is_file()  # the next build's related lists

    split_the_reprint(site / "content")
    build(config_of(site))
    home = parse(output / "index.html")
    assert {ORIGINAL, REPRINT} <= set(card_titles(home))
    assert not home.xpath("//p[@class='also-in']")
    build(config_of(site), tmp_path / "cold", cache=False)
    assert tree_digest(output) == tree_digest(tmp_path / "cold")


def test_a_copy_retitled_in_place_renames_it_on_its_storys_other_pages(tmp_path: Path) -> None:
    """A copy with no category nor source is named by its title where its story's other copies
    link it (也见于): retitled, it is swapped into the last site (no page moves), and those
    pages are made again as a cold build makes them."""
    site = make_site(tmp_path / "site")
    reprint = site / "content" / REPRINT_FILE
    text = reprint.read_text(encoding="utf-8")
    reprint.write_text(re.sub(r"categories:\n( - .*\n)+", "", text), encoding="utf-8")
    build(config_of(site))
    for title in ("財政部整治異常低價", "財政部再談異常低價"):
        text = reprint.read_text(encoding="utf-8")
        reprint.write_text(re.sub(r"title: '.*'", f"title: '{title}'", text), encoding="utf-8")
        session = Session(config_of(site))
        session.build()
    assert session.last.swapped
    output = config_of(site).output_path
    home = parse(output / "index.html")
    # a card: its heading, its date, its also-in line
    card = home.xpath("//div[@class='cards']/h2[a[text()=$t]]", t=ORIGINAL)[0]
    assert (
        card.xpath("string(following-sibling::*[2][@class='also-in'])")
        == "也见于 財政部再談異常低價"
    )
    original = article_page(output, card.xpath("string(a/@href)"))
    assert original.xpath("//p[@class='article-also-in']/a/text()") == ["財政部再談異常低價"]
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


def topics_of(numbers: set[int]) -> bytes:
    return np.array(sorted(numbers), dtype="<u4").tobytes()


def test_related_lists_made_from_the_last_builds_equal_those_made_afresh() -> None:
    """Edits of every kind, each followed by find with the last memo and find from nothing: the
    same lists, and a small edit recomputes few of them. Topic 0 is held by about TOPIC_CAP
    articles, so some edits make it cross the cap (it then counts for none of them)."""
    rng = random.Random(15)
    cap = stories.TOPIC_CAP
    articles: dict[str, tuple[set[int], float, bytes]] = {}
    for n in range(cap + 40):
        topics = set(rng.sample(range(1, 30), 8)) | ({0} if n < cap - 2 else set())
        story = f"story-{n % 7}".encode() if n % 23 == 0 else b""
        articles[f"a{n:03}.md"] = (topics, float(rng.randrange(40)), story)

    def find(memo: stories.Memo | None) -> stories.Stories:
        order = sorted(articles, key=lambda name: (-articles[name][1], name))
        sketches = [Sketch(exact=articles[k][2], topics=topics_of(articles[k][0])) for k in order]
        return stories.find(sketches, order, [articles[k][1] for k in order], 5, memo)

    last = find(None)
    assert last.recomputed == len(articles)
    edits = crossings = 0
    held_by = cap - 2
    for step in range(40):
        names = sorted(articles)
        name = rng.choice(names)
        topics, time, story = articles[name]
        kind = step % 5
        if kind == 0:  # its text: other topics
            articles[name] = (set(rng.sample(range(1, 30), 8)) | (topics & {0}), time, story)
        elif kind == 1:  # its date
            articles[name] = (topics, float(rng.randrange(40)), story)
        elif kind == 2:  # topic 0 given to, or taken from, a few articles: over the cap or back
            holding = [k for k in names if 0 in articles[k][0]]
            over = len(holding) > cap
            pool = holding if over else [k for k in names if k not in holding]
            for other in rng.sample(pool, abs(len(holding) - cap) + 2):
                held, at, same = articles[other]
                articles[other] = (held ^ {0}, at, same)
        elif kind == 3:  # a copy joins a story or leaves it
            articles[name] = (topics, time, b"" if story else b"story-1")
        else:  # one gone, one new
            del articles[name]
            articles[f"b{step:03}.md"] = (set(rng.sample(range(1, 30), 8)), 5.0, b"")
        holders = sum(1 for topics, _, _ in articles.values() if 0 in topics)
        crossings += (holders > cap) != (held_by > cap)
        held_by = holders
        found, afresh = find(last.memo), find(None)
        assert found.related == afresh.related and found.copies == afresh.copies
        edits += found.recomputed < len(articles) // 2
        last = found
    assert edits > 20  # most edits touched few lists
    assert crossings > 1


def test_an_edit_told_unchanged_from_its_buckets_leaves_the_stories_find_gives_as_they_were() -> (
    None
):
    """Texts of a few words' vocabulary, in stories of copies and with digests quoting them,
    edited step by step: a sentence added, a text made another's copy or digest, or new.
    Whenever `same_copies` says so, finding everything again gives the stories it gave before,
    and the related lists `relisted` makes of those (with the last memo) are find's; a sentence
    added is mostly told so."""
    rng = random.Random(26)
    chars = [chr(0x4E00 + n) for n in rng.sample(range(2000), 120)]
    words = ["".join(rng.sample(chars, rng.randint(2, 4))) for _ in range(40)]

    def text(length: int) -> str:
        return "".join(rng.choice(words) for _ in range(length))

    texts = [text(rng.randint(150, 260)) for _ in range(60)]
    texts += [t + text(3) for t in texts[:20]]  # copies, a few words more
    texts += [texts[n] + text(500) for n in range(5)]  # digests quoting a text whole
    times = [float(len(texts) - n) for n in range(len(texts))]
    ids = [f"a{n:03}" for n in range(len(texts))]

    sketches = [stories.sketch("", t) for t in texts]
    last = stories.find(sketches, ids, times, 3)
    added = changed = 0
    for step in range(32):
        n = rng.randrange(len(texts))
        kind, other = step % 4, texts[rng.randrange(len(texts))]
        if kind == 0:
            edited = texts[n] + rng.choice(chars) * 2 + "。"
        elif kind == 1:  # a copy of another
            edited = other + text(2)
        elif kind == 2:  # a digest quoting another
            edited = other + text(600)
        else:
            edited = text(200)
        now = [*sketches[:n], stories.sketch("", edited), *sketches[n + 1 :]]
        found = stories.find(now, ids, times, 3, last.memo)
        same = (found.copies, found.quotes, found.quoted_in) == (
            last.copies,
            last.quotes,
            last.quoted_in,
        )
        if stories.same_copies(now, {n: sketches[n]}):
            assert same
            relisted = stories.relisted(now, ids, times, last.copies, 3, last.memo)[0]
            assert relisted == found.related
            added += kind == 0
        changed += not same
        texts[n], sketches, last = edited, now, found
    assert added >= 6 and changed >= 6


def tag(content: Path, path: Path, tags: list[str]) -> None:
    file = content / path
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("\ntitle:", f"\ntags: {tags}\ntitle:", 1), encoding="utf-8")


def test_a_tag_and_the_year_count_a_story_once_and_a_tag_keeps_the_copy_carrying_it(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    tag(site / "content", Path("people-daily") / "original.md", ["政府采购", "财政"])
    tag(site / "content", REPRINT_FILE, ["政府采购", "英国"])
    config = config_of(site)
    build(config)
    output, urls = config.output_path, Urls(config)

    def tag_page(name: str) -> lxml.html.HtmlElement:
        return parse(
            output / unquote(urls.group_at(TAGS, tag_segment(name))).strip("/") / "index.html"
        )

    assert card_titles(tag_page("政府采购")) == [ORIGINAL]
    assert "共 1 篇" in tag_page("政府采购").xpath("string(//p[@class='list-stats'])")
    assert card_titles(tag_page("英国")) == [REPRINT]  # the only copy carrying it
    tags = parse(output / urls.group_index(TAGS).strip("/") / "index.html")
    counts = {
        li.xpath("string(a/text())"): li.xpath("string(.//span[@class='count']/text())")
        for li in tags.xpath("//ul/li[a]")
    }
    assert counts["政府采购"] == "1" and counts["英国"] == "1"
    assert "共 2 篇" in tags.xpath("string(//p[@class='list-stats'])")
    year = parse(output / urls.year(2026).strip("/") / "index.html")
    assert "共 1 篇" in year.xpath("string(//p[@class='list-stats'])")
    archives = parse(output / urls.archives().strip("/") / "index.html")
    assert "共 3 篇" in archives.xpath("string(//p[@class='list-stats'])")
    assert archives.xpath("string(//h2[@class='year-heading'][a='2026年']/span)") == "1 篇"


def test_with_stories_off_every_copy_is_listed_and_turning_them_on_again_groups_them(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    settings = site / "site.toml"
    off = settings.read_text(encoding="utf-8") + "\n[stories]\nenabled = false\n"
    settings.write_text(off, encoding="utf-8")
    build(config_of(site))
    output = config_of(site).output_path
    home = parse(output / "index.html")
    assert {ORIGINAL, REPRINT} <= set(card_titles(home))
    assert not home.xpath("//p[@class='also-in']")

    on = settings.read_text(encoding="utf-8").replace("[stories]\nenabled = false", "")
    settings.write_text(on, encoding="utf-8")
    build(config_of(site))
    assert REPRINT not in card_titles(parse(output / "index.html"))
    build(config_of(site), tmp_path / "cold", cache=False)
    assert tree_digest(output) == tree_digest(tmp_path / "cold")
