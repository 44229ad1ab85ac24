"""Source → Article: front matter read with Hexo's semantics, body cleaned by clean.py.

A pure function of the file's content and the config, so it can run in any process and be cached.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from sitegen import authorities
from sitegen.content.junk import junk
from sitegen.documents import citations
from sitegen.errors import ContentError
from sitegen.models import SKETCH_ALL, Article, CategoryPath, Sketching, Source
from sitegen.names import SEGMENT_MAX_BYTES, good_segment, made_segment

if TYPE_CHECKING:
    from sitegen.content.clean import CleanBody

EMPTY_BODY = "the body is empty once cleaned: the page shows only the title"
PAYWALLED = "the body is only the opening before a paywall: the page says so"
# What the page says instead, to its reader (bodies the cleaner cannot make whole)
EMPTY_NOTICE = "原文抓取到的正文为空，本页只有标题。"
PAYWALL_NOTICE = "原文为付费内容，本页只有付费墙之前的开头。"
_INVISIBLE = re.compile(r"^[\s\u200b-\u200f\u2060\ufeff]+|[\s\u200b-\u200f\u2060\ufeff]+$")
_SPACES = re.compile(r"\s+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
# The dates crawlers write: 2022年3月14日 16:58, 2022年3月14日, 2022/3/14, 2022.03.14 (in the
# site's time zone, as every date without an offset).
_WRITTEN_DATE = re.compile(
    r"^(\d{4})\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?)?$"
)
_SLUG_JUNK = re.compile(r"[^\w\-]+")
_IMAGE_KEYS = ("headimg", "thumbnail", "image", "cover", "banner")
_LINK_KEYS = ("link", "url", "source_url", "original_url", "origin_url", "canonical")
_WEB = re.compile(r"^https?://\S+$")
# What a browser ignores in a URL before reading its scheme: tabs and line breaks anywhere, control
# characters and spaces at either end (so `java\tscript:` and ` javascript:` are javascript:).
_URL_IGNORED = re.compile(r"[\t\n\r]+|^[\x00-\x20]+|[\x00-\x20]+$")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:")


def clean_text(value: object) -> str:
    """One-line metadata text: entities (Hexo's &#123;) decoded, whitespace and zero-width trimmed."""
    text = html.unescape(str(value)) if value is not None else ""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))


