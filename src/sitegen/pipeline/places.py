"""Where a build puts its output: the one difference between `sitegen build` and the dev server.

`Twin` is a whole build's place: the output's twin, brought up to date and exchanged with the
output atomically, a page kept where a manifest says its file already holds it. `Current` is the
dev server's folder, changed in place, a page kept when it was last written with the same key
(the dev server keeps one `Current` between builds: it knows what its folder holds).
Session.build does everything else the same way for both.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sitegen.names import SEARCH_FOLDER, output_file
from sitegen.output import InPlace, Staging, Statics
from sitegen.pages import Page
from sitegen.pipeline.changes import Changes
from sitegen.pipeline.emit import Writer
from sitegen.pipeline.manifest import Manifest, PageStamp, manifest_path
from sitegen.pipeline.report import Report
from sitegen.size import OutputSize, folders_of, listing, tally


class Place(Protocol):
    """A build's output, as Session.build and emit use it."""

    whole: bool  # every file is placed anew, not only what changed

    @property
    def writer(self) -> Writer: ...

    def current(self, inputs: str) -> Manifest | None:
        """The manifest of an output already made from these inputs: nothing to do."""
        ...

    def open(self, statics: Statics, changes: Changes) -> None:
        """Ready to take pages, the static files in place."""
        ...

    def keeps(self, page: Page) -> bool:
        """Whether the output holds this page as it would be rendered now (and keeps it there)."""
        ...

    def settle(self, pages: list[Page], rendered: list[Page]) -> list[str]:
        """After emit: remember the pages written; the URLs of pages no longer made (gone)."""
        ...

    def search_folder(self) -> Path:
        """The folder the search index is updated in."""
        ...

    def fits(self, pages: list[Page], statics: Statics, index: str, report: Report) -> bool:
        """Before anything is kept (the output, the URL record): the output's size as the host
        counts it (`report.size`), and whether it may be kept (else `report.refused` says why,
        and the place is as it was)."""
        ...

    def finish(
        self, pages: list[Page], statics: Statics, index: str, report: Report, inputs: str
    ) -> None:
        """Nothing stale left; the output is the new one (`index`: the search index's digest;
        `inputs`: the digest of what it was made from, which the next build compares)."""
        ...

    def abort(self) -> None:
        """After a failure: the output as it was (the twin), or as far as it got (in place)."""
        ...


class Twin:
    """A whole build, made in the output's twin and exchanged with the output atomically.

    A page whose key the twin's manifest or the live output's has for its file is kept or
    hard-linked instead of rendered; the search index starts from the live one's files. `judge`
    (a part's: parts.judge) refuses an output past the size limit, which is then not exchanged.
    """

    whole = True

    def __init__(
        self, output: Path, cache_folder: Path | None, judge: Callable[[int], str] | None = None
    ) -> None:
        self.output = output
        self.judge = judge
        self.live_path = manifest_path(cache_folder, output, "live")
        self.twin_path = manifest_path(cache_folder, output, "twin")
        self.live = Manifest.load(self.live_path)
        self.twin = Manifest()
        self.stamps: dict[str, PageStamp] = {}
        self.static: dict[str, tuple[int, int]] = {}
        self._staging: Staging | None = None

    @property
    def writer(self) -> Staging:
        assert self._staging is not None, "open() first"
        return self._staging

    def current(self, inputs: str) -> Manifest | None:
        same = self.live.inputs == inputs and self.live.intact(self.output)
        return self.live if same else None

    def open(self, statics: Statics, changes: Changes) -> None:
        self.twin = Manifest.load(self.twin_path)
        Manifest().save(self.twin_path)  # untrusted until this build ends well
        self._staging = Staging(self.output, trusted=bool(self.twin.pages))
        for folder, found in statics.folders:
            self._staging.copy_tree(folder, found)

    def keeps(self, page: Page) -> bool:
        path = output_file(page.url)
        ways = ((self.twin, self.writer.holds), (self.live, self.writer.link_previous))
        for manifest, take in ways:
            stamp = manifest.pages.get(page.url)
            if stamp is not None and stamp[0] == page.key and take(path, *stamp[1:]):
                self.stamps[page.url] = stamp
                return True
        return False

    def settle(self, pages: list[Page], rendered: list[Page]) -> list[str]:
        for page in rendered:
            self.stamps[page.url] = (page.key, *self.writer.stamp(output_file(page.url)))
        made = {page.url for page in pages}
        return [url for url in self.live.pages if url not in made]

    def search_folder(self) -> Path:
        self.writer.link_previous_tree(SEARCH_FOLDER)  # updated from the live one
        return self.writer.path / SEARCH_FOLDER

    def fits(self, pages: list[Page], statics: Statics, index: str, report: Report) -> bool:
        self.static = {path: self.writer.stamp(path) for path in sorted(statics.files)}
        self.stamps = {page.url: self.stamps[page.url] for page in pages}
        report.size = _size(self.writer.path, self.stamps, self.static, bool(index))
        report.refused = self.judge(report.size.bytes) if self.judge else ""
        if report.refused:
            self.abort()
        return not report.refused

    def finish(
        self, pages: list[Page], statics: Statics, index: str, report: Report, inputs: str
    ) -> None:
        staging = self.writer
        expected = statics.files | {output_file(page.url) for page in pages}
        staging.prune(set(self.twin.files) - expected)
        if not index:
            shutil.rmtree(staging.path / SEARCH_FOLDER, ignore_errors=True)
        manifest = Manifest(
            self.stamps,  # fits() kept the placed pages' only
            index,
            tuple(sorted(expected)),
            self.static,
            inputs,
            report.articles,
            dict(report.pages),
            tuple(report.skipped),
            report.size,
        )
        staging.commit()
        if self.live_path and self.twin_path and self.live_path.exists():
            self.live_path.replace(
                self.twin_path
            )  # the old output is the twin now, and its manifest
        manifest.save(self.live_path)

    def abort(self) -> None:
        if self._staging is not None:
            self._staging.discard()


