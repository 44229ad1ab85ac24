"""What only the dev server's tabs need from the build: an edited article's page rendered first
(Hugo's fast render), and the hrefs of the pages a change set touched (so only tabs showing them
reload). The build itself is the session's one entry, `Session.build(changes, Current(...))`.

It sits between serve and build: serve hands it classified change sets and gets reports back, and
never touches the session's state. One lock keeps serve's threads from meeting inside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sitegen.cache import BodiesLost
from sitegen.config import SiteConfig
from sitegen.errors import ContentError
from sitegen.inplace import same_place
from sitegen.models import Article
from sitegen.pages import Plan
from sitegen.pages.articles import article_page
from sitegen.pipeline import Progress, Report, Session, quiet
from sitegen.pipeline.changes import EVERYTHING, Changes
from sitegen.pipeline.emit import emit
from sitegen.pipeline.places import Current
from sitegen.render import rendering_digest
from sitegen.urls import Urls


class Live:
    """One site served with `--watch`: a Session built once, then updated change set by change set."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._served = Current(session.output, {})  # what the served folder holds, by key
        self._bodies_lost = False
        self._lock = threading.Lock()
        self._position: dict[str, int] = {}  # an article's index by its file, as last looked up

    @property
    def config(self) -> SiteConfig:
        return self.session.config

    def build(self, progress: Progress) -> Report:
        """The whole site, as `sitegen build` makes it."""
        with self._lock:
            report = self.session.build(progress=progress)
            self._served = Current(self.session.output, dict(self.session.made.keys))
            return report

    def article(self, path: Path) -> Article | None:
        """The article a content file holds now (None: none, or an error)."""
        with self._lock:
            outcome = self.session.outcomes.get(path.resolve())
        return outcome if isinstance(outcome, Article) else None

    def expand(self, changed: set[Path]) -> set[Path]:
        """A folder moved or deleted at once stands for the articles it held and holds; a
        content path that neither exists nor held an article (a tool's temp file) is dropped."""
        content = self.config.content_path.resolve()
        with self._lock:
            known = set(self.session.outcomes)
        found = set(changed)
        for path in changed:
            if not path.is_relative_to(content) or path in known or path.is_file():
                continue
            held = {k for k in known if k.is_relative_to(path)}
            if path.is_dir():
                held.update(p for p in path.rglob("*") if p.is_file())
            elif not held:
                found.discard(path)
            found |= held
        return found

    def reconfigure(self, session: Session, changes: Changes) -> Report:
        """site.toml (or a whole folder) changed: a new session, reusing the normalized articles
        when they cannot differ (same content folder, time zone and sketching: the cache's salt)."""
        with self._lock:
            old = self.session.config
            same = (session.config.content_path, session.cache.salt)
            if same == (old.content_path, self.session.cache.salt):
                session.outcomes = dict(self.session.outcomes)
            else:
                changes = EVERYTHING
            report = session.build(changes)
            self.session = session
            self._served = Current(session.output, dict(session.made.keys))
            return report

    def update(
        self,
        changes: Changes,
        *,
        on_edited: Callable[[tuple[str, ...]], None] | None = None,
    ) -> Report:
        """After files changed: the session's build, in the served folder in place.

        With `on_edited`, the pages of articles edited in place are rendered first and announced.
        `report.touched` lists the pages rewritten or removed, or is None when any page may have
        changed (templates or static files changed).
        """
        with self._lock:
            session = self.session
            if self._bodies_lost:
                changes = replace(changes, content=None)  # every file read again
                self._bodies_lost = False

            def first() -> None:
                if on_edited and not changes.layout and (edited := self._fast(changes.content)):
                    on_edited(edited)

            try:
                report = session.build(changes, self._served, first=first)
            except BodiesLost:
                self._bodies_lost = True  # the next update reads every file again
                raise
            if not changes.layout:
                made = session.made.site
                links = made.links if made is not None else Urls(session.config)
                report.touched = tuple(links.href(url) for url in report.rewritten)
            return report

    def _fast(self, paths: frozenset[Path] | None) -> tuple[str, ...]:
        """Pages of articles edited in place (inplace.same_place), rendered at once against
        the last site, so the editor sees them before the rest of the update: Hugo's fast render.
        Returns their hrefs; the update then finds their keys current and leaves them."""
        session = self.session
        outcomes = session.outcomes
        last = session.made.site
        if (
            paths is None
            or last is None
            or any(isinstance(o, ContentError) for o in outcomes.values())
        ):
            return ()  # a failing site stays as it last built
        articles = list(last.articles)
        edited = []
        for path in paths:
            new = outcomes.get(path)
            if not isinstance(new, Article):
                continue
            i = self._index(articles, new.source_path)
            if i >= 0 and new.digest != articles[i].digest and same_place(articles[i], new):
                articles[i] = session.bodies.take(new)
                edited.append(i)
        if not edited:
            return ()
        site = replace(last, articles=tuple(articles))
        views = session.views(site, rendering_digest(session.config))
        planned = Plan([article_page(views, i) for i in edited], views)
        emitted = emit(planned, self._served, session.env, jobs=1, progress=quiet)
        self._served.remember(emitted.rendered)  # their keys: the build that follows keeps them
        return tuple(views.urls.href(site.urls[i]) for i in edited)

    def _index(self, articles: list[Article], path: str) -> int:
        """Where the article of a file is in the last site (-1: nowhere). The positions looked up
        before are kept, checked and made again only when the file is no longer there: an edit
        in place leaves every article where it was, so a save is not a walk over the archive
        (40 ms of CPU at 40,000 articles)."""
        i = self._position.get(path, -1)
        if not 0 <= i < len(articles) or articles[i].source_path != path:
            self._position = {a.source_path: n for n, a in enumerate(articles)}
            i = self._position.get(path, -1)
        return i
