"""What every family of pages shares: the site's views (cards, trails, heads), made once per
article and reused on every page that shows it, and the page keys.

`Views` is built once when the pages are planned (keys need its tokens and links) and used again
at render time, in this process or in a forked worker, to turn a page's plain data into its
template data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import islice
from typing import Any, TypeVar

from sitegen import __version__, parts
from sitegen.config import SiteConfig
from sitegen.images.place import Showing
from sitegen.models import Article, CategoryPath, Page
from sitegen.older import Far
from sitegen.site import CategoryNode, Site
from sitegen.urls import Urls
from sitegen.views import (
    Card,
    CountedLink,
    Head,
    Link,
    PageLink,
    Pagination,
    PartsView,
    SiteView,
)

BodyOf = Callable[[Article], str]
Token = str  # a digest of what one article shows of itself on other pages (Views.token)
T = TypeVar("T")
ALSO_NAMED = 3  # a story's other copies a card and a page name (也见于); the rest are counted


@dataclass(frozen=True)
class Known:
    """What a plan of this site made before, for a site whose articles were edited in place
    (sitegen.inplace.swap): the article pages' keys and the articles' tokens (Views.token), by
    index ("": made again), and the keys of the pages listing articles (lists, data files), by
    URL (Known.listed)."""

    keys: Sequence[str] = ()
    tokens: Sequence[str] = ()
    lists: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def remade(self) -> frozenset[int]:
        """The articles whose token is made again: edited, or a copy of an edited one's story."""
        return frozenset(i for i, token in enumerate(self.tokens) if not token)

    def listed(self, url: str, shown: Sequence[int]) -> str:
        """The key the last plan gave the page at `url` listing `shown` (its site's lists were
        this one's), when none of them is made again; "" else: its key is made."""
        key = self.lists.get(url, "")
        return key if key and self.remade.isdisjoint(shown) else ""


class Memo(dict[int, T]):
    """Values by article index, each made by `make` when first asked for (and kept)."""

    def __init__(self, make: Callable[[int], T]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, i: int) -> T:
        self[i] = value = self.make(i)
        return value


def digest(*parts: object) -> str:
    """A stable digest of plain values (str, int, tuples, views): the same across processes."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def own_body(article: Article) -> str:
    """The body an article holds itself (with --no-cache, and in tests)."""
    return article.body_html


def feed_name(article: Article) -> str:
    """What "也见于" calls the feed a copy came in: its first category trail, else its source."""
    if article.categories:
        return " › ".join(article.categories[0])
    return article.source or article.title


def far(site: Site, j: int) -> Far:
    """Article j past the site's own: an older part's (sitegen.older)."""
    assert site.across is not None
    return site.across.far[j - len(site.articles)]


def member(site: Site, j: int) -> tuple[str, str]:
    """A copy's feed and URL (an older part's: its page's, absolute)."""
    if j < len(site.articles):
        return feed_name(site.articles[j]), site.urls[j]
    return far(site, j).feed, far(site, j).href


def display_date(moment: datetime, has_time: bool = True) -> str:
    day = f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{day} {moment:%H:%M}" if has_time else day


def ready(
    url: str, kind: str, template: str, key: str, lastmod: datetime | None, /, **context: Any
) -> Page:
    """A page whose whole template data is at hand when it is planned (one page of its kind, or
    a few: small enough to hold): it is its own data."""
    return Page(url, kind, template, key, lastmod, "ready", tuple(context.items()))


def _parts_view(config: SiteConfig) -> PartsView | None:
    """What a page's footer links of an archive in parts (sitegen.parts); None without parts."""
    if not config.parts:
        return None
    older = tuple(Link(text, href) for text, href in parts.older(config))
    return PartsView(
        config.part, older, parts.listing_url(config), parts.span_text(parts.own(config))
    )


def _site_view(site: Site, config: SiteConfig) -> SiteView:
    """What every page's header and footer show of the site."""
    href = site.links.href
    # each kind's index (sitegen.kinds): a kind turned off has none, so nothing links to it
    indexes = {kind.name: href(site.links.group_index(kind)) for kind in site.kinds}
    return SiteView(
        title=config.title,
        description=config.description,
        language=config.language,
        home_href=href("/"),
        categories_href=href(site.links.categories()),
        archives_href=href(site.links.archives()),
        search_href=href(site.links.search()),
        search_enabled=config.search.enabled,
        feed_href=href(site.links.feed()),
        documents_href=indexes.get("documents", ""),
        sources_href=indexes.get("sources", ""),
        authorities_href=indexes.get("authorities", ""),
        data_href=href("/data/") if config.data.enabled else "",
        static_href=href("/"),
        generator=f"sitegen {__version__}",
        parts=_parts_view(config),
    )


