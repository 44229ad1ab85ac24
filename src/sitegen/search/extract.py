"""An article → what the index holds of it: read from the Article itself, not from its page.

The page is the theme's; the index is of the article (title, 原标题 and body, its date, source
and categories), so a theme cannot drop text from search by changing its markup, and a warm
build indexes without parsing any HTML: only the bodies of changed articles are read at all.
"""

from __future__ import annotations

import html
import re
from zoneinfo import ZoneInfo

from sitegen.code import ARTICLES, digest
from sitegen.models import Article
from sitegen.search.doc import Doc

_BLOCK = (
    "address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|h[1-6]|header|hr|li|"
    "main|ol|p|pre|section|table|td|th|tr|ul"
)
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK})\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANK = re.compile(r"\s*\n\s*")


def body_text(body_html: str) -> str:
    """The words of a clean (sanitized) body, each block on its own line, so that no phrase
    runs from one paragraph into the next."""
    text = _TAG.sub("", _BLOCK_TAG.sub("\n", _HIDDEN.sub("", body_html)))
    return _BLANK.sub("\n", html.unescape(text)).strip()


def text_of(article: Article, body_html: str) -> str:
    """What search finds an article by, besides its title: 原标题 and the body."""
    return f"{article.original_title}\n{body_text(body_html)}".strip()


def category_paths(article: Article) -> tuple[str, ...]:
    """Every level of every trail as one string ("金融 › 新浪财经"), as the category filter has them."""
    return tuple(
        dict.fromkeys(
            " › ".join(path[:depth])
            for path in article.categories
            for depth in range(1, len(path) + 1)
        )
    )


def doc_of(article: Article, url: str, tz: ZoneInfo) -> Doc:
    """The index's record of an article at `url`; its text is asked for separately (text_of)."""
    local = article.date.astimezone(tz)
    trail = article.categories[0] if article.categories else ()
    feed = trail[1] if len(trail) > 1 else trail[0] if trail else ""
    return Doc(
        url=url,
        title=article.title,
        date=article.date,
        day=f"{local:%Y-%m-%d}",
        year=local.year,
        source=article.source or feed,
        categories=category_paths(article),
        text_key=f"{article.digest}:{digest(ARTICLES)}",
    )
