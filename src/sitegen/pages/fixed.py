"""The pages whose data is all known when planned: 404 and search, redirects and withdrawal
notices."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sitegen.models import Page
from sitegen.pages.shared import Views, ready


def not_found_page(views: Views) -> Page:
    url = views.urls.not_found()
    head = replace(views.head("页面未找到", url), noindex=True)
    return ready(url, "404", "404.html", views.key(url), None, head=head)


def search_page(views: Views) -> Page:
    """The search page: the results are the browser's work (search.js over sitegen.search's index)."""
    url = views.urls.search()
    head = replace(views.head("搜索", url, "全文搜索本站文章"), noindex=True)
    return ready(url, "search", "search.html", views.key(url, head), None, head=head)


def redirect_pages(views: Views) -> Iterator[Page]:
    """An old URL or an alias: a tiny page that sends the reader on (as Hugo's alias pages: a
    canonical link and a meta refresh, no layout), left out of the sitemap."""
    for redirect in views.site.redirects:
        yield alias_page(views, redirect.url, redirect.target)


def alias_page(views: Views, url: str, target: str) -> Page:
    """The page at `url` sending the reader to `target`."""
    to = {"href": views.urls.href(target), "canonical": views.urls.absolute(target)}
    return ready(url, "alias", "alias.html", views.key(url, to), None, target=to)


def withdrawn_pages(views: Views) -> Iterator[Page]:
    """Where an article stood that was removed after it was published: a short notice, out of
    the sitemap, search and feeds, until the editor deletes its URL from the record."""
    for url in views.site.withdrawn:
        head = replace(views.head("文章已撤回", url), noindex=True)
        yield ready(url, "withdrawn", "withdrawn.html", views.key(url, head), None, head=head)
