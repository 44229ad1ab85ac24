"""[Article] → Site: articles in order, their URLs, the category tree and the date archive. Pure."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from sitegen import records
from sitegen.assign import Names, Redirect, assign, place
from sitegen.collation import collation_key
from sitegen.config import SiteConfig
from sitegen.errors import ContentError
from sitegen.models import Article, CategoryPath
from sitegen.url_record import Entry, UrlRecord
from sitegen.urls import Urls

if TYPE_CHECKING:
    from sitegen import stories


UNCATEGORIZED: CategoryPath = ("未分类",)
"""The category page of the articles filed in none (a story: when none of its copies is)."""


@dataclass(frozen=True)
class CategoryNode:
    """A node is (name, parent): the same name under two parents is two nodes."""

    path: CategoryPath
    articles: tuple[int, ...]
    children: tuple[CategoryNode, ...]

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Tag:
    """A tag of the flat taxonomy: its name, its page's URL and its articles, newest first."""

    name: str
    url: str
    articles: tuple[int, ...]


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    articles: tuple[int, ...]


@dataclass(frozen=True)
class Group:
    """Articles that share a name: the source they come from."""

    name: str
    articles: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class Site:
    """Articles newest first; every other field refers to them by index. `left_out`: the articles
    given that could not have a URL of their own, each as the error that says why."""

    articles: tuple[Article, ...]
    urls: tuple[str, ...]
    categories: tuple[CategoryNode, ...]
    months: tuple[Month, ...]
    tags: tuple[Tag, ...]
    related: tuple[tuple[int, ...], ...]
    copies: tuple[tuple[int, ...], ...]
    """Per article: its story's articles, earliest first, itself included; () when it has no copy."""
    leads: tuple[int, ...]
    """The articles the lists show: each story's earliest copy, and every article without a copy."""
    documents: tuple[records.Record, ...]
    """Every cited document, most cited first (ties by name); its articles newest first."""
    authorities: tuple[records.Body, ...]
    """Every issuing body named or said to issue, in the table's order (sitegen.authorities)."""
    sources: tuple[Group, ...]
    """Every source, most articles first (ties by name)."""
    source_of: tuple[str, ...]
    """Each article's source name, by article index."""
    links: Urls = field(compare=False, repr=False)
    """The build's one Urls (sitegen.assign): every page's URL comes from it."""
    redirects: tuple[Redirect, ...]
    """Old URLs and aliases, each answering with a redirect to its owner's URL now."""
    withdrawn: tuple[str, ...]
    """The URLs of articles removed after they were published: each shows a notice."""
    record: Mapping[str, Entry] = field(compare=False, repr=False)
    """The record of URLs given (sitegen.url_record) as this build leaves it."""
    left_out: tuple[ContentError, ...] = ()
    memo: stories.Memo | None = field(default=None, compare=False, repr=False)
    """What the next build's related articles reuse (sitegen.stories.Memo)."""
    quotes: tuple[tuple[int, ...], ...] = ()
    """Per article: the articles it quotes whole (a digest's), not copies of it."""
    quoted_in: tuple[tuple[int, ...], ...] = ()
    """Per article: the articles quoting it whole."""

    def walk(self) -> list[CategoryNode]:
        """Every category node, parents before children."""
        return _walk(self.categories)


def _walk(tree: tuple[CategoryNode, ...]) -> list[CategoryNode]:
    found: list[CategoryNode] = []
    stack = list(reversed(tree))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children))
    return found


def _earliest_holders(
    copies: tuple[tuple[int, ...], ...], held: Sequence[Iterable[Hashable]]
) -> dict[tuple[int, Hashable], int]:
    """For each story (by its earliest copy) and each item (a category, a tag) one of its copies
    holds, the earliest copy holding it (`held[j]`: what article j holds). One pass over what the
    copies hold, so a story of thousands of copies costs what as many articles cost."""
    earliest: dict[tuple[int, Hashable], int] = {}
    for j, items in enumerate(held):
        if copies[j]:
            for item in items:
                key = (copies[j][0], item)
                earliest[key] = max(earliest.get(key, j), j)  # newest first: earliest is last
    return earliest


