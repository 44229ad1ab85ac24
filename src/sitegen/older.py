"""What a part of an archive in parts (sitegen.parts) knows of the parts older than it: each
older part's articles as far as stories and related articles need them (their sketches, times and
places among copies) and as far as a link to them needs (their address, title and feed), so that
a part finds copies and related articles in older parts without loading their articles.

Each part's build keeps its own `Shelf` in the cache (`shelf-<part>.pickle`, written only when it
changed); a newer part's build reads the shelves of the parts before it in a process of its own
(`find_across`), which hands back only what it found and the older articles that names (`Far`):
the build's memory stays bounded by its part, however many parts are older. Static links go from newer parts to older ones only: a closed part never changes for
a newer one, which publishes what it adds to an older part's pages (sitegen.pages.across).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache import load_pickled, save_pickled
from sitegen.columns import Blobs, Chain, Sketches
from sitegen.config import SiteConfig
from sitegen.models import Article, Sketch, Stories
from sitegen.parallel import apart
from sitegen.parts import Part

if TYPE_CHECKING:
    from sitegen.stories import Memo

_VERSION = 3


@dataclass(frozen=True)
class Own:
    """What finding stories reads of the building part's own articles, made before the finding
    process is forked, so that it never reads an article: each object it read would have its
    page copied (at 300,000 articles in four parts, most of that process's ~700 MiB)."""

    sketches: Sketches
    ids: Blobs
    times: array[float]

    @classmethod
    def of(cls, final: Sequence[Article]) -> Own:
        return cls(
            Sketches.of([a.sketch for a in final]),
            Blobs.texts_of(a.id for a in final),
            array("d", (a.date.timestamp() for a in final)),
        )


@dataclass(frozen=True)
class Shelf:
    """One part's articles, newest first: each one's page's key (its path under the part's
    address, as links write it: the reading part's config gives the address, so the dev
    server's local one serves too), title, feed (as 也见于 names it), time, sketch and place
    among its story's copies (sitegen.leads). As columns: a newer part's finding process reads
    every older part's, and decodes a title or a feed only for an article it links."""

    version: int
    keys: Blobs
    titles: Blobs
    feeds: Blobs
    times: array[float]
    sketches: Sketches
    ranks: array[int]


@dataclass(frozen=True)
class Older:
    """The articles of every part older than the building one, newest first (the newest older
    part's first), as one list: article k of it is `shelves`' k-th in that order; `bases`:
    each shelf's part's address, without its final slash; `places`: its part's place among the
    declared ones (parts.json's order)."""

    shelves: tuple[Shelf, ...]
    bases: tuple[str, ...]
    places: tuple[int, ...]

    @property
    def ranks(self) -> list[int]:
        return [r for shelf in self.shelves for r in shelf.ranks]

    @property
    def keys(self) -> list[str]:
        """Each one's page's path under its part's address: an id no article file has."""
        return [key for shelf in self.shelves for key in shelf.keys.texts()]

    def at(self, k: int) -> tuple[int, int]:
        """The shelf article k is on, and its place there."""
        for n, shelf in enumerate(self.shelves):
            if k < len(shelf.keys):
                return n, k
            k -= len(shelf.keys)
        raise IndexError(k)

    def far(self, k: int) -> Far:
        n, at = self.at(k)
        shelf = self.shelves[n]
        key = shelf.keys.text(at)
        return Far(
            key, self.bases[n] + key, shelf.titles.text(at), shelf.feeds.text(at), self.places[n]
        )


def _path(folder: Path, part: str) -> Path:
    return folder / f"shelf-{part}.pickle"


def shelf(
    keys: Sequence[str],
    titles: Sequence[str],
    feeds: Sequence[str],
    times: Sequence[float],
    sketches: Sequence[Sketch],
    ranks: Sequence[int],
) -> Shelf:
    return Shelf(
        _VERSION,
        Blobs.texts_of(keys),
        Blobs.texts_of(titles),
        Blobs.texts_of(feeds),
        array("d", times),
        Sketches.of(sketches),
        array("q", ranks or (0,) * len(keys)),
    )


def keep(folder: Path | None, part: str, made: Shelf) -> None:
    """Keep a part's shelf for the newer parts' builds, when it changed (its stamp says so)."""
    if folder is None:
        return
    path = _path(folder, part)
    if load_pickled(path, Shelf) != made:
        save_pickled(path, made)


def before(config: SiteConfig) -> list[Part]:
    """The parts older than the one `config` (a part's, sitegen.parts.part_config: each part's
    address written out) builds, newest first."""
    names = [part.name for part in config.parts]
    return list(config.parts[: names.index(config.part)][::-1]) if config.part in names else []


def digests(config: SiteConfig, folder: Path | None) -> list[str]:
    """What the older parts' shelves are as of now (their files' digests: a shelf comes into a
    Pages workflow's job as a file of the job before, sitegen.scaffold): a part's output is
    made of them. Hashed as they are read, never held whole."""
    if folder is None:
        return []
    found = []
    for part in before(config):
        try:
            with _path(folder, part.name).open("rb") as file:
                found.append(hashlib.file_digest(file, "blake2b").hexdigest())
        except OSError:
            found.append("")
    return found


@dataclass(frozen=True)
class Shelves:
    """Where the older parts' shelves the cache holds are (newest first), each one's part's
    address without its final slash and its place among the declared parts (parts.json's
    order): only `find_across` reads them, in a process of its own."""

    paths: tuple[Path, ...]
    bases: tuple[str, ...]
    places: tuple[int, ...]


def shelves(config: SiteConfig, folder: Path | None) -> Shelves | None:
    """The older parts' shelves the cache holds (a part not built yet here has none: its
    articles are not linked until it is); None when there are none."""
    if folder is None:
        return None
    names = [part.name for part in config.parts]
    kept = [(part, _path(folder, part.name)) for part in before(config)]
    kept = [(part, path) for part, path in kept if path.is_file()]
    if not kept:
        return None
    return Shelves(
        tuple(path for _, path in kept),
        tuple(part.base_url.rstrip("/") for part, _ in kept),
        tuple(names.index(part.name) for part, _ in kept),
    )


def _read(found: Shelves) -> Older | None:
    read = zip(found.paths, found.bases, found.places, strict=True)
    kept = [
        (made, base, place)
        for path, base, place in read
        if (made := load_pickled(path, Shelf)) is not None and made.version == _VERSION
    ]
    if not kept:
        return None
    return Older(*(tuple(column) for column in zip(*kept, strict=True)))


@dataclass(frozen=True)
class Far:
    """An older part's article as a newer part's pages link it."""

    key: str
    """Its page's path under its part's address (what its page asks the newer parts by)."""
    href: str
    title: str
    feed: str
    part: int
    """Its part's place among the declared parts (parts.json's order)."""


@dataclass(frozen=True)
class Across:
    """What a part's index found across itself and the older parts (article j < n: its own j;
    j ≥ n: the older k = j - n). `stories`: per own article, its story over both, in its order,
    when an older article is in it (else ()). `ahead`: per older article this part adds to, its
    index k, this part's copies of its story (in its order) and its related list over both when
    one of this part's articles is in it (else ()): what the older page reads when it loads.
    `far`: the older articles these name, by k (the rest of the shelves, sketches and all, are
    not kept past the index: a part holds the older parts' articles while it finds stories)."""

    own: int
    stories: tuple[tuple[int, ...], ...]
    ahead: tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...]
    far: dict[int, Far]


