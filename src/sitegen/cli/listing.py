"""`sitegen list`: the articles of a kind (drafts, future, held back, all) as CSV, as `hugo list`."""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import replace

import click

from sitegen.cli.console import run_guarded
from sitegen.cli.options import config_option, holding_options, load
from sitegen.config import SiteConfig
from sitegen.holding import Holding

KINDS = ("drafts", "future", "held", "all")


@click.command("list")
@click.argument("kind", type=click.Choice(KINDS), default="all")
@config_option
@holding_options
def list_command(kind: str, config_path: str, holding: Holding) -> None:
    """List the drafts, the items dated beyond now (future), everything held back (junk and
    future, with the reason) or all articles, as CSV: path, title, date, draft, held, URL.

    Files with errors are left out (`sitegen check` lists them)."""
    from sitegen.pipeline import prepare  # here: `sitegen --help` needs none of it

    holder: list[SiteConfig] = []

    def action() -> None:
        config = load(config_path, None)
        holder.append(config)
        sites, _ = prepare(
            config,
            drafts=True,
            skip_bad=True,
            jobs=os.cpu_count() or 1,
            holding=replace(holding, publish=True),  # every article, with its URL
        )
        rows = csv.writer(sys.stdout, lineterminator="\n")
        rows.writerow(["path", "title", "date", "draft", "held", "url"])
        found = (
            (site, a, u) for site in sites for a, u in zip(site.articles, site.urls, strict=True)
        )
        for site, article, url in found:
            held = holding.reason(article)
            wanted = {
                "drafts": article.draft,
                "future": holding.future(article),
                "held": bool(held),
                "all": True,
            }[kind]
            if wanted:
                shown = (article.source_path, article.title, article.date.isoformat())
                rows.writerow([*shown, str(article.draft).lower(), held, site.links.absolute(url)])

    run_guarded(action, holder)