def _listed_here(
    i: int, story: tuple[int, ...], item: Hashable, earliest: dict[tuple[int, Hashable], int]
) -> bool:
    """Whether the list of `item` (a category, a tag) shows article i's story under i: a story is
    listed once, under its earliest copy holding the item (`story`: earliest first, () alone)."""
    return not story or earliest[story[0], item] == i


def filed_in(article: Article) -> tuple[CategoryPath, ...]:
    """The categories an article is filed in: its own, or UNCATEGORIZED."""
    return article.categories or (UNCATEGORIZED,)


def _filed(
    articles: tuple[Article, ...], copies: tuple[tuple[int, ...], ...]
) -> list[set[CategoryPath]]:
    """Per article, the nodes it is filed in (its paths and their parents); a story none of whose
    copies has a category is filed in UNCATEGORIZED, as Hexo files it in its default_category."""
    story = [copies[i][0] if copies[i] else i for i in range(len(articles))]
    categorized = {story[i] for i, article in enumerate(articles) if article.categories}
    filed: list[set[CategoryPath]] = []
    for i, article in enumerate(articles):
        paths = filed_in(article) if story[i] not in categorized else article.categories
        filed.append({path[:depth] for path in paths for depth in range(1, len(path) + 1)})
    return filed


def _category_tree(
    articles: tuple[Article, ...], copies: tuple[tuple[int, ...], ...]
) -> tuple[CategoryNode, ...]:
    """Each node lists its articles, a story once: under its earliest copy filed there."""
    members: dict[CategoryPath, list[int]] = defaultdict(list)
    filed = _filed(articles, copies)
    earliest = _earliest_holders(copies, filed)
    for i, nodes in enumerate(filed):
        for node in nodes:
            if _listed_here(i, copies[i], node, earliest):
                members[node].append(i)
    children: dict[CategoryPath, list[CategoryPath]] = defaultdict(list)
    for path in members:
        children[path[:-1]].append(path)

    def build(path: CategoryPath) -> CategoryNode:
        kids = tuple(build(p) for p in sorted(children[path], key=_path_key))
        return CategoryNode(path, tuple(members[path]), kids)

    return tuple(build(p) for p in sorted(children[()], key=_path_key))


def _path_key(path: CategoryPath) -> tuple[str, str]:
    return collation_key(path[-1])


def _tags(
    articles: tuple[Article, ...], copies: tuple[tuple[int, ...], ...], urls: Urls
) -> tuple[Tag, ...]:
    """Every tag in pinyin order, each listing a story once: under its earliest copy carrying the
    tag."""
    members: dict[str, list[int]] = defaultdict(list)
    tagged = [article.tags for article in articles]
    earliest = _earliest_holders(copies, tagged)
    for i, names in enumerate(tagged):
        for name in names:
            if _listed_here(i, copies[i], name, earliest):
                members[name].append(i)
    return tuple(
        Tag(name, urls.tag(name), tuple(ix))
        for name, ix in sorted(members.items(), key=lambda item: collation_key(item[0]))
    )


