"""The one place that decides every URL and every output path.

Internally a page's URL is site-relative (`/2022/03/slug/`); `href` adds base_url's path and
percent-encodes it, `absolute` adds the scheme and host. Output paths come from the same URL, so a
link and the file it points at cannot disagree.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from sitegen.models import Article, CategoryPath

if TYPE_CHECKING:  # config.py checks its slugs with good_segment
    from sitegen.config import SiteConfig

SEARCH_FOLDER = "search-index"  # the search index (sitegen.search.format), beside the pages
_SAFE = "/#?=&%-._~"
_ASCII = re.compile(r"[\x00-\x7f]+")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\/]")
# What a tag name may not keep in its URL segment: what is unsafe, reserved in a URL, or a space.
_TAG_JUNK = re.compile(r"[\x00-\x20\x7f\\/?#%&=+:;,.'\"<>|*\[\]{}^`]+")
# Beyond what is unsafe: `?`, `#` and `%` would read as a query, a fragment or an escape in a link;
# `<>:"|*` are reserved on Windows, where someone may clone the published branch.
_AMBIGUOUS = re.compile(r'[<>:"|?*#%]')
_NOT_IN_SEGMENT = re.compile(r'[\x00-\x1f\x7f\\/<>:"|?*#%]+')
_DASHES = re.compile(r"[-_]{2,}")
_MADE = re.compile(r"-[0-9a-f]{6}(?:[0-9a-f]{26})?$")  # how a made segment ends (made_segment)
SEGMENT_MAX_CHARS = 60  # of a segment made from a name; a short hash follows when it is cut
SEGMENT_MAX_BYTES = 250  # file systems allow 255 bytes a name
SHORT_DIGITS, WIDE_DIGITS = 6, 32  # a made segment's hash; widened where two short ones meet
# What editors and tools leave beside the files they save (Vim's 4913 probes a folder's access).
_LEFTOVERS = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part", "___jb_tmp___")


def ignored(name: str) -> bool:
    """Dot-files, editor backups and swap files: an editor's save writes them, nobody reads them.
    Neither loaded as content nor watched by the dev server."""
    return name.startswith((".", "#")) or name.endswith(_LEFTOVERS) or name == "4913"


def unsafe_segment(segment: str) -> bool:
    """Whether one name of a path could leave its folder or mean something else to a file system or
    a server: empty, `.` or `..`, a slash or backslash, a control character. The one such test."""
    return segment in ("", ".", "..") or _UNSAFE.search(segment) is not None


def short_hash(text: str, digits: int = SHORT_DIGITS) -> str:
    """Hex digits that tell apart slugs cut short or colliding, stable for the same text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:digits]


def good_segment(segment: str) -> bool:
    """Whether a URL segment means the same in a link, to any web server and on any file system:
    safe (unsafe_segment), none of `?#%` nor Windows' reserved `<>:"|*`, no dot or space at
    either end (a hidden file; Windows drops them), at most SEGMENT_MAX_BYTES."""
    return (
        not unsafe_segment(segment)
        and _AMBIGUOUS.search(segment) is None
        and segment.strip(". ") == segment
        and len(segment.encode("utf-8")) <= SEGMENT_MAX_BYTES
    )


def made_segment(text: str, name: str, *, changed: bool, digits: int = SHORT_DIGITS) -> str:
    """`text`, made from `name` and holding nothing a segment may not, bounded: cut to
    SEGMENT_MAX_CHARS, with a hash of `name` (`digits` long) when it was cut, is empty or
    `changed` from it, so that two names never make one segment and the same name always makes
    the same."""
    text = _DASHES.sub("-", text).strip("-_. ")
    if not text:
        return short_hash(name, digits)
    if changed or len(text) > SEGMENT_MAX_CHARS:
        return f"{text[:SEGMENT_MAX_CHARS].rstrip('-_. ')}-{short_hash(name, digits)}"
    return text


def name_segment(name: str, digits: int = SHORT_DIGITS) -> str:
    """The one rule for a name's URL segment (a category, a document, a source), as Hexo and Hugo
    slugify: the name itself when it is a good segment of at most SEGMENT_MAX_CHARS characters
    (readable Chinese stays readable; inner spaces stay, written %20 in links), else the name
    with what a segment may not hold made `-`, cut, and a hash of it (`新闻/国内` →
    `新闻-国内-955053`). A name ending as a made segment does (`-` and hex digits) is made too,
    so no name is kept as another's. `digits` > SHORT_DIGITS: always made (name_segments)."""
    if (
        digits == SHORT_DIGITS
        and good_segment(name)
        and len(name) <= SEGMENT_MAX_CHARS
        and _MADE.search(name) is None
    ):
        return name
    return made_segment(_NOT_IN_SEGMENT.sub("-", name), name, changed=True, digits=digits)


