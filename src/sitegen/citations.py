"""An article's citation data: schema.org JSON-LD and Highwire `citation_*` tags.

Reference managers (Zotero's embedded-metadata and JSON-LD translators) read them. The tags go on
every article page, holding only what a citation needs; the JSON-LD only on a page whose article
names its original (isBasedOn), the one thing the tags cannot say: elsewhere it repeated them (460
bytes a page). The GB/T 7714 entry readers copy (引用) is written in the page by cite.js from the
tags, the canonical link and the 原文链接: in the page it said them again (260 bytes a page).
"""

from __future__ import annotations

import json

from markupsafe import Markup

from sitegen.models import Article
from sitegen.views import Citation


def json_ld(data: dict[str, object]) -> Markup:
    """Compact JSON safe inside <script>: no `</` can close the element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("</", "<\\/"))


def _schema(article: Article, source: str) -> dict[str, object]:
    """schema.org NewsArticle. dateModified only when the article was updated."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat(),
    }
    if article.updated:
        data["dateModified"] = article.updated.isoformat()
    if article.author:
        kind = "Organization" if article.author == source else "Person"
        data["author"] = {"@type": kind, "name": article.author}
    data["publisher"] = {"@type": "Organization", "name": source}
    if article.image:
        data["image"] = article.image
    if article.categories:
        data["articleSection"] = " › ".join(article.categories[0])
    data["isBasedOn"] = article.link
    return data


def citation(article: Article, *, source: str, tz_date: str) -> Citation:
    """`source`: who published the article (its 来源 or feed); `tz_date`: the publication day in
    the site's time zone (YYYY-MM-DD)."""
    meta = (
        ("citation_title", article.title),
        *((("citation_author", article.author),) if article.author else ()),
        ("citation_date", tz_date.replace("-", "/")),
        # the publisher only where it is not the author (a feed that signs its own articles):
        # the same name twice says nothing more, ~50 B on most article pages
        *((("citation_publisher", source),) if source != article.author else ()),
    )  # no citation_public_url: Zotero takes the page's canonical link, which says the same
    schema = json_ld(_schema(article, source)) if article.link else Markup("")
    return Citation(schema, meta)