def _size(
    root: Path, pages: dict[str, PageStamp], static: dict[str, tuple[int, int]], search: bool
) -> OutputSize:
    """The output as the host counts it, from what this build placed (every page's and static
    file's size is stamped): only the search index's folder is walked, not the whole tree."""
    files = [(output_file(url), stamp[1]) for url, stamp in pages.items()]
    files.extend((path, stamp[0]) for path, stamp in static.items())
    found, folders = listing(root / SEARCH_FOLDER, f"{SEARCH_FOLDER}/") if search else ([], [])
    files.extend(found)
    folders.extend([SEARCH_FOLDER] if search else [])
    return tally(files, folders_of(path for path, _ in files) | set(folders))


class Current:
    """The dev server's folder, changed in place: a page is kept when it was last written with the
    same key (`keys`, which the fast render of an edited page adds to as well)."""

    whole = False

    def __init__(self, output: Path, keys: dict[str, str]) -> None:
        self.writer = InPlace(output)
        self.output = output
        self.keys = keys

    def current(self, inputs: str) -> Manifest | None:
        return None  # the dev server is told what changed

    def open(self, statics: Statics, changes: Changes) -> None:
        layers = [folder for folder, _ in statics.folders]
        for path in changes.static:
            layer = next((d for d in layers if path.is_relative_to(d.resolve())), None)
            if layer is not None:
                self.writer.copy_static(path.relative_to(layer.resolve()).as_posix(), layers)

    def keeps(self, page: Page) -> bool:
        return self.keys.get(page.url) == page.key

    def remember(self, rendered: list[Page]) -> None:
        """Pages written here: kept from now on while their key stays."""
        self.keys.update((page.url, page.key) for page in rendered)

    def settle(self, pages: list[Page], rendered: list[Page]) -> list[str]:
        self.remember(rendered)
        made = {page.url for page in pages}
        gone = [url for url in self.keys if url not in made]
        for url in gone:
            self.writer.remove(output_file(url))
            del self.keys[url]
        return gone

    def search_folder(self) -> Path:
        return self.output / SEARCH_FOLDER

    def fits(self, pages: list[Page], statics: Statics, index: str, report: Report) -> bool:
        return True  # the dev server's folder is published by none

    def finish(
        self, pages: list[Page], statics: Statics, index: str, report: Report, inputs: str
    ) -> None:
        """Every change is already in place."""

    def abort(self) -> None:
        """What was written stays: the next change set rebuilds on it."""
