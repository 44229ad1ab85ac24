"""A disk cache of normalized articles, so a warm build parses no HTML it has seen.

An entry's key digests the file's path and bytes, the config that normalizing reads (the time zone)
and the code that normalizes, so any change to one of them misses. An entry that cannot be read, or
whose stored key differs from the one asked for (corrupt, foreign, stale), is ignored and rebuilt.
Entries hold whole articles, so bodies can stay on disk until their page is rendered.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace
from functools import cache
from pathlib import Path

from sitegen import __version__
from sitegen.errors import ContentError
from sitegen.models import Article
from sitegen.output import write_atomically

MAGIC = b"sitegen-article-cache-1\n"
CACHE_DIR = ".sitegen-cache"


@cache
def code_version() -> str:
    """The version plus the source of every module that shapes an Article."""
    package = Path(__file__).parent
    sources = sorted([*package.glob("content/*.py"), package / "models.py"])
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()


class ArticleCache:
    """Articles by key under `folder`; with folder None it stores nothing (`--no-cache`)."""

    def __init__(self, folder: Path | None, timezone: str) -> None:
        self.folder = folder
        self.salt = f"{code_version()}\0{timezone}\0"

    def key(self, file_digest: str) -> str:
        return hashlib.blake2b((self.salt + file_digest).encode(), digest_size=16).hexdigest()

    def _path(self, key: str, suffix: str) -> Path:
        assert self.folder is not None
        return self.folder / "articles" / key[:2] / (key + suffix)

    def get(self, key: str) -> Article | None:
        """The article without its body (`body_html` is ""): a warm build never reads bodies."""
        if self.folder is None:
            return None
        try:
            data = self._path(key, ".meta").read_bytes()
            if not data.startswith(MAGIC):
                return None
            stored_key, article = pickle.loads(data[len(MAGIC) :])
        except Exception:  # any unreadable entry is a miss, never an error
            return None
        return article if stored_key == key and isinstance(article, Article) else None

    def put(self, key: str, article: Article) -> Article:
        """Store an article; returns it without its body, which stays on disk until rendered."""
        if self.folder is None:
            return article
        write_atomically(self._path(key, ".html"), article.body_html.encode("utf-8"))
        bodiless = replace(article, body_html="")
        write_atomically(
            self._path(key, ".meta"), MAGIC + pickle.dumps((key, bodiless), protocol=5)
        )
        return bodiless

    def body(self, article: Article) -> str:
        """The clean body: from the article itself, or from the cache for a bodiless one."""
        if self.folder is None or article.body_html:
            return article.body_html
        try:
            return self._path(self.key(article.digest), ".html").read_text(encoding="utf-8")
        except OSError:
            message = (
                "its cached body vanished during the build (was the cache cleaned?): build again"
            )
            raise ContentError(Path(article.source_path), 1, message) from None
