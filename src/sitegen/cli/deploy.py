"""`sitegen deploy`: build afresh and publish to the gh-pages branch."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click
from rich.markup import escape

from sitegen.cli.console import err, out, run_guarded, show_errors, show_warnings
from sitegen.cli.options import base_url_option, config_option, holding_options, jobs_option, load
from sitegen.config import SiteConfig
from sitegen.errors import ContentErrors
from sitegen.holding import Holding

if TYPE_CHECKING:
    from sitegen.deploy_parts import PartPublished


@click.command("deploy")
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
@holding_options
def deploy_command(
    config_path: str,
    remote: str,
    branch: str,
    message: str | None,
    no_push: bool,
    allow_dirty: bool,
    base_url: str | None,
    jobs: int | None,
    holding: Holding,
) -> None:
    """Build afresh and publish to the gh-pages branch with ghp-import.

    Each deploy is one more commit on the branch (history kept), with `.nojekyll` and, when
    site.toml sets `cname`, a CNAME file. Nothing is committed when the folder is not in a git
    repository, the remote is missing, base_url is a local or placeholder address, the site has
    uncommitted changes (unless --allow-dirty) or no articles, or the build fails; nor when the
    build is the same as what the branch holds.
    """
    from sitegen.deploy import DeployError, DeployOptions, deploy
    from sitegen.deploy_parts import deploy_parts

    holder: list[SiteConfig] = []

    def action() -> None:
        config = load(config_path, base_url)
        holder.append(config)
        if config.cname and urlsplit(config.base_url).hostname != config.cname:
            err.print(
                f"[yellow]warning[/] base_url {escape(config.base_url)} is not on the custom "
                f"domain {escape(config.cname)}: links and feeds will point at the former",
                soft_wrap=True,
            )
        err.print(f"deploy: checking git, then building afresh for {escape(config.base_url)} …")
        options = DeployOptions(
            remote=remote,
            branch=branch,
            message=message,
            push=not no_push,
            jobs=jobs,
            allow_dirty=allow_dirty,
            holding=holding,
        )
        try:
            if config.parts:
                _said_per_part(config, deploy_parts(config, options))
                return
            published = deploy(config, options)
        except DeployError as exc:
            err.print(f"[bold red]error[/] {escape(str(exc))}", soft_wrap=True)
            sys.exit(1)
        except ContentErrors as exc:
            show_errors(exc.errors, config)
            err.print(
                f"[bold red]{len(exc.errors)} error(s)[/]: the build failed, so nothing was "
                f"committed to {escape(branch)}."
            )
            sys.exit(1)
        show_warnings(published.report, config)
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


def _said_per_part(config: SiteConfig, published: list[PartPublished]) -> None:
    """A line per part of an archive in parts: published, or skipped as unchanged."""
    for one in published:
        show_warnings(one.report, config)
        if not one.changed and not one.pushed:
            said = f"unchanged, skipped ({one.branch} already holds {one.commit[:12]})"
        else:
            where = f"pushed to {one.remote}" if one.pushed else "not pushed (--no-push)"
            said = f"published {one.commit[:12]} on branch {one.branch}, {where}"
        out.print(f"part {one.part.name}: {said}", markup=False, soft_wrap=True)
