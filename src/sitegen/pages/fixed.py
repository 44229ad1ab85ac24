"""The pages every site has once, their data all known when planned: 404 and search."""

from __future__ import annotations

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
