"""The orchestration: load → normalize → index → plan → emit → search, one build at a time.

A `Session` holds one site's inputs between builds (normalized articles, templates, bodies), so
the dev server (sitegen.live) can reuse them. `build(changes, place)` is the one entry of every
build: what changed is read again, and the place (places.py: the output's twin, or the dev
server's folder in place) is the only difference between `sitegen build` and `serve --watch`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import collation, older, parts, url_record
from sitegen.cache import CACHE_DIR, ArticleCache, Bodies, load_pickled, save_pickled, stamp_of
from sitegen.config import SiteConfig
from sitegen.errors import ConfigError, ContentError, ContentErrors, in_order
from sitegen.holding import Holding
from sitegen.images import published
from sitegen.images.manifest import manifest_path as manifest_path_of
from sitegen.images.place import Showing
from sitegen.models import Article
from sitegen.names import UnsafePath, output_file
from sitegen.output import Statics, static_listing
from sitegen.pages import Known, Page, Plan, Views, digest, plan_of
from sitegen.parallel import frozen, uncollected
from sitegen.pipeline import search_step
from sitegen.pipeline.articles import Outcome, collect, normalize_all, renormalize
from sitegen.pipeline.changes import EVERYTHING, Changes
from sitegen.pipeline.emit import emit
from sitegen.pipeline.last import LastSite
from sitegen.pipeline.manifest import Manifest
from sitegen.pipeline.places import Place, Twin
from sitegen.pipeline.report import Progress, Report, quiet
from sitegen.pipeline.shares import keep_record, record_key
from sitegen.render import make_environment, rendering_digest, static_dirs
from sitegen.site import Site, index
from sitegen.urls import Urls

if TYPE_CHECKING:
    from jinja2 import Environment


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


@dataclass
class Made:
    """What the output holds after a build: each page's key, and the site it was made from (None
    when the build found nothing to do)."""

    keys: dict[str, str] = field(default_factory=dict)
    site: Site | None = None


def _clashes(pages: list[Page], site: Site) -> list[ContentError]:
    """Articles (or their aliases) whose URL is a generated page's (`slug: archives` under
    `article = "/{slug}/"`), which would silently replace it (or be replaced): each an error
    naming the article's file (Pelican's writer refuses a second write to one path likewise).
    Two generated pages on one file are the config's fault: two categories mapped to one slug,
    or the permalink patterns."""
    files = dict(zip(site.urls, (a.source_path for a in site.articles), strict=True))
    files.update((r.url, r.origin) for r in site.redirects if r.origin)
    owners: dict[str, Page] = {}
    errors = []
    for page in pages:
        first = owners.setdefault(output_file(page.url), page)
        if first is page:
            continue
        culprit = next((p for p in (first, page) if p.kind in ("article", "redirect")), None)
        if culprit is None or culprit.url not in files:
            if first.kind == page.kind == "category":
                message = f"two categories at {page.url}: map them to different slugs"
                raise ConfigError("category_slugs", message)
            message = f"{first.kind} and {page.kind} pages both at {page.url}"
            raise ConfigError("permalinks", message)
        other = page if culprit is first else first
        what = "its alias" if culprit.kind == "redirect" else "its URL"
        message = f"{what} {page.url} is the site's {other.kind} page: give it another slug"
        errors.append(ContentError(Path(files[culprit.url]), 1, message))
    return errors


def _unshadowed(pages: list[Page], statics: frozenset[str]) -> tuple[list[Page], tuple[str, ...]]:
    """The pages to write, and the files of those a static file of the same path replaces: a
    site's own `static/robots.txt` wins over the generated one (Hugo's rule too)."""
    files = [output_file(page.url) for page in pages]
    kept = [page for page, file in zip(pages, files, strict=True) if file not in statics]
    return kept, tuple(sorted(file for file in files if file in statics))


def _held(outcomes: dict[Path, Outcome], holding: Holding) -> list[str]:
    """The files held back now: an item becomes due as time passes, with no file changed."""
    return sorted(
        str(path)
        for path, outcome in outcomes.items()
        if isinstance(outcome, Article) and holding.reason(outcome)
    )


def _collation_path(cache: ArticleCache) -> Path | None:
    return None if cache.folder is None else cache.folder / "collation.pickle"


def _learn_collation(cache: ArticleCache) -> int:
    """Learn the names' pinyin keys an earlier build kept (made by this pypinyin); how many."""
    from importlib.metadata import version

    kept = load_pickled(_collation_path(cache), tuple)
    if not kept or kept[0] != version("pypinyin"):
        return 0
    collation.learn(kept[1])
    return len(kept[1])


def _keep_collation(cache: ArticleCache, known: int) -> None:
    """Keep the names' keys for the next build, when this one worked out new ones."""
    from importlib.metadata import version

    keys = collation.known_keys()
    if len(keys) > known and not cache.read_only:
        save_pickled(_collation_path(cache), (version("pypinyin"), keys))


