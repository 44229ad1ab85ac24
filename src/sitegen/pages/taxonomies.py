"""The taxonomies' own pages: a list per tag, the index of tags, the tree of categories."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from sitegen.models import Page
from sitegen.pages.lists import links_page, list_pages
from sitegen.pages.shared import Views, ready
from sitegen.site import CategoryNode, Site
from sitegen.views import CountedLink, Link, TreeNode


def tag_pages(views: Views) -> Iterator[Page]:
    """A page per tag (paginated, as Hexo's and Hugo's), listing its articles newest first."""
    root = Link("标签", views.urls.href(views.urls.tags()))
    for tag in views.site.tags:
        yield from list_pages(
            views,
            tag.url,
            "tag",
            tag.name,
            tag.articles,
            trail=(root,),
            description=f"标签“{tag.name}”下的 {len(tag.articles)} 篇文章",
        )


def tags_page(views: Views) -> Page:
    """Every tag with its count, in pinyin order: an index, so no cards."""
    site, urls = views.site, views.urls
    url = urls.tags()
    tags = tuple(CountedLink(t.name, urls.href(t.url), len(t.articles)) for t in site.tags)
    members = sorted({i for t in site.tags for i in t.articles})
    return links_page(views, url, "tags", "标签", f"全部 {len(tags)} 个标签", (), tags, members)


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
