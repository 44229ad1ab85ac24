"""[Article] → Site: articles in order, their URLs, the category tree, the date archive and the
groups of every kind of grouping (sitegen.kinds). Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, cast

from sitegen import records
from sitegen.assign import Names, Redirect, assign, place
from sitegen.collation import collation_key
from sitegen.config import SiteConfig
from sitegen.errors import ContentError
from sitegen.kinds import KINDS, Grouped, Kind, earliest_holders, grouped, listed_here, source_name
from sitegen.leads import afters
from sitegen.models import Article, CategoryPath, Stories
from sitegen.older import Across, Shelves, find_across
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
class Month:
    year: int
    month: int
    articles: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class Site:
    """Articles newest first; every other field refers to them by index. `left_out`: the articles
    given that could not have a URL of their own, each as the error that says why."""

    articles: tuple[Article, ...]
    urls: tuple[str, ...]
    categories: tuple[CategoryNode, ...]
    months: tuple[Month, ...]
    related: tuple[tuple[int, ...], ...]
    copies: tuple[tuple[int, ...], ...]
    """Per article: its story's articles, earliest first, itself included; () when it has no copy."""
    leads: tuple[int, ...]
    """The articles the lists show: each story's earliest copy, and every article without a copy."""
    kinds: tuple[Kind, ...]
    """The kinds of grouping the site has (sitegen.kinds), those `disable_kinds` leaves on."""
    groups: Mapping[str, tuple[Grouped, ...]]
    """Each of those kinds' groups, by the kind's name: tags in pinyin order, documents most
    cited first, issuing bodies in the table's order, sources most articles first."""
    source_of: tuple[str, ...]
    """Each article's source name, by article index."""
    links: Urls = field(compare=False, repr=False)
    """The build's one Urls (sitegen.assign): every page's URL comes from it."""
    redirects: tuple[Redirect, ...]
    """Old URLs and aliases, each answering with a redirect to its owner's URL now."""
    withdrawn: tuple[str, ...]
    """The URLs of articles removed after they were published: each shows a notice."""
    record: Mapping[str, Entry] = field(compare=False, repr=False)
    """The record of URLs given (sitegen.url_record) as this build leaves it; in an archive in
    parts, the part's share of it (sitegen.assign.split_record): a part holds its own lines,
    not the archive's (the others are written back as read: pipeline.shares.keep_record)."""
    left_out: tuple[ContentError, ...] = ()
    memo: stories.Memo | None = field(default=None, compare=False, repr=False)
    """What the next build's related articles reuse (sitegen.stories.Memo)."""
    quotes: tuple[tuple[int, ...], ...] = ()
    """Per article: the articles it quotes whole (a digest's), not copies of it."""
    quoted_in: tuple[tuple[int, ...], ...] = ()
    """Per article: the articles quoting it whole."""
    ranks: tuple[int, ...] = field(default=(), compare=False, repr=False)
    """Per article: its place among its story's copies as the record gives it (sitegen.leads),
    what finding its stories again needs (`swap`)."""
    across: Across | None = field(default=None, compare=False, repr=False)
    """What was found over this part and older ones (sitegen.older): `related` names those too."""
    akin: tuple[tuple[int, ...], ...] = field(default=(), compare=False, repr=False)
    """Per article: the articles related to it by content alone (stories.find), which `related`
    is made of with the category tree: what `swap` compares."""
    alike: Mapping[str, CategoryPath] = field(default_factory=dict, compare=False, repr=False)
    """The sources whose list is a category leaf's (leaves_alike), and that leaf: made when the
    site is indexed, kept by a swap and the dev server's fast render (their edits stay in place)."""

    @property
    def documents(self) -> tuple[records.Record, ...]:
        """Every cited document (none when their pages are off); its articles newest first."""
        return cast(tuple[records.Record, ...], self.groups.get("documents", ()))

    @property
    def authorities(self) -> tuple[records.Body, ...]:
        """Every issuing body named or said to issue (none when their pages are off)."""
        return cast(tuple[records.Body, ...], self.groups.get("authorities", ()))

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


def leaves_alike(
    tree: tuple[CategoryNode, ...], sources: Sequence[Grouped], articles: Sequence[Article]
) -> dict[str, CategoryPath]:
    """Each source whose list is a category leaf's, article for article, the leaf or its parent
    named as the source (a feed filed as its own leaf: 科技/腾讯科技/腾讯科技, 金融/财新周刊/
    《财新周刊》-财新网), and that leaf: the leaf's pages show the same cards on the same pages,
    so the source's pages are aliases of the leaf's (161 B an article of list pages at 10,000
    real-shaped) and links to the source go to the leaf, whose trail names it. Not in an archive
    in parts, whose parts count their lists by their own URLs (sitegen.pages.across)."""
    leaves = {
        node.articles: node.path
        for node in _walk(tree)
        if not node.children and all(node.path in filed_in(articles[i]) for i in node.articles)
    }
    return {
        group.name: leaves[group.articles]
        for group in sources
        if group.name in leaves.get(group.articles, ())[-2:]
    }


def filed_in(article: Article) -> tuple[CategoryPath, ...]:
    """The categories an article is filed in: its own, or UNCATEGORIZED."""
    return article.categories or (UNCATEGORIZED,)


