"""The pages of cited documents and of sources: a list (and a timeline, or a feed) for each, and
their indexes, most articles first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sitegen.documents import label
from sitegen.models import Page
from sitegen.pages.feeds import feed
from sitegen.pages.lists import list_pages
from sitegen.pages.shared import Views, ready
from sitegen.site import Group
from sitegen.views import CountedLink, Link, Tick

NAMES_PER_PAGE = 500  # links on a page of the documents' or the sources' index


def timeline(views: Views, members: Sequence[int]) -> tuple[Tick, ...]:
    """Mentions per month, newest first, each bar a share of the busiest month."""
    months: dict[tuple[int, int], int] = {}
    for i in members:
        local = views.site.articles[i].date.astimezone(views.config.tz)
        months[(local.year, local.month)] = months.get((local.year, local.month), 0) + 1
    most = max(months.values(), default=1)
    return tuple(Tick(f"{y}年{m}月", n, round(100 * n / most)) for (y, m), n in months.items())


def document_pages(views: Views) -> Iterator[Page]:
    """A page per cited document: the articles citing it, newest first, and when they did."""
    trail = (Link("文件", views.urls.href(views.urls.documents())),)
    for group in views.site.documents:
        shown = label(group.name)
        yield from list_pages(
            views,
            views.document_urls[group.name],
            "document",
            shown,
            group.articles,
            trail=trail,
            description=f"提及{shown}的 {len(group.articles)} 篇文章",
            timeline=timeline(views, group.articles),
        )


def source_pages(views: Views) -> Iterator[Page]:
    """A page per source (来源 or feed) with its articles, and its Atom feed."""
    trail = (Link("来源", views.urls.href(views.urls.sources())),)
    for group in views.site.sources:
        url = views.source_urls[group.name]
        feed_url = views.source_feeds[group.name]
        feeds = (Link(f"{group.name} 的 Atom 订阅", views.urls.href(feed_url)),)
        yield from list_pages(
            views,
            url,
            "source",
            group.name,
            group.articles,
            trail=trail,
            description=f"来源“{group.name}”的 {len(group.articles)} 篇文章",
            feeds=feeds,
        )
        title = f"{group.name} | {views.config.title}"
        yield feed(views, feed_url, title, url, group.articles)


def names_pages(
    views: Views,
    first: str,
    kind: str,
    heading: str,
    groups: tuple[Group, ...],
    urls: dict[str, str],
) -> Iterator[Page]:
    """The index of documents or of sources, most articles first, NAMES_PER_PAGE a page."""
    links = tuple(
        CountedLink(
            label(g.name) if kind == "documents" else g.name,
            views.urls.href(urls[g.name]),
            len(g.articles),
        )
        for g in groups
    )
    total = max(1, -(-len(links) // NAMES_PER_PAGE))
    for n in range(1, total + 1):
        url = views.urls.page(first, n)
        window = slice((n - 1) * NAMES_PER_PAGE, n * NAMES_PER_PAGE)
        shown = links[window]
        title = heading if n == 1 else f"{heading}（第 {n} 页）"
        # An empty index (no article cites a document) is still linked: dated by the site.
        firsts = [g.articles[0] for g in groups[window]] or range(len(views.site.articles))
        yield ready(
            url,
            kind,
            "names.html",
            views.key(url, kind, heading, shown, n, total),
            views.newest(firsts),
            head=views.head(title, url, f"{heading}，共 {len(links)} 个"),
            kind=kind,
            heading=heading,
            links=shown,
            total=len(links),
            pagination=views.pagination(first, n, total),
        )
