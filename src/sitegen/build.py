"""The build, end to end: load → normalize → index → plan → render → write.

Normalizing is spread over processes in chunks; every content problem is collected so the user
sees them all at once, and the previous output is only replaced by a complete new one.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from jinja2 import Environment

from sitegen.cache import CACHE_DIR, ArticleCache, Index, load_pickled, save_pickled, stamp_of
from sitegen.config import SiteConfig
from sitegen.content.load import discover, file_digest, is_candidate, load_data, read_file
from sitegen.errors import ConfigError, ContentError, ContentErrors, ContentWarning
from sitegen.models import Article
from sitegen.output import InPlace, Staging, all_stamped
from sitegen.pages import BodyOf, Page, Planner, digest, plan
from sitegen.render import (
    make_environment,
    render,
    rendering_digest,
    static_dirs,
    template_dirs,
)
from sitegen.site import Site, index
from sitegen.urls import SEARCH_FOLDER, UnsafePath, Urls, output_file

if TYPE_CHECKING:
    from sitegen.search import Changes, Doc

Progress = Callable[[str, int, int], None]
Outcome = Article | ContentError | ContentWarning
CHUNK = 64
# How many files the stamp index may lag by before it is rewritten (each is read, not parsed).
INDEX_SLACK = 32
PARALLEL_FROM = 200


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


def normalize_file(path: Path, rel_path: str, tz: ZoneInfo, cache: ArticleCache) -> Outcome:
    """One file → its outcome; an article seen before (same bytes, config, code) comes from the cache."""
    try:
        data = read_file(path)
        key = cache.key(file_digest(rel_path, data))
        cached = cache.get(key)
        if cached is not None:
            return cached
        loaded = load_data(path, rel_path, data)
        from sitegen.content.normalize import normalize  # here: a warm build needs none of it

        return (
            loaded if isinstance(loaded, ContentWarning) else cache.put(key, normalize(loaded, tz))
        )
    except ContentError as error:
        return error


def _normalize_chunk(
    files: list[tuple[str, Path]], cache: ArticleCache, timezone: str
) -> list[Outcome]:
    tz = ZoneInfo(timezone)
    return [normalize_file(path, rel_path, tz, cache) for rel_path, path in files]


def _normalize_files(
    files: list[tuple[str, Path]], config: SiteConfig, jobs: int, cache: ArticleCache
) -> Iterator[list[Outcome]]:
    """Outcomes in order, a chunk at a time; over worker processes when there are many."""
    if jobs <= 1 or len(files) < PARALLEL_FROM or threading.active_count() > 1:
        for file in files:
            yield _normalize_chunk([file], cache, config.timezone)
        return
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        n = len(chunks)
        yield from pool.map(_normalize_chunk, chunks, [cache] * n, [config.timezone] * n)


def normalize_all(
    config: SiteConfig, jobs: int, cache: ArticleCache, progress: Progress = _quiet
) -> list[tuple[Path, Outcome]]:
    """Every file under content/, normalized. A file whose stamp the cache's index knows is not even
    read; the others are read, and normalized unless their bytes are in the cache. Rewriting the
    index costs more than reading a few files, so it waits until it lags by more than a few."""
    root = config.content_path.resolve()
    index = cache.load_index(root)
    checked_ns = time.time_ns()
    found = list(discover(root))
    stamps = [stamp_of(path) for _, path in found]
    outcomes: list[Outcome | None] = [
        index.article(rel_path, stamp) for (rel_path, _), stamp in zip(found, stamps, strict=True)
    ]
    todo = [n for n, outcome in enumerate(outcomes) if outcome is None]
    done = len(found) - len(todo)
    pending = iter(todo)
    for chunk in _normalize_files([found[n] for n in todo], config, jobs, cache):
        for outcome in chunk:
            outcomes[next(pending)] = outcome
        done += len(chunk)
        progress("normalize", done, len(found))
    files = {
        rel_path: (stamp, outcome)
        for (rel_path, _), stamp, outcome in zip(found, stamps, outcomes, strict=True)
        if stamp is not None and isinstance(outcome, Article)
    }
    stale = len(todo) + len(index.files.keys() - files.keys())
    if stale > min(INDEX_SLACK, len(found) // 50):
        cache.save_index(Index(index.salt, checked_ns, files))
    return [
        (path, outcome)
        for (_, path), outcome in zip(found, outcomes, strict=True)
        if outcome is not None
    ]


@dataclass
class Report:
    """What a build or check found: shown as the one-screen summary at the end."""

    articles: int = 0
    drafts: int = 0
    pages: Counter[str] = field(default_factory=Counter)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentWarning] = field(default_factory=list)
    skipped: list[ContentError] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    output: Path | None = None
    search: Changes | None = None
    touched: tuple[str, ...] | None = None  # after a rebuild: hrefs of pages rewritten or gone
    up_to_date: bool = False  # nothing changed since the last build: the output was left alone


def collect(outcomes: Iterable[Outcome], drafts: bool, report: Report) -> list[Article]:
    articles = []
    for outcome in outcomes:
        if isinstance(outcome, ContentError):
            report.errors.append(outcome)
        elif isinstance(outcome, ContentWarning):
            report.warnings.append(outcome)
        else:
            report.warnings.extend(
                ContentWarning(Path(outcome.source_path), 1, w) for w in outcome.warnings
            )
            if outcome.draft and not drafts:
                report.drafts += 1
            else:
                articles.append(outcome)
    return articles


def check_output_folder(config: SiteConfig, output: Path) -> None:
    """Refuse an output that would swallow the site itself (e.g. `--output .`)."""
    target = output.resolve()
    protected = [
        config.root,
        config.content_path,
        config.root / "templates",
        config.root / "static",
    ]
    for place in protected:
        place = place.resolve()
        if target == place or place.is_relative_to(target):
            raise ConfigError(
                "output_dir",
                f"{output} would replace {place}; choose a folder of its own, e.g. build",
            )
    if target.exists() and not target.is_dir():
        raise ConfigError("output_dir", f"{output} exists and is not a folder")


def render_all(
    pages: list[Page], env: Environment, progress: Progress, report: Report
) -> list[tuple[str, bytes, Page]]:
    """Render into memory before writing anything (in place), so a template error writes nothing."""
    rendered = []
    for done, page in enumerate(pages, 1):
        rendered.append((output_file(page.url), render(env, page), page))
        report.pages[page.kind] += 1
        progress("render", done, len(pages))
    return rendered


def index_search(
    site: Site, builder: Builder, folder: Path, progress: Progress = _quiet
) -> Changes:
    """Bring the search index in `folder` (the output's, or its twin's) up to date with the
    site's articles. Its state is kept in the cache, per output folder; with --no-cache in a
    temporary folder, so the index is made anew."""
    config, cache, jobs = builder.config, builder.cache, builder.jobs
    from sitegen.search import SearchIndex, doc_of, text_of  # here: only a site with search

    by_url = dict(zip(site.urls, site.articles, strict=True))
    docs = [doc_of(article, url, config.tz) for url, article in by_url.items()]

    def text(doc: Doc) -> str:
        article = by_url[doc.url]
        return text_of(article, cache.body(article))

    def update(state: Path) -> Changes:
        index = SearchIndex(state, jobs)
        return index.update(folder, docs, text, lambda done, total: progress("search", done, total))

    if cache.folder is None:
        with tempfile.TemporaryDirectory(prefix="sitegen-search-") as state:
            return update(Path(state))
    key = hashlib.blake2b(str(builder.output.resolve()).encode(), digest_size=8).hexdigest()
    return update(cache.folder / "search" / key)


@dataclass
class Rendered:
    """What one worker did: pages rendered by kind, files written or unchanged."""

    kinds: Counter[str] = field(default_factory=Counter)
    written: int = 0
    unchanged: int = 0


_RENDER_JOB: tuple[list[Page], Environment, Staging] | None = None


def _render_pages(
    pages: list[Page], env: Environment, staging: Staging, progress: Progress = _quiet
) -> Rendered:
    result = Rendered()
    before = (staging.stats.written, staging.stats.unchanged)
    for done, page in enumerate(pages, 1):
        data = render(env, page)
        staging.write(output_file(page.url), data)
        result.kinds[page.kind] += 1
        progress("render", done, len(pages))
    result.written = staging.stats.written - before[0]
    result.unchanged = staging.stats.unchanged - before[1]
    staging.stats.written, staging.stats.unchanged = before
    return result


def _render_chunk(bounds: tuple[int, int]) -> Rendered:
    assert _RENDER_JOB is not None
    pages, env, staging = _RENDER_JOB
    return _render_pages(pages[bounds[0] : bounds[1]], env, staging)


@dataclass
class Manifest:
    """What one output tree holds: each page's key and its file's stamp, every file (pages and
    static, for pruning without walking the tree), and the search index's digest.

    Unreadable or foreign, a manifest is empty: then every page of that tree is rendered anew.
    """

    pages: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    search: str = ""
    files: tuple[str, ...] = ()
    static: dict[str, tuple[int, int]] = field(default_factory=dict)
    inputs: str = ""
    articles: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def intact(self, root: Path) -> bool:
        """Whether the folder still holds every file as this manifest stamped it."""
        stamps = [(output_file(url), *stamp[1:]) for url, stamp in self.pages.items()]
        stamps.extend((path, *stamp) for path, stamp in self.static.items())
        has_search = not self.search or (root / SEARCH_FOLDER).is_dir()
        return bool(self.inputs) and has_search and all_stamped(root, stamps)

    @classmethod
    def load(cls, path: Path | None) -> Manifest:
        return load_pickled(path, cls) or cls()

    def save(self, path: Path | None) -> None:
        save_pickled(path, self)


def _reusable(
    manifest: Manifest,
    page: Page,
    path: str,
    take: Callable[[str, int, int], bool],
) -> bool:
    """A page whose key the tree's manifest holds, if `take` finds (or links) its file intact."""
    stamp = manifest.pages.get(page.url)
    return stamp is not None and stamp[0] == page.key and take(path, *stamp[1:])


