"""The `sitegen` command: every user-facing message and exit code is decided here."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitegen import __version__
from sitegen.build import Report, build, check_output_folder, prepare
from sitegen.cache import CACHE_DIR
from sitegen.config import SiteConfig, load_config, normalize_base_url
from sitegen.errors import ConfigError, ContentError, ContentErrors
from sitegen.render import TemplateProblem
from sitegen.size import OutputSize, human, measure, near_limit

if TYPE_CHECKING:
    from sitegen.serve import Rebuilt


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
}
# How the summary names each kind of page (Report.pages counts them by Page.kind).
KIND_NAMES = {
    "article": "articles",
    "home": "home pages",
    "category": "category lists",
    "categories": "category index",
    "tag": "tag lists",
    "tags": "tag index",
    "month": "month lists",
    "year": "year overviews",
    "archives": "archive",
    "search": "search page",
    "404": "not-found page",
    "feed": "Atom feeds",
    "sitemap": "sitemaps",
    "robots": "robots.txt",
}


def _relative(path: Path | str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _show_errors(errors: list[ContentError], config: SiteConfig | None = None) -> None:
    for error in errors:
        path = (
            error.path
            if error.path.is_absolute() or config is None
            else config.content_path / error.path
        )
        err.print(
            f"[bold red]error[/] {_relative(path)}:{error.line}: {error.message}",
            markup=True,
            soft_wrap=True,
        )


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    if not enabled:
        yield lambda stage, done, total: None
        return
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


def _load(config_path: str, base_url: str | None) -> SiteConfig:
    config = load_config(Path(config_path))
    if base_url:
        config = replace(config, base_url=normalize_base_url(base_url, "--base-url"))
    return config


def _summary(report: Report, title: str, size: OutputSize | None = None) -> None:
    """One screen, in English as every other message: pages by kind add up to the pages line,
    and files written and unchanged add up to the pages and static files."""
    table = Table(title=title, show_header=False, box=None, padding=(0, 2), title_justify="left")
    table.add_row("articles", str(report.articles))
    pages = sum(report.pages.values())
    table.add_row(
        "pages", f"{pages}, all up to date: nothing changed" if report.up_to_date else str(pages)
    )
    for kind, count in sorted(report.pages.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(f"  {KIND_NAMES.get(kind, kind)}", str(count))
    if report.pages and not report.up_to_date:
        files = report.written + report.unchanged
        table.add_row(
            "written",
            f"{report.written} of {files} files (pages and static files), "
            f"{report.unchanged} unchanged",
        )
    if report.workers:
        table.add_row("processes", f"{len(report.workers)} rendered pages")
    if report.drafts:
        table.add_row("drafts left out", f"{report.drafts} (add --drafts to include)")
    table.add_row("skipped", str(len(report.skipped)))
    table.add_row("warnings", str(len(report.warnings)))
    if report.shadowed:
        shown = ", ".join(report.shadowed)
        table.add_row("static files win", f"{shown} (the site's own file, not the generated one)")
    if report.output:
        where = _relative(report.output)
        if size:
            where += f": {human(size.bytes)} in {size.files} files"
        table.add_row("output", where)
    if report.search:
        found = report.search
        table.add_row(
            "search index",
            f"{found.docs} articles, {found.bytes / 1e6:.1f} MB, "
            f"{len(found.written)} files written, {found.seconds:.1f} s",
        )
    table.add_row("time", f"{report.seconds:.2f} s")
    out.print(table)


def _show_warnings(report: Report, config: SiteConfig, limit: int = 20) -> None:
    for warning in report.warnings[:limit]:
        err.print(
            f"[yellow]warning[/] {_relative(config.content_path / warning.path)}:{warning.line}: {warning.message}"
        )
    if len(report.warnings) > limit:
        err.print(f"[yellow]… and {len(report.warnings) - limit} more warnings[/]")
    if report.skipped:
        err.print(f"[yellow]skipped {len(report.skipped)} file(s) with errors (--skip-bad):[/]")
        _show_errors(report.skipped, config)


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
        _show_errors(exc.errors, config_holder[0] if config_holder else None)
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


config_option = click.option(
    "--config",
    "config_path",
    default="site.toml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The site's configuration; its folder is the site's root (content/, templates/, static/).",
)
base_url_option = click.option(
    "--base-url", help="Build for another address, e.g. a preview: https://user.github.io/archive/"
)
drafts_option = click.option("--drafts", is_flag=True, help="Include articles with `draft: true`.")
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1),
    default=None,
    help="Worker processes [default: all cores].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen turns a folder of Hexo-style articles into a fast, searchable static site.

    \b
    Start here:
      sitegen init mysite          a new site folder with one example article
      sitegen new "标题"           a new article in content/ (like `hexo new`)
      sitegen build                build content/ into build/
      sitegen check                find every problem in content/ without writing anything

    Problems are shown as `path:line: message`. A failed build never touches the previous output.
    """


