"""`sitegen init` and `new`: a new site folder, a new article."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from sitegen.cli.console import err, out, relative, run_guarded
from sitegen.cli.options import config_option, load
from sitegen.config import SiteConfig


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
def init_command(directory: str) -> None:
    """Create a new site folder: site.toml, content/ with an example article, a README."""
    from sitegen.scaffold import init_site  # here, as every command's own module: a fast start

    try:
        created = init_site(Path(directory))
    except FileExistsError as exc:
        err.print(f"[bold red]error[/] {exc}")
        sys.exit(1)
    out.print(f"created {relative(created)}: now run  cd {directory} && sitegen build")


@click.command("new")
@click.argument("title")
@click.option("--category", "-c", help="Category path, levels separated by /, e.g. 金融/新浪财经.")
@config_option
def new_command(title: str, category: str | None, config_path: str) -> None:
    """Create a new article in content/ with its front matter filled in (date: now)."""
    from sitegen.scaffold import new_article

    holder: list[SiteConfig] = []

    def action() -> None:
        config = load(config_path, None)
        holder.append(config)
        path = new_article(config, title, category, datetime.now(config.tz))
        out.print(f"created {relative(path)}")

    run_guarded(action, holder)
