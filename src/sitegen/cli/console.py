"""What every command shares: the two consoles, `path:line: message` errors, the progress bars,
and run_guarded, which turns every user-caused problem into a message and an exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from sitegen.config import SiteConfig
from sitegen.errors import (
    ConfigError,
    ContentError,
    ContentErrors,
    ContentWarning,
    TemplateProblem,
)

if TYPE_CHECKING:
    from sitegen.pipeline import Report


def _console(terminal: bool, **options: Any) -> Console:
    """On a terminal, lines fit its width; in a CI log or a pipe a line is never wrapped (rich
    would wrap at 80 columns, in the middle of file paths that then cannot be searched for)."""
    return Console(width=None if terminal else 10_000, highlight=False, **options)


err = _console(sys.stderr.isatty(), stderr=True)
out = _console(sys.stdout.isatty())
STAGE_NAMES = {
    "normalize": "reading and cleaning",
    "render": "rendering pages",
    "search": "search index",
    "fetch": "fetching pictures",
    "thumbnails": "making thumbnails",
}


def relative(path: Path | str) -> str:
    """A path as the user typed it from here, when it can be said so."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


SCREENFUL = 40  # errors shown one a line; past it, a count (thousands once scrolled away the rest)


def show_errors(errors: list[ContentError], config: SiteConfig | None = None) -> None:
    """The first screenful of errors, each `path:line: message`, then how many more there are."""
    for error in errors[:SCREENFUL]:
        path = (
            error.path
            if error.path.is_absolute() or config is None
            else config.content_path / error.path
        )
        err.print(
            f"[bold red]error[/] {relative(path)}:{error.line}: {error.message}",
            markup=True,
            soft_wrap=True,
        )
    if len(errors) > SCREENFUL:
        err.print(
            f"[bold red]… and {len(errors) - SCREENFUL} more error(s)[/] (`sitegen check --json` "
            "lists every one)",
            soft_wrap=True,
        )


def show_warnings(report: Report, config: SiteConfig, limit: int = 20) -> None:
    show_found(report.warnings, report.held, config, limit)
    if report.skipped:
        err.print(f"[yellow]skipped {len(report.skipped)} file(s) with errors (--skip-bad):[/]")
        show_errors(report.skipped, config)


def show_found(
    warnings: Sequence[ContentWarning],
    held: Sequence[ContentWarning],
    config: SiteConfig,
    limit: int = 20,
) -> None:
    """The warnings, and what is held back with why, the first `limit` of each."""
    for warning in warnings[:limit]:
        err.print(
            f"[yellow]warning[/] {relative(config.content_path / warning.path)}:{warning.line}: {warning.message}"
        )
    if len(warnings) > limit:
        err.print(f"[yellow]… and {len(warnings) - limit} more warnings[/]")
    for one in held[:limit]:
        err.print(
            f"[yellow]held[/] {relative(config.content_path / one.path)}: {escape(one.message)}"
        )
    if len(held) > limit:
        err.print(f"[yellow]… and {len(held) - limit} more held back (sitegen list held)[/]")


@contextmanager
def progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    if not enabled:
        yield lambda stage, done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGE_NAMES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def run_guarded(
    action: Callable[[], None], config_holder: list[SiteConfig], *, skipping: bool = False
) -> None:
    """Turn every user-caused problem into a clear message and an exit code, never a traceback.
    `skipping`: --skip-bad was given, so it is not what the user is told to try."""
    try:
        action()
    except ConfigError as exc:
        err.print(f"[bold red]config error[/] {exc.key}: {exc.message}")
        sys.exit(2)
    except ContentErrors as exc:
        show_errors(exc.errors, config_holder[0] if config_holder else None)
        advice = "" if skipping else " Fix them, or build the rest with --skip-bad."
        err.print(
            f"[bold red]{len(exc.errors)} error(s)[/]: nothing was written; the previous output "
            f"is untouched.{advice}"
        )
        sys.exit(1)
    except TemplateProblem as exc:
        err.print(f"[bold red]template error[/] {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted: the previous output is untouched")
        sys.exit(130)