class Views:
    """The site as its pages show it: every article's token, card and trails, every name's URL.

    Cards and trails are memoized (in each process that renders), since an article shows on
    about six lists and thousands of cards share a handful of category paths.
    """

    def __init__(
        self,
        site: Site,
        config: SiteConfig,
        *,
        body_of: BodyOf = own_body,
        rendering: str = "",
        showing: Showing | None = None,
    ) -> None:
        self.site = site
        self.config = config
        self.body_of = body_of
        self.showing = showing or Showing()
        self.urls = site.links
        self.site_view = _site_view(site, config)
        self.salt = digest(self.site_view, repr(config), rendering)
        self._cards: dict[int, Card] = {}
        self._trails: dict[CategoryPath, tuple[Link, ...]] = {}
        self._stories: dict[int, str] = {}  # a story's digest, by its earliest copy
        # made when first asked for: the dev server's fast render of one edited page asks for a
        # few, not 100,000 (a plan asks for every one, each once)
        self.thumbnails = Memo(lambda i: self._thumbnail(site.articles[i]))
        self.tokens: Memo[Token] = Memo(self._token)
        self.known = Known()  # what the last plan of this site made, if it is kept (plan_of)
        self.modified_at = Memo(lambda i: site.articles[i].updated or site.articles[i].date)
        tz = config.tz
        self.local = Memo(lambda i: site.articles[i].date.astimezone(tz))  # its date here
        self.named = self.urls.named.kinds
        # every name of a document → its record's page (the names joined to it redirect there)
        documents = self.named.get("documents", {})
        self.record_urls = {n: documents[r.name] for r in site.documents for n in r.names}
        self.leaf_of = {name: self.urls.category(leaf) for name, leaf in site.alike.items()}

    def page_of(self, kind: str, name: str) -> str:
        """Where a link to a name goes: its page, or the category leaf its page is an alias of
        (a source listing what a leaf lists, sitegen.site.leaves_alike); "" when it has none."""
        return (kind == "sources" and self.leaf_of.get(name, "")) or self.url_of(kind, name)

    def url_of(self, kind: str, name: str) -> str:
        """The page of a name of a kind of grouping; "" when it has none (the kind is off)."""
        return self.named.get(kind, {}).get(name, "")

    def links_of(self, kind: str, names: Sequence[str]) -> tuple[Link, ...]:
        """A link to the page of each of `names` that has one (the kind may be off)."""
        return tuple(
            Link(name, self.urls.href(url)) for name in names if (url := self.url_of(kind, name))
        )

    def token(self, i: int) -> Token:
        """What one article contributes to a page's key: a digest of its content digest, its URL,
        its story's digest (its card and page name some of the other copies and count the rest)
        and its thumbnail. Made once per article, so that the keys of the pages showing it (its
        own, its neighbours', lists, feeds, data files) hold 32 characters for it, not the four
        values each time: writing the keys out was the largest share of planning."""
        return self.tokens[i]

    def _token(self, i: int) -> Token:
        site = self.site
        if i >= len(site.articles):  # an older part's (sitegen.older): its page and title
            return digest(*member(site, i), far(site, i).title)
        return digest(site.articles[i].digest, site.urls[i], self._story(i), self.thumbnails[i])

    def _story(self, i: int) -> str:
        """A digest of article i's story, each copy's feed and URL: made once per story, so that a
        story of n copies costs n, not n² (each copy's key holding every other)."""
        story = self._copies(i)
        if not story:
            return ""
        if story[0] not in self._stories:
            self._stories[story[0]] = digest(*(member(self.site, j) for j in story))
        return self._stories[story[0]]

    def _copies(self, i: int) -> tuple[int, ...]:
        """Article i's story: over this part and the older ones where an older one holds a copy
        (indexes past this part's articles: the older ones, sitegen.older)."""
        across = self.site.across
        return (across and across.stories[i]) or self.site.copies[i]

    def _also_in(self, i: int) -> tuple[tuple[Link, ...], int]:
        """Links to the first ALSO_NAMED other copies of article i's story (earliest first), each
        named by its feed, and how many more there are."""
        story, n = self._copies(i), len(self.site.articles)
        named = tuple(islice((j for j in story if j != i), ALSO_NAMED))
        links = []
        for j in named:
            feed, url = member(self.site, j)
            links.append(Link(feed, self.urls.href(url) if j < n else url))
        return tuple(links), max(len(story) - 1 - len(named), 0)

    def _thumbnail(self, article: Article) -> tuple[str, int, int]:
        """The published thumbnail of the article's picture, as its card shows it."""
        shown = self.showing.thumbnail(article.image)
        return (shown.src, shown.width, shown.height) if shown else ("", 0, 0)

    def og_image(self, i: int) -> str:
        """The picture a link preview shows: the thumbnail where one is published, else the
        original, unless it is lost."""
        thumbnail = self.thumbnails[i][0]
        if thumbnail:
            return self.config.origin + thumbnail
        image = self.site.articles[i].image
        return "" if self.showing.show(image).lost else image

    def key(self, *parts: object) -> str:
        return digest(self.salt, *parts)

    def trail(self, path: CategoryPath) -> tuple[Link, ...]:
        """A link to each level of `path`, but a level named as the one below it (科技 › 腾讯科技 ›
        腾讯科技: a feed filed under its site): that one reads twice, the lower (its list) shows."""
        if path not in self._trails:
            self._trails[path] = tuple(
                Link(name, self.urls.href(self.urls.category(path[: depth + 1])))
                for depth, name in enumerate(path)
                if path[depth + 1 : depth + 2] != (name,)
            )
        return self._trails[path]

    def card(self, i: int) -> Card:
        """Article i as lists show it; an older part's (sitegen.older) by its title and page."""
        if i >= len(self.site.articles):
            return Card(far(self.site, i).title, far(self.site, i).href, "", "", "", (), "", "", "")
        if i not in self._cards:
            article = self.site.articles[i]
            local = self.local[i]
            also_in, also_more = self._also_in(i)
            self._cards[i] = Card(
                title=article.title,
                href=self.urls.href(self.site.urls[i]),
                date_iso=local.isoformat() if article.has_time else f"{local:%Y-%m-%d}",
                date_display=display_date(local, article.has_time),
                date_short=f"{local:%Y-%m-%d}",
                trails=tuple(self.trail(path) for path in article.categories),
                summary=article.summary,
                thumbnail=self.thumbnails[i][0],
                source=article.source,
                also_in=also_in,
                also_more=also_more,
                thumbnail_width=self.thumbnails[i][1],
                thumbnail_height=self.thumbnails[i][2],
            )
        return self._cards[i]

    def head(
        self,
        title: str,
        url: str,
        description: str | None = "",
        image: str = "",
        feeds: tuple[Link, ...] = (),
    ) -> Head:
        """A page's <head> data. `description` None: none (an article's would repeat its first
        sentence, 270 bytes a page); "": the site's."""
        full = f"{title} | {self.config.title}" if title != self.config.title else title
        described = description or self.config.description or self.config.title
        return Head(
            title=full,
            description="" if description is None else described,
            canonical=self.urls.iri(url),
            og_image=image,
            feeds=feeds,
        )

    def modified(self, i: int) -> datetime:
        return self.modified_at[i]

    def newest(self, members: Sequence[int]) -> datetime | None:
        return max(map(self.modified_at.__getitem__, members), default=None)

    def counted(self, node: CategoryNode) -> CountedLink:
        return CountedLink(
            node.name, self.urls.href(self.urls.category(node.path)), len(node.articles)
        )


