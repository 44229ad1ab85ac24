"""`sitegen serve` of an archive in parts (sitegen.parts): every part on one local server at the
path of its base_url, as Pages serves the project sites of one account, its links across parts
and parts.json naming the local addresses, so navigation and one search work as they will.

With --watch each change set builds the parts again (pipeline.build_parts, into the server's
folder): a part whose own files, share of urls.txt, templates and config did not change has
nothing to do, the others are built as `sitegen build` builds them, and every open tab reloads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from sitegen.config import SiteConfig
from sitegen.parts import part_output
from sitegen.pipeline import Progress, Report, build_parts, quiet
from sitegen.pipeline.changes import Changes
from sitegen.pipeline.report import joined
from sitegen.served import MISSING, Answer, Served


def paths(config: SiteConfig) -> list[str]:
    """Each part's path on the local server: its base_url's (the front door's is the site's);
    a path another part has already: the part's name."""
    found: list[str] = []
    for part in config.parts:
        path = urlsplit(part.base_url or config.base_url).path or "/"
        found.append(f"/{part.name}/" if path in found else path)
    return found


def served_at(config: SiteConfig, url: str) -> SiteConfig:
    """The archive as the local server whose front door is at `url` serves it."""
    address, local = url.removesuffix(config.base_path), paths(config)
    parts = tuple(
        replace(part, base_url=address + path if n else "")
        for n, (part, path) in enumerate(zip(config.parts, local, strict=True))
    )
    return replace(config, base_url=address + local[0], parts=parts)


@dataclass(frozen=True)
class PartsServed(Served):
    """Every part's folder at its path (the longest path that matches first), the front door
    (this Served's own root and path) for the rest, its 404 page and the reload script."""

    parts: tuple[Served, ...] = ()

    def answer(self, raw: str) -> Answer:
        path = raw.partition("#")[0].partition("?")[0]
        try:
            decoded = unquote_to_bytes(path.encode("latin-1")).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return MISSING
        for part in sorted(self.parts, key=lambda p: -len(p.base_path)):
            if decoded.startswith(part.base_path) or decoded == part.base_path.rstrip("/"):
                return part.answer(raw)
        return super().answer(raw)


def parts_served(config: SiteConfig, output: Path, live: bool) -> PartsServed:
    """What the server answers for an archive in parts built into `output`."""
    each = tuple(
        Served(part_output(output, part), path, live=live)
        for part, path in zip(config.parts, paths(config), strict=True)
    )
    return PartsServed(each[0].root, each[0].base_path, live=live, parts=each)


class LiveParts:
    """An archive in parts served with --watch: all its parts built, again after each change."""

    def __init__(self, config: SiteConfig, output: Path, drafts: bool, jobs: int | None) -> None:
        self.config, self.output = config, output
        self.drafts, self.jobs = drafts, jobs
        self._lock = threading.Lock()

    def build(self, progress: Progress = quiet) -> Report:
        with self._lock:
            built = build_parts(
                self.config,
                self.output,
                progress,
                drafts=self.drafts,
                jobs=self.jobs,
                keeps_record=False,  # the dev server only reads urls.txt
                size_limit=None,  # and publishes nothing
            )
        return joined([report for _, report in built], self.output)

    def update(self, changes: Changes, *, on_edited: object = None) -> Report:
        """Every part again (those with nothing to do are left alone); every tab reloads."""
        report = self.build()
        report.touched = None
        return report

    def expand(self, changed: set[Path]) -> set[Path]:
        return changed
