"""Site → [Page]: every page of the site, with its URL, its key and its data. Pure.

Each family of pages has its module; `plan` joins them in the site's order, the kinds of
grouping (sitegen.kinds) in theirs, each by the families its entry names. A `Page` is plain
data: `context` turns it into its template data when it is rendered (in a worker too), through
the family's function and the `Views` the plan was made with. All URLs come from urls.py; the
views carry ready-made hrefs and display strings, so the templates only place them.

    shared.py      Views (cards, trails, heads, keys), `ready` pages, digest
    articles.py    an article's page
    lists.py       home, category and month lists, any list's pages; a year, the archive
    taxonomies.py  a kind's plain lists (tags, sources: feeds too), an index of links (tags), the
                   category tree
    documents.py   cited documents and issuing bodies; any kind's index of names
    feeds.py       Atom feeds
    sitemap.py     the sitemap and robots.txt
    fixed.py       404 and search, redirects and withdrawal notices
    data.py        the metadata for download: articles by year, documents, bodies
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen.config import SiteConfig
from sitegen.images.place import Showing
from sitegen.kinds import Kind
from sitegen.models import Page
from sitegen.pages import across, articles, data, documents, feeds, lists, sitemap, taxonomies
from sitegen.pages.fixed import not_found_page, redirect_pages, search_page, withdrawn_pages
from sitegen.pages.lists import HOME_PAGES
from sitegen.pages.shared import BodyOf, Known, Views, digest, own_body
from sitegen.site import Site

__all__ = ["HOME_PAGES", "Known", "Page", "Plan", "Views", "digest", "plan", "plan_of"]


def _ready(url: str, data: tuple[tuple[str, Any], ...], views: Views) -> dict[str, Any]:
    return dict(data)


# Each family's template data, from (url, data, views).
FAMILIES: dict[str, Callable[[str, Any, Views], dict[str, Any]]] = {
    "article": articles.context,
    "list": lists.context,
    "feed": feeds.context,
    "sitemap": sitemap.context,
    "data": data.context,
    "ready": _ready,
}


@dataclass(frozen=True)
class Plan:
    """Every page, and the views their template data is made from when they are rendered."""

    pages: list[Page]
    views: Views

    def context(self, page: Page) -> dict[str, Any]:
        """A page's template data: what its family makes of its data, the site's header, and the
        page's own link (`here`, which its links are made relative to)."""
        views = self.views
        return {
            "site": views.site_view,
            "here": views.urls.href(page.url),
            **FAMILIES[page.family](page.url, page.data, views),
        }


# The page families of the kinds of grouping (sitegen.kinds: Kind.pages, Kind.index), from
# (views, kind): a kind whose names are plain lists needs none of its own.
KIND_PAGES: dict[str, Callable[[Views, Kind], Iterable[Page]]] = {
    "list": taxonomies.group_pages,
    "document": documents.document_pages,
    "authority": documents.authority_pages,
}
KIND_INDEXES: dict[str, Callable[[Views, Kind], Iterable[Page]]] = {
    "links": taxonomies.links_index,
    "names": documents.names_index,
    "documents": documents.documents_index,
}


def _all_pages(views: Views, known: Sequence[str]) -> list[Page]:
    config = views.config
    pages = [
        *articles.article_pages(views, known),
        *lists.home_pages(views),
        *lists.category_pages(views),
        taxonomies.categories_page(views),
        *lists.date_pages(views),
        lists.archives_page(views),
        *(
            page
            for kind in views.site.kinds
            for family in (KIND_PAGES[kind.pages], KIND_INDEXES[kind.index])
            for page in family(views, kind)
        ),
        not_found_page(views),
        *([search_page(views)] if config.search.enabled else []),
        *redirect_pages(views),
        *withdrawn_pages(views),
        *feeds.feed_pages(views),
        *(data.data_pages(views) if config.data.enabled else ()),
    ]
    return [
        *pages,
        *sitemap.sitemap_pages(views, pages),
        *across.count_pages(views, pages),
        *across.link_pages(views),
    ]


def plan(
    site: Site,
    config: SiteConfig,
    *,
    body_of: BodyOf = own_body,
    rendering: str = "",
    showing: Showing | None = None,
) -> Plan:
    """Every page. `body_of` gives an article's body when its page is rendered (bodies may live on
    disk); `rendering` digests the templates and code, and salts
    every page key; `showing` is what the picture manifest says (sitegen.images)."""
    return plan_of(Views(site, config, body_of=body_of, rendering=rendering, showing=showing))


def plan_of(views: Views, known: Known | None = None) -> Plan:
    """Every page of the site `views` shows; `known`: what a plan of it made before (its
    articles edited in place since), kept where nothing a page shows was edited."""
    if known is not None:
        views.tokens.update((i, token) for i, token in enumerate(known.tokens) if token)
        views.known = known
    return Plan(_all_pages(views, views.known.keys), views)
