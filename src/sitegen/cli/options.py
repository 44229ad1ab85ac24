"""The options several commands share, and the site.toml they point at."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from sitegen.config import SiteConfig, load_config, normalize_base_url

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
