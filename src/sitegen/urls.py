"""Every URL of a build: `Urls` fills the permalink patterns with the URLs sitegen.assign gave
each named thing (one `Urls` per build, made there) and writes links.

Internally a page's URL is site-relative (`/2022/03/slug/`); `href` adds base_url's path and
percent-encodes it, `absolute` adds the scheme and host. Output paths come from the same URL
(names.output_file), so a link and the file it points at cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote

from sitegen.config import SiteConfig
from sitegen.kinds import Kind
from sitegen.models import Article, CategoryPath
from sitegen.names import UnsafePath, check_segment, made_segment

_SAFE = "/#?=&%-._~"
_ASCII = re.compile(r"[\x00-\x7f]+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Named:
    """The URL sitegen.assign gave each name of a build: categories (by path), and the names of
    each kind of grouping (sitegen.kinds), by the kind's name."""

    categories: Mapping[CategoryPath, str] = field(default_factory=dict)
    kinds: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@cache
def _pieces(pattern: str) -> tuple[str, frozenset[str], bool] | None:
    """A pattern made once into a format string (a URL is then one `format_map`, not a join over
    its pieces: 100,000 article URLs a build), its placeholders, and whether it names a file (its
    own last segment has a dot); None when a literal holds a stray brace."""
    pieces = _PLACEHOLDER.split(pattern)
    literals, names = pieces[::2], pieces[1::2]
    if any("{" in literal for literal in literals):
        return None
    template = "".join(
        "{" + piece + "}" if n % 2 else piece.replace("}", "}}") for n, piece in enumerate(pieces)
    )
    names_file = "." in _PLACEHOLDER.sub("", pattern.rstrip("/").rsplit("/", 1)[-1])
    return template, frozenset(names), names_file


class Urls:
    """The URLs of one build: the patterns filled, with the segments `assign` gave every name."""

    def __init__(self, config: SiteConfig, named: Named | None = None) -> None:
        self.config = config
        self.links = config.permalinks
        self.tz = config.tz
        self.base_path = config.base_path
        self.named = named or Named()
        self._hrefs: dict[str, str] = {}

    def _fill(self, pattern: str, **values: str) -> str:
        """Fill a pattern; it names a file (`{slug}.html`) when its own last segment has a dot."""
        made = _pieces(pattern)
        if made is None or not made[1] <= values.keys():
            raise UnsafePath(f"unknown placeholder in permalink pattern {pattern!r}")
        template, _, names_file = made
        url = "/" + template.format_map(values).strip("/")
        return url if url == "/" or names_file else url + "/"

    def article(self, article: Article, slug: str = "") -> str:
        """The article's URL with its own slug, or with `slug` (assign's, when slugs collide)."""
        local = article.date.astimezone(self.tz)
        return self._fill(
            self.links.article,
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            slug=check_segment(self._bounded(article, slug or article.slug)),
        )

    def _bounded(self, article: Article, slug: str) -> str:
        """A made slug within `[permalinks] slug_max_bytes` (sitegen init writes it: a new site's
        article paths stay within a tar header's 100 bytes); an explicit slug as its editor wrote
        it."""
        limit = self.links.slug_max_bytes
        if not limit or article.explicit_slug or len(slug.encode("utf-8")) <= limit:
            return slug
        return made_segment(slug, slug, changed=True, max_bytes=limit)

    def category(self, path: CategoryPath) -> str:
        return self.named.categories[path]

    def category_at(self, segments: Sequence[str]) -> str:
        """The category page whose path is made of `segments`."""
        return self._fill(self.links.category, path="/".join(map(check_segment, segments)))

    def group(self, kind: str, name: str) -> str:
        """The page of a name of a kind of grouping (sitegen.kinds), as assign gave it."""
        return self.named.kinds[kind][name]

    def group_at(self, kind: Kind, segment: str) -> str:
        """The page of a name of `kind` at `segment` (assign chooses which segment a name gets):
        `[permalinks]`'s pattern named as one of the kind (`tag`), else /{kind}/{segment}/."""
        pattern = getattr(self.links, kind.one, f"/{kind.name}/{{{kind.one}}}/")
        return self._fill(pattern, **{kind.one: check_segment(segment)})

    def group_index(self, kind: Kind) -> str:
        """The index of a kind's names: `[permalinks]`'s pattern named as the kind (`tags`),
        else /{kind}/."""
        return self._fill(getattr(self.links, kind.name, f"/{kind.name}/"))

    def group_feed(self, kind: str, name: str) -> str:
        return self.group(kind, name) + "atom.xml"

    def categories(self) -> str:
        return self._fill(self.links.categories)

    def archives(self) -> str:
        return self._fill(self.links.archives)

    def year(self, year: int) -> str:
        return self._fill(self.links.year, year=f"{year:04d}")

    def month(self, year: int, month: int) -> str:
        return self._fill(self.links.month, year=f"{year:04d}", month=f"{month:02d}")

    def home(self) -> str:
        return "/"

    def search(self) -> str:
        return "/search/"

    def feed(self) -> str:
        """The whole site's Atom feed."""
        return "/atom.xml"

    def category_feed(self, path: CategoryPath) -> str:
        return self.category(path) + "atom.xml"

    def not_found(self) -> str:
        return "/404.html"

    def sitemap(self) -> str:
        """The sitemap index, which robots.txt names."""
        return "/sitemap.xml"

    def sitemap_part(self, n: int) -> str:
        return self._fill(self.links.sitemap_part, n=str(n))

    def robots(self) -> str:
        return "/robots.txt"

    def page(self, first: str, n: int) -> str:
        """Page n of a paginated list whose first page is `first` (Hexo: /page/2/, /categories/x/page/2/)."""
        if n == 1:
            return first
        return self._fill(first.strip("/") + "/" + self.links.page, n=str(n))

    def document_kind(self, kind: str) -> str:
        """The documents of one kind (通知, 意见…): a kind is never a document's name."""
        return f"/documents/kind/{check_segment(kind)}/"

    def document_year(self, year: int) -> str:
        return f"/documents/year/{year:04d}/"

    def href(self, url: str) -> str:
        """Site-relative URL → link target under base_url's path, as an IRI: Chinese is written as
        itself (3 bytes a character; percent-encoded, 9), which HTML allows and browsers encode
        when they follow the link; only ASCII that is not allowed in a URL is percent-encoded."""
        if url not in self._hrefs:
            path = self.base_path.rstrip("/") + url
            self._hrefs[url] = _ASCII.sub(lambda run: quote(run[0], _SAFE), path)
        return self._hrefs[url]

    def absolute(self, url: str) -> str:
        """The full URL, percent-encoded (URI, not IRI): feeds and sitemaps."""
        return self.config.origin + quote(self.href(url), _SAFE)

    def iri(self, url: str) -> str:
        """The full URL as the page's links write it (IRI: a Chinese character is 3 bytes, not 9):
        canonical links, which browsers and crawlers resolve to the same URI."""
        return self.config.origin + self.href(url)
