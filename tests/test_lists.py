"""List pages sized for a large archive: each card on few lists, years as month overviews, gaps
in pagination. Real builds of small generated sites, read back from the output HTML."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import lxml.html

from sitegen.pages import HOME_PAGES, Views
from sitegen.pages.shared import pagination
from sitegen.pipeline import build
from sitegen.site import index

from .conftest import make_config
from .sitecheck import parse

TRAILS = [("政策", "国务院", "常务会议"), ("政策", "财政部"), ("经济",), ("经济", "经济日报")]


def write_articles(content: Path, count: int) -> list[str]:
    """`count` articles over 2023–2024, spread over TRAILS; returns their titles."""
    content.mkdir(parents=True)
    titles = []
    for n in range(count):
        trail = TRAILS[n % len(TRAILS)]
        title = f"第{n}号文章"
        categories = "".join(f"\n  - {name}" for name in trail)
        month = 1 + n % 12
        year = 2023 + n % 2
        (content / f"a{n:03d}.md").write_text(
            f"---\ntitle: {title}\ndate: {year}-{month:02d}-{1 + n % 28:02d} 10:00:00\n"
            f"categories:{categories}\n---\n正文{n}。\n",
            encoding="utf-8",
        )
        titles.append(title)
    return titles


def page(output: Path, url: str) -> lxml.html.HtmlElement:
    return parse(output / url / "index.html")


def card_titles(html: lxml.html.HtmlElement) -> list[str]:
    return [a.text_content() for a in html.xpath("//div[@class='cards']/*/a")]


def listed(output: Path, first: str) -> Counter[str]:
    """How often each title is listed on one paginated list: on its numbered pages (counted
    from the oldest, each full), and on its first page those the newest numbered page lacks
    (the first page shows the newest `per_page`, some of them on that page too)."""
    counts: Counter[str] = Counter()
    for file in (output / first).glob("page/*/index.html"):
        counts.update(card_titles(lxml.html.fromstring(file.read_bytes())))
    newest = card_titles(page(output, first))
    return counts + Counter(title for title in newest if title not in counts)


def test_each_article_is_listed_once_per_month_and_once_on_its_own_category(
    tmp_path: Path,
) -> None:
    titles = write_articles(tmp_path / "content", 3 * HOME_PAGES + 7)
    config = make_config(tmp_path, per_page=3, search={"enabled": False})
    output = build(config).output
    assert output is not None

    months = sum(
        (listed(output, str(m.relative_to(output))) for m in output.glob("archives/*/[01][0-9]")),
        Counter(),
    )
    assert months == Counter(titles), "every article on exactly one month page"
    year = page(output, "archives/2024")
    assert not card_titles(year)
    assert year.xpath("//nav[@class='chips']//a/text()") == [f"{m}月" for m in (12, 10, 8, 6, 4, 2)]
    assert "共 18 篇" in year.text_content()
    assert not listed(output, "archives/2024")

    own_lists = ["政策/国务院/常务会议", "政策/财政部", "经济", "经济/经济日报"]
    own = sum((listed(output, f"categories/{first}") for first in own_lists), Counter())
    assert own == Counter(titles), "every article listed once, on its own category"
    mixed = page(output, "categories/经济")
    assert [a.text for a in mixed.xpath("//nav[@class='chips']//a")] == ["经济日报"]
    assert not mixed.xpath("//h2[@class='section-heading']"), "its own articles, all of them"

    parent = page(output, "categories/政策")
    assert parent.xpath("//h2[@class='section-heading']/text()")[0] == "最新 3 篇"
    chips = [a.text for a in parent.xpath("//nav[@class='chips']//a")]
    assert chips == ["财政部", "国务院"], "pinyin order: cai before guo"
    assert "共 19 篇" in parent.text_content()
    assert not (output / "categories/政策/page/2").exists()

    home_pages = [output, *sorted((output / "page").iterdir())]
    assert len(home_pages) == HOME_PAGES
    last = page(output, f"page/{HOME_PAGES}")
    assert last.xpath("//p[@class='list-more']/a/@href") == ["/archives/"]
    assert not page(output, "").xpath("//p[@class='list-more']")


def test_pagination_shows_its_gaps(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    views = Views(index([], config), config)
    shown = pagination(views.urls, "/", 12, 25).pages
    assert [link.text for link in shown] == ["1", "…", *map(str, range(10, 15)), "…", "25"]
    assert [link.href for link in shown if link.text == "…"] == ["", ""]
    assert [link.text for link in pagination(views.urls, "/", 2, 5).pages] == list("12345")


def test_a_stable_lists_pages_are_linked_newest_first_and_numbered_from_the_oldest(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    views = Views(index([], config), config)
    first = pagination(views.urls, "/x/", 1, 25, stable=True)
    assert [link.text for link in first.pages] == ["最新", "25", "24", "…", "2"]
    assert first.next_href == "/x/page/25/" and not first.prev_href
    middle = pagination(views.urls, "/x/", 12, 25, stable=True)
    assert [link.text for link in middle.pages] == [
        "最新",
        "…",
        *["14", "13", "12", "11", "10"],
        "…",
        "2",
    ]
    assert (middle.prev_href, middle.next_href) == ("/x/page/13/", "/x/page/11/")
    assert [link.label for link in middle.pages if link.current] == ["第 12 页（当前）"]
    assert pagination(views.urls, "/x/", 25, 25, stable=True).prev_href == "/x/"
    oldest = pagination(views.urls, "/x/", 2, 25, stable=True)
    assert not oldest.next_href and oldest.stats == "第 2 页"
    # a page's links stop changing once three newer pages exist, however long the list grows
    assert pagination(views.urls, "/x/", 12, 16, stable=True) == pagination(
        views.urls, "/x/", 12, 90, True
    )


def write(content: Path, name: str, title: str, date: str, categories: str = "") -> None:
    content.mkdir(parents=True, exist_ok=True)
    front = f"---\ntitle: {title}\ndate: {date} 10:00:00\n{categories}---\n"
    body = f"{title}的正文，讲的是这件事情本身，写得足够长，才像一篇真的文章。" * 5 + "\n"
    (content / f"{name}.md").write_text(front + body, encoding="utf-8")


def test_months_link_the_months_before_and_after_that_have_articles(tmp_path: Path) -> None:
    for name, date in (("a", "2022-01-05"), ("b", "2022-03-05"), ("c", "2023-02-05")):
        write(tmp_path / "content", name, f"文章{name}", date)
    output = build(make_config(tmp_path, search={"enabled": False})).output
    assert output is not None

    def around(month: str) -> list[tuple[str, str]]:
        nav = page(output, f"archives/{month}").xpath("//nav[@aria-label='相邻月份']//a")
        return [(a.text, a.get("href")) for a in nav]

    assert around("2022/01") == [("下一月：2022年3月", "/archives/2022/03/")]
    assert around("2022/03") == [
        ("上一月：2022年1月", "/archives/2022/01/"),
        ("下一月：2023年2月", "/archives/2023/02/"),
    ]
    assert around("2023/02") == [("上一月：2022年3月", "/archives/2022/03/")]


def test_articles_without_a_category_have_one_and_the_counts_add_up(tmp_path: Path) -> None:
    """未分类 lists the stories filed nowhere (a copy filed elsewhere files its story there); the
    categories page's counts add up to its total, or it says that a story under two counts twice."""
    content = tmp_path / "content"
    write(content, "filed", "有分类", "2022-01-05", "categories:\n  - 经济\n")
    write(content, "loose", "无分类", "2022-01-06")
    write(content, "story", "一个故事", "2022-01-07", "categories:\n  - 经济\n")
    write(content, "story-copy", "一个故事", "2022-01-07")  # its copy: filed under 经济
    config = make_config(tmp_path, search={"enabled": False})
    output = build(config).output
    assert output is not None
    assert card_titles(page(output, "categories/未分类")) == ["无分类"]
    assert "/categories/未分类/\tcategory\t未分类" in (tmp_path / "urls.txt").read_text("utf-8")
    index_page = page(output, "categories")
    tops = index_page.xpath("//ul[@class='tree']/li/a")
    counts = {
        a.xpath("string(span[@class='tree-name'])"): a.xpath("string(span[@class='count'])")
        for a in tops
    }
    assert counts == {"经济": "2 篇", "未分类": "1 篇"}
    assert index_page.xpath("string(//p[@class='list-stats'])") == "共 3 篇"

    write(content, "both", "两处都有", "2022-01-08", "categories:\n  - [经济]\n  - [政策]\n")
    output = build(config).output
    assert output is not None
    index_page = page(output, "categories")
    assert index_page.xpath("string(//p[@class='list-stats'])") == (
        "共 4 篇（各顶级分类相加为 5 篇：1 篇同属几个顶级分类，在每个分类下各计一次）"
    )
