"""Atom feeds (family "feed"): the site's, each top-level category's and each source's, with text
XML 1.0 accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sitegen.models import Page
from sitegen.pages.shared import Views
from sitegen.urls import Urls
from sitegen.views import Feed, FeedEntry, Link

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 forbids: one of them would make readers reject the whole feed."""
    return _NOT_XML.sub("", text)


def category_feed_link(urls: Urls, top: str) -> Link:
    return Link(f"{top} 的 Atom 订阅", urls.href(urls.category_feed((top,))))


@dataclass(frozen=True)
class FeedPage:
    """A feed: its title, the page it stands for, and the articles it carries."""

    title: str
    page_url: str
    latest: tuple[int, ...]


def entry(views: Views, i: int) -> FeedEntry:
    article = views.site.articles[i]
    href = views.urls.absolute(views.site.urls[i])
    full = views.config.feeds.full_content
    names = dict.fromkeys(name for path in article.categories for name in path)
    return FeedEntry(
        title=xml_text(article.title),
        id=href,
        href=href,
        published=article.date.isoformat(),
        updated=views.modified(i).isoformat(),
        author=xml_text(article.author or views.config.author or views.config.title),
        summary=xml_text(article.summary or article.title),
        content=xml_text(views.body_of(article)) if full else "",
        categories=tuple(xml_text(name) for name in names),
    )


def feed(views: Views, url: str, title: str, page_url: str, members: Sequence[int]) -> Page:
    latest = tuple(members[: views.config.feeds.limit])
    key = views.key(url, title, [views.token(i) for i in latest])
    return Page(url, "feed", "atom.xml", key, None, "feed", FeedPage(title, page_url, latest))


def context(url: str, data: FeedPage, views: Views) -> dict[str, Any]:
    config, urls = views.config, views.urls
    updated = views.newest(data.latest) or datetime(1970, 1, 1, tzinfo=config.tz)
    feed = Feed(
        title=xml_text(data.title),
        subtitle=xml_text(config.description),
        language=config.language,
        id=urls.absolute(data.page_url),
        self_href=urls.absolute(url),
        alternate_href=urls.absolute(data.page_url),
        updated=updated.isoformat(),
        author=xml_text(config.author or config.title),
        generator=views.site_view.generator,
        entries=tuple(entry(views, i) for i in data.latest),
    )
    return {"feed": feed}


def feed_pages(views: Views) -> Iterator[Page]:
    """The site's feed and one per top-level category, of the newest articles (a story once)."""
    site, urls, title = views.site, views.urls, views.config.title
    yield feed(views, urls.feed(), title, "/", site.leads)
    for node in site.categories:
        page_url = urls.category(node.path)
        yield feed(
            views, urls.category_feed(node.path), f"{node.name} | {title}", page_url, node.articles
        )