def index(
    articles: list[Article],
    config: SiteConfig,
    related: int = 5,
    memo: stories.Memo | None = None,
    record: UrlRecord | None = None,
) -> Site:
    """Sort newest first (ties by file path, so the order never depends on discovery order); a
    story is listed once, under its earliest copy (in a category or a tag: its earliest copy
    filed there). `memo`: the last build's `Site.memo`, so related lists are made only anew
    where an edit can change them."""
    from sitegen import stories  # here: numpy, which a build with nothing to do never needs

    ordered = sorted(articles, key=lambda a: (-a.date.timestamp(), a.id))
    placed = place(config, ordered, record)
    final = tuple(ordered[i] for i in placed.kept)
    source_of = tuple(map(source_name, final))
    found = stories.find(
        [a.sketch for a in final],
        [a.id for a in final],
        [a.date.timestamp() for a in final],
        related,
        memo,
    )
    leads = tuple(i for i, story in enumerate(found.copies) if not story or story[0] == i)
    months: dict[tuple[int, int], list[int]] = defaultdict(list)
    tz = config.tz
    for i in leads:
        local = final[i].date.astimezone(tz)
        months[(local.year, local.month)].append(i)
    month_list = tuple(
        Month(y, m, tuple(ix)) for (y, m), ix in sorted(months.items(), reverse=True)
    )
    tree = _category_tree(final, found.copies)
    documents = records.records(final)
    bodies = records.bodies(final, documents)
    names = Names(
        categories=frozenset(node.path for node in _walk(tree)),
        tags=frozenset(name for a in final for name in a.tags),
        documents=frozenset(name for r in documents for name in r.names),
        authorities=frozenset(body.name for body in bodies),
        sources=frozenset(source_of),
    )
    given = assign(placed, names)
    urls = given.links
    return Site(
        articles=final,
        urls=placed.urls,
        categories=tree,
        months=month_list,
        tags=_tags(final, found.copies, urls),
        related=_related(final, tree, found, related),
        copies=found.copies,
        leads=leads,
        documents=documents,
        authorities=bodies,
        sources=_groups((name,) for name in source_of),
        source_of=source_of,
        links=urls,
        redirects=given.redirects,
        withdrawn=placed.withdrawn,
        record=given.record,
        left_out=placed.errors,
        memo=found.memo,
        quotes=found.quotes,
        quoted_in=found.quoted_in,
    )


_SOURCE_NOTE = re.compile(r"[（(][^）)]*[）)]|综合.*$")


def source_name(article: Article) -> str:
    """Where an article comes from: the 来源 its text names (without the notes a crawler leaves,
    「（ID：…）综合…」), else its feed (the category under the top one, as the crawler files it
    topic/feed/column), else its top category, else its folder."""
    lifted = _SOURCE_NOTE.sub("", article.source).strip(" ：:")
    if lifted:
        return lifted
    if article.categories:
        path = article.categories[0]
        return path[1] if len(path) > 1 else path[0]
    return PurePosixPath(article.source_path).parent.name or "未注明来源"


def _groups(names_per_article: Iterable[Iterable[str]]) -> tuple[Group, ...]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(names_per_article):
        for name in names:
            members[name].append(i)
    ranked = sorted(members.items(), key=lambda item: (-len(item[1]), collation_key(item[0])))
    return tuple(Group(name, tuple(ix)) for name, ix in ranked)


def _related(
    articles: tuple[Article, ...],
    tree: tuple[CategoryNode, ...],
    found: stories.Stories,
    limit: int,
) -> tuple[tuple[int, ...], ...]:
    """For "相关文章": the articles saying the most of the same things, then those of the same
    deepest category nearest in time, alternating newer/older; never a copy of the article."""
    nodes = {node.path: node for node in _walk(tree)}
    position = {path: {i: pos for pos, i in enumerate(n.articles)} for path, n in nodes.items()}
    story = [copies[0] if copies else i for i, copies in enumerate(found.copies)]
    result: list[tuple[int, ...]] = []
    for i, article in enumerate(articles):
        near: list[int] = list(found.related[i])
        if article.categories and limit > 0:
            members = nodes[article.categories[0]].articles
            pos = position[article.categories[0]].get(i)
            if pos is not None:
                near.extend(
                    members[j]
                    for step in range(1, limit + 1)
                    for j in (pos - step, pos + step)
                    if 0 <= j < len(members)
                )
        others = (j for j in dict.fromkeys(near) if j != i and story[j] != story[i])
        result.append(tuple(islice(others, limit)))
    return tuple(result)
