"""What templates receive: plain, precomputed data (hrefs, display strings), so templates compute nothing."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class CountedLink:
    text: str
    href: str
    count: int


@dataclass(frozen=True)
class Card:
    """An article as it appears in lists, in prev/next and in related articles."""

    title: str
    href: str
    date_iso: str
    date_display: str
    date_short: str
    trails: tuple[tuple[Link, ...], ...]
    summary: str
    thumbnail: str
    """A thumbnail the site publishes of the article's picture ("" when it publishes none)."""
    source: str
    also_in: tuple[Link, ...] = ()
    """A few of the story's other copies (也见于), each named by its feed; empty for most articles."""
    also_more: int = 0
    """How many other copies there are beyond those named (a story may have thousands)."""
    thumbnail_width: int = 0
    thumbnail_height: int = 0


@dataclass(frozen=True)
class Tick:
    """One month of a document's timeline; `width` is its share of the busiest month, in percent."""

    label: str
    count: int
    width: int


@dataclass(frozen=True)
class Citation:
    """What lets a reference manager save an article (JSON-LD, Highwire tags) and a reader cite it
    (cite.js writes the 引用 entry from the tags)."""

    json_ld: Markup
    meta: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ArticleView:
    card: Card
    original_title: str
    author: str
    editor: str
    tags: tuple[Link, ...]
    tags_href: str
    body: Markup
    image: str
    """The head picture's address, when the body does not show it already."""
    source: Link
    """Where the article comes from, linked to that source's page."""
    documents: tuple[Link, ...]
    citation: Citation
    notice: str = ""
    original_link: str = ""
    """The original's web address when the front matter names it (原文链接)."""
    updated: Link = Link("", "")
    """When it was updated (更新于), as shown (`text`) and as ISO 8601 (`href`); empty if never."""
    authorities: tuple[Link, ...] = ()
    quotes: tuple[Link, ...] = ()
    quoted_in: tuple[Link, ...] = ()
    image_width: int = 0
    image_height: int = 0
    image_lost: Markup = Markup("")  # noqa: RUF009 - immutable, like a str
    """The placeholder shown where the head picture is lost (empty when it is not)."""


@dataclass(frozen=True)
class Sourced:
    """A value a record shows, linked where it has a page, with what says it (an article's
    title and link, or the document's own number or title)."""

    text: str
    href: str = ""
    source: str = ""
    source_href: str = ""


@dataclass(frozen=True)
class Field:
    label: str
    values: tuple[Sourced, ...]


@dataclass(frozen=True)
class RecordView:
    """What a document's or a body's page says above its list: its fields, then its links."""

    fields: tuple[Field, ...]
    links_heading: str = ""
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Quoted:
    """An article in a document's list, with the sentence that cites the document."""

    card: Card
    sentence: str


@dataclass(frozen=True)
class PageLink:
    """A list's page in its navigation; a gap (pages left out) has no href."""

    text: str
    href: str
    label: str = ""  # what a screen reader says of it
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    """A list's links between its pages (none for a list of one page). It holds no more than it
    shows, so a stable list's later page keeps its key as the list grows (pages.lists)."""

    current: int
    prev_href: str
    next_href: str
    pages: tuple[PageLink, ...]  # empty: a list of one page
    stats: str  # where this page is in the list, beside its count ("" for a list of one page)


@dataclass(frozen=True)
class TreeNode:
    link: CountedLink
    children: tuple[TreeNode, ...]


@dataclass(frozen=True)
class YearView:
    link: CountedLink
    months: tuple[CountedLink, ...]


@dataclass(frozen=True)
class ChartMonth:
    """One month of the archive chart; `href` is empty for a month without articles."""

    label: str
    href: str
    height: int  # percent of the row


@dataclass(frozen=True)
class ChartYear:
    year: str
    months: tuple[ChartMonth, ...]


@dataclass(frozen=True)
class Chart:
    years: tuple[ChartYear, ...]
    max_count: int
    summary: str
    month_labels: tuple[str, ...] = tuple(str(n) for n in range(1, 13))


@dataclass(frozen=True)
class SiteView:
    """What every page's header and footer need."""

    title: str
    description: str
    language: str
    home_href: str
    categories_href: str
    archives_href: str
    search_href: str
    search_enabled: bool
    feed_href: str
    documents_href: str
    sources_href: str
    authorities_href: str
    data_href: str
    static_href: str
    generator: str
    parts: PartsView | None = None  # an archive in parts (sitegen.parts): its footer's links


@dataclass(frozen=True)
class PartsView:
    """An archive in parts, as a page's footer links it: this part's name, the older parts'
    homes (static links go to older parts only: they never move), and the front door's
    parts.json, which the page reads to link the newer ones; this part's span, as lists say
    what they show of the archive."""

    name: str
    older: tuple[Link, ...]
    listing: str
    span: str


@dataclass(frozen=True)
class Head:
    """The page's own <head> data: title, description, canonical URL, picture for a link preview."""

    title: str
    description: str
    canonical: str
    og_image: str
    feeds: tuple[Link, ...]
    noindex: bool = False


@dataclass(frozen=True)
class FeedEntry:
    """`content` is the body's HTML as text: the template escapes it, as Atom's type="html" wants."""

    title: str
    id: str
    href: str
    published: str
    updated: str
    author: str
    summary: str
    content: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Feed:
    """An Atom feed: all URLs absolute, all dates RFC 3339."""

    title: str
    subtitle: str
    language: str
    id: str
    self_href: str
    alternate_href: str
    updated: str
    author: str
    generator: str
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str