def name_segments(names: Iterable[str]) -> dict[str, str]:
    """name_segment for names that share a folder, distinct even on a file system that ignores
    case (a clone on macOS or Windows): names whose segments meet, in any case (`Policy` and
    `policy`, or two short hashes alike), each get a hash WIDE_DIGITS long, whatever the order
    they come in."""
    names = sorted(set(names))
    segments = {name: name_segment(name) for name in names}
    owners = Counter(segment.casefold() for segment in segments.values())
    return {
        name: name_segment(name, WIDE_DIGITS) if owners[segment.casefold()] > 1 else segment
        for name, segment in segments.items()
    }


def category_segments(paths: Iterable[CategoryPath]) -> dict[CategoryPath, str]:
    """Each category's own segment (name_segments among its siblings), by its path."""
    siblings: dict[CategoryPath, list[str]] = defaultdict(list)
    for path in paths:
        siblings[path[:-1]].append(path[-1])
    return {
        (*parent, name): segment
        for parent, names in siblings.items()
        for name, segment in name_segments(names).items()
    }


class UnsafePath(ValueError):
    """A URL segment that could escape the output folder."""


def check_segment(segment: str) -> str:
    """The segment, or UnsafePath: every segment reaching a URL is good (normalize refuses an
    explicit slug that is not, names are made good), so this guards against a bug, not a user."""
    if not good_segment(segment):
        raise UnsafePath(f"unsafe path segment {segment!r}")
    return segment


@cache
def _names_file(pattern: str) -> bool:
    return "." in re.sub(r"\{\w+\}", "", pattern.rstrip("/").rsplit("/", 1)[-1])


class Urls:
    def __init__(self, config: SiteConfig, categories: Iterable[CategoryPath] = ()) -> None:
        """`categories`: every category path of the site, so that siblings' segments are told
        apart (category_segments); a path not given gets its name's own segment."""
        self.config = config
        self.links = config.permalinks
        self.base_path = config.base_path
        self._segments = category_segments(categories)
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

    def article(self, article: Article) -> str:
        local = article.date.astimezone(self.config.tz)
        return self._fill(
            self.links.article,
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            slug=check_segment(article.slug),
        )

    def category_segment(self, path: CategoryPath) -> str:
        """A category's own URL segment: what `[category_slugs]` maps its name to, or its name
        made a segment among its siblings (category_segments). Every name has one: a name is
        never an error."""
        name = path[-1]
        return (
            self.config.category_slugs.get(name) or self._segments.get(path) or name_segment(name)
        )

    def category(self, path: CategoryPath) -> str:
        """Memoized: thousands of articles share a handful of category paths."""
        if path not in self._categories:
            joined = "/".join(
                self.category_segment(path[: depth + 1]) for depth in range(len(path))
            )
            self._categories[path] = self._fill(self.links.category, path=joined)
        return self._categories[path]

    def tag(self, name: str, hashed: bool = False) -> str:
        """A tag's page. Its segment is the name, lower-cased (two names differing only in case
        would be one folder on macOS or Windows) with what a URL reserves made `-`; `hashed` adds
        a short hash of the name, which site.py asks for when two names would share a segment
        (made_segment, which also bounds its length)."""
        segment = made_segment(_TAG_JUNK.sub("-", name.lower()), name, changed=hashed)
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
        """The index of cited documents; each has its page below it (name_segments)."""
        return "/documents/"

    def document(self, segment: str) -> str:
        return f"/documents/{check_segment(segment)}/"

    def document_kind(self, kind: str) -> str:
        """The documents of one kind (通知, 意见…): a kind is never a document's name."""
        return f"/documents/kind/{check_segment(kind)}/"

    def document_year(self, year: int) -> str:
        return f"/documents/year/{year:04d}/"

    def authorities(self) -> str:
        """The index of issuing bodies; each has its page below it (name_segments)."""
        return "/authorities/"

    def authority(self, segment: str) -> str:
        return f"/authorities/{check_segment(segment)}/"

    def sources(self) -> str:
        return "/sources/"

    def source(self, segment: str) -> str:
        return f"/sources/{check_segment(segment)}/"

    def source_feed(self, segment: str) -> str:
        return self.source(segment) + "atom.xml"

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


@cache
def output_file(url: str) -> str:
    """Site-relative URL → file path inside the output; refuses anything that could leave it.
    Memoized: a build asks it four times of every page."""
    parts = [p for p in url.split("/") if p]
    if "\\" in url or any(unsafe_segment(part) for part in parts):
        raise UnsafePath(f"path {url!r} leaves the output folder")
    if url.endswith("/") or not parts:
        parts.append("index.html")
    return "/".join(parts)
