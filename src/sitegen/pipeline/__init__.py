"""The build, end to end: load → normalize → index → plan → emit → write.

    articles.py     content files → articles (normalized, cached, bodies to the Bodies store)
    changes.py      a change set classified once: content, templates, static, config
    emit.py         pages → files: what is stale decided once, rendered once, one writer
    places.py       where a build goes: the output's twin (exchanged atomically) or a folder in place
    manifest.py     what an output tree holds (page keys, file stamps, the search index's digest)
    search_step.py  the build's one meeting point with search
    session.py      the orchestration: Session.build(changes, place), the one entry of every build
    report.py       what a build tells its caller: progress as it runs, the report at the end

The dev server's own needs (an edited page first, which tabs reload) live in sitegen.live, on
top of this package; the build knows no server.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from sitegen.cache import CACHE_DIR
from sitegen.config import SiteConfig
from sitegen.errors import ContentErrors
from sitegen.holding import Holding
from sitegen.output import static_listing
from sitegen.parallel import PARALLEL_FROM, apart
from sitegen.parts import Part, part_config, part_output
from sitegen.pipeline.report import Progress, Report, joined, quiet
from sitegen.pipeline.session import Session, check_output_folder
from sitegen.pipeline.shares import shares
from sitegen.render import rendering_digest, static_dirs
from sitegen.site import Site

__all__ = [
    "PARALLEL_FROM",
    "Progress",
    "Report",
    "Session",
    "build",
    "build_parts",
    "check_output_folder",
    "prepare",
    "quiet",
]


def prepare(
    config: SiteConfig,
    *,
    drafts: bool,
    skip_bad: bool,
    jobs: int,
    progress: Progress = quiet,
    cache: bool = True,
    holding: Holding | None = None,
) -> tuple[tuple[Site, ...], Report]:
    """Load, normalize, index and plan, finding every error but writing nothing (`sitegen
    check`): the cache is only read. The site (each part's, in an archive in parts), and one
    report; the errors of every part at once."""
    found: dict[str, frozenset[str] | None] = {"": None}
    if config.parts:
        folder = config.root / CACHE_DIR if cache else None
        found.update(shares(config, folder, jobs, keep=False))  # the cache is only read
    sites, reports, errors = [], [], []
    for part in config.parts or (None,):
        session = Session(
            part_config(config, part) if part else config,
            drafts=drafts,
            skip_bad=skip_bad,
            jobs=jobs,
            cache=cache,
            read_only=True,
            holding=holding,
            relations=False,
            share=found[part.name if part else ""],
        )
        report = Report()
        session.load(progress=progress)
        statics = static_listing(static_dirs(config))
        try:
            site, _ = session.site(report, rendering_digest(config), statics)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        sites.append(site)
        reports.append(report)
    if errors:
        raise ContentErrors(errors)
    return tuple(sites), joined(reports)


def build(
    config: SiteConfig, output: Path | None = None, progress: Progress = quiet, **options: Any
) -> Report:
    """Build the whole site once (options as for Session); on any error the old output stays."""
    return Session(config, output, **options).build(progress=progress)


def build_parts(
    config: SiteConfig,
    output: Path | None = None,
    progress: Progress = quiet,
    only: str = "",
    **options: Any,
) -> list[tuple[Part, Report]]:
    """Build an archive in parts (sitegen.parts), each into its folder under the output, one
    after another, each in a forked child (parallel.apart) reading its own files only
    (pipeline.shares), so memory is bounded by a part, not the archive, nor by the parts built
    before. `only`: the one part to build (a job of the Pages workflow's matrix builds its own).
    A part past `[publish] size_limit` keeps nothing (its report says why: `refused`) unless
    `size_limit=None` is given (the dev server)."""
    options.setdefault("size_limit", config.publish.size_limit)
    output = output or config.output_path
    folder = config.root / CACHE_DIR if options.get("cache", True) else None
    found = apart(_shares, progress, config, folder, options.get("jobs") or os.cpu_count() or 1)
    reports = []
    for part in config.parts:
        if only and part.name != only:
            continue
        where = part_output(output, part)
        share = found.pop(part.name)
        reports.append(
            (part, apart(_build_part, progress, part_config(config, part), where, share, options))
        )
    _clear_strays(output, config.parts)
    return reports


def _shares(
    config: SiteConfig, folder: Path | None, jobs: int, progress: Progress
) -> dict[str, str]:
    """Each part's files (pipeline.shares), found in a child (parallel.apart): what the date
    scan leaves in memory ends with it. Here each part's relative paths are one string, "\0"
    between them: a third of a set of them (300,000 files: ~18 MB, not ~45), held through
    every part's build."""
    return {name: "\0".join(files) for name, files in shares(config, folder, jobs).items()}


def _build_part(
    config: SiteConfig,
    output: Path,
    share: str,
    options: dict[str, Any],
    progress: Progress,
) -> Report:
    """A part's build, in a child of its own (parallel.apart): nothing of it outlives it.
    `share`: its files, as _shares gives them."""
    files = frozenset(share.split("\0")) - {""}
    return Session(config, output, share=files, **options).build(progress=progress)


def _clear_strays(output: Path, parts: tuple[Part, ...]) -> None:
    """The output holds the parts' folders (and their twins) only: what a build before parts
    were declared left there (the whole site) would be published by none and would confuse all."""
    kept = {part_output(output, part).name for part in parts}
    kept |= {f".{name}.next" for name in kept}
    for path in sorted(output.iterdir()):
        if path.name in kept:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
