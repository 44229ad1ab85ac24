"""The taxonomies' own pages: a list per name of a kind of grouping (tags, sources), an index of
its names as links (tags), the tree of categories."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from sitegen.kinds import Kind
from sitegen.models import Page
from sitegen.pages.feeds import feed
from sitegen.pages.fixed import alias_page
from sitegen.pages.lists import links_page, list_pages, page_count
from sitegen.pages.shared import Views, ready
from sitegen.site import CategoryNode, Site
from sitegen.views import CountedLink, Link, TreeNode


def group_pages(views: Views, kind: Kind) -> Iterator[Page]:
    """A list per name of a kind (family "list" of sitegen.kinds: tags, sources), paginated as
    Hexo's and Hugo's, its articles newest first; with its Atom feed where the kind has feeds."""
    urls, title = views.urls, views.config.title
    root = (Link(kind.heading, urls.href(urls.group_index(kind))),)
    for group in views.site.groups[kind.name]:
        url, shown = views.url_of(kind.name, group.name), views.page_of(kind.name, group.name)
        feed_url = urls.group_feed(kind.name, group.name) if kind.feed else ""
        feeds = (Link(f"{group.name} 的 Atom 订阅", urls.href(feed_url)),) if feed_url else ()
        if shown != url:  # a category leaf lists the same (Views.leaf_of): each page an alias
            for n in range(1, page_count(len(group.articles), views.config.per_page) + 1):
                yield alias_page(views, urls.page(url, n), urls.page(shown, n))
        else:
            yield from list_pages(
                views,
                url,
                kind.one,
                kind.label(group.name),
                group.articles,
                trail=root,
                description=kind.describe.format(name=group.name, count=len(group.articles)),
                feeds=feeds,
            )
        if feed_url:
            # its id stays the source's page (a reader's subscription is the same feed)
            yield feed(views, feed_url, f"{group.name} | {title}", url, group.articles)


def links_index(views: Views, kind: Kind) -> Iterator[Page]:
    """Every name of a kind with its count, in the kind's order: an index, so no cards (index
    "links" of sitegen.kinds: tags); none when the kind has no name."""
    urls, groups = views.urls, views.site.groups[kind.name]
    if not groups:
        return
    url = urls.group_index(kind)
    links = tuple(
        CountedLink(
            kind.label(g.name), urls.href(views.page_of(kind.name, g.name)), len(g.articles)
        )
        for g in groups
    )
    members = sorted({i for g in groups for i in g.articles})
    about = f"全部 {len(links)} 个{kind.heading}"
    yield links_page(views, url, kind.name, kind.index_heading, about, (), links, members)


def tree(views: Views, nodes: tuple[CategoryNode, ...]) -> tuple[TreeNode, ...]:
    return tuple(TreeNode(views.counted(n), tree(views, n.children)) for n in nodes)


def _in_several(site: Site) -> int:
    """How many stories are filed under more than one top-level category (counted in each)."""
    tops = Counter(
        site.copies[i][0] if site.copies[i] else i for top in site.categories for i in top.articles
    )
    return sum(1 for n in tops.values() if n > 1)


def categories_page(views: Views) -> Page:
    """The tree with each node's count; every article is under some top-level category (未分类
    when under none), so their counts add up to the total, or the page says by how much and why."""
    site = views.site
    url = views.urls.categories()
    nodes = tree(views, site.categories)
    total = len(site.leads)
    added = sum(node.link.count for node in nodes)
    why = (
        f"各顶级分类相加为 {added} 篇：{_in_several(site)} 篇同属几个顶级分类，在每个分类下各计一次"
        if added != total
        else ""
    )
    return ready(
        url,
        "categories",
        "categories.html",
        views.key(url, nodes, total, why),
        views.newest(site.leads),
        head=views.head("分类", url, "全部分类"),
        tree=nodes,
        total=total,
        why=why,
    )