def split(
    copies: Sequence[tuple[int, ...]], related: Sequence[tuple[int, ...]], n: int, older: Older
) -> tuple[tuple[tuple[int, ...], ...], Across]:
    """The own articles' stories (own copies only: lists, leads and groups stay the part's own),
    and what was found across (`copies`, `related`: over the own articles, then the older)."""

    def mine(story: tuple[int, ...]) -> tuple[int, ...]:
        kept = tuple(j for j in story if j < n)
        return kept if len(kept) > 1 else ()

    stories = tuple(story if any(j >= n for j in story) else () for story in copies[:n])
    ahead = []
    named = {j for lists in (stories, related[:n]) for listed in lists for j in listed if j >= n}
    for k in range(n, len(copies)):
        here = tuple(j for j in copies[k] if j < n)
        listed = related[k] if any(j < n for j in related[k]) else ()
        if here or listed:
            ahead.append((k - n, here, listed))
            named.add(k)
            named.update(j for j in listed if j >= n)
    far = {k: older.far(k) for k in (j - n for j in sorted(named))}
    own = tuple(mine(story) for story in copies[:n])
    return own, Across(n, stories, tuple(ahead), far)


def find_across(
    final: Sequence[Article],
    related: int,
    memo: Memo | None,
    ranks: Sequence[int],
    found: Shelves,
) -> tuple[Stories, tuple[int, ...], Across | None]:
    """A part's stories and related lists over its articles and the older parts' (their shelves
    read there, sitegen.stories.find), as `_own_and_across` splits them, and each own
    article's story's lead (an older one's index past the own when the story's lead is older).
    Found in a process of its own (sitegen.parallel.apart): the older articles and what
    finding stories over them makes (at 300,000 articles in four parts, ~300 MiB) go with it,
    where this process's heap would keep them to the end of the build. It is given the own
    articles as columns made here (`Own`), so that it never reads an article."""
    return apart(_find_across, None, Own.of(final), related, memo, ranks, found)


def _find_across(
    mine: Own, related: int, memo: Memo | None, ranks: Sequence[int], found: Shelves
) -> tuple[Stories, tuple[int, ...], Across | None]:
    from sitegen import stories  # numpy: only a build with relations comes here

    older = _read(found)
    ids, times, n = mine.ids.texts(), array("d", mine.times), len(mine.ids)
    if older is None:
        made = stories.find(Chain([mine.sketches]), ids, times, related, memo, ranks)
        return made, made.leads(), None
    sketches = Chain([mine.sketches, *(shelf.sketches for shelf in older.shelves)])
    ranks = [*(ranks or (0,) * n), *older.ranks]
    for shelf in older.shelves:  # 8 bytes a time, not a float object's 32
        times.extend(shelf.times)
    made = stories.find(sketches, ids + older.keys, times, related, memo, ranks, n)
    own, far = _own_and_across(made, n, older)
    return own, made.leads()[:n], far


def _own_and_across(found: Stories, n: int, older: Older) -> tuple[Stories, Across]:
    """The stories found over the own articles (the first `n`) and the older ones: the own
    articles' (own copies, related lists naming older ones past n, quotes within the part), and
    what was found across."""
    copies, across = split(found.copies, found.related, n, older)
    own = replace(
        found,
        copies=copies,
        related=found.related[:n],
        quotes=tuple(tuple(j for j in q if j < n) for q in found.quotes[:n]),
        quoted_in=tuple(tuple(j for j in q if j < n) for q in found.quoted_in[:n]),
    )
    return own, across