@main.command("build")
@config_option
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False),
    help="Output folder [default: output_dir from site.toml, build/].",
)
@base_url_option
@drafts_option
@click.option(
    "--skip-bad", is_flag=True, help="Build without the files that have errors, and list them."
)
@jobs_option
@click.option(
    "--no-cache",
    is_flag=True,
    help="Normalize every article afresh and render every page (ignores .sitegen-cache/).",
)
def build_command(
    config_path: str,
    output: str | None,
    base_url: str | None,
    drafts: bool,
    skip_bad: bool,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Build the site into the output folder (all or nothing: the old output survives any error).

    A warm build reuses the normalized articles in .sitegen-cache/ and rewrites only the pages
    that changed; files whose bytes did not change keep their mtimes.
    """
    holder: list[SiteConfig] = []

    def action() -> None:
        config = _load(config_path, base_url)
        holder.append(config)
        with _progress(err.is_terminal) as progress:
            report = build(
                config,
                output=Path(output) if output else None,
                drafts=drafts,
                skip_bad=skip_bad,
                jobs=jobs,
                progress=progress,
                cache=not no_cache,
            )
        _show_warnings(report, config)
        size = measure(report.output or config.output_path)
        _summary(report, f"sitegen: built {config.title}", size)
        if warning := near_limit(size, config.publish.size_limit):
            err.print(f"[yellow]warning[/] {escape(warning)}", soft_wrap=True)

    run_guarded(action, holder, skipping=skip_bad)


@main.command("check")
@config_option
@drafts_option
@jobs_option
def check_command(config_path: str, drafts: bool, jobs: int | None) -> None:
    """Validate every article (front matter, dates, slugs, URLs) without writing anything."""
    holder: list[SiteConfig] = []

    def action() -> None:
        config = _load(config_path, None)
        holder.append(config)
        with _progress(err.is_terminal) as progress:
            _, report = prepare(
                config,
                drafts=drafts,
                skip_bad=False,
                jobs=jobs or os.cpu_count() or 1,
                progress=progress,
            )
        _show_warnings(report, config)
        out.print(
            f"[green]ok[/]: {report.articles} articles, no errors, {len(report.warnings)} warning(s)"
        )

    run_guarded(action, holder)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
def init_command(directory: str) -> None:
    """Create a new site folder: site.toml, content/ with an example article, a README."""
    from sitegen.scaffold import init_site  # here, as every command's own module: a fast start

    try:
        created = init_site(Path(directory))
    except FileExistsError as exc:
        err.print(f"[bold red]error[/] {exc}")
        sys.exit(1)
    out.print(f"created {_relative(created)}: now run  cd {directory} && sitegen build")


@main.command("new")
@click.argument("title")
@click.option("--category", "-c", help="Category path, levels separated by /, e.g. 金融/新浪财经.")
@config_option
def new_command(title: str, category: str | None, config_path: str) -> None:
    """Create a new article in content/ with its front matter filled in (date: now)."""
    from sitegen.scaffold import new_article

    holder: list[SiteConfig] = []

    def action() -> None:
        config = _load(config_path, None)
        holder.append(config)
        path = new_article(config, title, category, datetime.now(config.tz))
        out.print(f"created {_relative(path)}")

    run_guarded(action, holder)


def _what_changed(paths: tuple[Path, ...]) -> str:
    """`a.md changed`, `a.md deleted`, `a.md and 2 more changed, 1 deleted`."""
    gone = sum(not path.exists() for path in paths)
    first = _relative(paths[0])
    if len(paths) == 1:
        return f"{escape(first)} {'deleted' if gone else 'changed'}"
    deleted = f", {gone} deleted" if gone else ""
    return f"{escape(first)} and {len(paths) - 1} more changed{deleted}"


def _show_rebuild(rebuilt: Rebuilt, config: SiteConfig) -> None:
    """One line per rebuild (what changed, what it cost); a failed one lists its errors first."""
    what = _what_changed(rebuilt.changed)
    stamp = datetime.now().strftime("%H:%M:%S")
    took = f"{rebuilt.seconds * 1000:.0f} ms"
    if rebuilt.ok:
        kind = "full rebuild, " if rebuilt.full else ""
        out.print(
            f"{stamp} {what}: {kind}{rebuilt.rendered} page(s) rendered, "
            f"{rebuilt.written} written, in {took}",
            soft_wrap=True,
        )
        return
    _show_errors(list(rebuilt.errors), config)
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


@main.command("serve")
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
            with _progress(err.is_terminal) as progress:
                report = server.start(progress)
        except ServeError as exc:
            err.print(f"[bold red]error[/] {exc}", soft_wrap=True)
            sys.exit(2)
        previous = signal.signal(signal.SIGTERM, _interrupt)
        _show_warnings(report, server.config)
        out.print(
            f"built {report.articles} articles, {sum(report.pages.values())} pages "
            f"in {report.seconds:.2f} s"
        )
        try:  # from the first word about serving on, Ctrl-C means: stop cleanly
            out.print(f"serving [bold]{server.url}[/]  (Ctrl-C to stop)", soft_wrap=True)
            if watch:
                out.print("watching content/, templates/, static/ and site.toml for changes")
            if open_browser:
                webbrowser.open(server.url)
            server.wait()
        except KeyboardInterrupt:
            out.print("stopping")
        finally:
            server.stop()
            signal.signal(signal.SIGTERM, previous)

    run_guarded(action, holder)


@main.command("deploy")
@config_option
@click.option("--remote", default="origin", show_default=True, help="The git remote to push to.")
@click.option(
    "--branch", default="gh-pages", show_default=True, help="The branch GitHub Pages serves."
)
@click.option("--message", "-m", help="Commit message [default: page count and source commit].")
@click.option("--no-push", is_flag=True, help="Commit to the local branch only; no remote needed.")
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Publish even when the site has uncommitted changes (the commit message says so).",
)
@base_url_option
@jobs_option
def deploy_command(
    config_path: str,
    remote: str,
    branch: str,
    message: str | None,
    no_push: bool,
    allow_dirty: bool,
    base_url: str | None,
    jobs: int | None,
) -> None:
    """Build afresh and publish to the gh-pages branch with ghp-import.

    Each deploy is one more commit on the branch (history kept), with `.nojekyll` and, when
    site.toml sets `cname`, a CNAME file. Nothing is committed when the folder is not in a git
    repository, the remote is missing, base_url is a local or placeholder address, the site has
    uncommitted changes (unless --allow-dirty) or no articles, or the build fails; nor when the
    build is the same as what the branch holds.
    """
    from sitegen.deploy import DeployError, deploy

    holder: list[SiteConfig] = []

    def action() -> None:
        config = _load(config_path, base_url)
        holder.append(config)
        if config.cname and urlsplit(config.base_url).hostname != config.cname:
            err.print(
                f"[yellow]warning[/] base_url {escape(config.base_url)} is not on the custom "
                f"domain {escape(config.cname)}: links and feeds will point at the former",
                soft_wrap=True,
            )
        err.print(f"deploy: checking git, then building afresh for {escape(config.base_url)} …")
        try:
            published = deploy(
                config,
                remote=remote,
                branch=branch,
                message=message,
                push=not no_push,
                jobs=jobs,
                allow_dirty=allow_dirty,
            )
        except DeployError as exc:
            err.print(f"[bold red]error[/] {escape(str(exc))}", soft_wrap=True)
            sys.exit(1)
        except ContentErrors as exc:
            _show_errors(exc.errors, config)
            err.print(
                f"[bold red]{len(exc.errors)} error(s)[/]: the build failed, so nothing was "
                f"committed to {escape(branch)}."
            )
            sys.exit(1)
        _show_warnings(published.report, config)
        if published.dirty:
            err.print(
                f"[yellow]warning[/] built with {len(published.dirty)} uncommitted file(s) "
                f"(--allow-dirty): {escape(', '.join(published.dirty[:5]))}",
                soft_wrap=True,
            )
        if not published.changed and not published.pushed:
            out.print(
                f"nothing changed: {published.branch} already holds this build "
                f"({published.commit[:12]}); no commit added",
                markup=False,
                soft_wrap=True,
            )
            return
        pages = sum(published.report.pages.values())
        where = f"pushed to {published.remote}" if published.pushed else "not pushed (--no-push)"
        out.print(
            f"published {published.commit[:12]} on branch {published.branch}, {where}: "
            f"{pages} pages, {published.report.articles} articles, for {config.base_url}",
            markup=False,
            soft_wrap=True,
        )

    run_guarded(action, holder)


@main.command("clean")
@config_option
def clean_command(config_path: str) -> None:
    """Remove the output folder (build/), its twin and the cache (.sitegen-cache/); content stays."""
    holder: list[SiteConfig] = []

    def action() -> None:
        config = _load(config_path, None)
        holder.append(config)
        check_output_folder(config, config.output_path)
        removed = []
        output = config.output_path
        twin = output.parent / f".{output.name}.next"
        for folder in (output, twin, config.root / CACHE_DIR):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder)
                removed.append(_relative(folder))
        out.print(f"removed {', '.join(removed)}" if removed else "nothing to remove", markup=False)

    run_guarded(action, holder)
