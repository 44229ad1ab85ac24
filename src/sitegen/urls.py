"""The one place that decides every URL: `assign` gives each named thing of a build its URL
(articles, categories, tags, documents, sources), resolving every collision here and nowhere else;
the `Urls` it returns, one per build, fills the permalink patterns and writes links.

Internally a page's URL is site-relative (`/2022/03/slug/`); `href` adds base_url's path and
percent-encodes it, `absolute` adds the scheme and host. Output paths come from the same URL
(names.output_file), so a link and the file it points at cannot disagree.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

from sitegen.config import SiteConfig
from sitegen.errors import ContentError
from sitegen.models import Article, CategoryPath
from sitegen.names import UnsafePath, check_segment, name_segments, short_hash, tag_segment

_SAFE = "/#?=&%-._~"
_ASCII = re.compile(r"[\x00-\x7f]+")


@dataclass(frozen=True)
class Named:
    """What `assign` gave the names of a build: each category's own segment (by path), each tag's
    URL, each document's and source's segment."""

    categories: Mapping[CategoryPath, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    documents: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)


@cache
def _names_file(pattern: str) -> bool:
    return "." in re.sub(r"\{\w+\}", "", pattern.rstrip("/").rsplit("/", 1)[-1])


class Urls:
    """The URLs of one build: the patterns filled, with the segments `assign` gave every name."""

    def __init__(self, config: SiteConfig, named: Named | None = None) -> None:
        self.config = config
        self.links = config.permalinks
        self.base_path = config.base_path
        self.named = named or Named()
        self._categories: dict[CategoryPath, str] = {}
        self._hrefs: dict[str, str] = {}

    def _fill(self, pattern: str, **values: str) -> str:
        """Fill a pattern; it names a file (`{slug}.html`) when its own last segment has a dot."""
        names_file = _names_file(pattern)
        for key, value in values.items():
            pattern = pattern.replace("{" + key + "}", value)
        if "{" in pattern:
            raise UnsafePath(f"unknown placeholder in permalink pattern {pattern!r}")
        url = "/" + pattern.strip("/")
        return url if url == "/" or names_file else url + "/"

    def article(self, article: Article, slug: str = "") -> str:
        """The article's URL with its own slug, or with `slug` (assign's, when slugs collide)."""
        local = article.date.astimezone(self.config.tz)
        return self._fill(
            self.links.article,
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            slug=check_segment(slug or article.slug),
        )

    def category(self, path: CategoryPath) -> str:
        """Memoized: thousands of articles share a handful of category paths."""
        if path not in self._categories:
            segments = self.named.categories
            joined = "/".join(segments[path[: depth + 1]] for depth in range(len(path)))
            self._categories[path] = self._fill(self.links.category, path=joined)
        return self._categories[path]

    def tag(self, name: str) -> str:
        return self.named.tags[name]

    def tag_at(self, segment: str) -> str:
        """The tag page at `segment` (assign chooses which segment a name gets)."""
        return self._fill(self.links.tag, tag=check_segment(segment))

    def tags(self) -> str:
        return self._fill(self.links.tags)

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
        return f"/sitemap-{n}.xml"

    def robots(self) -> str:
        return "/robots.txt"

    def page(self, first: str, n: int) -> str:
        """Page n of a paginated list whose first page is `first` (Hexo: /page/2/, /categories/x/page/2/)."""
        if n == 1:
            return first
        return self._fill(first.strip("/") + "/" + self.links.page, n=str(n))

    def documents(self) -> str:
        """The index of cited documents; each has its page below it."""
        return "/documents/"

    def document(self, name: str) -> str:
        return f"/documents/{check_segment(self.named.documents[name])}/"

    def sources(self) -> str:
        return "/sources/"

    def source(self, name: str) -> str:
        return f"/sources/{check_segment(self.named.sources[name])}/"

    def source_feed(self, name: str) -> str:
        return self.source(name) + "atom.xml"

    def href(self, url: str) -> str:
        """Site-relative URL → link target under base_url's path, as an IRI: Chinese is written as
        itself (3 bytes a character; percent-encoded, 9), which HTML allows and browsers encode
        when they follow the link; only ASCII that is not allowed in a URL is percent-encoded."""
        if url not in self._hrefs:
            path = self.base_path.rstrip("/") + url
            self._hrefs[url] = _ASCII.sub(lambda run: quote(run[0], _SAFE), path)
        return self._hrefs[url]

    def absolute(self, url: str) -> str:
        """The full URL, percent-encoded (URI, not IRI): feeds, sitemaps and canonical links."""
        return self.config.origin + quote(self.href(url), _SAFE)


@dataclass(frozen=True)
class Assigned:
    """The articles that have a URL (`kept`: their indexes in the list given, in its order) and
    their URLs; the build's `Urls`; and the articles left out, each as the error saying why."""

    kept: tuple[int, ...]
    urls: tuple[str, ...]
    links: Urls
    left_out: tuple[ContentError, ...]


