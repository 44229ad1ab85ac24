"""One run of `sitegen images`: what is new is fetched, the manifest rewritten, thumbnails made.

The URLs come from the articles (`Article.images`, found when they are normalized); what the
manifest knows is not fetched again (`retry`: but the pictures not kept). Thumbnails are made
from the store only when the site publishes them, and only for pictures the site shows.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.images import manifest
from sitegen.images.fetch import Fetcher
from sitegen.images.manifest import Journal, Picture
from sitegen.images.picture import make_thumbnail
from sitegen.images.published import THUMBS
from sitegen.parallel import jobs_for, map_chunks

Progress = Callable[[str, int, int], None]
SUSPECT_FROM = 5  # one picture from this many URLs is likely a host's placeholder


@dataclass
class Outcome:
    """What a run did, for its summary."""

    used: int = 0
    known: int = 0
    fetched: Counter[str] = field(default_factory=Counter)
    new_bytes: int = 0
    store_files: int = 0
    store_bytes: int = 0
    thumbs_made: int = 0
    thumbs: int = 0
    thumb_bytes: int = 0
    suspects: list[tuple[str, int]] = field(default_factory=list)
    totals: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def thumb_file(config: SiteConfig, picture: Picture) -> Path:
    return manifest.thumbs_root(config) / THUMBS / f"{picture.hash}.webp"


def update(
    config: SiteConfig, urls: Iterable[str], progress: Progress, *, retry: bool = False
) -> Outcome:
    started = time.perf_counter()
    used = list(dict.fromkeys(urls))
    known = manifest.read(config)
    done = {url for url, p in known.items() if p.kept or not retry}
    new = [url for url in used if url not in done]
    outcome = Outcome(used=len(used), known=len(used) - len(new))
    store = manifest.store_path(config)
    before = {p.hash for p in known.values() if p.kept}
    journal = Journal(config)

    def found(picture: Picture) -> None:
        journal.add(picture)
        known[picture.url] = picture
        outcome.fetched[picture.status] += 1
        if picture.kept and picture.hash not in before:
            before.add(picture.hash)
            outcome.new_bytes += picture.bytes
        progress("fetch", outcome.fetched.total(), len(new))

    try:
        if new:
            progress("fetch", 0, len(new))
            Fetcher(config.images, store).run(new, found)
    finally:
        journal.close()
        manifest.write(config, known.values())
    shown = [known[url] for url in used]
    outcome.totals = Counter(p.status for p in shown)
    hashes = Counter(p.hash for p in shown if p.kept)
    outcome.suspects = [(h, n) for h, n in hashes.most_common(3) if n >= SUSPECT_FROM]
    outcome.store_files, outcome.store_bytes = _size(store)
    if config.images.publish == "thumbnails":
        _thumbnails(config, [p for p in shown if p.kept], outcome, progress)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _thumbnails(
    config: SiteConfig, kept: list[Picture], outcome: Outcome, progress: Progress
) -> None:
    """A thumbnail for each kept picture the site shows that has none yet (from the store: a
    picture missing there keeps its original link); thumbnails nothing shows any more go."""
    wanted = {thumb_file(config, p): p for p in kept if p.type != "svg"}
    missing = sorted(
        {path: p for path, p in wanted.items() if not path.exists()}.items(), key=lambda i: i[0]
    )
    store = manifest.store_path(config)
    jobs = jobs_for(len(missing), os.cpu_count() or 1, least=50)
    done = 0
    for made, tried in map_chunks(
        _thumb_chunk, missing, jobs, store, config.images.thumbnail_width
    ):
        outcome.thumbs_made += made
        done += tried
        progress("thumbnails", done, len(missing))
    folder = manifest.thumbs_root(config) / THUMBS
    for path in folder.glob("*.webp") if folder.is_dir() else ():
        if path not in wanted:
            path.unlink()
    outcome.thumbs, outcome.thumb_bytes = _size(folder)


def _thumb_chunk(items: list[tuple[Path, Picture]], store: Path, width: int) -> tuple[int, int]:
    made = sum(
        (store / p.stored_as).is_file() and make_thumbnail(store / p.stored_as, path, width)
        for path, p in items
    )
    return made, len(items)


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return len(files), sum(p.stat().st_size for p in files)
