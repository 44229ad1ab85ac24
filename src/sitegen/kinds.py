"""The kinds of grouping (tags, cited documents, issuing bodies, sources): one entry each in KINDS,
which everything else loops over. Pure.

An entry says all a kind is: its name (the key `disable_kinds` takes, the `Site.groups` key, the
index's URL segment), what one of its names is called (`one`: each name's page kind, its URL
record kind, its permalink placeholder), how an article names its names (`of`), how the names
group the articles (`group`), which names get a URL (`names`), the rule telling names apart in a
URL segment (`segments`, `forms`), its page families (`pages`, `index`: families of
sitegen.pages), whether each name has a feed, and what its pages say. Its permalinks are
`[permalinks]`'s keys named as the kind where site.toml has them (tags), else `/{name}/` and
`/{name}/{one}/`. site.index groups every kind and keeps those `disable_kinds` leaves on;
sitegen.assign gives their names URLs; sitegen.pages makes their pages. A new kind is a function
of the article, an entry here and, where its pages need more than a list, its templates (as
Hugo's taxonomies, sized for us).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol, cast

from sitegen import records
from sitegen.collation import collation_key
from sitegen.documents import label
from sitegen.models import Article
from sitegen.names import name_forms, name_segments, tag_forms, tag_segments


class Grouped(Protocol):
    """A name with its articles (by index into the Site's): a Group, a Record, a Body."""

    @property
    def name(self) -> str: ...

    @property
    def articles(self) -> tuple[int, ...]: ...


@dataclass(frozen=True)
class Group:
    """Articles that share a name: a tag they carry, the source they come from."""

    name: str
    articles: tuple[int, ...]


@dataclass(frozen=True)
class Found:
    """What a kind groups from: the articles newest first, their stories (sitegen.stories:
    per article, its copies earliest first, or ()), and the kinds grouped before it."""

    articles: tuple[Article, ...]
    copies: tuple[tuple[int, ...], ...]
    groups: Mapping[str, tuple[Grouped, ...]]


Named = Sequence[tuple[str, ...]]
"""Per article (by index), the names it has in one kind (Kind.of)."""


def _own_name(group: Grouped) -> tuple[str, ...]:
    return (group.name,)


def _as_is(name: str) -> str:
    return name


@dataclass(frozen=True, kw_only=True)
class Kind:
    """One kind of grouping; see the module's docstring."""

    name: str
    one: str
    heading: str
    """What the trail above a name's page calls the kind, and its index (unless `title`)."""
    of: Callable[[Article], tuple[str, ...]]
    group: Callable[[Found, Named], tuple[Grouped, ...]]
    names: Callable[[Grouped], tuple[str, ...]] = _own_name
    segments: Callable[[Iterable[str]], dict[str, str]] = name_segments
    forms: Callable[[str], list[str]] = name_forms
    pages: str = "list"
    index: str = "names"
    feed: bool = False
    title: str = ""
    describe: str = ""
    """A name's page's description: `{name}` and `{count}` (its articles) filled in."""
    label: Callable[[str], str] = _as_is
    """A name as pages show it."""

    @property
    def index_heading(self) -> str:
        return self.title or self.heading


def earliest_holders(
    copies: tuple[tuple[int, ...], ...], held: Sequence[Iterable[Hashable]]
) -> dict[tuple[int, Hashable], int]:
    """For each story (by its lead) and each item (a category, a tag) one of its copies holds,
    the first copy in the story's order (sitegen.leads) holding it (`held[j]`: what article j
    holds). One pass over the stories and one over what the copies hold, so a story of thousands
    of copies costs what as many articles cost."""
    leads = (story for i, story in enumerate(copies) if story and story[0] == i)
    place = {j: k for story in leads for k, j in enumerate(story)}
    earliest: dict[tuple[int, Hashable], int] = {}
    for j, items in enumerate(held):
        if copies[j]:
            for item in items:
                key = (copies[j][0], item)
                if key not in earliest or place[j] < place[earliest[key]]:
                    earliest[key] = j
    return earliest


def listed_here(
    i: int, story: tuple[int, ...], item: Hashable, earliest: dict[tuple[int, Hashable], int]
) -> bool:
    """Whether the list of `item` (a category, a tag) shows article i's story under i: a story is
    listed once, under its earliest copy holding the item (`story`: earliest first, () alone)."""
    return not story or earliest[story[0], item] == i


def by_story(found: Found, named: Named) -> tuple[Grouped, ...]:
    """Every name in pinyin order, each listing a story once: under its earliest copy having it."""
    members: dict[str, list[int]] = defaultdict(list)
    earliest = earliest_holders(found.copies, named)
    for i, names in enumerate(named):
        for name in names:
            if listed_here(i, found.copies[i], name, earliest):
                members[name].append(i)
    ranked = sorted(members.items(), key=lambda item: collation_key(item[0]))
    return tuple(Group(name, tuple(ix)) for name, ix in ranked)


def by_count(found: Found, named: Named) -> tuple[Grouped, ...]:
    """Every name, most articles first (ties by name in pinyin order)."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(named):
        for name in names:
            members[name].append(i)
    ranked = sorted(members.items(), key=lambda item: (-len(item[1]), collation_key(item[0])))
    return tuple(Group(name, tuple(ix)) for name, ix in ranked)


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


def _tags(article: Article) -> tuple[str, ...]:
    return article.tags


def _documents(article: Article) -> tuple[str, ...]:
    return article.documents


def _authorities(article: Article) -> tuple[str, ...]:
    return article.authorities


def _source(article: Article) -> tuple[str, ...]:
    return (source_name(article),)


def _records(found: Found, named: Named) -> tuple[Grouped, ...]:
    return records.records(found.articles)


def _bodies(found: Found, named: Named) -> tuple[Grouped, ...]:
    documents = cast(tuple[records.Record, ...], found.groups["documents"])
    return records.bodies(found.articles, documents)


def _joined(group: Grouped) -> tuple[str, ...]:
    return cast(records.Record, group).names


KINDS: tuple[Kind, ...] = (
    Kind(
        name="tags",
        one="tag",
        heading="标签",
        of=_tags,
        group=by_story,
        segments=tag_segments,
        forms=tag_forms,
        index="links",
        describe="标签“{name}”下的 {count} 篇文章",
    ),
    Kind(
        name="documents",
        one="document",
        heading="文件",
        title="文章提及的文件",
        of=_documents,
        group=_records,
        names=_joined,
        pages="document",
        index="documents",
        label=label,
    ),
    Kind(
        name="authorities",  # after documents: a body is also who a document's record says issued it
        one="authority",
        heading="发文机关",
        of=_authorities,
        group=_bodies,
        pages="authority",
    ),
    Kind(
        name="sources",
        one="source",
        heading="来源",
        of=_source,
        group=by_count,
        feed=True,
        describe="来源“{name}”的 {count} 篇文章",
    ),
)
"""Every kind, in the order they are grouped and their pages are planned."""
BY_NAME: Mapping[str, Kind] = {kind.name: kind for kind in KINDS}


def grouped(
    kinds: Sequence[Kind], articles: tuple[Article, ...], copies: tuple[tuple[int, ...], ...]
) -> dict[str, tuple[Grouped, ...]]:
    """Every kind's groups, by the kind's name, each kind seeing those grouped before it."""
    groups: dict[str, tuple[Grouped, ...]] = {}
    for kind in kinds:
        named = [kind.of(article) for article in articles]
        groups[kind.name] = kind.group(Found(articles, copies, dict(groups)), named)
    return groups
