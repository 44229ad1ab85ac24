"""`sitegen serve`: the preview server, and the one line each rebuild under --watch prints."""

from __future__ import annotations

import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from sitegen.cli.console import (
    err,
    out,
    progress,
    relative,
    run_guarded,
    show_errors,
    show_found,
    show_warnings,
)
from sitegen.cli.options import config_option, drafts_option, jobs_option
from sitegen.config import SiteConfig

if TYPE_CHECKING:
    from sitegen.serve import Rebuilt


def _what_changed(paths: tuple[Path, ...]) -> str:
    """`a.md changed`, `a.md deleted`, `a.md and 2 more changed, 1 deleted`."""
    gone = sum(not path.exists() for path in paths)
    first = relative(paths[0])
    if len(paths) == 1:
        return f"{escape(first)} {'deleted' if gone else 'changed'}"
    deleted = f", {gone} deleted" if gone else ""
    return f"{escape(first)} and {len(paths) - 1} more changed{deleted}"


def _show_rebuild(rebuilt: Rebuilt, config: SiteConfig) -> None:
    """One line per rebuild (what changed, what it cost), after the warnings of the files it read;
    a failed one lists its errors first."""
    what = _what_changed(rebuilt.changed)
    stamp = datetime.now().strftime("%H:%M:%S")
    took = f"{rebuilt.seconds * 1000:.0f} ms"
    if rebuilt.ok:
        show_found(rebuilt.warnings, rebuilt.held, config)
        kind = "full rebuild, " if rebuilt.full else ""
        out.print(
            f"{stamp} {what}: {kind}{rebuilt.rendered} page(s) rendered, "
            f"{rebuilt.written} written, in {took}",
            soft_wrap=True,
        )
        return
    show_errors(list(rebuilt.errors), config)
    if rebuilt.problem:
        err.print(rebuilt.problem, style="bold red", markup=False, soft_wrap=True)
    count = len(rebuilt.errors) + bool(rebuilt.problem)
    err.print(
        f"{stamp} {what}: [bold red]{count} error(s)[/], still serving the last good "
        f"site ({took}); fix and save to rebuild",
        soft_wrap=True,
    )


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the server as Ctrl-C does, so its temporary folder is removed."""
    raise KeyboardInterrupt


@click.command("serve")
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--watch",
    "-w",
    is_flag=True,
    help="Rebuild what changes in content/, templates/, static/ and site.toml, and reload open pages.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the default browser.")
@drafts_option
@jobs_option
def serve_command(
    config_path: str,
    host: str,
    port: int,
    watch: bool,
    open_browser: bool,
    drafts: bool,
    jobs: int | None,
) -> None:
    """Preview the site over HTTP, built into a temporary folder (never build/).

    With --watch, every saved change is rebuilt within a moment and open pages reload by
    themselves; a content error shows in the page and the terminal while the last good site stays.
    """
    from sitegen.serve import DevServer, ServeError

    holder: list[SiteConfig] = []

    def action() -> None:
        server = DevServer(
            Path(config_path),
            host=host,
            port=port,
            watch=watch,
            drafts=drafts,
            jobs=jobs,
            on_rebuild=lambda rebuilt: _show_rebuild(rebuilt, server.config),
        )
        holder.append(server.config)
        try:
            with progress(err.is_terminal) as shown:
                report = server.start(shown)
        except ServeError as exc:
            err.print(f"[bold red]error[/] {exc}", soft_wrap=True)
            sys.exit(2)
        previous = signal.signal(signal.SIGTERM, _interrupt)
        show_warnings(report, server.config)
        out.print(
            f"built {report.articles} articles, {sum(report.pages.values())} pages "
            f"in {report.seconds:.2f} s"
        )
        try:  # from the first word about serving on, Ctrl-C means: stop cleanly
            out.print(f"serving [bold]{server.url}[/]  (Ctrl-C to stop)", soft_wrap=True)
            if watch:
                out.print("watching content/, templates/, static/ and site.toml for changes")
            if open_browser:
                import webbrowser

                webbrowser.open(server.url)
            server.wait()
        except KeyboardInterrupt:
            out.print("stopping")
        finally:
            server.stop()
            signal.signal(signal.SIGTERM, previous)

    run_guarded(action, holder)