def pagination(
    urls: Urls, first: str, current: int, total: int, stable: bool = False
) -> Pagination:
    """The links between a list's pages, in reading order (newest first). A `stable` list
    numbers its pages from the oldest (see `pages.lists.stable_window`): the first page,
    then total, total - 1 … 2; a page's links then change only while the few pages after
    it are made, never with the list's length."""
    href = urls.href

    def number(position: int) -> int:  # the page at a place in reading order
        return position + 1 if not stable else 1 if position == 0 else total - position + 1

    at = current - 1 if not stable else 0 if current == 1 else total - current + 1
    window = sorted({0, total - 1, *range(max(0, at - 2), min(total - 1, at + 2) + 1)})
    pages: list[PageLink] = []
    last = 0
    for position in window:
        if position > last + 1:
            pages.append(PageLink("…", ""))  # a gap: pages left out of the window
        n, last = number(position), position
        text = "最新" if stable and n == 1 else str(n)
        label = "最新一页" if stable and n == 1 else f"第 {n} 页"
        here = position == at
        label += "（当前）" if here else ""
        pages.append(PageLink(text, href(urls.page(first, n)), label, here))
    if total == 1:
        stats = ""
    elif stable:
        stats = f"共 {total} 页" if current == 1 else f"第 {current} 页"
    else:
        stats = f"第 {current} 页 / 共 {total} 页"
    return Pagination(
        current=current,
        prev_href=href(urls.page(first, number(at - 1))) if at > 0 else "",
        next_href=href(urls.page(first, number(at + 1))) if at < total - 1 else "",
        pages=tuple(pages) if total > 1 else (),
        stats=stats,
    )