def _up_to_date(live: Manifest, report: Report) -> Made:
    """The output is already what this build would make: the report says so (the articles'
    warnings were collected into it), and what the live output holds is what was made."""
    report.errors, report.skipped = [], list(live.skipped)
    report.up_to_date = True
    report.articles = live.articles
    report.pages.update(live.kinds)
    report.unchanged = len(live.pages) + len(live.static)
    report.size = live.size
    return Made({url: stamp[0] for url, stamp in live.pages.items()})


class Session:
    """One site's build inputs, kept between builds by the dev server.

    It remembers every file's normalized article, so a later build re-normalizes only changed
    files; `made` is what the last build left in the output.
    """

    def __init__(
        self,
        config: SiteConfig,
        output: Path | None = None,
        *,
        drafts: bool = False,
        skip_bad: bool = False,
        jobs: int | None = None,
        cache: bool = True,
        read_only: bool = False,
        keeps_record: bool = True,
        holding: Holding | None = None,
        relations: bool = True,
        share: frozenset[str] | None = None,
        size_limit: int | None = None,
    ) -> None:
        """`keeps_record`: write the record of URLs given (never with drafts, nor when only
        reading: the dev server and `check` read it, and give the same URLs). Without
        `relations` (`check`, `list`: no page is written) stories and related lists are not
        looked for, which spares numpy and scipy. `share`: the files of `config`'s part, the
        only ones read (pipeline.shares); past `size_limit` that part keeps nothing."""
        self.config = config
        folder = config.root / CACHE_DIR if cache else None
        self.cache = ArticleCache(
            folder,
            config.timezone,
            read_only=read_only,
            sketching=config.sketching,
            part=config.part,
        )
        self.share = share
        self.bodies = Bodies(self.cache)
        self.output = output or config.output_path
        self.drafts = drafts
        self.skip_bad = skip_bad
        self.jobs = jobs or os.cpu_count() or 1
        self.outcomes: dict[Path, Outcome] = {}
        self.made = Made()
        self.showing = Showing()  # what the picture manifest said at the last plan
        self.last = LastSite(folder, self.cache, config, drafts, read_only or not relations)
        self.keeps_record = keeps_record and not drafts and not read_only
        self.holding = holding or Holding(datetime.now(UTC))
        self.relations = relations
        self.judge = parts.judge(config, size_limit, self.holding.now) if size_limit else None
        check_output_folder(config, self.output)

    @cached_property
    def env(self) -> Environment:
        """The templates, made when a build first renders."""
        return make_environment(self.config, self.cache.templates)

    def load(self, changed: set[Path] | None = None, progress: Progress = quiet) -> None:
        """Normalize every content file, or (given what changed) only the changed ones again."""
        if changed is None:
            found = normalize_all(self.config, self.jobs, self.cache, progress, self.share)
            self.outcomes = dict(found)
        else:
            renormalize(self.outcomes, changed, self.config, self.cache, self.share)

    def views(self, site: Site, rendering: str) -> Views:
        """The views this session's pages of `site` are made with: bodies, templates, pictures."""
        return Views(
            site, self.config, body_of=self.bodies.of, rendering=rendering, showing=self.showing
        )

    def site(
        self, report: Report, rendering: str, statics: Statics, recorded: str | None = None
    ) -> tuple[Site, Plan]:
        """The site and the plan of every page (but those a static file replaces), with every
        content error found at once: a file's own, an article on another's URL, an article on a
        generated page's URL. With errors the build stops (ContentErrors, naming them all); with
        `skip_bad` it goes on without those articles, listed in `report.skipped` with why.
        `recorded`: the URL record's text as the build read it (None: read it here)."""
        articles = collect(self.outcomes.values(), self.drafts, self.bodies, report, self.holding)
        errors, report.errors = report.errors, []
        urls = Urls(self.config)
        self.showing = published.showing(self.config, urls.href("/"))
        root = self.config.content_path.resolve()
        try:
            text = url_record.read_text(self.config.root) if recorded is None else recorded
            last = self.last
            swapped = None if errors else last.swap(rendering, text, articles)
            # a swapped site was made of this record (it read well then): not read again; it
            # leaves none out and clashes with none, so the loop below ends at once
            path = self.config.root / url_record.RECORD_FILE
            given = None if swapped else url_record.parse(text, path)
        except ContentError as error:
            raise ContentErrors([*errors, error]) from None
        known = _learn_collation(self.cache)
        clashes = swapped is None  # a swapped site's pages have the last's URLs, which had none
        before = Known() if swapped is None else last.keys(swapped, self.showing)
        while True:
            if self.relations:  # the last site, articles edited in place swapped in, or anew
                elder = older.shelves(self.config, self.cache.folder)
                site = swapped or index(
                    articles, self.config, self.config.related, last.memo, given, older=elder
                )
                last.memo, swapped = site.memo, None
            else:
                site = index(articles, self.config, 0, None, given, relations=False)
            try:
                planned = plan_of(self.views(site, rendering), before)
            except UnsafePath as exc:
                raise ConfigError("permalinks", str(exc)) from None
            found = [*site.left_out, *(_clashes(planned.pages, site) if clashes else [])]
            errors.extend(ContentError(root / e.path, e.line, e.message) for e in found)
            if errors and not self.skip_bad:
                raise ContentErrors(errors)
            if not found:
                break
            bad = {e.path.as_posix() for e in found}
            articles = [a for a in articles if a.source_path not in bad]
        _keep_collation(self.cache, known)
        self.last.made(site, given, planned.pages, self.showing, planned.views.tokens)
        report.skipped = in_order(errors)
        report.articles = len(site.articles)
        pages, report.shadowed = _unshadowed(planned.pages, statics.files)
        return site, replace(planned, pages=pages)

    def build(
        self,
        changes: Changes = EVERYTHING,
        place: Place | None = None,
        *,
        progress: Progress = quiet,
        first: Callable[[], None] | None = None,
    ) -> Report:
        """The one entry of every build: `sitegen build` reads everything into the output's twin
        (the default place), the dev server each change set into its folder in place (`Current`).

        Only what `changes` names is read again; a page the place already holds with its key is
        kept, the rest rendered; the search index rewrites only the files that change. `first`
        runs once the changed files are read, before the site is made (the dev server renders an
        edited article's page there)."""
        started = time.perf_counter()
        report = Report(output=self.output)
        if changes.templates:
            self.env = make_environment(self.config, self.cache.templates)
        self.load(None if changes.content is None else set(changes.content), progress)
        if first is not None:
            first()
        rendering = rendering_digest(self.config)
        place = place or Twin(self.output, self.cache.folder, self.judge)
        try:
            recorded: str | None = url_record.read_text(self.config.root)
        except ContentError:
            recorded = None  # self.site says so, beside the other errors
        inputs_of = _inputs(self, rendering)
        inputs = inputs_of(recorded)
        done = place.current(inputs)
        if done is not None:  # nothing to do: touch nothing
            collect(self.outcomes.values(), self.drafts, self.bodies, report, self.holding)
            self.made = _up_to_date(done, report)
            report.seconds = time.perf_counter() - started
            return report
        with frozen():  # what the build made lives to its end: the collector skips it
            statics = static_listing(static_dirs(self.config))
            with uncollected():  # and so do the site and its plan, made uncollected
                site, planned = self.site(report, rendering, statics, recorded)
            try:
                place.open(statics, changes)
                emitted = emit(planned, place, self.env, jobs=self.jobs, progress=progress)
                gone = place.settle(planned.pages, emitted.rendered)
                changed = place.whole or bool(gone or emitted.rendered)
                index = _search(self, site, place, changed, report, progress)
                report.pages.update(emitted.kinds)
                if place.fits(planned.pages, statics, index, report):  # else nothing is kept
                    kept = None
                    if self.keeps_record:  # the record it leaves, the names it had: next's input
                        kept = keep_record(self.config, self.cache.folder, site, recorded or "")
                        inputs = inputs if kept is None else inputs_of(kept)
                    place.finish(planned.pages, statics, index, report, inputs)
                    self.last.keep(rendering, recorded, kept, place.whole)
            except BaseException:
                place.abort()
                raise
            self.made = Made({page.url: page.key for page in planned.pages}, site)
            report.workers = frozenset(emitted.workers)
            report.rendered = len(emitted.rendered)
            report.rewritten = (*(page.url for page in emitted.rendered), *gone)
            stats = place.writer.stats
            report.written, report.unchanged = stats.written, stats.unchanged
            report.seconds = time.perf_counter() - started
            return report


