"""What a part of an archive in parts (sitegen.parts) knows of the parts older than it: each
older part's articles as far as stories and related articles need them (their sketches, times and
places among copies) and as far as a link to them needs (their address, title and feed), so that
a part finds copies and related articles in older parts without loading their articles.

Each part's build keeps its own `Shelf` in the cache (`shelf-<part>.pickle`, written only when it
changed), its `Links` pickled after it in the same file; a newer part's build reads the shelves
of the parts before it in a process of its own (`find_across`), and their links only for the
articles it links, which it hands back with what it found (`Far`):
the build's memory stays bounded by its part, however many parts are older. Static links go from newer parts to older ones only: a closed part never changes for
a newer one, which publishes what it adds to an older part's pages (sitegen.pages.across).
"""

from __future__ import annotations

import hashlib
import pickle
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.columns import Blobs, Chain, Sketches, Texts
from sitegen.config import SiteConfig
from sitegen.models import Article, Sketch, Stories
from sitegen.output import write_atomically
from sitegen.parallel import apart
from sitegen.parts import Part

if TYPE_CHECKING:
    from sitegen.stories import Memo

_VERSION = 4


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
    server's local one serves too; an id no article file has), time, sketch and place among its
    story's copies (sitegen.leads). As columns: a newer part's finding process reads every
    older part's, and decodes a key only where it reads it."""

    version: int
    keys: Blobs
    times: array[float]
    sketches: Sketches
    ranks: array[int]


@dataclass(frozen=True)
class Links:
    """A shelf's articles' titles and feeds (as 也见于 names them), pickled after the shelf in
    its file: read only for the articles a newer part links, one shelf at a time (~100 bytes an
    article the finding process would hold through finding stories)."""

    titles: Blobs
    feeds: Blobs


@dataclass(frozen=True)
class Older:
    """The articles of every part older than the building one, newest first (the newest older
    part's first), as one list, as far as links to them need: article k of it is the k-th of
    the shelves' `keys` in that order (the rest of each shelf is let go once stories are
    found); `links`: where each shelf's `Links` are (its file, their place in it); `bases`:
    each shelf's part's address, without its final slash; `places`: its part's place among the
    declared ones (parts.json's order)."""

    keys: tuple[Blobs, ...]
    links: tuple[tuple[Path, int], ...]
    bases: tuple[str, ...]
    places: tuple[int, ...]

    def at(self, k: int) -> tuple[int, int]:
        """The shelf article k is on, and its place there."""
        for n, keys in enumerate(self.keys):
            if k < len(keys):
                return n, k
            k -= len(keys)
        raise IndexError(k)

    def far(self, named: Sequence[int]) -> dict[int, Far]:
        """The articles `named` (k, ascending), as links name them: each shelf's links read
        for its own, then let go."""
        found: dict[int, Far] = {}
        places = [self.at(k) for k in named]
        for n, keys in enumerate(self.keys):
            wanted = [(k, at) for k, (m, at) in zip(named, places, strict=True) if m == n]
            if not wanted:
                continue
            path, offset = self.links[n]
            with path.open("rb") as file:
                file.seek(offset)
                links: Links = pickle.load(file)
            for k, at in wanted:
                key = keys.text(at)
                found[k] = Far(
                    key,
                    self.bases[n] + key,
                    links.titles.text(at),
                    links.feeds.text(at),
                    self.places[n],
                )
        return found


def _path(folder: Path, part: str) -> Path:
    return folder / f"shelf-{part}.pickle"


def shelf(
    keys: Sequence[str],
    titles: Sequence[str],
    feeds: Sequence[str],
    times: Sequence[float],
    sketches: Sequence[Sketch],
    ranks: Sequence[int],
) -> bytes:
    """A part's shelf file: its `Shelf`, then its `Links`."""
    made = Shelf(
        _VERSION,
        Blobs.texts_of(keys),
        array("d", times),
        Sketches.of(sketches),
        array("q", ranks or (0,) * len(keys)),
    )
    links = Links(Blobs.texts_of(titles), Blobs.texts_of(feeds))
    return pickle.dumps(made, protocol=5) + pickle.dumps(links, protocol=5)


def keep(folder: Path | None, part: str, made: bytes) -> None:
    """Keep a part's shelf file for the newer parts' builds, when it changed (a newer part's
    inputs are made of its digest, `digests`)."""
    if folder is None:
        return
    path = _path(folder, part)
    try:
        same = path.read_bytes() == made
    except OSError:
        same = False
    if not same:
        write_atomically(path, made)


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


def _shelf(path: Path) -> tuple[Shelf, tuple[Path, int]] | None:
    """A shelf file's `Shelf` (read from the file, not from its bytes read whole), and where
    its links start; None when it is missing, unreadable or of another version."""
    try:
        with path.open("rb") as file:
            made = pickle.load(file)
            at = file.tell()
    except Exception:  # a missing, corrupt or foreign file is only a miss
        return None
    if not isinstance(made, Shelf) or made.version != _VERSION:
        return None
    return made, (path, at)


def _read(found: Shelves) -> tuple[list[Shelf], Older] | None:
    """The older parts' shelves the files hold (None when none does), and the links to them."""
    read = zip(found.paths, found.bases, found.places, strict=True)
    kept = [(*made, base, place) for path, base, place in read if (made := _shelf(path))]
    if not kept:
        return None
    shelves, links, bases, places = (tuple(column) for column in zip(*kept, strict=True))
    return list(shelves), Older(tuple(s.keys for s in shelves), links, bases, places)


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
    far = older.far([j - n for j in sorted(named)])
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
    made, older = _found(mine, related, memo, ranks, found)
    if older is None:
        return made, made.leads(), None
    n = len(mine.ids)
    own, far = _own_and_across(made, n, older)
    return own, made.leads(n), far


def _found(
    mine: Own, related: int, memo: Memo | None, ranks: Sequence[int], found: Shelves
) -> tuple[Stories, Older | None]:
    """The stories over the own articles and the older ones the shelves hold, and the links to
    those: the shelves' sketches, times and ranks are let go on return (at 300,000 articles in
    four parts, ~60 MiB while what was found is split)."""
    from sitegen import stories  # numpy: only a build with relations comes here

    read = _read(found)
    times, n = array("d", mine.times), len(mine.ids)
    if read is None:
        made = stories.find(Chain([mine.sketches]), Texts([mine.ids]), times, related, memo, ranks)
        return made, None
    shelves, older = read
    sketches = Chain([mine.sketches, *(shelf.sketches for shelf in shelves)])
    ids = Texts([mine.ids, *older.keys])  # an older one's id: its key
    ranks = [*(ranks or (0,) * n), *(r for shelf in shelves for r in shelf.ranks)]
    for shelf in shelves:  # 8 bytes a time, not a float object's 32
        times.extend(shelf.times)
    return stories.find(sketches, ids, times, related, memo, ranks, n), older


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
