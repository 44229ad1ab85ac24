"""What only the dev server needs from the build: a change set rebuilt in place, the hrefs of the
pages it touched (so only tabs showing them reload), an edited article rendered first (Hugo's fast
render), and the search index updated in place (only the files of the tokens that changed).

It sits between serve and build: serve hands it changed paths and gets reports back, and never
touches the session's state. One lock keeps serve's threads from meeting inside it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sitegen.cache import BodiesLost
from sitegen.config import SiteConfig
from sitegen.errors import ContentError
from sitegen.models import Article
from sitegen.names import SEARCH_FOLDER, output_file
from sitegen.output import InPlace, static_listing
from sitegen.pages import Page, Plan, Views
from sitegen.pages.articles import article_page
from sitegen.pipeline import Progress, Report, Session, quiet
from sitegen.pipeline.emit import emit
from sitegen.pipeline.search_step import update_index
from sitegen.render import make_environment, rendering_digest, static_dirs, template_dirs


class _Current:
    """The dev server's place: its live folder, where a page is kept if it was last written with
    the same key."""

    def __init__(self, folder: InPlace, keys: dict[str, str]) -> None:
        self.writer = folder
        self.keys = keys

    def keeps(self, page: Page) -> bool:
        return self.keys.get(page.url) == page.key


def _same_place(old: Article, new: Article) -> bool:
    """Whether an edited article keeps its URL, its place in the lists and its related articles."""
    return (old.date, old.slug, old.categories, old.draft, old.aliases) == (
        new.date,
        new.slug,
        new.categories,
        new.draft,
        new.aliases,
    )


class Live:
    """One site served with `--watch`: a Session built once, then updated change set by change set."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._bodies_lost = False
        self._lock = threading.Lock()

    @property
    def config(self) -> SiteConfig:
        return self.session.config

    def build(self, progress: Progress) -> Report:
        """The whole site, as `sitegen build` makes it."""
        with self._lock:
            return self.session.build(progress=progress)

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

    def reconfigure(self, session: Session, changed: set[Path]) -> Report:
        """site.toml (or a whole folder) changed: a new session, reusing the normalized articles
        when they cannot differ (same content folder, time zone and sketching: the cache's salt)."""
        with self._lock:
            old = self.session.config
            same = (session.config.content_path, session.cache.salt)
            reuse = same == (old.content_path, self.session.cache.salt)
            if reuse:
                session.outcomes = dict(self.session.outcomes)
                session.load(changed)
            report = session.build(reuse=reuse)
            self.session = session
            return report

    def update(
        self,
        changed: set[Path],
        *,
        on_edited: Callable[[tuple[str, ...]], None] | None = None,
    ) -> Report:
        """After files changed: content re-normalized, static copied, templates re-read, the
        pages whose key changed rewritten in place, and the search index updated.

        With `on_edited`, the pages of articles edited in place are rendered first and announced.
        `report.touched` lists the pages rewritten or removed, or is None when any page may have
        changed (templates or static files changed).
        """
        with self._lock:
            try:
                return self._update(changed, on_edited)
            except BodiesLost:
                self._bodies_lost = True  # the next update reads every file again
                raise

    def _update(
        self, changed: set[Path], on_edited: Callable[[tuple[str, ...]], None] | None
    ) -> Report:
        started = time.perf_counter()
        session, made = self.session, self.session.made
        report = Report(output=session.output)
        resolved = {p.resolve() for p in changed}
        templates = [d.resolve() for d in template_dirs(session.config)]
        statics = [d.resolve() for d in static_dirs(session.config)]
        changed_static = sorted(p for p in resolved if any(p.is_relative_to(d) for d in statics))
        templates_changed = any(p.is_relative_to(d) for p in resolved for d in templates)
        layout_changed = templates_changed or bool(changed_static)
        if templates_changed:
            session.env = make_environment(session.config, session.cache.templates)
            made.keys = dict.fromkeys(made.keys, "")
        if self._bodies_lost:
            session.load()
            self._bodies_lost = False
        session.load(resolved)
        rendering = rendering_digest(session.config)
        if on_edited and not layout_changed and (edited := self._fast(resolved, rendering)):
            on_edited(edited)
        site, planned = session.site(report, rendering, static_listing(static_dirs(session.config)))
        made.site = site
        place = InPlace(session.output)
        current = _Current(place, made.keys)
        emitted = emit(planned, current, session.env, jobs=session.jobs, progress=quiet)
        for page in emitted.rendered:
            made.keys[page.url] = page.key
        urls = {page.url for page in planned.pages}
        removed = [url for url in made.keys if url not in urls]
        for url in removed:
            place.remove(output_file(url))
            del made.keys[url]
        for path in changed_static:
            source_dir = next(d for d in statics if path.is_relative_to(d))
            place.copy_static(path.relative_to(source_dir).as_posix(), statics)
        gone = [*removed, *(page.url for page in emitted.rendered)]
        if session.config.search.enabled and gone:
            report.search = update_index(
                site,
                session.config.tz,
                session.cache,
                session.bodies,
                session.output,
                session.output / SEARCH_FOLDER,
                jobs=session.jobs,
            )
        report.pages = Counter(page.kind for page in emitted.rendered)
        report.workers = frozenset(emitted.workers)
        report.written, report.unchanged = place.stats.written, place.stats.unchanged
        if not layout_changed:
            href = site.links.href
            report.touched = tuple(href(url) for url in gone)
        report.seconds = time.perf_counter() - started
        return report

    def _fast(self, paths: set[Path], rendering: str) -> tuple[str, ...]:
        """Pages of articles edited in place (same date, slug, categories), rendered at once against
        the last site, so the editor sees them before the rest of the update: Hugo's fast render.
        Returns their hrefs; the update then finds their keys current and leaves them."""
        session = self.session
        outcomes = session.outcomes
        last = session.made.site
        if last is None or any(isinstance(o, ContentError) for o in outcomes.values()):
            return ()  # a failing site stays as it last built
        articles = list(last.articles)
        position = {a.source_path: i for i, a in enumerate(articles)}
        edited = []
        for path in paths:
            new = outcomes.get(path)
            if not isinstance(new, Article):
                continue
            i = position.get(new.source_path, -1)
            if i >= 0 and new.digest != articles[i].digest and _same_place(articles[i], new):
                articles[i] = session.bodies.take(new)
                edited.append(i)
        if not edited:
            return ()
        site = replace(last, articles=tuple(articles))
        views = Views(
            site,
            session.config,
            body_of=session.bodies.of,
            rendering=rendering,
            showing=session.showing,
        )
        planned = Plan([article_page(views, i) for i in edited], views)
        current = _Current(InPlace(session.output), session.made.keys)
        emitted = emit(planned, current, session.env, jobs=1, progress=quiet)
        for page in emitted.rendered:
            session.made.keys[page.url] = page.key
        return tuple(views.urls.href(site.urls[i]) for i in edited)
