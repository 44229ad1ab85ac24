"""A disk cache of normalized articles, so a warm build parses no HTML it has seen.

An entry's key digests the file's path and bytes, the config that normalizing reads (the time zone)
and the code that normalizes, so any change to one of them misses. An entry that cannot be read, or
whose stored key differs from the one asked for (corrupt, foreign, stale), is ignored and rebuilt.
Entries hold whole articles, so bodies can stay on disk until their page is rendered (`Bodies`):
the body and its key are pickled first, the article without them after, so a body is read alone.

Beside the entries, one index file remembers each content file's stamp (size, mtime, inode) and its
article without body, so a warm build reads neither content files nor entries for files whose stamp
did not change: the rule make, git and Hugo use. A file changed within the same clock tick as the
build that stamped it could keep its stamp, so a stamp that recent is checked by its bytes next time.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from sitegen import code
from sitegen.errors import ContentError, ContentErrors
from sitegen.models import SKETCH_ALL, Article, Body, Sketching
from sitegen.output import write_atomically, write_new
from sitegen.parallel import Background

MAGIC = b"sitegen-article-cache-4\n"
CACHE_DIR = ".sitegen-cache"
RACY_NS = 2_000_000_000

Stamp = tuple[int, int, int]
T = TypeVar("T")


def load_pickled(path: Path | None, kind: type[T]) -> T | None:
    """What the cache keeps at `path`, or None when it is missing, unreadable or of another kind:
    the caller then starts afresh, never trusts it."""
    try:
        loaded = pickle.loads(path.read_bytes()) if path else None
    except Exception:  # a missing, corrupt or foreign file is only a miss
        return None
    return loaded if isinstance(loaded, kind) else None


def save_pickled(path: Path | None, value: object) -> None:
    if path is not None:
        write_atomically(path, pickle.dumps(value, protocol=5))


def code_version() -> str:
    """The source of every module that shapes an Article (the version is in sitegen/__init__.py)."""
    return code.digest(code.ARTICLES)


def stamp_of(path: Path) -> Stamp | None:
    try:
        stat = os.stat(path)  # noqa: PTH116 - one call per content file on every build
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def kept(entry: tuple[Stamp, T] | None, stamp: Stamp | None, checked_ns: int) -> T | None:
    """What an index keeps for a file, if the file still has the stamp it had then and that stamp
    is older than the index by more than RACY_NS (a file written in the same tick could change
    without its stamp changing)."""
    if entry is None or stamp is None or entry[0] != stamp:
        return None
    return entry[1] if stamp[1] < checked_ns - RACY_NS else None


@dataclass
class Index:
    """Content files by relative path → (stamp, article without body), as of `checked_ns`."""

    salt: str = ""
    checked_ns: int = 0
    files: dict[str, tuple[Stamp, Article]] = field(default_factory=dict)

    def article(self, rel_path: str, stamp: Stamp | None) -> Article | None:
        """The indexed article, if the file still has the stamp it had, long enough before."""
        return kept(self.files.get(rel_path), stamp, self.checked_ns)


def _store(path: str, data: bytes) -> bool:
    with suppress(FileExistsError):  # another build stored the same article meanwhile
        try:
            write_new(path, data)
        except FileNotFoundError:  # the cache was cleaned since this folder was made
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            write_new(path, data)
    return True


class ArticleCache:
    """Articles by key under `folder`; with folder None it stores nothing (`--no-cache`), and
    read-only it uses what is there and writes nothing (`sitegen check`)."""

    def __init__(
        self,
        folder: Path | None,
        timezone: str,
        *,
        read_only: bool = False,
        sketching: Sketching = SKETCH_ALL,
        part: str = "",
    ) -> None:
        """`part`: the part of an archive in parts whose files this cache's index lists (each
        part's build reads only its own)."""
        self.folder = folder
        self._index_name = f"index-{part}.pickle" if part else "index.pickle"
        self.read_only = read_only
        self.sketching = sketching  # what normalizing sketches, read from the config as the zone is
        self.salt = f"{code_version()}\0{timezone}\0{sketching}\0"
        self._made: set[str] = set()
        self._background = Background()
        self._writing: set[str] = set()  # keys `put` but maybe not on disk yet
        self.templates = None if folder is None or read_only else folder / "templates"
        if self.templates is not None:
            self.templates.mkdir(parents=True, exist_ok=True)

    def key(self, file_digest: str) -> str:
        return hashlib.blake2b((self.salt + file_digest).encode(), digest_size=16).hexdigest()

    def _path(self, key: str) -> str:
        assert self.folder is not None
        return f"{self.folder}/articles/{key[:2]}/{key}"

    def _read(self, key: str, *, article: bool) -> tuple[Body, Article | None] | None:
        """An entry's body, and its article when asked: the body is pickled first and apart, so
        render and search (two reads an article) unpickle only it."""
        if self.folder is None:
            return None
        if key in self._writing:
            self.flush()
        path = self._path(key)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            return None
        try:
            if not data.startswith(MAGIC):
                raise ValueError("foreign entry")
            entry = io.BytesIO(data)
            entry.seek(len(MAGIC))
            stored_key, body = pickle.load(entry)
            stored = pickle.load(entry) if article else None
            if (
                stored_key == key
                and isinstance(body, Body)
                and (not article or isinstance(stored, Article))
            ):
                return body, stored
        except Exception:  # any unreadable entry is a miss, never an error
            pass
        if not self.read_only:
            Path(path).unlink(missing_ok=True)
        return None

    def get(self, key: str) -> Article | None:
        """The article without its body and text: a warm build never reads bodies."""
        entry = self._read(key, article=True)
        return entry[1] if entry else None

    def put(self, key: str, article: Article) -> Article:
        """Store an article; returns it without its body and text, which stay on disk until
        rendered and indexed."""
        if self.folder is None or self.read_only:
            return article
        bodiless = replace(article, body_html="", text="")
        path = self._path(key)
        folder = os.path.dirname(path)  # noqa: PTH120 - one call per article on a cold build
        body = Body(article.body_html, article.text)
        data = MAGIC + pickle.dumps((key, body), protocol=5) + pickle.dumps(bodiless, protocol=5)
        if folder not in self._made:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        self._background.submit(lambda: _store(path, data))
        self._writing.add(key)
        return bodiless

    def flush(self) -> None:
        """Every entry `put` asked for is on disk (a thread of this process writes them, so
        normalizing goes on while the file system makes each file); reading an entry not yet
        written waits for it too."""
        self._background.wait()
        self._writing.clear()

    def body(self, article: Article) -> Body | None:
        """The body and text stored with this article, or None when its entry is gone or unreadable."""
        entry = self._read(self.key(article.digest), article=False)
        return None if entry is None else entry[0]

    def _index_path(self) -> Path | None:
        return None if self.folder is None else self.folder / self._index_name

    def load_index(self, root: Path) -> Index:
        """The index of this content folder; empty when missing, unreadable or made otherwise."""
        salt = f"{self.salt}{root}"
        loaded = load_pickled(self._index_path(), Index)
        return loaded if loaded is not None and loaded.salt == salt else Index(salt)

    def save_index(self, index: Index) -> None:
        if not self.read_only:
            save_pickled(self._index_path(), index)

    def forget_index(self) -> None:
        if (path := self._index_path()) is not None:
            path.unlink(missing_ok=True)


