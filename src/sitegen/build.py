"""The build, end to end: load → normalize → index → plan → render → write.

Normalizing is spread over processes in chunks; every content problem is collected so the user
sees them all at once, and the previous output is only replaced by a complete new one.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.config import SiteConfig
from sitegen.content.load import discover, load_file
from sitegen.content.normalize import normalize
from sitegen.errors import ConfigError, ContentError, ContentErrors, ContentWarning
from sitegen.models import Article
from sitegen.output import Staging
from sitegen.pages import Page, plan
from sitegen.render import make_environment, render, static_dirs
from sitegen.site import Site, index
from sitegen.urls import UnsafePath, Urls, output_file

Progress = Callable[[str, int, int], None]
Outcome = Article | ContentError | ContentWarning
CHUNK = 64
PARALLEL_FROM = 200


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


def _normalize_one(path: Path, root: Path, tz: ZoneInfo) -> Outcome:
    try:
        loaded = load_file(path, root)
        return loaded if isinstance(loaded, ContentWarning) else normalize(loaded, tz)
    except ContentError as error:
        return error


def _normalize_chunk(paths: list[Path], root: Path, timezone: str) -> list[Outcome]:
    tz = ZoneInfo(timezone)
    return [_normalize_one(p, root, tz) for p in paths]


def normalize_all(config: SiteConfig, jobs: int, progress: Progress = _quiet) -> list[Outcome]:
    """Every file under content/, normalized; in worker processes when there are many."""
    root = config.content_path
    paths = list(discover(root))
    total = len(paths)
    if jobs <= 1 or total < PARALLEL_FROM:
        outcomes = []
        for done, path in enumerate(paths, 1):
            outcomes.append(_normalize_one(path, root, config.tz))
            progress("normalize", done, total)
        return outcomes
    chunks = [paths[i : i + CHUNK] for i in range(0, total, CHUNK)]
    outcomes = []
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        results = pool.map(
            _normalize_chunk, chunks, [root] * len(chunks), [config.timezone] * len(chunks)
        )
        for chunk in results:
            outcomes.extend(chunk)
            progress("normalize", len(outcomes), total)
    return outcomes


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


def prepare(
    config: SiteConfig, *, drafts: bool, skip_bad: bool, jobs: int, progress: Progress
) -> tuple[Site, Report]:
    """Load, normalize and index; raises ContentErrors unless skip_bad (then the bad files are skipped)."""
    report = Report()
    articles = collect(normalize_all(config, jobs, progress), drafts, report)
    if report.errors and not skip_bad:
        raise ContentErrors(report.errors)
    report.skipped, report.errors = report.errors, []
    site = index(articles, Urls(config), config.related)
    report.articles = len(site.articles)
    return site, report


def write_pages(
    pages: list[Page], config: SiteConfig, output: Path, progress: Progress, report: Report
) -> None:
    env = make_environment(config)
    staging = Staging(output)
    try:
        for directory in static_dirs(config):
            staging.copy_tree(directory)
        for done, page in enumerate(pages, 1):
            staging.write(output_file(page.url), render(env, page))
            report.pages[page.kind] += 1
            progress("render", done, len(pages))
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    report.written, report.unchanged = staging.stats.written, staging.stats.unchanged


def build(
    config: SiteConfig,
    *,
    output: Path | None = None,
    drafts: bool = False,
    skip_bad: bool = False,
    jobs: int | None = None,
    live_reload: bool = False,
    progress: Progress = _quiet,
) -> Report:
    """Build the whole site; on any error the previous output stays exactly as it was."""
    started = time.perf_counter()
    target = output or config.output_path
    check_output_folder(config, target)
    site, report = prepare(
        config,
        drafts=drafts,
        skip_bad=skip_bad,
        jobs=jobs or os.cpu_count() or 1,
        progress=progress,
    )
    try:
        pages = plan(site, config, live_reload=live_reload)
    except UnsafePath as exc:
        raise ConfigError("permalinks", str(exc)) from None
    write_pages(pages, config, target, progress, report)
    report.output = target
    report.seconds = time.perf_counter() - started
    return report
