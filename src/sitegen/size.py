"""The output's size against the host's limit: GitHub Pages publishes at most 1 GB per site.

What counts is what is uploaded: the Pages workflow (actions/upload-pages-artifact) sends a tar of
the output, written by GNU tar (`tar --dereference --hard-dereference -cf … .`), and the host checks
its size. A tar costs a 512-byte header for every file and folder, two more headers for a path over
100 bytes (GNU's ././@LongLink, then the path itself padded to 512), each file's content padded to
512, and two zero blocks at the end, the whole rounded up to tar's 10,240-byte record: for a
100,000-article site a third more than the sum of the file sizes. The rule is a few lines (checked
against tar itself in the tests), so a build measures it without writing the tar.

Sizes are decimal (1 GB = 10⁹ bytes) unless spelled with an `i` (1 GiB = 2³⁰), as GitHub and
disk makers count; the parser is a few lines, not worth a dependency.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import ConfigError

GITHUB_PAGES = 10**9
WARN_SHARE = 0.8  # past this share of the limit the build summary warns
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$", re.IGNORECASE)


BLOCK, RECORD, NAME_FIELD = 512, 10240, 100  # GNU tar's block, record (20 blocks), name field


@dataclass(frozen=True)
class OutputSize:
    """A built site as the host counts it: the tar's bytes, and its files, folders and their bytes
    (each path counted whole: the tar stores a hard link's content again)."""

    bytes: int  # the tar's
    files: int
    folders: int
    file_bytes: int


def parse_size(value: object, key: str) -> int:
    """A byte count from site.toml: an integer, or text such as "1 GB", "500MB", "1.5 GiB"."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str) and (match := _SIZE.match(value)):
        number, unit, binary = match.groups()
        power = " kmgt".index(unit.lower() or " ")
        size = int(float(number) * (1024 if binary else 1000) ** power)
    else:
        raise ConfigError(
            key, f'must be a size such as "1 GB", "500 MB" or a number of bytes, got {value!r}'
        )
    if size < 1:
        raise ConfigError(key, f"must be more than 0 bytes, got {value!r}")
    return size


def tar_entry(name: str, size: int = 0) -> int:
    """The bytes an entry named `name` (./path, a folder's ending in /) of `size` bytes takes in
    the tar: its header, two more for a path over the name field (a long-name header and the
    path, NUL-ended), its content padded to blocks."""
    length = len(os.fsencode(name))
    long_name = 0 if length <= NAME_FIELD else BLOCK + -(-(length + 1) // BLOCK) * BLOCK
    return BLOCK + long_name + -(-size // BLOCK) * BLOCK


def tar_total(entries: int) -> int:
    """The tar's bytes from the sum of its entries': two zero blocks, then whole records."""
    return -(-(entries + 2 * BLOCK) // RECORD) * RECORD


def tally(files: Iterable[tuple[str, int]], folders: Iterable[str]) -> OutputSize:
    """The tar of these files (relative paths, sizes) and folders (relative paths), entries
    named ./path as the Pages workflow writes them."""
    tar = tar_entry("./")
    count = content = 0
    for path, size in files:
        tar += tar_entry(f"./{path}", size)
        content += size
        count += 1
    listed = list(folders)
    tar += sum(tar_entry(f"./{folder}/") for folder in listed)
    return OutputSize(tar_total(tar), count, len(listed), content)


def folders_of(paths: Iterable[str]) -> set[str]:
    """The folders these files (relative paths) are in, each with its parents."""
    found: set[str] = set()
    for path in paths:
        while "/" in path and (path := path.rsplit("/", 1)[0]) not in found:
            found.add(path)
    return found


def listing(folder: Path, prefix: str = "") -> tuple[list[tuple[str, int]], list[str]]:
    """Walk a folder once: its files (relative paths under `prefix`, sizes) and its folders."""
    files: list[tuple[str, int]] = []
    folders: list[str] = []
    stack = [(str(folder), prefix)]
    while stack:
        path, name = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir():
                    stack.append((entry.path, f"{name}{entry.name}/"))
                    folders.append(f"{name}{entry.name}")
                elif entry.is_file():
                    files.append((name + entry.name, entry.stat().st_size))
    return files, folders


def measure(folder: Path) -> OutputSize:
    """Walk the output once (a 100,000-article site: about 230,000 entries, a second or so)."""
    return tally(*listing(folder))


def human(size: int) -> str:
    """Decimal units, as the limit is given: 275.3 MB."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def near_limit(size: OutputSize, limit: int) -> str:
    """A warning once the output passes WARN_SHARE of the limit, else ""."""
    if size.bytes <= limit * WARN_SHARE:
        return ""
    share = size.bytes / limit
    return (
        f"the output is {human(size.bytes)}, {share:.0%} of [publish] size_limit "
        f"({human(limit)}); past it `sitegen deploy` refuses to publish (README: Past 1 GB)"
    )
