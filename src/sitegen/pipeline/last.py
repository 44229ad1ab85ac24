"""What a build's index leaves for the next one: its related lists (sitegen.stories.Memo), and the
site itself: a build whose articles were only edited in place swaps them into it
(sitegen.inplace.swap) instead of indexing every article again.

The site is kept in memory by the dev server's session, and in the cache beside the articles for
the next `sitegen build`, without its articles (each one's file and digest: the cache has them),
and serves only a build made of the same config, templates and code, options and URL record.
A build that swapped edits in saves only how its site differs from the one last saved whole
(`Delta`: a few articles' digests, record lines and page keys), not the whole site again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from sitegen.cache import ArticleCache, load_pickled, save_pickled
from sitegen.config import SiteConfig
from sitegen.images.place import Showing
from sitegen.inplace import same_given, swap
from sitegen.models import Article
from sitegen.pages import Known, Page, articles, digest
from sitegen.site import Site
from sitegen.url_record import Entry, UrlRecord

if TYPE_CHECKING:
    from sitegen.stories import Memo

T = TypeVar("T")


@dataclass(frozen=True)
class Last:
    """A site without its articles (`known`: each one's file and digest, in order), a digest
    of what it was made from but them (`salt`), whether the URL record it leaves gives it
    again (`settles`: inplace.same_given), as does one with articles swapped in; its article
    pages' keys and every article's token (pages.shared.Views.token), made with the pictures
    `showing`, and the keys of its pages listing articles (lists, data files) by URL."""

    salt: str
    site: Site
    known: tuple[tuple[str, str], ...]
    settles: bool
    keys: tuple[str, ...]
    showing: Showing
    tokens: tuple[str, ...]
    lists: Mapping[str, str]


LISTING = ("list", "data")  # the families whose pages' keys Known.listed keeps
DELTA_MOST = 1_000  # articles a delta may name before the site is saved whole again


@dataclass(frozen=True)
class Delta:
    """A kept site as edits swapped in made it of the one saved whole (`base`: its salt): its
    salt and settling now, and the articles' digests, record lines, article pages' keys,
    tokens and listing pages' keys that differ from the base's, by index (lines, lists by URL)."""

    base: str
    salt: str
    settles: bool
    known: tuple[tuple[int, tuple[str, str]], ...]
    lines: tuple[tuple[str, Entry], ...]
    keys: tuple[tuple[int, str], ...]
    tokens: tuple[tuple[int, str], ...]
    lists: tuple[tuple[str, str], ...]

    def applied(self, base: Last) -> Last:
        known = _patched(base.known, self.known)
        site = replace(base.site, record={**base.site.record, **dict(self.lines)})
        keys, tokens = _patched(base.keys, self.keys), _patched(base.tokens, self.tokens)
        lists = {**base.lists, **dict(self.lists)}
        return Last(self.salt, site, known, self.settles, keys, base.showing, tokens, lists)


def _patched(base: tuple[T, ...], changed: Iterable[tuple[int, T]]) -> tuple[T, ...]:
    patched = list(base)
    for i, value in changed:
        patched[i] = value
    return tuple(patched)


def _changed(now: tuple[T, ...], base: tuple[T, ...]) -> tuple[tuple[int, T], ...]:
    return tuple((i, v) for i, (v, was) in enumerate(zip(now, base, strict=True)) if v != was)


def _delta(base: Last, now: Last) -> Delta | None:
    """`now` as a Delta of `base`, which it was swapped from (every field of its site but the
    record is the base's); None when they differ in more than DELTA_MOST articles."""
    if now.showing != base.showing or len(now.known) != len(base.known):
        return None
    if len(now.keys) != len(base.keys) or now.site.record.keys() != base.site.record.keys():
        return None
    if len(now.tokens) != len(base.tokens) or now.lists.keys() != base.lists.keys():
        return None
    known = _changed(now.known, base.known)
    if len(known) > DELTA_MOST:
        return None
    record = base.site.record
    lines = tuple((url, e) for url, e in now.site.record.items() if record[url] is not e)
    keys, tokens = _changed(now.keys, base.keys), _changed(now.tokens, base.tokens)
    lists = tuple((url, key) for url, key in now.lists.items() if base.lists[url] != key)
    return Delta(base.salt, now.salt, now.settles, known, lines, keys, tokens, lists)


# the shape of what is kept: a Last or Delta kept by other code is none
_SHAPE = tuple(tuple(f.name for f in fields(kind)) for kind in (Last, Delta))


class LastSite:
    """What the last index of one site's builds left, kept in the cache's `folder` (None: in
    memory only); `reading`: a check's (nothing saved, no site kept)."""

    def __init__(
        self,
        folder: Path | None,
        cache: ArticleCache,
        config: SiteConfig,
        drafts: bool,
        reading: bool,
    ) -> None:
        memo = f"related-{config.part}.pickle" if config.part else "related.pickle"
        self.memo_path = None if folder is None else folder / memo
        self.saves = not cache.read_only and not reading
        fast = not reading and not config.parts  # a part's URL record is its share, read apart
        self.path = folder / "site.pickle" if folder is not None and fast else None
        self.delta_path = folder / "site-delta.pickle" if folder is not None and fast else None
        self.cache = cache
        self.made_of = (cache.salt, repr(config), drafts, _SHAPE)
        self.related = config.related
        self._kept: Last | None = None  # the last site, kept for the next build
        self._base: Last | None = None  # the one saved whole that `_kept` was swapped from
        self._swapped_from: Last | None = None  # the one the last swap was made of
        self._read: Memo | None = None  # the related lists as the cache holds them
        self.swapped = False  # whether the last site came of the one before, edits swapped in
        self._site: Site | None = None  # the last site made
        self._keys: tuple[str, ...] = ()  # its article pages' keys
        self._tokens: tuple[str, ...] = ()  # its articles' tokens
        self._lists: dict[str, str] = {}  # its listing pages' keys (LISTING)
        self._showing = Showing()  # the pictures they were made with
        self._settles = False  # whether the record it leaves gives it again

    def _salt(self, rendering: str, recorded: str) -> str:
        return digest(*self.made_of, rendering, recorded)

    @cached_property
    def memo(self) -> Memo | None:
        """The last build's related lists, read when a build first needs them."""
        from sitegen import stories  # here: numpy, which a build with nothing to do never needs

        self._read = load_pickled(self.memo_path, stories.Memo)
        return self._read

    def swap(self, rendering: str, recorded: str, articles: Sequence[Article]) -> Site | None:
        """The last site with `articles` swapped in, when it was made of these templates
        (`rendering`) and URL record's text (`recorded`) and `swap` can; else None."""
        self.swapped = False
        last = None if self.path is None else self._kept or self._load()
        if last is None or last.salt != self._salt(rendering, recorded):
            return None
        swapped = swap(last.site, last.known, articles, self._cached, self.related, self.memo)
        self.swapped = swapped is not None
        self._settles = last.settles  # only present files' digests moved
        self._swapped_from = last
        return swapped

    def _load(self) -> Last | None:
        """The site saved whole, with the delta saved since applied."""
        self._base = load_pickled(self.path, Last)
        kept = load_pickled(self.delta_path, tuple)
        if self._base is None or not kept or kept[0] != _SHAPE or kept[1].base != self._base.salt:
            return self._base
        return cast(Delta, kept[1]).applied(self._base)

    def keys(self, site: Site, showing: Showing) -> Known:
        """The article pages' keys and the articles' tokens of the site `swap` gave, as the last
        plan made them where no article they read was edited, "" where one was: a page's key
        reads its related and quoting articles (pages.articles.showing), a token its story's
        copies (an edited one's copies share its story's names); and its listing pages' keys
        (kept where they show no token made again: Known.listed). None known when the pictures
        show otherwise now."""
        last = self._swapped_from
        if last is None or not self.swapped or last.showing != showing:
            return Known()
        n = len(site.articles)
        if len(last.keys) != n or len(last.tokens) != n:
            return Known()
        pairs = zip(site.articles, last.known, strict=True)
        edited = [i for i, (article, (_, before)) in enumerate(pairs) if article.digest != before]
        again = articles.showing(site, edited)
        retold = {j for i in edited for j in (i, *site.copies[i])}
        return Known(
            tuple("" if i in again else key for i, key in enumerate(last.keys)),
            tuple("" if i in retold else token for i, token in enumerate(last.tokens)),
            last.lists,
        )

    def made(
        self,
        site: Site,
        given: UrlRecord | None,
        pages: Sequence[Page],
        showing: Showing,
        tokens: Mapping[int, str],
    ) -> None:
        """The site a build made of the URL record `given` (None: swapped, made of the record the
        last was), its `pages` (made with the pictures `showing`) and the articles' `tokens` its
        plan made, to keep once the build is kept; its related lists kept at once."""
        if self.saves and self.memo is not self._read:
            save_pickled(self.memo_path, self.memo)
            self._read = self.memo
        if self.path is not None:
            self._site = site
            self._keys = tuple(page.key for page in pages if page.family == "article")
            self._lists = {page.url: page.key for page in pages if page.family in LISTING}
            self._tokens = tuple(tokens.get(i, "") for i in range(len(site.articles)))
            self._showing = showing
            if given is not None:
                present = (a.source_path for a in site.articles)
                self._settles = same_given(given, site.record, present)

    def _cached(self, article_digest: str) -> Article | None:
        """The article of this digest the cache holds (without its body)."""
        return self.cache.get(self.cache.key(article_digest))

    def keep(self, rendering: str, recorded: str | None, left: str | None, save: bool) -> None:
        """Keep the site made for the next build, which reads the URL record's text this one
        read (`recorded`), or the one it left (`left`, None: the same) when that gives the same
        site (only bodies' digests changed: inplace.same_given). `save`: on disk too, for the next
        process."""
        site, read = self._site, (self._settles and left) or recorded
        if self.path is not None and site is not None and read is not None:
            known = tuple((a.source_path, a.digest) for a in site.articles)
            bare = replace(site, articles=(), memo=None)  # the articles are the cache's
            salt = self._salt(rendering, read)
            self._kept = Last(
                salt,
                bare,
                known,
                self._settles,
                self._keys,
                self._showing,
                self._tokens,
                self._lists,
            )
            if save:
                self._save(self._kept)
            elif not self.swapped:
                self._base = None  # made anew and not saved: no delta of the saved one

    def _save(self, last: Last) -> None:
        """Save a swapped site as a delta of the one saved whole, else whole (the stale delta
        gone first, so that a delta on disk is always of the site saved beside it)."""
        delta = _delta(self._base, last) if self.swapped and self._base is not None else None
        if delta is not None:
            save_pickled(self.delta_path, (_SHAPE, delta))
            return
        if self.delta_path is not None:
            self.delta_path.unlink(missing_ok=True)
        save_pickled(self.path, last)
        self._base = last
