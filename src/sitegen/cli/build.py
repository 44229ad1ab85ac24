"""`sitegen build`, `check` and `clean`: the commands that read content/ and own build/."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from sitegen import parts
from sitegen.cli.console import err, out, progress, relative, run_guarded, show_warnings
from sitegen.cli.options import (
    base_url_option,
    config_option,
    drafts_option,
    holding_options,
    jobs_option,
    json_errors,
    json_option,
    load,
)
from sitegen.cli.summary import as_json as summary_json
from sitegen.cli.summary import summary
from sitegen.config import SiteConfig
from sitegen.errors import ConfigError
from sitegen.holding import Holding
from sitegen.images.published import described
from sitegen.parts import Part
from sitegen.size import measure, near_limit

if (
    TYPE_CHECKING
):  # the pipeline is imported where a command runs: `sitegen --help` needs none of it
    from sitegen.pipeline.report import Report


@click.command("build")
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
@click.option(
    "--part",
    "only",
    metavar="NAME",
    default="",
    help="In an archive in parts, build only this part (into its folder under the output).",
)
@json_option
@holding_options
def build_command(
    config_path: str,
    output: str | None,
    base_url: str | None,
    drafts: bool,
    skip_bad: bool,
    jobs: int | None,
    no_cache: bool,
    only: str,
    as_json: bool,
    holding: Holding,
) -> None:
    """Build the site into the output folder (all or nothing: the old output survives any error).

    A warm build reuses the normalized articles in .sitegen-cache/ and rewrites only the pages
    that changed; files whose bytes did not change keep their mtimes.
    """
    from sitegen.pipeline import build, build_parts  # here, as every command's own module

    holder: list[SiteConfig] = []

    def action() -> None:
        config = load(config_path, base_url)
        holder.append(config)
        if only and only not in (names := [part.name for part in config.parts]):
            declared = ", ".join(names) or "none: site.toml declares no [[parts]]"
            raise ConfigError("--part", f"no part named {only!r} (parts: {declared})")
        options = {"drafts": drafts, "skip_bad": skip_bad, "jobs": jobs, "cache": not no_cache}
        where = Path(output) if output else None
        built: list[tuple[Part | None, Report]] = []
        with progress(err.is_terminal) as shown, json_errors(as_json):
            if config.parts:
                built.extend(build_parts(config, where, shown, only, holding=holding, **options))
            else:
                built.append((None, build(config, where, shown, holding=holding, **options)))
        today = holding.now.astimezone(config.tz).date()
        over = [
            said
            for part, report in built
            if (said := _summarize(config, part, report, as_json, today))
        ]
        for said in over:
            err.print(f"[bold red]error[/] {escape(said)}", soft_wrap=True)
        if over:
            sys.exit(1)

    run_guarded(action, holder, skipping=skip_bad)


def _summarize(
    config: SiteConfig, part: Part | None, report: Report, as_json: bool, today: date
) -> str:
    """A build's summary (a part's, in an archive in parts), its size against the limit; near
    it, the span to declare next; past it, for a part, the error that fails the build (the
    part's build judged it before keeping anything: parts.judge)."""
    size = report.size or measure(report.output or config.output_path)
    if as_json:
        click.echo(summary_json(report, size))
        return report.refused
    show_warnings(report, config)
    pictures = described(config, report.output or config.output_path)
    title = f"sitegen: built {config.title}" + (f", part {part.name}" if part else "")
    summary(report, title, size, pictures)
    if (warning := near_limit(size, config.publish.size_limit)) and not report.refused:
        if part and part.end is None:
            warning += f"; {parts.next_span(config, part, today)}"
        err.print(f"[yellow]warning[/] {escape(warning)}", soft_wrap=True)
    return report.refused


@click.command("check")
@config_option
@drafts_option
@jobs_option
@json_option
@holding_options
def check_command(
    config_path: str, drafts: bool, jobs: int | None, as_json: bool, holding: Holding
) -> None:
    """Validate every article (front matter, dates, slugs, URLs) without writing anything."""
    from sitegen.pipeline import prepare

    holder: list[SiteConfig] = []

    def action() -> None:
        config = load(config_path, None)
        holder.append(config)
        with progress(err.is_terminal) as shown, json_errors(as_json):
            _, report = prepare(
                config,
                drafts=drafts,
                skip_bad=False,
                jobs=jobs or os.cpu_count() or 1,
                progress=shown,
                holding=holding,
            )
        if as_json:
            click.echo(summary_json(report))
            return
        show_warnings(report, config)
        out.print(
            f"[green]ok[/]: {report.articles} articles, no errors, {len(report.warnings)} "
            f"warning(s), {len(report.held)} held back"
        )

    run_guarded(action, holder)


@click.command("clean")
@config_option
def clean_command(config_path: str) -> None:
    """Remove the output folder (build/), its twin and the cache (.sitegen-cache/); content stays."""
    from sitegen.cache import CACHE_DIR
    from sitegen.pipeline import check_output_folder

    holder: list[SiteConfig] = []

    def action() -> None:
        config = load(config_path, None)
        holder.append(config)
        check_output_folder(config, config.output_path)
        removed = []
        output = config.output_path
        twin = output.parent / f".{output.name}.next"
        for folder in (output, twin, config.root / CACHE_DIR):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder)
                removed.append(relative(folder))
        out.print(f"removed {', '.join(removed)}" if removed else "nothing to remove", markup=False)

    run_guarded(action, holder)
