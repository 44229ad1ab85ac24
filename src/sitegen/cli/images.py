"""`sitegen images`: keep a copy of every picture the articles show (sitegen.images)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sitegen.cli.console import err, out, progress, relative, run_guarded
from sitegen.cli.options import config_option, drafts_option, jobs_option, load
from sitegen.cli.summary import two_columns
from sitegen.config import SiteConfig
from sitegen.images import manifest
from sitegen.models import Article
from sitegen.size import human

if TYPE_CHECKING:
    from sitegen.images.update import Outcome


def picture_urls(config: SiteConfig, drafts: bool, jobs: int | None) -> list[str]:
    """Every picture URL the articles show, in the articles' order (the cache makes this quick)."""
    from sitegen.pipeline import Session

    session = Session(config, drafts=drafts, jobs=jobs)
    with progress(err.is_terminal) as shown:
        session.load(progress=shown)
    articles = [o for o in session.outcomes.values() if isinstance(o, Article)]
    return [url for a in articles if drafts or not a.draft for url in a.images]


@click.command("images")
@config_option
@drafts_option
@jobs_option
@click.option("--retry", is_flag=True, help="Fetch again the pictures not kept (gone, refused…).")
def images_command(config_path: str, drafts: bool, jobs: int | None, retry: bool) -> None:
    """Fetch every picture the articles show into the site's picture store, once.

    Each picture is kept under the hash of its bytes in [images] store (images/store/: not in
    git, back it up), and what became of each URL goes in images/manifest.tsv (commit it).
    A later run fetches only new URLs; an interrupted run resumes. `sitegen build` never fetches.
    """
    from sitegen.images.update import update  # here: httpx and Pillow, which only this command uses

    holder: list[SiteConfig] = []

    def action() -> None:
        config = load(config_path, None)
        holder.append(config)
        urls = picture_urls(config, drafts, jobs)
        try:
            with progress(err.is_terminal) as shown:
                outcome = update(config, urls, shown, retry=retry)
        except KeyboardInterrupt:
            err.print("interrupted: what was fetched is kept; run `sitegen images` to go on")
            raise SystemExit(130) from None
        _summary(config, outcome)

    run_guarded(action, holder)


def _summary(config: SiteConfig, outcome: Outcome) -> None:
    table = two_columns("sitegen: pictures")
    table.add_row("pictures shown", f"{outcome.used} URLs, {outcome.known} known before")
    fetched = ", ".join(f"{n} {status}" for status, n in sorted(outcome.fetched.items()))
    table.add_row("fetched now", fetched or "nothing new")
    table.add_row("new in the store", human(outcome.new_bytes))
    states = ", ".join(f"{n} {status}" for status, n in sorted(outcome.totals.items()))
    table.add_row("all pictures", states or "none")
    where = relative(manifest.store_path(config))
    table.add_row("store", f"{where}: {human(outcome.store_bytes)} in {outcome.store_files} files")
    table.add_row("manifest", relative(manifest.manifest_path(config)))
    if config.images.publish == "thumbnails":
        table.add_row(
            "thumbnails",
            f"{outcome.thumbs} ({outcome.thumbs_made} made now), {human(outcome.thumb_bytes)}"
            " published with the site",
        )
    for digest, count in outcome.suspects:
        table.add_row(
            "same picture",
            f"{digest} from {count} URLs: a host's placeholder? If so, add it to [images] refused",
        )
    table.add_row("time", f"{outcome.seconds:.1f} s")
    out.print(table)
