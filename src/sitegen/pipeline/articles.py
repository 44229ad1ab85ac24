"""Content files → articles: read, normalized (or taken from the cache), collected with their errors.

Normalizing is spread over processes in chunks; every content problem is collected so the user
sees them all at once. Bodies leave the articles here for the `Bodies` store, whichever way the
article came (cache or not), so every later stage sees the same bodiless articles.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.cache import ArticleCache, Bodies, Index, stamp_of
from sitegen.config import SiteConfig
from sitegen.content.load import discover, file_digest, is_candidate, load_data, read_file
from sitegen.errors import ContentError, ContentWarning
from sitegen.holding import Holding
from sitegen.models import Article
from sitegen.parallel import jobs_for, map_chunks, uncollected
from sitegen.pipeline.report import Progress, Report, quiet

Outcome = Article | ContentError | ContentWarning
# How many files the stamp index may lag by before it is rewritten (each is read, not parsed).
INDEX_SLACK = 32


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
            loaded
            if isinstance(loaded, ContentWarning)
            else cache.put(key, normalize(loaded, tz, cache.sketching))
        )
    except ContentError as error:
        return error


def _normalize_chunk(
    files: list[tuple[str, Path]], cache: ArticleCache, timezone: str
) -> list[Outcome]:
    tz = ZoneInfo(timezone)
    outcomes = [normalize_file(path, rel_path, tz, cache) for rel_path, path in files]
    cache.flush()
    return outcomes


def normalize_all(
    config: SiteConfig,
    jobs: int,
    cache: ArticleCache,
    progress: Progress = quiet,
    share: frozenset[str] | None = None,
) -> list[tuple[Path, Outcome]]:
    """Every file under content/ (of a part's `share`, by relative path), normalized. A file
    whose stamp the cache's index knows is not even read; the others are read, and normalized
    unless their bytes are in the cache. Rewriting the index costs more than reading a few
    files, so it waits until it lags by more than a few."""
    root = config.content_path.resolve()
    with uncollected():
        index = cache.load_index(root)
        checked_ns = time.time_ns()
        found = [file for file in discover(root) if share is None or file[0] in share]
        stamps = [stamp_of(path) for _, path in found]
        outcomes: list[Outcome | None] = [
            index.article(rel_path, stamp)
            for (rel_path, _), stamp in zip(found, stamps, strict=True)
        ]
    todo = [n for n, outcome in enumerate(outcomes) if outcome is None]
    done = len(found) - len(todo)
    pending = iter(todo)
    files = [found[n] for n in todo]
    jobs = jobs_for(len(files), jobs)
    for chunk in map_chunks(_normalize_chunk, files, jobs, cache, config.timezone):
        for outcome in chunk:
            outcomes[next(pending)] = outcome
        done += len(chunk)
        progress("normalize", done, len(found))
    # The index's lag, counted without making the new index (a dict of every file) that only a
    # lagging one is replaced by: the files read, and its entries no file kept (gone, or read
    # again and no article now). Every file not read kept its entry.
    renewed = sum(
        1
        for n in todo
        if found[n][0] in index.files and stamps[n] is not None and isinstance(outcomes[n], Article)
    )
    stale = len(todo) + len(index.files) - (len(found) - len(todo)) - renewed
    if stale > min(INDEX_SLACK, len(found) // 50):
        indexed = {
            rel_path: (stamp, outcome)
            for (rel_path, _), stamp, outcome in zip(found, stamps, outcomes, strict=True)
            if stamp is not None and isinstance(outcome, Article)
        }
        cache.save_index(Index(index.salt, checked_ns, indexed))
    return [
        (path, outcome)
        for (_, path), outcome in zip(found, outcomes, strict=True)
        if outcome is not None
    ]


def renormalize(
    outcomes: dict[Path, Outcome],
    changed: set[Path],
    config: SiteConfig,
    cache: ArticleCache,
    share: frozenset[str] | None = None,
) -> None:
    """Forget the changed content files and read those that still exist (of a part's `share`)
    again."""
    content = config.content_path.resolve()
    for path in sorted(p.resolve() for p in changed):
        if path.is_relative_to(content):
            outcomes.pop(path, None)
            rel_path = path.relative_to(content).as_posix()
            if (
                path.is_file()
                and is_candidate(path, content)
                and (share is None or rel_path in share)
            ):
                outcomes[path] = normalize_file(path, rel_path, config.tz, cache)
    cache.flush()


def collect(
    outcomes: Iterable[Outcome], drafts: bool, bodies: Bodies, report: Report, holding: Holding
) -> list[Article]:
    """The articles to publish, bodiless (their bodies go to `bodies`); errors, warnings and what
    is held back to the report."""
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
            held = holding.reason(outcome)
            if outcome.draft and not drafts:
                report.drafts += 1
            elif held:
                report.held.append(ContentWarning(Path(outcome.source_path), 1, held))
            else:
                articles.append(bodies.take(outcome))
    return articles