def _filed(
    articles: tuple[Article, ...], copies: tuple[tuple[int, ...], ...]
) -> list[tuple[CategoryPath, ...]]:
    """Per article, the nodes it is filed in (levels); a story none of whose copies has a
    category is filed in UNCATEGORIZED, as Hexo files it in its default_category."""
    story = [copies[i][0] if copies[i] else i for i in range(len(articles))]
    categorized = {story[i] for i, article in enumerate(articles) if article.categories}
    return [
        levels(article) if story[i] in categorized else (UNCATEGORIZED,)
        for i, article in enumerate(articles)
    ]


def _category_tree(
    articles: tuple[Article, ...], copies: tuple[tuple[int, ...], ...]
) -> tuple[CategoryNode, ...]:
    """Each node lists its articles, a story once: under its earliest copy filed there."""
    members: dict[CategoryPath, list[int]] = defaultdict(list)
    filed = _filed(articles, copies)
    earliest = earliest_holders(copies, filed)
    for i, nodes in enumerate(filed):
        for node in nodes:
            if listed_here(i, copies[i], node, earliest):
                members[node].append(i)
    children: dict[CategoryPath, list[CategoryPath]] = defaultdict(list)
    for path in members:
        children[path[:-1]].append(path)

    def build(path: CategoryPath) -> CategoryNode:
        kids = tuple(build(p) for p in sorted(children[path], key=_path_key))
        return CategoryNode(path, tuple(members[path]), kids)

    return tuple(build(p) for p in sorted(children[()], key=_path_key))


def levels(article: Article) -> tuple[CategoryPath, ...]:
    """The category nodes an article is filed in: every level of every trail, in the order its
    trails name them (its lists, and the category filter of search)."""
    return tuple(
        dict.fromkeys(
            path[:depth] for path in article.categories for depth in range(1, len(path) + 1)
        )
    )


def _path_key(path: CategoryPath) -> tuple[str, str]:
    return collation_key(path[-1])


def index(
    articles: list[Article],
    config: SiteConfig,
    related: int = 3,
    memo: stories.Memo | None = None,
    record: UrlRecord | None = None,
    kinds: Sequence[Kind] = KINDS,
    *,
    relations: bool = True,
    older: Shelves | None = None,
) -> Site:
    """Sort newest first (ties by file path, so the order never depends on discovery order); a
    story is listed once, under its lead (sitegen.leads: its earliest copy, but a published one
    before one arriving now; in a category or a tag: its first copy filed there). `memo`: the last build's `Site.memo`, so related lists are made only anew
    where an edit can change them. Every kind of grouping is grouped (one may read another's
    groups), then those `disable_kinds` turns off are left out: no URL, no page, no link.
    Without `relations` (a check) no story nor related list is looked for, and numpy is never
    loaded. `older`: the older parts' shelves (sitegen.older), whose articles are also copied
    and related, found in a process of its own (sitegen.older.find_across)."""
    ordered = sorted(articles, key=lambda a: (-a.date.timestamp(), a.id))
    placed = place(config, ordered, record)
    final = tuple(ordered[i] for i in placed.kept)
    source_of = tuple(map(source_name, final))  # search names sources so, pages or not
    found, lead_of, across = Stories.none(len(final)), tuple(range(len(final))), None
    if relations and older is not None:
        found, lead_of, across = find_across(final, related, memo, placed.ranks, older)
    elif relations:
        from sitegen import stories  # here: numpy, which a build with nothing to do never needs

        found = stories.of(final, related, memo, placed.ranks)
        lead_of = found.leads()
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
    groups = grouped(kinds, final, found.copies)
    on = tuple(kind for kind in kinds if kind.name not in config.disable_kinds)
    names = Names(
        categories=frozenset(node.path for node in _walk(tree)),
        kinds=tuple(
            (kind, frozenset(n for group in groups[kind.name] for n in kind.names(group)))
            for kind in on
        ),
    )
    given = assign(placed, names, afters(found.copies, placed.ranks))
    urls = given.links
    kept = {kind.name: groups[kind.name] for kind in on}
    return Site(
        articles=final,
        urls=placed.urls,
        categories=tree,
        months=month_list,
        related=_related(final, tree, found.related, lead_of, related),
        copies=found.copies,
        leads=leads,
        kinds=on,
        groups=kept,
        source_of=source_of,
        links=urls,
        redirects=given.redirects,
        withdrawn=placed.withdrawn,
        record=given.record,
        left_out=placed.errors,
        memo=found.memo,
        quotes=found.quotes,
        quoted_in=found.quoted_in,
        ranks=tuple(placed.ranks),
        akin=found.related,
        across=across,
        alike={} if config.parts else leaves_alike(tree, kept.get("sources", ()), final),
    )


def _related(
    articles: tuple[Article, ...],
    tree: tuple[CategoryNode, ...],
    akin: Sequence[tuple[int, ...]],
    story: Sequence[int],
    limit: int,
) -> tuple[tuple[int, ...], ...]:
    """For "相关文章": the articles saying the most of the same things (`akin`), then those of the
    same deepest category nearest in time, alternating newer/older; never a copy (`story`)."""
    nodes = {node.path: node for node in _walk(tree)}
    position = {path: {i: pos for pos, i in enumerate(n.articles)} for path, n in nodes.items()}
    result: list[tuple[int, ...]] = []
    for i, article in enumerate(articles):
        near: list[int] = list(akin[i])
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
        # j past `story` (the own articles'): an older part's, never a copy (stories.find)
        others = (j for j in dict.fromkeys(near) if j != i and story[j : j + 1] != story[i : i + 1])
        result.append(tuple(islice(others, limit)))
    return tuple(result)
