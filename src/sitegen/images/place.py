"""Render time: every picture of a page as the manifest and the publishing choice say. Pure.

A body is cleaned once and cached (normalizing knows nothing of the manifest), so its <img>
tags are placed when its page is rendered: each kept picture gets its pixel size (no layout
shift) and, when the site publishes its own, the thumbnail's or the copy's address, the original
URL kept beside it in `data-original`; a picture the manifest says is lost becomes a small
placeholder that says so (a figure's caption stays). With no manifest a body is left as it was.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sitegen.images.manifest import GONE, NOT_IMAGE, REFUSED, Picture

# The one form the cleaner gives an <img> (clean.py: src, alt, width, height, then these two).
_IMG = re.compile(
    r'<img src="([^"]*)" alt="([^"]*)"(?: width="(\d+)")?(?: height="(\d+)")?'
    r' loading="lazy" referrerpolicy="no-referrer">'
)
LOST = {
    GONE: "图片已失效",
    REFUSED: "图片未能存档：原站拒绝引用",
    NOT_IMAGE: "图片未能存档：原链接不是图片",
}


@dataclass(frozen=True)
class Shown:
    """One picture as a page shows it: where from and at what size (0: unknown), or `lost`,
    the placeholder's words."""

    src: str
    width: int = 0
    height: int = 0
    original: str = ""  # the picture's own URL, when `src` is a copy of it
    lost: str = ""


@dataclass(frozen=True)
class Showing:
    """The manifest's pictures and the site's choice: "link" (the originals), "thumbnails"
    (those in `thumbs`, under `thumbs_href`), "copies" (under `copies_url`)."""

    pictures: Mapping[str, Picture] = field(default_factory=dict)
    publish: str = "link"
    thumbs: frozenset[str] = frozenset()
    thumbs_href: str = ""
    copies_url: str = ""
    thumb_width: int = 320

    def show(self, url: str) -> Shown:
        picture = self.pictures.get(url)
        if picture is None:
            return Shown(url)
        if picture.status in LOST:
            return Shown(url, original=url, lost=LOST[picture.status])
        if not picture.kept:
            return Shown(url)
        if self.publish == "thumbnails" and picture.hash in self.thumbs:
            size = thumb_size(picture.width, picture.height, self.thumb_width)
            return Shown(f"{self.thumbs_href}{picture.hash}.webp", *size, original=url)
        if self.publish == "copies":
            src = self.copies_url + picture.stored_as
            return Shown(src, picture.width, picture.height, original=url)
        return Shown(url, picture.width, picture.height)

    def thumbnail(self, url: str) -> Shown | None:
        """A published thumbnail of the picture, for cards and og:image; None when none is."""
        if self.publish != "thumbnails" or not url:
            return None
        shown = self.show(url)
        return shown if shown.original and not shown.lost else None

    def key(self, urls: tuple[str, ...]) -> tuple[Shown, ...]:
        """What a page's key needs of its pictures: how each is shown."""
        return tuple(self.show(url) for url in urls) if self.pictures else ()

    def place(self, body: str) -> str:
        """The body with each of its pictures placed (see the module's docstring)."""
        if not self.pictures or "<img " not in body:
            return body
        return _IMG.sub(self._img, body)

    def _img(self, match: re.Match[str]) -> str:
        src, alt, width, height = match.groups()
        shown = self.show(html.unescape(src))
        if shown.lost:
            return placeholder(shown, html.unescape(alt))
        if shown.src == shown.original or not shown.original:
            return _tag(src, alt, _size(shown, width, height), "")
        extra = f' data-original="{src}"'
        return _tag(html.escape(shown.src), alt, (shown.width, shown.height), extra)


# Inline, so that a site without lost pictures keeps its stylesheet byte for byte; the colours
# are the theme's, light and dark.
LOST_STYLE = (
    "display:inline-block;padding:.4em .8em;border:1px dashed var(--border-strong);"
    "border-radius:3px;color:var(--muted);font-size:.8125rem;text-indent:0"
)


def thumb_size(width: int, height: int, limit: int) -> tuple[int, int]:
    """A thumbnail's pixel size: at most `limit` wide, the picture's shape kept; the page gives
    it before the thumbnail exists."""
    if width <= limit or not height:
        return width, height
    return limit, max(1, round(height * limit / width))


def placeholder(shown: Shown, alt: str) -> str:
    """A small box that says the picture is lost (with its alt text), for the record its URL."""
    words = html.escape(f"{shown.lost}：{alt}" if alt else shown.lost)
    original = html.escape(shown.original)
    return f'<span class="img-lost" style="{LOST_STYLE}" data-original="{original}">{words}</span>'


def _size(shown: Shown, width: str | None, height: str | None) -> tuple[int, int]:
    """The source's own size where it gave one (the other side from the picture's shape), else
    the picture's pixels; 0 where unknown."""
    wide, high = int(width or 0), int(height or 0)
    if not (wide or high):
        return shown.width, shown.height
    if shown.width and shown.height and not (wide and high):
        if wide:
            return wide, max(1, round(wide * shown.height / shown.width))
        return max(1, round(high * shown.width / shown.height)), high
    return wide, high


def _tag(src: str, alt: str, size: tuple[int, int], extra: str) -> str:
    width, height = size
    sized = (f' width="{width}"' if width else "") + (f' height="{height}"' if height else "")
    policy = "" if extra else ' referrerpolicy="no-referrer"'  # our own copies check no Referer
    return f'<img src="{src}" alt="{alt}"{sized} loading="lazy"{policy}{extra}>'
