"""Names of files and URL segments: what is ignored, what is safe, how a name becomes a segment.

A leaf: it imports nothing of sitegen, so load, config, output, serve and urls can all use it.
Which segment a named thing finally gets (collisions, the record of URLs given) is decided once,
in sitegen.urls.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

SEARCH_FOLDER = "search-index"  # the search index (sitegen.search.format), beside the pages
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


class UnsafePath(ValueError):
    """A URL segment that could escape the output folder."""


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


def check_segment(segment: str) -> str:
    """The segment, or UnsafePath: every segment reaching a URL is good (normalize refuses an
    explicit slug that is not, names are made good), so this guards against a bug, not a user."""
    if not good_segment(segment):
        raise UnsafePath(f"unsafe path segment {segment!r}")
    return segment


def made_segment(
    text: str, name: str, *, changed: bool, digits: int = SHORT_DIGITS, max_bytes: int = 0
) -> str:
    """`text`, made from `name` and holding nothing a segment may not, bounded: cut to
    SEGMENT_MAX_CHARS (and, given `max_bytes`, to that many bytes with its hash), with a hash of
    `name` (`digits` long) when it was cut, is empty or `changed` from it, so that two names never
    make one segment and the same name always makes the same."""
    text = _DASHES.sub("-", text).strip("-_. ")
    if not text:
        return short_hash(name, digits)
    if changed or len(text) > SEGMENT_MAX_CHARS:
        cut = text[:SEGMENT_MAX_CHARS]
        if max_bytes:
            cut = cut.encode("utf-8")[: max_bytes - 1 - digits].decode("utf-8", "ignore")
        return f"{cut.rstrip('-_. ')}-{short_hash(name, digits)}"
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


def tag_segment(name: str, *, hashed: bool = False) -> str:
    """A tag's segment: the name lower-cased (two names differing only in case would be one folder
    on macOS or Windows) with what a URL reserves made `-`; `hashed` adds a short hash of the
    name, for names that would share a segment (made_segment, which also bounds its length)."""
    return made_segment(_TAG_JUNK.sub("-", name.lower()), name, changed=hashed)


def tag_segments(names: Iterable[str]) -> dict[str, str]:
    """tag_segment for names given together: names that would share a segment (`AI` and `ai`,
    `C/C++` and `C-C++`) each get a short hash of the name, so distinct names never share a page."""
    plain = {name: tag_segment(name) for name in names}
    shared = Counter(plain.values())
    return {n: tag_segment(n, hashed=True) if shared[s] > 1 else s for n, s in plain.items()}


def tag_forms(name: str) -> list[str]:
    """Every segment a tag may have had, plain first (a URL the record gives it is kept)."""
    return [tag_segment(name), tag_segment(name, hashed=True)]


def name_forms(name: str) -> list[str]:
    """Every segment a name may have had, plain first (a URL the record gives it is kept)."""
    return [name_segment(name), name_segment(name, WIDE_DIGITS)]


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
