"""The build's one meeting point with search: the index brought up to date with the site's
articles, as one more part of the output.

Everything the build knows about search is here, so another search engine changes this file only.
The index's state (what each file holds) is kept in the cache, per output folder, so an edit
rewrites only the index files of the tokens it changed; with `--no-cache` it lives in a temporary
folder for one build and the index is made anew.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache import ArticleCache, Bodies
from sitegen.code import SEARCH, digest
from sitegen.config import SiteConfig
from sitegen.parts import closed
from sitegen.pipeline.report import Progress, quiet
from sitegen.site import Site

if TYPE_CHECKING:
    from sitegen.search.doc import Doc
    from sitegen.search.writer import Changes


def code() -> str:
    """The code that writes the index: a new one remakes it (part of a build's inputs)."""
    return digest(SEARCH)


def update_index(
    site: Site,
    config: SiteConfig,
    cache: ArticleCache,
    bodies: Bodies,
    output: Path,
    folder: Path,
    *,
    jobs: int,
    progress: Progress = quiet,
) -> Changes:
    """Bring the index in `folder` (the output's, or its twin's) up to date with the site."""
    from sitegen.search.extract import doc_of, text_of  # here: only a site with search
    from sitegen.search.writer import SearchIndex

    by_url = {site.urls[i]: site.articles[i] for i in site.leads}  # a story is found once
    tz = config.tz
    docs = [doc_of(site.articles[i], site.urls[i], site.source_of[i], tz) for i in site.leads]

    def text(doc: Doc) -> str:
        article = by_url[doc.url]
        return text_of(article, bodies.text(article))

    def update(state: Path) -> Changes:
        index = SearchIndex(state, jobs, closed(config), bool(config.parts))
        return index.update(folder, docs, text, lambda done, total: progress("search", done, total))

    if cache.folder is None or cache.read_only:
        with tempfile.TemporaryDirectory(prefix="sitegen-search-") as state:
            return update(Path(state))
    key = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return update(cache.folder / "search" / key)
