"""An article → what the index holds of it: read from the Article and the Site, not from its page.

The page is the theme's; the index is of the article (title, 原标题 and the text normalizing made
with its body, its date, source and categories), so a theme cannot drop text from search by
changing its markup, and a warm build indexes without parsing any HTML: only the texts of changed
articles are read at all. Its source and its categories are those its source page and its category
lists have (one rule each: sitegen.kinds.source_name, sitegen.site.levels).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sitegen.code import ARTICLES, digest
from sitegen.models import Article
from sitegen.search.doc import Doc
from sitegen.site import levels


def text_of(article: Article, text: str) -> str:
    """What search finds an article by, besides its title: 原标题 and the text of its body (as
    normalizing made it, with the body: sitegen.models.Body)."""
    return f"{article.original_title}\n{text}".strip()


def category_paths(article: Article) -> tuple[str, ...]:
    """The category nodes the site files the article in (sitegen.site.levels), each as one
    string ("金融 › 新浪财经"), as the category filter has them."""
    return tuple(" › ".join(path) for path in levels(article))


def doc_of(article: Article, url: str, source: str, tz: ZoneInfo) -> Doc:
    """The index's record of an article at `url`, named by `source` as the site names it (its
    source page's name, sitegen.kinds.source_name); its text is asked for separately (text_of)."""
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
