"""The options several commands share, and the site.toml they point at."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import click

from sitegen.config import SiteConfig, load_config, normalize_base_url
from sitegen.errors import ContentErrors
from sitegen.holding import Holding

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


def load(config_path: str, base_url: str | None) -> SiteConfig:
    """site.toml, with --base-url (when given) in place of its base_url."""
    config = load_config(Path(config_path))
    if base_url:
        config = replace(config, base_url=normalize_base_url(base_url, "--base-url"))
    return config


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as JSON on stdout (for CI): counts, and every warning, file held "
    "back and error in full.",
)


@contextmanager
def json_errors(enabled: bool) -> Iterator[None]:
    """With --json, content errors are printed as JSON too before the command fails on them."""
    from sitegen.cli.summary import as_json  # here: the summary imports the pipeline's report
    from sitegen.pipeline import Report

    try:
        yield
    except ContentErrors as exc:
        if enabled:
            click.echo(as_json(Report(), errors=exc.errors))
        raise


def _now(value: str | None) -> datetime:
    """--now, else SOURCE_DATE_EPOCH (reproducible builds' convention), else the clock."""
    if value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r}: use ISO 8601, e.g. 2026-01-31T12:00+08:00"
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch:
        if not epoch.isdigit():
            raise click.BadParameter(f"SOURCE_DATE_EPOCH={epoch!r} is not seconds since 1970")
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def holding_options(command: Callable[..., None]) -> Callable[..., None]:
    """--now and --publish-held, handed to the command as one `holding`."""

    @click.option(
        "--now",
        "now_text",
        metavar="DATETIME",
        help="The build's now (ISO 8601): items dated beyond it are held back [default: "
        "SOURCE_DATE_EPOCH, else the clock].",
    )
    @click.option(
        "--publish-held",
        is_flag=True,
        help="Publish what would be held back (error and challenge pages, placeholder bodies, "
        "items dated beyond now); `hold: false` in front matter publishes one.",
    )
    @functools.wraps(command)
    def wrapped(now_text: str | None, publish_held: bool, **options: object) -> None:
        command(holding=Holding(_now(now_text), publish_held), **options)

    return wrapped
