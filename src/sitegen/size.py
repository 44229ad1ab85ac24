"""The output's size against the host's limit: GitHub Pages publishes at most 1 GB per site.

Sizes are decimal (1 GB = 10⁹ bytes) unless spelled with an `i` (1 GiB = 2³⁰), as GitHub and
disk makers count; the parser is a few lines, not worth a dependency.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import ConfigError

GITHUB_PAGES = 10**9
WARN_SHARE = 0.8  # past this share of the limit the build summary warns
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class OutputSize:
    """Bytes and files of a built site, each path counted whole (Pages unpacks hard links)."""

    bytes: int
    files: int


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


def measure(folder: Path) -> OutputSize:
    """Walk the output once (a 100,000-article site: about 130,000 files, a second or so)."""
    total = files = 0
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
    return OutputSize(total, files)


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