def parse_date(value: Any, tz: ZoneInfo) -> datetime:
    """Front-matter date → aware datetime; no offset means the site's time zone, as an editor means it."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz)
    if not isinstance(value, str) or not value.strip():
        raise ValueError
    text = value.strip()
    if written := _WRITTEN_DATE.match(text):
        year, month, day, hour, minute, second = (int(part or 0) for part in written.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    if text[:3].isalpha():
        parsed = parsedate_to_datetime(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    parsed = datetime.fromisoformat(text.replace("/", "-"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def names_time(value: Any) -> bool:
    """Whether a front-matter date says a time of day: `2022-03-14` (YAML reads a date) does not."""
    return isinstance(value, datetime) or (
        isinstance(value, str) and any(mark in value for mark in ":：时点")
    )


def category_paths(value: Any) -> tuple[CategoryPath, ...]:
    """Hexo: a flat list is one path, a list holding a list makes every item its own path."""

    def names(items: list) -> CategoryPath:
        return tuple(n for n in (clean_text(i) for i in items if i is not None) if n)

    if isinstance(value, str | int | float) and not isinstance(value, bool):
        paths: list[CategoryPath] = [names([value])]
    elif isinstance(value, list) and any(isinstance(i, list) for i in value):
        paths = [names(i if isinstance(i, list) else [i]) for i in value]
    elif isinstance(value, list):
        paths = [names(value)]
    else:
        paths = []
    return tuple(dict.fromkeys(p for p in paths if p))


def tag_names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    flat = [t for i in items for t in (i if isinstance(i, list) else [i]) if t is not None]
    return tuple(dict.fromkeys(n for n in map(clean_text, flat) if n))


def slugify(stem: str) -> str:
    """A file stem → one safe, readable path segment (Chinese kept), bounded in length
    (urls.made_segment: a short hash of the stem when it is cut or empty)."""
    text = unicodedata.normalize("NFKC", stem).lower()
    return made_segment(_SLUG_JUNK.sub("-", text), stem, changed=False)


def _explicit_slug(value: Any, source: Source) -> str:
    """A `slug:` as written, or an error at its line: an editor chose it, so it is not changed."""
    slug = clean_text(value)
    line = source.meta_lines.get("slug", source.body_line)
    if len(slug.encode("utf-8")) > SEGMENT_MAX_BYTES:
        raise ContentError(source.path, line, f"slug is too long (over {SEGMENT_MAX_BYTES} bytes)")
    if not good_segment(slug):
        raise ContentError(
            source.path,
            line,
            f'unsafe slug {value!r}: a slug is one URL segment, without / \\ < > : " | ? * # % '
            "or control characters and without a dot or space at either end",
        )
    return slug


def _date(source: Source, key: str, tz: ZoneInfo, required: bool) -> datetime | None:
    value = source.meta.get(key)
    line = source.meta_lines.get(key, 1)
    if value is None or value == "":
        if required:
            raise ContentError(source.path, line, "missing date: add `date: 2022-03-14 16:58:44`")
        return None
    try:
        return parse_date(value, tz)
    except (ValueError, TypeError, OverflowError):
        raise ContentError(
            source.path,
            line,
            f"cannot read {key} {str(value)!r}: use `2022-03-14 16:58:44`, ISO 8601 or RFC 1123",
        ) from None


def normalize(source: Source, tz: ZoneInfo, sketching: Sketching = SKETCH_ALL) -> Article:
    """Raises ContentError for what an editor must fix; everything else is cleaned quietly."""
    # Here, not at the top: `sitegen new` uses this module's small helpers without lxml or numpy.
    from sitegen.content.clean import clean_body, make_summary
    from sitegen.content.elements import is_promo_image
    from sitegen.stories import sketch

    meta = source.meta
    title = _ZERO_WIDTH.sub("", clean_text(meta.get("title")))
    if not title:
        line = source.meta_lines.get("title", 1)
        raise ContentError(source.path, line, "missing title: add `title: …` to the front matter")
    published = _date(source, "date", tz, required=True)
    assert published is not None
    updated = _date(source, "updated", tz, required=False)
    rel_path = PurePosixPath(source.rel_path)
    markdown = False if rel_path.suffix.lower() in (".html", ".htm") else None
    body = clean_body(source.body, markdown=markdown, title=title)
    problem = _problem(body)
    urls, unsafe = front_matter_urls(meta)
    head_images = (urls.get(k, "") for k in _IMAGE_KEYS)
    head_image = next((i for i in head_images if i and not is_promo_image(i)), "")
    image = head_image or body.first_image
    explicit = meta.get("slug") not in (None, "")
    slug = _explicit_slug(meta["slug"], source) if explicit else slugify(rel_path.stem)
    text = f"{title}\n{body.text}"
    cited = citations(text)
    return Article(
        id=source.rel_path,
        title=title,
        date=published,
        updated=updated,
        categories=category_paths(meta.get("categories", meta.get("category"))),
        tags=tag_names(meta.get("tags", meta.get("tag"))),
        author=clean_text(meta.get("author", "")),
        source=body.source or clean_text(meta.get("source", "")),
        editor=body.editor,
        original_title=body.original_title,
        image=image,
        body_html=body.html,
        summary=clean_text(meta.get("description", "")) or make_summary(body.lead),
        slug=slug,
        source_path=source.rel_path,
        draft=meta.get("draft") is True
        or meta.get("published") is False
        or rel_path.parts[0] == "_drafts",  # Hexo's drafts folder
        image_in_body=bool(image) and image == body.first_image,
        explicit_slug=explicit,
        digest=source.digest,
        warnings=source.warnings + unsafe + ((problem[0],) if problem else ()),
        notice=problem[1] if problem else "",
        has_time=names_time(meta.get("date")),
        sketch=sketch(title, body.text, sketching),
        documents=tuple(c.name for c in cited),
        citations=cited,
        authorities=authorities.named(text),
        link=original_link(urls),
        body_digest=hashlib.blake2b(source.body.encode("utf-8"), digest_size=10).hexdigest(),
        aliases=_aliases(source),
        junk=junk(title, body.text),
        hold=meta.get("hold") is not False,
        images=tuple(dict.fromkeys(i for i in (image, *body.images) if i)),
        text=body.text,
    )


def _aliases(source: Source) -> tuple[str, ...]:
    """`aliases:` as Hugo reads them: site paths (`/2022/03/old/`, percent-encoded or not) that
    answer with a redirect to the article; one that is not a safe path is an error at its line."""
    key = "aliases" if "aliases" in source.meta else "alias"
    found = []
    for alias in tag_names(source.meta.get(key)):
        url = unquote(alias)
        parts = url.strip("/").split("/")
        if not url.startswith("/") or url == "/" or not all(map(good_segment, parts)):
            line = source.meta_lines.get(key, 1)
            message = f"alias {alias!r} is not a path of this site such as /2022/03/old-name/"
            raise ContentError(source.path, line, message)
        found.append(url if "." in parts[-1] else f"/{'/'.join(parts)}/")
    return tuple(dict.fromkeys(found))


def _problem(body: CleanBody) -> tuple[str, str] | None:
    """A body the cleaner could not make whole: the build's warning and the page's notice."""
    if not (body.text or body.first_image):
        return EMPTY_BODY, EMPTY_NOTICE
    if body.paywall:
        return PAYWALLED, PAYWALL_NOTICE
    return None


def original_link(urls: dict[str, str]) -> str:
    """The first web address among the keys crawlers use for the original (Hexo's `link`…)."""
    links = (urls.get(key, "") for key in _LINK_KEYS)
    return next((link for link in links if _WEB.match(link)), "")


def is_safe_url(url: str) -> bool:
    """Whether a URL is http(s), protocol-relative or relative, as a browser reads it: any other
    scheme (javascript:, data:, vbscript:, file:…) must never reach an `href`, `src` or og:image."""
    scheme = _SCHEME.match(_URL_IGNORED.sub("", url))
    return scheme is None or scheme.group().lower() in ("http:", "https:")


def front_matter_urls(meta: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The front matter's URLs (images, the original's link), each checked as bodies' are: the safe
    ones by key, and a warning naming the key of each one left out."""
    urls: dict[str, str] = {}
    warnings: list[str] = []
    for key in (*_IMAGE_KEYS, *_LINK_KEYS):
        value = clean_text(meta.get(key))
        if not value:
            continue
        if is_safe_url(value) and is_safe_url(html.unescape(str(meta[key]))):  # as written too
            urls[key] = value
        else:
            warnings.append(
                f"{key}: {value[:80]!r} is not an http(s), protocol-relative or relative URL:"
                " left out"
            )
    return urls, tuple(warnings)
