"""The sitemap: an index over parts of at most 50,000 URLs each, and robots.txt naming it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sitegen.models import Page
from sitegen.views import SitemapEntry

if TYPE_CHECKING:
    from sitegen.pages import Planner

SITEMAP_LIMIT = 50_000


def sitemap_pages(planner: Planner, pages: list[Page]) -> Iterator[Page]:
    """A sitemap index over parts of at most 50,000 URLs, and robots.txt pointing at it."""
    listed = [(p.url, p.lastmod) for p in pages if p.lastmod is not None]
    parts = [listed[i : i + SITEMAP_LIMIT] for i in range(0, len(listed), SITEMAP_LIMIT)] or [[]]
    part_entries = []
    for n, part in enumerate(parts, 1):
        url = planner.urls.sitemap_part(n)
        newest = max((moment for _, moment in part), default=None)
        lastmod = newest.isoformat() if newest else ""
        part_entries.append(SitemapEntry(planner.urls.absolute(url), lastmod))
        stamped = [(page_url, moment.isoformat()) for page_url, moment in part]

        def context(stamped: list[tuple[str, str]] = stamped) -> dict[str, Any]:
            absolute = planner.urls.absolute
            return {"entries": tuple(SitemapEntry(absolute(u), m) for u, m in stamped)}

        key = planner.key(url, stamped)
        yield Page(url, "sitemap", "sitemap.xml", key, None, context)
    yield planner.fixed(
        planner.urls.sitemap(), "sitemap", "sitemap_index.xml", parts=tuple(part_entries)
    )
    yield planner.fixed(
        planner.urls.robots(),
        "robots",
        "robots.txt",
        sitemap=planner.urls.absolute(planner.urls.sitemap()),
    )