class BodiesLost(ContentErrors):
    """Cache entries gone or damaged while a build ran (someone cleaned the cache): the articles
    must be read from their files again."""


class Bodies:
    """Every published article's clean body and its text, owned here from normalizing until its
    page renders and its text is indexed.

    Articles leave the load stage without them (`take`); render asks for the body (`of`), search
    for the text (`text`). With a cache they stay in its entries on disk; without one
    (`--no-cache`) they are kept here.
    """

    def __init__(self, cache: ArticleCache) -> None:
        self.cache = cache
        self._kept: dict[str, Body] = {}

    def take(self, article: Article) -> Article:
        """The article without its body and text, which this store keeps (the cache already holds
        them)."""
        if self.cache.folder is None or self.cache.read_only:
            self._kept[article.digest] = Body(article.body_html, article.text)
        if article.body_html or article.text:
            return replace(article, body_html="", text="")
        return article

    def of(self, article: Article) -> str:
        """The body of an article taken before, for its page."""
        return self._body(article).html

    def text(self, article: Article) -> str:
        """The visible text of an article taken before, for search."""
        return self._body(article).text

    def _body(self, article: Article) -> Body:
        """A cache entry gone meanwhile is the user's error."""
        kept = self._kept.get(article.digest)
        if kept is not None:
            return kept
        body = self.cache.body(article)
        if body is None:
            self.cache.forget_index()  # so the next build reads the files again, not the index
            message = (
                "its cached body vanished or was damaged during the build "
                "(was .sitegen-cache cleaned?): build again"
            )
            raise BodiesLost([ContentError(Path(article.source_path), 1, message)])
        return body
