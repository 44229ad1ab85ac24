"""The article pages: one per article, its data the article's place in the site (family "article")."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from sitegen.citations import citation
from sitegen.documents import label
from sitegen.images.place import placeholder
from sitegen.kinds import BY_NAME
from sitegen.models import Article, Page
from sitegen.pages import across
from sitegen.pages.shared import Views, display_date
from sitegen.site import Site
from sitegen.views import ArticleView, Link

# The theme's <meta name="referrer" content="same-origin"> (base.html) sends no Referer to another
# host from the whole page: the attribute each hot-linked picture of a body carries, for the feed
# readers that show it under their own policy, says it again on the page (about 60 B an article).
_NO_REFERRER = re.compile(r'(<img\b[^>]*?) referrerpolicy="no-referrer"')


def _page_body(body: str) -> str:
    """A body as its page shows it: its pictures without the page's own referrer policy."""
    return _NO_REFERRER.sub(r"\1", body) if "<img" in body else body


def _documents(views: Views, i: int) -> tuple[Link, ...]:
    """A link per document cited, to its record's page (a title and its number: one link)."""
    href, urls = views.urls.href, views.record_urls
    links: dict[str, Link] = {}
    for name in views.site.articles[i].documents:
        if name in urls:
            links.setdefault(urls[name], Link(label(name), href(urls[name])))
    return tuple(links.values())


def _updated(article: Article, tz: ZoneInfo) -> Link:
    """更新于, when the front matter's `updated` is later than the date."""
    if article.updated is None or article.updated <= article.date:
        return Link("", "")
    local = article.updated.astimezone(tz)
    return Link(display_date(local), local.isoformat())


def _whole(views: Views, members: tuple[int, ...]) -> tuple[Link, ...]:
    """Links to the articles one quotes whole, or that quote it whole, by their titles."""
    site, href = views.site, views.urls.href
    return tuple(Link(site.articles[j].title, href(site.urls[j])) for j in members)


def _key(views: Views, i: int) -> str:
    """What article i's page shows, digested: its own article's token, the tokens of the articles
    it lists (related, quoted, quoting) and the site's links it has (`showing` names which
    articles a key reads)."""
    site = views.site
    article, url, source = site.articles[i], site.urls[i], site.source_of[i]
    tags = [link.href for link in views.links_of("tags", article.tags)]  # may move
    related = [views.token(j) for j in site.related[i]]
    sourced: tuple[object, ...] = (views.page_of("sources", source), _documents(views, i))
    if authorities := views.links_of("authorities", article.authorities):  # none: key kept
        sourced = (*sourced, authorities)
    if views.site.quotes and (views.site.quotes[i] or views.site.quoted_in[i]):
        sourced = (*sourced, [views.token(j) for j in views.site.quotes[i]])
        sourced = (*sourced, [views.token(j) for j in views.site.quoted_in[i]])
    pictures = views.showing.key(article.images)
    return views.key(url, views.token(i), related, tags, sourced, pictures)


def article_page(views: Views, i: int, key: str = "") -> Page:
    """Article i's page: its data is i alone; the key digests everything the page shows
    (`key`: as made before, when nothing it reads changed)."""
    url = views.site.urls[i]
    return Page(
        url, "article", "article.html", key or _key(views, i), views.modified(i), "article", i
    )


def article_pages(views: Views, known: Sequence[str] = ()) -> Iterator[Page]:
    """Every article's page; `known`: each one's key as a plan of this site made it before ("":
    made again), for a site whose articles were edited in place (sitegen.inplace.swap)."""
    for i in range(len(views.site.articles)):
        yield article_page(views, i, known[i] if known else "")


def showing(site: Site, edited: Collection[int]) -> set[int]:
    """The articles whose page's key reads an article edited in place (`edited`, by index): the
    edited ones and their stories' copies (a copy's token holds its story's names, and an
    article without a category or a source is named by its title), and every article whose
    page lists one of those as related, quoted or quoting (`_key`). Every other article page's
    key is as it was."""
    tokens = set(edited)
    tokens.update(j for i in edited for j in site.copies[i])
    pages = set(tokens)
    pages.update(j for j, listed in enumerate(site.related) if not tokens.isdisjoint(listed))
    if site.quotes:  # whom i quotes lists i among those quoting it, and the other way round
        pages.update(j for i in tokens for j in (*site.quotes[i], *site.quoted_in[i]))
    return pages


def context(url: str, i: int, views: Views) -> dict[str, Any]:
    """Article i's template data: its view (the body asked for now) and its related articles.
    No previous and next by date: in an archive of many feeds they are another feed's story, 540
    bytes a page, and each new article would change the page before it."""
    site, config, urls = views.site, views.config, views.urls
    article, source = site.articles[i], site.source_of[i]
    local = article.date.astimezone(config.tz)
    card = views.card(i)
    # The source's page: none when source pages are off; no link where it is a level of the
    # article's trail (a source in one category lists there): the trail links it, ~33 B a page.
    source_url = views.page_of("sources", source)
    source_href = source_url and urls.href(source_url)
    if any(link.href == source_href for trail in card.trails for link in trail):
        source_href = ""
    image = views.showing.show("" if article.image_in_body else article.image)
    view = ArticleView(
        card=card,
        original_title=article.original_title,
        author=article.author,
        editor=article.editor,
        tags=views.links_of("tags", article.tags),
        tags_href=urls.href(urls.group_index(BY_NAME["tags"])),
        body=Markup(_page_body(views.showing.place(views.body_of(article)))),
        image=image.src,
        source=Link(source, source_href),
        documents=_documents(views, i),
        citation=citation(article, source=source, tz_date=f"{local:%Y-%m-%d}"),
        notice=article.notice,
        original_link=article.link,
        updated=_updated(article, config.tz),
        authorities=views.links_of("authorities", article.authorities),
        quotes=_whole(views, site.quotes[i]) if site.quotes else (),
        quoted_in=_whole(views, site.quoted_in[i]) if site.quoted_in else (),
        image_width=image.width,
        image_height=image.height,
        image_lost=Markup(placeholder(image, "")) if image.lost else Markup(),
    )
    return {
        "head": views.head(article.title, url, None, views.og_image(i)),
        "article": view,
        "related": tuple(views.card(j) for j in site.related[i]),
        "links": across.said(views, url) if config.parts else None,
    }
