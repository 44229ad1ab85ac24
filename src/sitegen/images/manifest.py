"""The picture manifest: what `sitegen images` learnt of every picture URL, one line each.

A tab-separated file sorted by URL (`images/manifest.tsv`, committed with the content: small,
and a diff shows what a run learnt). While a run fetches, each result is appended to a journal
beside it, flushed line by line, so a run that is interrupted (Ctrl-C, kill -9, a lost machine)
resumes where it stopped; a finished run folds the journal into the manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sitegen.config import SiteConfig

KEPT, GONE, REFUSED, NOT_IMAGE, TOO_LARGE = "kept", "gone", "refused", "not an image", "too large"
STATUSES = (KEPT, GONE, REFUSED, NOT_IMAGE, TOO_LARGE)
_COLUMNS = ("url", "status", "hash", "type", "bytes", "width", "height", "fetched", "detail")
HEADER = "\t".join(_COLUMNS)


@dataclass(frozen=True)
class Picture:
    """One picture URL as last fetched. `hash` names the kept bytes (the first 32 hex digits of
    their SHA-256; the same picture from two URLs is one file); `detail` says why it is not kept
    (`404`, `timeout`…)."""

    url: str
    status: str
    hash: str = ""
    type: str = ""  # the file's extension: jpg, png, gif, webp, svg…
    bytes: int = 0
    width: int = 0
    height: int = 0
    fetched: str = ""  # UTC, ISO 8601 to the second
    detail: str = ""

    @property
    def kept(self) -> bool:
        return self.status == KEPT

    @property
    def stored_as(self) -> str:
        """The kept file's path inside the store (and under a copies base_url)."""
        return f"{self.hash[:2]}/{self.hash}.{self.type}"

    def line(self) -> str:
        cells = (self.url, self.status, self.hash, self.type, self.bytes, self.width)
        rest = (self.height, self.fetched, self.detail)
        return "\t".join(_clean(str(cell)) for cell in (*cells, *rest))


def _clean(cell: str) -> str:
    """A URL or a detail never breaks the line format."""
    return cell.replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D")


def _parse(line: str) -> Picture | None:
    cells = line.rstrip("\n").split("\t")
    if len(cells) != len(_COLUMNS) or cells[1] not in STATUSES:
        return None  # a line cut short by a kill, or not ours: that URL is fetched again
    url, status, digest, kind, size, width, height, fetched, detail = cells
    try:
        return Picture(
            url, status, digest, kind, int(size), int(width), int(height), fetched, detail
        )
    except ValueError:
        return None


def manifest_path(config: SiteConfig) -> Path:
    return config.root / "images" / "manifest.tsv"


def thumbs_root(config: SiteConfig) -> Path:
    """The folder published as it is when `publish = "thumbnails"`: it holds `thumbs/`."""
    return config.root / "images" / "public"


def store_path(config: SiteConfig) -> Path:
    return config.root / config.images.store


def _lines(path: Path) -> Iterator[Picture]:
    try:
        with path.open(encoding="utf-8") as file:
            for line in file:
                picture = _parse(line)
                if picture is not None:
                    yield picture
    except FileNotFoundError:
        return


def read(config: SiteConfig) -> dict[str, Picture]:
    """Every picture the manifest knows, and what an interrupted run had learnt since."""
    path = manifest_path(config)
    pictures = {p.url: p for p in _lines(path)}
    pictures.update((p.url, p) for p in _lines(_journal(path)))
    return pictures


def _journal(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def write(config: SiteConfig, pictures: Iterable[Picture]) -> None:
    """The whole manifest, sorted, replaced atomically; the journal is then folded in."""
    path = manifest_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{p.line()}\n" for p in sorted(pictures, key=lambda p: p.url))
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{HEADER}\n{text}", encoding="utf-8")
    temporary.replace(path)
    _journal(path).unlink(missing_ok=True)


class Journal:
    """Where a run appends each result as it comes, so none is lost to an interruption."""

    def __init__(self, config: SiteConfig) -> None:
        path = _journal(manifest_path(config))
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("a", encoding="utf-8")

    def add(self, picture: Picture) -> None:
        self._file.write(picture.line() + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()
