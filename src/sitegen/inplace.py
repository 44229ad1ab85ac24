"""A site with articles edited in place swapped in (Site → Site): the last build's site, its
places, groups and URLs kept, without indexing every article again. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sitegen.models import Article, Sketch
from sitegen.site import Site
from sitegen.url_record import Entry, UrlRecord

if TYPE_CHECKING:
    from sitegen import stories


# What `index` never reads of an article, only its pages show: blanked, the rest is its place.
# The sketch is read (stories, related lists), but `swap` finds those again and compares them.
_SHOWN_ONLY: dict[str, Any] = {
    "title": "",
    "updated": None,
    "author": "",
    "editor": "",
    "original_title": "",
    "image": "",
    "body_html": "",
    "summary": "",
    "digest": "",
    "warnings": (),
    "notice": "",
    "has_time": True,
    "sketch": Sketch(),
    "link": "",
    "body_digest": "",
    "images": (),
    "text": "",
}


def same_place(old: Article, new: Article) -> bool:
    """Whether an edited article keeps its place in the site: its URL, order, lists, groups and
    records (all `index` reads of it but its sketch; a field added to Article counts here until
    it is named in _SHOWN_ONLY)."""
    return replace(old, **_SHOWN_ONLY) == replace(new, **_SHOWN_ONLY)


def swap(
    last: Site,
    known: Sequence[tuple[str, str]],
    articles: Sequence[Article],
    old_of: Callable[[str], Article | None],
    related: int = 3,
    memo: stories.Memo | None = None,
) -> Site | None:
    """The site `index` makes of `articles` given the record `last` was made from, when they
    are last's articles but some edited in place (`same_place`): last with them swapped in,
    without placing, grouping and giving URLs again. A changed sketch must leave the stories
    and related lists as last's: the stories told from its LSH buckets (stories.same_copies),
    else found again over every article; where only topics moved, the related lists made again
    (stories.relisted); either compared with last's. None: not so (index the articles).

    `last` is kept without its articles: `known` has each one's file and digest, and `old_of`
    gives an article by its digest (the cache), for the few edited. Each one's record line
    takes its body's new digest, which only the line of a file gone is read for (a moved
    file), so the record it leaves gives this site again."""
    by_path = {a.source_path: a for a in articles}
    if len(articles) != len(known) or last.left_out:
        return None
    final: list[Article] = []
    edited: dict[int, Article] = {}  # by index
    sketched: dict[int, Sketch] = {}  # the edited articles' sketches before, by index
    for path, digest in known:
        new = by_path.get(path)
        if new is None:
            return None
        if new.digest != digest:
            old = old_of(digest)
            if old is None or not same_place(old, new):
                return None
            edited[len(final)] = new
            if new.sketch != old.sketch:
                sketched[len(final)] = old.sketch
        final.append(new)
    ordered = tuple(final)
    if sketched:
        same, memo = _retold(last, ordered, sketched, related, memo)
        if not same:
            return None  # else the related lists, made of these and the tree, are last's too
    record = _redigested(last, edited)
    return replace(last, articles=ordered, record=record, memo=memo)


def same_given(read: UrlRecord, left: UrlRecord, present: Iterable[str]) -> bool:
    """Whether a build given `left` gives what one given `read` did (with the same articles,
    the files `present`): the two differ at most in the body digests of present files' lines,
    which only a file gone is known by (assign: a moved file)."""
    if read.keys() != left.keys():
        return False
    files = set(present)
    for url, entry in left.items():
        old = read[url]
        if old is not entry and old != entry:
            same = replace(old, digest=entry.digest) == entry
            if not same or entry.kind != "article" or entry.owner[0] not in files:
                return False
    return True


def _redigested(last: Site, edited: Mapping[int, Article]) -> dict[str, Entry]:
    """Last's record with the article lines of the edited articles (by index) holding their
    bodies' digests now: a file's lines are its URL's and its redirects' (sitegen.assign), so
    only those are looked at, not the whole record."""
    lines = dict(last.record)
    files = {article.source_path: article for article in edited.values()}
    urls = [last.urls[i] for i in edited]
    urls.extend(r.url for r in last.redirects if r.origin in files)
    for url in urls:
        entry = lines[url]
        new = files.get(entry.owner[0]) if entry.kind == "article" else None
        if new is not None and entry.digest != new.body_digest:
            lines[url] = replace(entry, digest=new.body_digest)
    return lines


def _retold(
    last: Site,
    final: tuple[Article, ...],
    before: Mapping[int, Sketch],
    related: int,
    memo: stories.Memo | None,
) -> tuple[bool, stories.Memo | None]:
    """Whether `final` (some sketches changed: `before`, each one's then by index) has last's
    stories and related lists, and the related lists' memo: the stories found again only when
    the LSH buckets do not tell them unchanged, the related lists only when topics moved."""
    from sitegen import stories  # here: numpy, which a build with nothing to do never needs

    sketches = [a.sketch for a in final]
    if not stories.same_copies(sketches, before):
        found = stories.of(final, related, memo, last.ranks)
        whole = (found.copies, found.quotes, found.quoted_in, found.related)
        return whole == (last.copies, last.quotes, last.quoted_in, last.akin), found.memo
    if all(sketches[i].topics == old.topics for i, old in before.items()):
        return True, memo
    ids, times = [a.id for a in final], [a.date.timestamp() for a in final]
    akin, memo, _ = stories.relisted(sketches, ids, times, last.copies, related, memo)
    return akin == last.akin, memo
