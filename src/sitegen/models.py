"""The data that flows between pipeline stages; every model is frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.stories import Memo

CategoryPath = tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """One content file as read from disk: decoded text split into front matter and body.

    `digest` identifies the file's path and bytes: an article with the same digest is the same.
    """

    path: Path
    rel_path: str
    digest: str
    meta: dict[str, Any]
    body: str
    body_line: int
    has_front_matter: bool
    meta_lines: dict[str, int]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sketch:
    """What finding stories needs of an article's text (sitegen.stories), made once when the
    article is loaded: its MinHash, or when the text is too short for one, a digest of its title
    and text (8 bytes); and its topics, for related articles. Slots: one per article stays in
    memory, and a dict would be half of it."""

    minhash: bytes = b""
    exact: bytes = b""
    topics: bytes = b""
    size: int = 0
    """The text's distinct shingles, with the MinHash: how much of it another text can hold."""

    def __reduce__(self) -> tuple:
        """Unpickled by its constructor: a frozen dataclass with slots would otherwise go through
        `dataclasses.fields()` once per object, a fifth of loading the articles of a warm build."""
        return (Sketch, (self.minhash, self.exact, self.topics, self.size))


@dataclass(frozen=True)
class Sketching:
    """What to sketch of each article: `copies` for finding stories ([stories] enabled), `topics`
    for related articles (related > 0); what is not wanted is not computed."""

    copies: bool = True
    topics: bool = True


SKETCH_ALL = Sketching()


@dataclass(frozen=True)
class Citation:
    """What one article says of one document it cites (sitegen.documents): the sentence that
    first cites it, the number written with its title, the bodies the sentence or the title says
    issued it, and the dates the sentence gives, as (印发 | 发布 | 施行, YYYY-MM-DD)."""

    name: str
    sentence: str
    number: str = ""
    issuers: tuple[str, ...] = ()
    dates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Article:
    """One article, clean and ready to render.

    `body_html` is the sanitized body as normalizing made it and `text` its visible text (one
    line a paragraph: what search indexes and stories sketch), made together, once; the load
    stage hands both to the `Bodies` store (sitegen.cache) and every later stage sees them empty,
    asking the store instead (render for the body, search for the text).
    """

    id: str
    title: str
    date: datetime
    updated: datetime | None
    categories: tuple[CategoryPath, ...]
    tags: tuple[str, ...]
    author: str
    source: str
    editor: str
    original_title: str
    image: str
    body_html: str
    summary: str
    slug: str
    source_path: str
    draft: bool
    image_in_body: bool
    explicit_slug: bool
    digest: str
    warnings: tuple[str, ...] = ()
    notice: str = ""  # what the page tells its reader about a body that could not be cleaned
    has_time: bool = True
    """False for a date-only `date: 2022-03-14` (新闻联播 transcripts): no 00:00 is shown."""
    sketch: Sketch = Sketch()
    documents: tuple[str, ...] = ()
    """The documents the text cites (sitegen.documents), found once when normalizing."""
    citations: tuple[Citation, ...] = ()
    """Per document cited, in the same order: what the text says of it."""
    authorities: tuple[str, ...] = ()
    """The issuing bodies the text names (sitegen.authorities), in order of first mention."""
    link: str = ""
    """The original's URL from the front matter (`link`, `url`, `source_url`…), for citations."""
    body_digest: str = ""
    """The body's digest, whatever the file's name: a file moved with the same body is the same
    article (sitegen.urls.assign)."""
    aliases: tuple[str, ...] = ()
    """`aliases:` in the front matter: site paths that redirect to the article (as Hugo's)."""
    junk: str = ""
    """Why the body is crawler junk (sitegen.content.junk): then it is held back, not published."""
    hold: bool = True
    """False when the front matter says `hold: false`: published even if it would be held back."""
    images: tuple[str, ...] = ()
    """Every picture the article shows (its head image first), for `sitegen images` and the
    page's key: a picture fetched or lost changes the pages showing it."""
    text: str = ""


@dataclass(frozen=True)
class Body:
    """An article's body and its visible text: one artifact of normalizing, kept together."""

    html: str
    text: str


@dataclass(frozen=True)
class Page:
    """One output file, planned but not yet rendered: plain data, so it travels to a worker.

    `key` digests everything the page shows, so an unchanged key means unchanged output and the
    page need not be rendered again. Its template data is made only when it is rendered, from
    `data` by the function of sitegen.pages that `family` names. `lastmod` feeds the sitemap
    (None: not listed).
    """

    url: str
    kind: str
    template: str
    key: str
    lastmod: datetime | None
    family: str
    data: Any


@dataclass(frozen=True)
class Stories:
    """Per article (by index): its story's articles earliest first, itself included (() when it
    has no copy), and the articles related to it by content, most related first; the articles
    it quotes whole and those quoting it whole (a digest and its articles), newest first. `memo`
    is what the next build's `find` reuses; `recomputed` counts the related lists made afresh."""

    copies: tuple[tuple[int, ...], ...]
    related: tuple[tuple[int, ...], ...]
    memo: Memo | None = None
    recomputed: int = 0
    quotes: tuple[tuple[int, ...], ...] = ()
    quoted_in: tuple[tuple[int, ...], ...] = ()

    @classmethod
    def none(cls, count: int) -> Stories:
        """No copies, nothing related: what a check (which lists no page) takes, without numpy."""
        empty = ((),) * count
        return cls(empty, empty, None, 0, empty, empty)

    def leads(self, count: int | None = None) -> tuple[int, ...]:
        """Per article (the first `count`), its story's first copy (itself when it has none)."""
        return tuple(story[0] if story else i for i, story in enumerate(self.copies[:count]))
