"""What a build tells its caller: progress while it runs, and the report it ends with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import ContentError, ContentWarning

if TYPE_CHECKING:
    from sitegen.search.writer import Changes
    from sitegen.size import OutputSize

Progress = Callable[[str, int, int], None]


def quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


@dataclass
class Report:
    """What a build or check found: shown as the one-screen summary at the end."""

    articles: int = 0
    drafts: int = 0
    held: list[ContentWarning] = field(default_factory=list)  # held back, each with its reason
    pages: Counter[str] = field(default_factory=Counter)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentWarning] = field(default_factory=list)
    skipped: list[ContentError] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    output: Path | None = None
    search: Changes | None = None
    rendered: int = 0  # pages rendered (the others were current where they are)
    rewritten: tuple[str, ...] = ()  # URLs of the pages rendered or gone
    touched: tuple[str, ...] | None = None  # after an update: hrefs of pages rewritten or gone
    up_to_date: bool = False  # nothing changed since the last build: the output was left alone
    workers: frozenset[int] = frozenset()  # the processes that rendered pages (--jobs at work)
    shadowed: tuple[str, ...] = ()  # generated files left out: the site's own static file wins
    size: OutputSize | None = None  # the output as the host counts it, when the build knows it
    refused: str = ""  # why the build kept nothing it made (a part past the size limit)


def joined(reports: list[Report], output: Path | None = None) -> Report:
    """The reports of an archive's parts as one (`sitegen check`, the dev server's summary)."""
    whole = Report(output=output)
    for report in reports:
        whole.articles += report.articles
        whole.drafts += report.drafts
        whole.pages.update(report.pages)
        whole.held.extend(report.held)
        whole.errors.extend(report.errors)
        whole.warnings.extend(report.warnings)
        whole.skipped.extend(report.skipped)
        whole.written += report.written
        whole.unchanged += report.unchanged
        whole.rendered += report.rendered
        whole.seconds += report.seconds
    return whole
