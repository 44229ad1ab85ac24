"""The sitemap (family "sitemap"): an index over parts of at most 50,000 URLs each, and
robots.txt naming it; on the front door of an archive in parts, parts.json listing them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sitegen.models import Page
from sitegen.pages.shared import Views, ready
from sitegen.parts import PARTS_FILE, listing
from sitegen.views import SitemapEntry

SITEMAP_LIMIT = 50_000


def sitemap_pages(views: Views, pages: list[Page]) -> Iterator[Page]:
    """A sitemap index over parts of at most 50,000 URLs, and robots.txt pointing at it."""
    urls = views.urls
    listed = [(p.url, p.lastmod) for p in appending(pages) if p.lastmod is not None]
    parts = [listed[i : i + SITEMAP_LIMIT] for i in range(0, len(listed), SITEMAP_LIMIT)] or [[]]
    part_entries = []
    for n, part in enumerate(parts, 1):
        url = urls.sitemap_part(n)
        newest = max((moment for _, moment in part), default=None)
        lastmod = newest.isoformat() if newest else ""
        part_entries.append(SitemapEntry(urls.absolute(url), lastmod))
        stamped = tuple((page_url, moment.date().isoformat()) for page_url, moment in part)
        yield Page(url, "sitemap", "sitemap.xml", views.key(url, stamped), None, "sitemap", stamped)
    index = {"parts": tuple(part_entries)}
    url = urls.sitemap()
    yield ready(url, "sitemap", "sitemap_index.xml", views.key(url, index), None, **index)
    robots = {"sitemap": urls.absolute(urls.sitemap())}
    url = urls.robots()
    yield ready(url, "robots", "robots.txt", views.key(url, robots), None, **robots)
    config = views.config
    if config.parts and config.part == config.parts[0].name:
        raw = listing(config.parts, config.base_url)
        url = f"/{PARTS_FILE}"
        yield ready(url, "parts", "", views.key(url, raw), None, raw=raw)


def appending(pages: list[Page]) -> list[Page]:
    """The articles oldest first, then every other page: a new article goes after the articles
    before it, so the parts that hold only older articles keep their bytes (in the pages' own
    order, newest first, one new article moved every entry along, and every part changed)."""
    articles = [page for page in pages if page.kind == "article"]
    return [*reversed(articles), *(page for page in pages if page.kind != "article")]


def context(url: str, stamped: tuple[tuple[str, str], ...], views: Views) -> dict[str, Any]:
    """A part's entries: each page's absolute URL and when it last changed."""
    absolute = views.urls.absolute
    return {"entries": tuple(SitemapEntry(absolute(u), m) for u, m in stamped)}
