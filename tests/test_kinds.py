"""The registry of kinds of grouping (sitegen.kinds): a new kind is a function of the article and
one entry, and every kind is turned off by its name in one place."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest

from sitegen.kinds import KINDS, Kind, by_count
from sitegen.models import Article, Citation
from sitegen.pages import Plan, plan
from sitegen.render import make_environment, render
from sitegen.site import index

from .conftest import make_config
from .sitecheck import rooted
from .test_stages import ARTICLES


def _author(article: Article) -> tuple[str, ...]:
    """The extractor: an article's names in the new kind."""
    return (article.author,) if article.author else ()


# The entry: all the new kind is (its pages are the plain lists and an index of names).
AUTHORS = Kind(
    name="authors",
    one="author",
    heading="作者",
    of=_author,
    group=by_count,
    describe="作者“{name}”的 {count} 篇文章",
)

WRITTEN = [
    replace(ARTICLES[0], author="王五", tags=("财政",)),
    replace(ARTICLES[1], author="李四", tags=("财政",)),
    replace(ARTICLES[2], author="王五"),
]


def _page(planned: Plan, url: str, config_root: Path) -> lxml.html.HtmlElement:
    page = next(p for p in planned.pages if p.url == url)
    html = render(make_environment(make_config(config_root)), page, planned.context(page))
    return rooted(lxml.html.fromstring(html))


def test_a_new_kind_is_an_extractor_and_an_entry(tmp_path: Path) -> None:
    config = make_config(tmp_path, search={"enabled": False})
    site = index(list(WRITTEN), config, kinds=(*KINDS, AUTHORS))
    assert [(g.name, g.articles) for g in site.groups["authors"]] == [
        ("王五", (1, 2)),  # most articles first; newest first within
        ("李四", (0,)),
    ]
    assert site.record["/authors/王五/"].kind == "author"  # its URLs are recorded like any
    planned = plan(site, config, body_of=lambda a: "<p>正文</p>")
    kinds = {p.url: p.kind for p in planned.pages}
    assert kinds["/authors/王五/"] == kinds["/authors/李四/"] == "author"
    assert kinds["/authors/"] == "authors"
    page = _page(planned, "/authors/王五/", tmp_path)
    titles = page.xpath("//div[@class='cards']//a/text() | //li//h2//a/text()")
    assert sorted(titles) == ["标题1", "标题2"], titles
    assert page.xpath("string(//h1)") == "王五"
    assert page.xpath("string(//nav[@aria-label='面包屑']//a)") == "作者"
    index_page = _page(planned, "/authors/", tmp_path)
    assert index_page.xpath("//main//a/@href")[:2] == ["/authors/王五/", "/authors/李四/"]
    # The kinds already there are as they were: the same pages, with the new kind's added.
    before = plan(index(list(WRITTEN), config), config, body_of=lambda a: "<p>正文</p>").pages
    after = {p.url for p in planned.pages}
    assert {p.url for p in before} <= after
    assert {u for u in after if u.startswith("/authors/")} == after - {p.url for p in before}


@pytest.mark.parametrize("kind", [kind.name for kind in KINDS])
def test_each_kind_turned_off_by_its_name_has_no_url_page_or_link(
    tmp_path: Path, kind: str
) -> None:
    name = "《直播电商监督管理办法》"
    cited = replace(
        WRITTEN[0],
        documents=(name,),
        citations=(Citation(name, f"国务院印发{name}。"),),
        authorities=("国务院",),
    )
    articles = [cited, *WRITTEN[1:]]
    config = make_config(tmp_path, search={"enabled": False})
    on = index(list(articles), config)
    assert on.groups[kind], f"the example has names of {kind}"
    off_config = make_config(tmp_path, search={"enabled": False}, disable_kinds=[kind])
    off = index(list(articles), off_config)
    assert kind not in off.groups and [k.name for k in off.kinds] == [
        k.name for k in KINDS if k.name != kind
    ]
    one = next(k.one for k in KINDS if k.name == kind)
    assert not [url for url, entry in off.record.items() if entry.kind == one]
    planned = plan(off, off_config, body_of=lambda a: "<p>正文</p>")
    assert not [p.url for p in planned.pages if p.kind in (kind, one)]
    index_url = f"/{kind}/"
    page = _page(planned, "/2024/03/a/", tmp_path)
    assert not [h for h in page.xpath("//a/@href") if h.startswith(index_url)]
