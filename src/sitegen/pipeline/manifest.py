"""The manifest of what an output tree holds, kept in the cache beside it.

Each page's key and its file's stamp, every file (pages and static, for pruning without walking
the tree) and the search index's digest: enough to tell, without reading a page, whether a planned page
is already there as it would be rendered (Lektor's `check_artifact_is_current`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.cache import load_pickled, save_pickled
from sitegen.errors import ContentError
from sitegen.names import SEARCH_FOLDER, output_file
from sitegen.output import all_stamped
from sitegen.size import OutputSize

PageStamp = tuple[str, int, int]  # page key, file size, file mtime_ns


@dataclass
class Manifest:
    """What one output tree holds. Unreadable or foreign, a manifest is empty: then every page of
    that tree is rendered anew."""

    pages: dict[str, PageStamp] = field(default_factory=dict)
    search: str = ""
    files: tuple[str, ...] = ()
    static: dict[str, tuple[int, int]] = field(default_factory=dict)
    inputs: str = ""
    articles: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    skipped: tuple[ContentError, ...] = ()  # what --skip-bad left out, to say so again
    size: OutputSize | None = None  # the tree as the host counts it (None: walk it to know)

    def intact(self, root: Path) -> bool:
        """Whether the folder still holds every file as this manifest stamped it."""
        stamps = [(output_file(url), *stamp[1:]) for url, stamp in self.pages.items()]
        stamps.extend((path, *stamp) for path, stamp in self.static.items())
        has_search = not self.search or (root / SEARCH_FOLDER).is_dir()
        return bool(self.inputs) and has_search and all_stamped(root, stamps)

    @classmethod
    def load(cls, path: Path | None) -> Manifest:
        return load_pickled(path, cls) or cls()

    def save(self, path: Path | None) -> None:
        save_pickled(path, self)


def manifest_path(cache_folder: Path | None, output: Path, role: str) -> Path | None:
    """Where the manifest of the live output (`live`) or of its twin (`twin`) is kept."""
    if cache_folder is None:
        return None
    name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return cache_folder / "pages" / f"{name}.{role}.pickle"