def _plan(
    site: Site, config: SiteConfig, live_reload: bool, body_of: BodyOf, rendering: str
) -> list[Page]:
    try:
        return plan(site, config, live_reload=live_reload, body_of=body_of, rendering=rendering)
    except UnsafePath as exc:
        raise ConfigError("permalinks", str(exc)) from None


class Builder:
    """One site's build state, kept between builds by `serve --watch`.

    It remembers every file's normalized article and the key of every page it wrote, so that a
    rebuild re-normalizes only changed files and re-renders only pages whose key changed.
    """

    def __init__(
        self,
        config: SiteConfig,
        output: Path | None = None,
        *,
        drafts: bool = False,
        skip_bad: bool = False,
        jobs: int | None = None,
        live_reload: bool = False,
        progress: Progress = _quiet,
        cache: bool = True,
    ) -> None:
        self.config = config
        self.cache = ArticleCache(config.root / CACHE_DIR if cache else None, config.timezone)
        self.output = output or config.output_path
        self.drafts = drafts
        self.skip_bad = skip_bad
        self.jobs = jobs or os.cpu_count() or 1
        self.live_reload = live_reload
        self.progress = progress
        self.outcomes: dict[Path, Outcome] = {}
        self.keys: dict[str, str] = {}
        self.site: Site | None = None
        self.env = make_environment(config, self.cache.templates)
        check_output_folder(config, self.output)

    def _articles(self, report: Report) -> list[Article]:
        articles = collect(self.outcomes.values(), self.drafts, report)
        if report.errors and not self.skip_bad:
            raise ContentErrors(report.errors)
        report.skipped, report.errors = report.errors, []
        return articles

    def _site(self, report: Report) -> Site:
        site = self.site = index(self._articles(report), Urls(self.config), self.config.related)
        report.articles = len(site.articles)
        return site

    def build(self, *, reuse: bool = False) -> Report:
        """Everything, made in the output's twin and exchanged with the output atomically.

        A page whose key matches what the twin or the live output already holds is kept or
        hard-linked instead of rendered; the search index is updated from the live one's.
        `reuse` keeps the normalized articles already in `outcomes` (serve after a site.toml change).
        """
        started = time.perf_counter()
        report = Report(output=self.output)
        if not reuse:
            self.outcomes = dict(normalize_all(self.config, self.jobs, self.cache, self.progress))
        rendering = rendering_digest(self.config)
        inputs = self._inputs(rendering)
        live_path, twin_path = self.manifest_path("live"), self.manifest_path("twin")
        live = Manifest.load(live_path)
        if live.inputs == inputs and live.intact(self.output):
            return self._nothing_to_do(live, report, started)
        site = self._site(report)
        pages = _plan(site, self.config, self.live_reload, self.cache.body, rendering)
        twin = Manifest.load(twin_path)
        Manifest().save(twin_path)
        staging = Staging(self.output, trusted=bool(twin.pages))
        try:
            statics = {p for d in static_dirs(self.config) for p in staging.copy_tree(d)}
            expected = set(statics)
            stamps, fresh = {}, []
            for page in pages:
                path = output_file(page.url)
                expected.add(path)
                ways = ((twin, staging.holds), (live, staging.link_previous))
                kept = next((m for m, take in ways if _reusable(m, page, path, take)), None)
                if kept is None:
                    fresh.append(page)
                    continue
                report.pages[page.kind] += 1
                stamps[page.url] = kept.pages[page.url]
            self.render_into(staging, fresh, report)
            for page in fresh:
                stamps[page.url] = (page.key, *staging.stamp(output_file(page.url)))
            search = ""
            if self.config.search.enabled:
                staging.link_previous_tree(SEARCH_FOLDER)
                folder = staging.path / SEARCH_FOLDER
                report.search = index_search(site, self, folder, self.progress)
                search = report.search.digest
            staging.prune(set(twin.files) - expected)
            if not search:
                shutil.rmtree(staging.path / SEARCH_FOLDER, ignore_errors=True)
            static = {path: staging.stamp(path) for path in sorted(statics)}
            staging.commit()
        except BaseException:
            staging.discard()
            raise
        if live_path and twin_path and live_path.exists():
            live_path.replace(twin_path)  # the old output is the twin now, and so is its manifest
        kinds = dict(report.pages)
        files = tuple(sorted(expected))
        made = Manifest(stamps, search, files, static, inputs, report.articles, kinds)
        made.save(live_path)
        self.keys = {page.url: page.key for page in pages}
        report.written, report.unchanged = staging.stats.written, staging.stats.unchanged
        report.seconds = time.perf_counter() - started
        return report

    def _inputs(self, rendering: str) -> str:
        """A digest of everything the output is made from: content files, config, options,
        templates and code (`rendering`), static files. Equal to the live output's, no page can
        differ from it."""
        static = [
            (str(path), stamp_of(path))
            for folder in static_dirs(self.config)
            for path in sorted(folder.rglob("*"))
        ]
        articles = sorted(
            (str(path), outcome.digest if isinstance(outcome, Article) else repr(outcome))
            for path, outcome in self.outcomes.items()
        )
        options = (self.drafts, self.skip_bad, self.live_reload, self._search_code())
        return digest(self.cache.salt, repr(self.config), rendering, options, static, articles)

    def _search_code(self) -> str:
        """The code that writes the search index, when there is one: a new one rebuilds it."""
        from sitegen.search.writer import code_digest  # here: only a site with search needs it

        return code_digest() if self.config.search.enabled else ""

    def _nothing_to_do(self, live: Manifest, report: Report, started: float) -> Report:
        """The output is already what this build would make: say so, and touch nothing."""
        self._articles(report)
        report.up_to_date = True
        report.articles = live.articles
        report.pages.update(live.kinds)
        report.unchanged = len(live.pages) + len(live.static)
        self.keys = {url: stamp[0] for url, stamp in live.pages.items()}
        report.seconds = time.perf_counter() - started
        return report

    def manifest_path(self, role: str) -> Path | None:
        """Where the manifest of the live output or of its twin is kept (in the cache)."""
        if self.cache.folder is None:
            return None
        name = hashlib.blake2b(str(self.output.resolve()).encode(), digest_size=8).hexdigest()
        return self.cache.folder / "pages" / f"{name}.{role}.pickle"

    def render_into(self, staging: Staging, pages: list[Page], report: Report) -> None:
        """Render pages straight into the staging folder, over all cores when there are many."""
        global _RENDER_JOB
        if self.jobs <= 1 or len(pages) < PARALLEL_FROM or threading.active_count() > 1:
            results = [_render_pages(pages, self.env, staging, self.progress)]
        else:
            chunks = [(i, min(i + CHUNK, len(pages))) for i in range(0, len(pages), CHUNK)]
            _RENDER_JOB = (pages, self.env, staging)
            results = []
            gc.freeze()  # workers share the parent's objects: the collector must not copy them
            try:
                with ProcessPoolExecutor(self.jobs, mp_context=get_context("fork")) as pool:
                    for done in pool.map(_render_chunk, chunks):
                        results.append(done)
                        self.progress("render", sum(r.kinds.total() for r in results), len(pages))
            finally:
                _RENDER_JOB = None
                gc.unfreeze()
        for result in results:
            report.pages.update(result.kinds)
            staging.stats.written += result.written
            staging.stats.unchanged += result.unchanged

    def renormalize(self, changed: set[Path]) -> None:
        """Forget the changed content files and read those that still exist again."""
        content = self.config.content_path.resolve()
        for path in sorted(p.resolve() for p in changed):
            if path.is_relative_to(content):
                self.outcomes.pop(path, None)
                if path.is_file() and is_candidate(path, content):
                    rel_path = path.relative_to(content).as_posix()
                    self.outcomes[path] = normalize_file(path, rel_path, self.config.tz, self.cache)

    def render_edited(self, paths: set[Path], rendering: str) -> tuple[str, ...]:
        """Pages of articles edited in place (same date, slug, categories), rendered at once against
        the last site, so the editor sees them before the rest of the rebuild: Hugo's fast render.
        Returns their hrefs; the rebuild then finds their keys current and leaves them."""
        if self.site is None or any(isinstance(o, ContentError) for o in self.outcomes.values()):
            return ()  # a failing site stays as it last built
        articles = list(self.site.articles)
        position = {a.source_path: i for i, a in enumerate(articles)}
        edited = []
        for path in paths:
            new = self.outcomes.get(path)
            i = position.get(new.source_path, -1) if isinstance(new, Article) else -1
            if i >= 0 and new is not articles[i] and _same_place(articles[i], new):
                articles[i] = new
                edited.append(i)
        if not edited:
            return ()
        site = replace(self.site, articles=tuple(articles))
        planner = Planner(
            site,
            self.config,
            live_reload=self.live_reload,
            body_of=self.cache.body,
            rendering=rendering,
        )
        place = InPlace(self.output)
        for i in edited:
            page = planner.article_page(i, site.articles[i])
            place.write(output_file(page.url), render(self.env, page))
            self.keys[page.url] = page.key
        return tuple(planner.urls.href(site.urls[i]) for i in edited)

    def rebuild(
        self,
        changed: set[Path],
        *,
        on_edited: Callable[[tuple[str, ...]], None] | None = None,
    ) -> Report:
        """After files changed: content re-normalized, static copied, templates re-read.

        The search index is updated in place: only the files of what changed.
        With `on_edited`, the pages of articles edited in place are rendered first and announced.
        `report.touched` lists the pages rewritten or removed, or is None when any page may have
        changed (templates or static files changed).
        """
        started = time.perf_counter()
        report = Report(output=self.output)
        template_dirs_now = [d.resolve() for d in template_dirs(self.config)]
        statics = [d.resolve() for d in static_dirs(self.config)]
        resolved = {p.resolve() for p in changed}
        changed_static = sorted(p for p in resolved if any(p.is_relative_to(d) for d in statics))
        templates_changed = any(p.is_relative_to(d) for p in resolved for d in template_dirs_now)
        layout_changed = templates_changed or bool(changed_static)
        if templates_changed:
            self.env = make_environment(self.config, self.cache.templates)
            self.keys = dict.fromkeys(self.keys, "")
        self.renormalize(resolved)
        rendering = rendering_digest(self.config)
        if on_edited and not layout_changed and (edited := self.render_edited(resolved, rendering)):
            on_edited(edited)
        site = self._site(report)
        pages = _plan(site, self.config, self.live_reload, self.cache.body, rendering)
        stale = [p for p in pages if self.keys.get(p.url) != p.key]
        rendered = render_all(stale, self.env, self.progress, report)
        place = InPlace(self.output)
        for path, data, page in rendered:
            place.write(path, data)
            self.keys[page.url] = page.key
        current = {p.url for p in pages}
        removed = [u for u in self.keys if u not in current]
        for url in removed:
            place.remove(output_file(url))
            del self.keys[url]
        for path in changed_static:
            source_dir = next(d for d in statics if path.is_relative_to(d))
            place.copy_static(path.relative_to(source_dir).as_posix(), statics)
        if self.config.search.enabled and (rendered or removed):
            report.search = index_search(site, self, self.output / SEARCH_FOLDER)
        report.written, report.unchanged = place.stats.written, place.stats.unchanged
        if not layout_changed:
            href = Urls(self.config).href
            report.touched = tuple(href(u) for u in [*removed, *(p.url for _, _, p in rendered)])
        report.seconds = time.perf_counter() - started
        return report


def _same_place(old: Article, new: Article) -> bool:
    """Whether an edited article keeps its URL, its place in the lists and its related articles."""
    return (old.date, old.slug, old.categories, old.draft) == (
        new.date,
        new.slug,
        new.categories,
        new.draft,
    )


def prepare(
    config: SiteConfig,
    *,
    drafts: bool,
    skip_bad: bool,
    jobs: int,
    progress: Progress,
    cache: bool = True,
) -> tuple[Site, Report]:
    """Load, normalize and index, writing nothing (`sitegen check`)."""
    builder = Builder(
        config, drafts=drafts, skip_bad=skip_bad, jobs=jobs, progress=progress, cache=cache
    )
    report = Report()
    builder.outcomes = dict(normalize_all(config, jobs, builder.cache, progress))
    return builder._site(report), report


def build(config: SiteConfig, output: Path | None = None, **options: Any) -> Report:
    """Build the whole site once (options as for Builder); on any error the old output stays."""
    return Builder(config, output, **options).build()
