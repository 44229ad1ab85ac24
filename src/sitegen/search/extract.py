"""An article → what the index holds of it: read from the Article and the Site, not from its page.

The page is the theme's; the index is of the article (title, 原标题 and the text normalizing made
with its body, its date, source and categories), so a theme cannot drop text from search by
changing its markup, and a warm build indexes without parsing any HTML: only the texts of changed
articles are read at all. Its source is the one its source page has (one rule, sitegen.site).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sitegen.code import ARTICLES, digest
from sitegen.models import Article
from sitegen.search.doc import Doc


def text_of(article: Article, text: str) -> str:
    """What search finds an article by, besides its title: 原标题 and the text of its body (as
    normalizing made it, with the body: sitegen.models.Body)."""
    return f"{article.original_title}\n{text}".strip()


def category_paths(article: Article) -> tuple[str, ...]:
    """Every level of every trail as one string ("金融 › 新浪财经"), as the category filter has them."""
    return tuple(
        dict.fromkeys(
            " › ".join(path[:depth])
            for path in article.categories
            for depth in range(1, len(path) + 1)
        )
    )


def doc_of(article: Article, url: str, source: str, tz: ZoneInfo) -> Doc:
    """The index's record of an article at `url`, named by `source` as the site names it (its
    source page's name, sitegen.site.source_name); its text is asked for separately (text_of)."""
    local = article.date.astimezone(tz)
    return Doc(
        url=url,
        title=article.title,
        date=article.date,
        day=f"{local:%Y-%m-%d}",
        year=local.year,
        source=source,
        categories=category_paths(article),
        text_key=f"{article.digest}:{digest(ARTICLES)}",
    )
