"""An article's copies (也见于) and related articles across an archive in parts (sitegen.older), in
a real Chromium against a real HTTP server: the same articles built as one site and as three
parts give every article page the same copies and related articles, in the same order; those in
an older part are linked by absolute URL in the page itself, those in a newer one added by
parts.js from what that part published; every link resolves."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import CHROMIUM
from .parts_served import PARTS_AT, one_and_parts
from .sitecheck import parse

pytestmark = pytest.mark.browser
WAIT_MS = 15_000
# A story published in five feeds over the three parts: its first copy's page names three others
# and counts the fifth
STORY = {
    "s1": ("2022-05-01", "新华社"),
    "s2": ("2022-05-02", "人民日报"),
    "s3": ("2023-10-02", "财新网"),
    "s4": ("2024-03-01", "央视网"),
    "s5": ("2024-03-02", "中国网"),
}


def write_articles(content: Path) -> None:
    """Thirty articles drawn from twelve phrases (each shares enough with many others to be
    related, across the parts too), and the story's five copies."""
    draw = random.Random(27)
    phrases = [
        "".join(chr(draw.randrange(0x4E00, 0x4E00 + 400)) for _ in range(6)) for _ in range(12)
    ]
    story = "".join(chr(draw.randrange(0x4E00, 0x4E00 + 3000)) for _ in range(400))
    content.mkdir()
    articles = {}
    for n in range(30):
        year = 2022 + n % 3
        day = f"{year}-{1 + n % 12:02d}-{3 + n % 25:02d}"
        text = "，".join(draw.sample(phrases, 5))
        # a few pages' paths Chinese: parts.js reads their keys off their addresses
        articles[f"动态第{n}号" if n % 5 == 2 else f"a{n:02d}"] = (day, "", f"动态第{n}号", text)
    for name, (day, source) in STORY.items():
        articles[name] = (day, source, "国常会部署稳增长", story)
    for name, (day, source, title, text) in articles.items():
        # one category a part (category neighbours, related articles' filler, never cross a
        # part's span); the story's copies named by their sources
        category = "金融" if day < "2023-09" else "经济" if day < "2024" else "社会"
        filed = f"source: {source}\n" if source else f"categories: [{category}]\n"
        (content / f"{name}.md").write_text(
            f"---\ntitle: {title}\ndate: {day} 08:00:00\n{filed}---\n\n{text}。\n",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The archive as one site at /one/ and as three parts; yields the server's address and the
    parts' build folder."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with one_and_parts(tmp_path_factory.mktemp("parts-links"), write_articles) as served:
        yield served


def article_pages(folder: Path) -> list[str]:
    """Each article page's path under its part's address (2022/05/s1/)."""
    return sorted(
        str(p.parent.relative_to(folder)) + "/"
        for p in folder.glob("20[0-9][0-9]/[0-9][0-9]/*/index.html")
    )


def links(page: Page) -> tuple[list[str], str, list[str]]:
    """An article page's copies (as paths on the server), what it says of the rest, and its
    related articles: each path with its site's folder cut (one site and the parts: the same)."""
    also = page.locator(".article-also-in")
    named = also.locator("a").evaluate_all("as => as.map(a => a.href)") if also.count() else []
    rest = re.findall(r"另有 \d+ 处", also.inner_text()) if also.count() else []
    related = page.locator(".related li a").evaluate_all("as => as.map(a => a.href)")
    return [cut(h) for h in named], "".join(rest), [cut(h) for h in related]


def cut(href: str) -> str:
    return re.sub(r"^/[^/]+/", "", unquote(urlsplit(href).path))


def test_every_article_page_shows_one_sites_copies_and_related_articles(
    served: tuple[str, Path], page: Page
) -> None:
    """Each article page of each part, once parts.js has asked the newer parts, links the same
    copies and related articles in the same order as the one site's page, and each resolves."""
    address, output = served
    seen_newer = seen_older = seen_read = 0
    for prefix, name in PARTS_AT.items():
        for path in article_pages(output / name):
            page.goto(f"{address}/one/{path}")
            whole = links(page)
            page.goto(f"{address}/{prefix}/{path}")
            expect(page.locator("[data-links][data-asked]")).to_have_count(1, timeout=WAIT_MS)
            assert links(page) == whole, path
            hrefs = page.locator(".article-also-in a, .related a").evaluate_all(
                "as => as.map(a => a.href)"
            )
            for href in hrefs:
                assert page.request.get(href).ok, href
            static = parse(output / name / path / "index.html")
            shown = static.xpath(
                '//p[@class="article-also-in"]//a/@href | //section[@class="related"]//a/@href'
            )
            newer = list(PARTS_AT)[list(PARTS_AT).index(prefix) + 1 :]
            seen_newer += sum(1 for h in hrefs if any(f"/{p}/" in h for p in newer))
            seen_older += sum(1 for h in shown if h.startswith(address))
            if static.xpath('//article[@data-links=""]') and not path.isascii():
                seen_read += any(f"/{p}/" in h for h in hrefs for p in newer)
            # the page itself links its own part and older ones only (a closed part stays still)
            assert not any(f"/{p}/" in h for h in shown for p in newer), path
    assert seen_newer and seen_older and seen_read


def test_a_storys_first_copy_names_three_others_across_the_parts_and_counts_the_fifth(
    served: tuple[str, Path], page: Page
) -> None:
    address, output = served
    static = (output / "main/2022/05/s1/index.html").read_text(encoding="utf-8")
    assert f'href="{address}/archive-2023/' not in static  # added when the page loads
    page.goto(f"{address}/archive/2022/05/s1/")
    also = page.locator(".article-also-in")
    expect(page.locator("[data-asked]")).to_have_count(1, timeout=WAIT_MS)
    assert also.inner_text() == "也见于：人民日报、财新网、央视网，另有 1 处"
    newest = (output / "p2024/2024/03/s5/index.html").read_text(encoding="utf-8")
    assert f'<a href="{address}/archive/2022/05/s1/">新华社</a>' in newest  # absolute, static