def _search(
    session: Session, site: Site, place: Place, changed: bool, report: Report, progress: Progress
) -> str:
    """The search index updated in the place when it may have changed; its digest ("": off)."""
    if not session.config.search.enabled or not changed:
        return ""
    report.search = search_step.update_index(
        site,
        session.config,
        session.cache,
        session.bodies,
        session.output,
        place.search_folder(),
        jobs=session.jobs,
        progress=progress,
    )
    return report.search.digest


def _inputs(session: Session, rendering: str) -> Callable[[str | None], str]:
    """A digest of what the output is made from (equal to the live output's: no page differs):
    content files, older parts' shelves (sitegen.older), config, options, templates and code
    (`rendering`), static files, the URL record's text (asked again with the text a build leaves)."""
    static = [
        (str(path), stamp_of(path))
        for folder in static_dirs(session.config)
        for path in sorted(folder.rglob("*"))
    ]
    articles = digest(
        sorted(
            (str(path), outcome.digest if isinstance(outcome, Article) else repr(outcome))
            for path, outcome in session.outcomes.items()
        ),
        *older.digests(session.config, session.cache.folder),
    )
    search = search_step.code() if session.config.search.enabled else ""
    held = _held(session.outcomes, session.holding)
    names = session.cache.folder if session.keeps_record else None
    pictures = stamp_of(manifest_path_of(session.config))  # what `sitegen images` last learnt
    options = (session.drafts, session.skip_bad, search, held, session.holding.publish, pictures)
    made = digest(session.cache.salt, repr(session.config), rendering, options, static, articles)

    def of(recorded: str | None) -> str:
        given = "\0unreadable" if recorded is None else record_key(session.config, recorded, names)
        return digest(made, hashlib.blake2b(given.encode()).hexdigest())

    return of