def assign(config: SiteConfig, articles: Sequence[Article], sources: Sequence[str]) -> Assigned:
    """Every URL of a build, each collision resolved here. `articles` in the site's order (the
    first of two on one URL keeps it), `sources`: each one's source name."""
    scheme = Urls(config)
    kept, article_urls, left_out = _article_urls(articles, scheme)
    chosen = [articles[i] for i in kept]
    named = Named(
        categories=_category_segments(
            {
                path[:depth]
                for a in chosen
                for path in a.categories
                for depth in range(1, len(path) + 1)
            },
            config.category_slugs,
        ),
        tags=_tag_urls({name for a in chosen for name in a.tags}, scheme),
        documents=name_segments(name for a in chosen for name in a.documents),
        sources=name_segments(sources[i] for i in kept),
    )
    return Assigned(kept, article_urls, Urls(config, named), left_out)


def _article_urls(
    articles: Sequence[Article], urls: Urls
) -> tuple[tuple[int, ...], tuple[str, ...], tuple[ContentError, ...]]:
    """Derived slugs that collide get a hash of their file's path; an article on a URL that an
    earlier one has, because both slugs are explicit, is left out with an error naming both."""
    first = [urls.article(a) for a in articles]
    counts = Counter(first)
    owner: dict[str, int] = {}
    errors = []
    for i, (article, url) in enumerate(zip(articles, first, strict=True)):
        if counts[url] > 1 and not article.explicit_slug:
            url = urls.article(article, f"{article.slug}-{short_hash(article.id)}")
        if url in owner:
            other = articles[owner[url]].source_path
            message = f"same URL {url} as {other}: give one a different slug"
            errors.append(ContentError(Path(article.source_path), 1, message))
        else:
            owner[url] = i
    return tuple(owner.values()), tuple(owner), tuple(errors)


def _category_segments(
    paths: Iterable[CategoryPath], slugs: Mapping[str, str]
) -> dict[CategoryPath, str]:
    """Each category's own segment: what `[category_slugs]` maps its name to, else its name made
    a segment among its siblings (names.name_segments). Every name has one: never an error."""
    siblings: dict[CategoryPath, list[str]] = defaultdict(list)
    for path in paths:
        siblings[path[:-1]].append(path[-1])
    return {
        (*parent, name): slugs.get(name) or segment
        for parent, names in siblings.items()
        for name, segment in name_segments(names).items()
    }


def _tag_urls(names: Iterable[str], urls: Urls) -> dict[str, str]:
    """Names that would share a URL (`AI` and `ai`, `C/C++` and `C-C++`) each get a short hash of
    the name, so distinct names never share a page."""
    plain = {name: urls.tag_at(tag_segment(name)) for name in names}
    shared = Counter(plain.values())
    return {
        name: urls.tag_at(tag_segment(name, hashed=True)) if shared[url] > 1 else url
        for name, url in plain.items()
    }
