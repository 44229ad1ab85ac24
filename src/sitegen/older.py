"""What a part of an archive in parts (sitegen.parts) knows of the parts older than it: each
older part's articles as far as stories and related articles need them (their sketches, times and
places among copies) and as far as a link to them needs (their address, title and feed), so that
a part finds copies and related articles in older parts without loading their articles.

Each part's build keeps its own `Shelf` in the cache (`shelf-<part>.pickle`, written only when it
changed, so its stamp says when it did); a newer part's build reads the shelves of the parts
before it. Static links go from newer parts to older ones only: a closed part never changes for
a newer one, which publishes what it adds to an older part's pages (sitegen.pages.across).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import load_pickled, save_pickled, stamp_of
from sitegen.config import SiteConfig
from sitegen.models import Sketch

_VERSION = 1


@dataclass(frozen=True)
class Shelf:
    """One part's articles, newest first: each one's page's key (its path under the part's
    address, as links write it), title, feed (as 也见于 names it), time, sketch and place
    among its story's copies (sitegen.leads)."""

    version: int
    base: str
    """The part's address, as links write it, without its final slash."""
    keys: tuple[str, ...]
    titles: tuple[str, ...]
    feeds: tuple[str, ...]
    times: tuple[float, ...]
    sketches: tuple[Sketch, ...]
    ranks: tuple[int, ...]


@dataclass(frozen=True)
class Older:
    """The articles of every part older than the building one, newest first (the newest older
    part's first), as one list: article k of it is `shelves`' k-th in that order."""

    shelves: tuple[Shelf, ...]

    @property
    def sketches(self) -> list[Sketch]:
        return [s for shelf in self.shelves for s in shelf.sketches]

    @property
    def times(self) -> list[float]:
        return [t for shelf in self.shelves for t in shelf.times]

    @property
    def ranks(self) -> list[int]:
        return [r for shelf in self.shelves for r in shelf.ranks]

    @property
    def hrefs(self) -> list[str]:
        """Each one's page, absolute: its part's address and its key."""
        return [shelf.base + key for shelf in self.shelves for key in shelf.keys]

    def at(self, k: int) -> tuple[Shelf, int]:
        """The shelf article k is on, and its place there."""
        for shelf in self.shelves:
            if k < len(shelf.keys):
                return shelf, k
            k -= len(shelf.keys)
        raise IndexError(k)

    def href(self, k: int) -> str:
        shelf, at = self.at(k)
        return shelf.base + shelf.keys[at]

    def key(self, k: int) -> str:
        shelf, at = self.at(k)
        return shelf.keys[at]

    def title(self, k: int) -> str:
        shelf, at = self.at(k)
        return shelf.titles[at]

    def feed(self, k: int) -> str:
        shelf, at = self.at(k)
        return shelf.feeds[at]


def _path(folder: Path, part: str) -> Path:
    return folder / f"shelf-{part}.pickle"


def shelf(
    base: str,
    keys: Sequence[str],
    titles: Sequence[str],
    feeds: Sequence[str],
    times: Sequence[float],
    sketches: Sequence[Sketch],
    ranks: Sequence[int],
) -> Shelf:
    return Shelf(
        _VERSION,
        base,
        tuple(keys),
        tuple(titles),
        tuple(feeds),
        tuple(times),
        tuple(sketches),
        tuple(ranks) or (0,) * len(keys),
    )


def keep(folder: Path | None, part: str, made: Shelf) -> None:
    """Keep a part's shelf for the newer parts' builds, when it changed (its stamp says so)."""
    if folder is None:
        return
    path = _path(folder, part)
    if load_pickled(path, Shelf) != made:
        save_pickled(path, made)


def before(config: SiteConfig) -> list[str]:
    """The parts older than the one `config` (a part's) builds, newest first."""
    names = [part.name for part in config.parts]
    return names[: names.index(config.part)][::-1] if config.part in names else []


def stamps(config: SiteConfig, folder: Path | None) -> list[object]:
    """What the older parts' shelves are as of now (their files' stamps): a part's output is
    made of them."""
    if folder is None:
        return []
    return [stamp_of(_path(folder, name)) for name in before(config)]


def read(config: SiteConfig, folder: Path | None) -> Older | None:
    """The older parts' shelves the cache holds (a part not built yet here has none: its
    articles are not linked until it is); None when there are none."""
    if folder is None:
        return None
    found = (load_pickled(_path(folder, name), Shelf) for name in before(config))
    shelves = tuple(s for s in found if s is not None and s.version == _VERSION)
    return Older(shelves) if shelves else None


@dataclass(frozen=True)
class Across:
    """What a part's index found across itself and the older parts (article j < n: its own j;
    j ≥ n: the older k = j - n). `stories`: per own article, its story over both, in its order,
    when an older article is in it (else ()). `ahead`: per older article this part adds to, its
    index k, this part's copies of its story (in its order) and its related list over both when
    one of this part's articles is in it (else ()): what the older page reads when it loads."""

    older: Older
    own: int
    stories: tuple[tuple[int, ...], ...]
    ahead: tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...]


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
    for k in range(n, len(copies)):
        here = tuple(j for j in copies[k] if j < n)
        listed = related[k] if any(j < n for j in related[k]) else ()
        if here or listed:
            ahead.append((k - n, here, listed))
    own = tuple(mine(story) for story in copies[:n])
    return own, Across(older, n, stories, tuple(ahead))
