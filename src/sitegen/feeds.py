"""Atom feeds: the site's and each top-level category's, with text XML 1.0 accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sitegen.models import Page
from sitegen.urls import Urls
from sitegen.views import Feed, FeedEntry, Link

if TYPE_CHECKING:
    from sitegen.pages import Planner

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 forbids: one of them would make readers reject the whole feed."""
    return _NOT_XML.sub("", text)


def category_feed_link(urls: Urls, top: str) -> Link:
    return Link(f"{top} 的 Atom 订阅", urls.href(urls.category_feed((top,))))


def entry(planner: Planner, i: int) -> FeedEntry:
    article = planner.site.articles[i]
    href = planner.urls.absolute(planner.site.urls[i])
    full = planner.config.feeds.full_content
    names = dict.fromkeys(name for path in article.categories for name in path)
    return FeedEntry(
        title=xml_text(article.title),
        id=href,
        href=href,
        published=article.date.isoformat(),
        updated=planner.modified(i).isoformat(),
        author=xml_text(article.author or planner.config.author or planner.config.title),
        summary=xml_text(article.summary or article.title),
        content=xml_text(planner.body_of(article)) if full else "",
        categories=tuple(xml_text(name) for name in names),
    )


def feed(planner: Planner, url: str, title: str, page_url: str, members: Sequence[int]) -> Page:
    latest = members[: planner.config.feeds.limit]

    def context() -> dict[str, Any]:
        updated = planner.newest(latest) or datetime(1970, 1, 1, tzinfo=planner.config.tz)
        feed = Feed(
            title=xml_text(title),
            subtitle=xml_text(planner.config.description),
            language=planner.config.language,
            id=planner.urls.absolute(page_url),
            self_href=planner.urls.absolute(url),
            alternate_href=planner.urls.absolute(page_url),
            updated=updated.isoformat(),
            author=xml_text(planner.config.author or planner.config.title),
            generator=planner.site_view.generator,
            entries=tuple(entry(planner, i) for i in latest),
        )
        return {"feed": feed}

    key = planner.key(url, title, [planner.token(i) for i in latest])
    return Page(url, "feed", "atom.xml", key, None, context)


def feed_pages(planner: Planner) -> Iterator[Page]:
    """The site's feed and one per top-level category, of the newest articles (a story once)."""
    yield feed(planner, planner.urls.feed(), planner.config.title, "/", planner.site.leads)
    for node in planner.site.categories:
        page_url = planner.urls.category(node.path)
        yield feed(
            planner,
            planner.urls.category_feed(node.path),
            f"{node.name} | {planner.config.title}",
            page_url,
            node.articles,
        )
