"""Each content file's part (sitegen.parts), known before any file is normalized: the part the
URL record gives the file, else the one whose span holds the date its front matter says. A part's
build then reads, normalizes and keeps its own files only, so its memory is bounded by the part,
not by the archive, and its inputs are its own (a closed part is not planned again for an edit in
another).

The rule is sitegen.assign.part_of's, on the same date (sitegen.content.normalize.parse_date), so
every file lands where the URL step places it. A file whose date cannot be read goes to the front
door, whose build reports it. The dates are kept in the cache by file stamp (the stamp index's
rule), so a warm build reads no file for them.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen import older, url_record
from sitegen.assign import ARTICLE_KINDS, recorded_parts, split_record
from sitegen.cache import Stamp, kept, load_pickled, save_pickled, stamp_of
from sitegen.config import SiteConfig
from sitegen.content.load import load_data, read_file, relative_paths
from sitegen.content.normalize import parse_date
from sitegen.errors import ContentError
from sitegen.kinds import BY_NAME
from sitegen.pages.across import shelf
from sitegen.parallel import jobs_for, map_chunks
from sitegen.parts import day_part
from sitegen.site import Site

_VERSION = "sitegen-days-2"
_GONE = (-1, -1, -1)  # the stamp of a file gone since it was listed: no file's


@dataclass
class Days:
    """Content files' relative paths, sorted, "\0" between them; for each its stamp (three
    numbers of `stamps`) and the local day its front matter dates it (an ordinal of `days`; 0
    when none can be read), as of `checked_ns`. Arrays, not a tuple per file: the scan holds
    every file of the archive (300,000: ~30 MB, not ~400 in a dict of tuples and Paths)."""

    salt: str = ""
    checked_ns: int = 0
    paths: str = ""
    stamps: array[int] = field(default_factory=lambda: array("q"))
    days: array[int] = field(default_factory=lambda: array("l"))

    def entries(self) -> Iterator[tuple[str, tuple[Stamp, int]]]:
        """Each file's relative path and (stamp, day), in order."""
        start = 0
        for n, day in enumerate(self.days):
            end = self.paths.find("\0", start)
            end = len(self.paths) if end < 0 else end
            size, mtime_ns, inode = self.stamps[3 * n : 3 * n + 3]
            yield self.paths[start:end], ((size, mtime_ns, inode), day)
            start = end + 1


def _day_of(path: Path, rel_path: str, tz: ZoneInfo) -> int:
    """The local day a file's front matter dates it (0: none, or one normalizing rejects)."""
    try:
        loaded = load_data(path, rel_path, read_file(path))
        value = getattr(loaded, "meta", {}).get("date")
        if value is None or value == "":
            return 0
        return parse_date(value, tz).astimezone(tz).date().toordinal()
    except (ContentError, ValueError, TypeError, OverflowError):
        return 0


def _days_chunk(files: list[str], root: Path, timezone: str) -> list[int]:
    tz = ZoneInfo(timezone)
    return [_day_of(root / rel_path, rel_path, tz) for rel_path in files]


def _days(
    config: SiteConfig, folder: Path | None, jobs: int, keep: bool
) -> tuple[list[str], array[int]]:
    """Every content file (relative paths, sorted) and its day, read where its stamp changed
    since the last build (kept for the next unless only reading)."""
    root = config.content_path.resolve()
    path = None if folder is None else folder / "days.pickle"
    salt = f"{_VERSION}\0{config.timezone}\0{root}"
    loaded = load_pickled(path, Days)
    known = loaded if loaded is not None and loaded.salt == salt else Days(salt)
    checked_ns = time.time_ns()
    found = relative_paths(root)
    stamps, days, todo = array("q"), array("l"), []
    entries = known.entries()
    entry = next(entries, None)
    for n, rel_path in enumerate(found):
        stamp = stamp_of(root / rel_path)
        while entry is not None and entry[0] < rel_path:  # both sorted: a walk, not a dict
            entry = next(entries, None)
        day = kept(entry[1] if entry and entry[0] == rel_path else None, stamp, known.checked_ns)
        stamps.extend(stamp or _GONE)
        days.append(day or 0)
        if day is None:
            todo.append(n)
    pending = iter(todo)
    files = [found[n] for n in todo]
    for chunk in map_chunks(_days_chunk, files, jobs_for(len(files), jobs), root, config.timezone):
        for day in chunk:
            days[next(pending)] = day
    if keep and (todo or len(known.days) != len(found)):
        save_pickled(path, Days(salt, checked_ns, "\0".join(found), stamps, days))
    return found, days


def shares(
    config: SiteConfig, folder: Path | None, jobs: int, *, keep: bool = True
) -> dict[str, frozenset[str]]:
    """Each part's content files (relative paths), by part name: the record's word for a file it
    lists, else its date's part; the front door takes the files no span holds (its build says
    why each is wrong). `folder`: the cache's, where the dates are kept (None: read them all);
    `keep`: keep them there."""
    recorded = recorded_parts(config, url_record.read(config.root)[0])
    front = config.parts[0].name
    found: dict[str, set[str]] = {part.name: set() for part in config.parts}
    for rel_path, day in zip(*_days(config, folder, jobs, keep), strict=True):
        part = recorded.get(rel_path) or (
            day_part(config.parts, date.fromordinal(day)) if day else ""
        )
        found[part or front].add(rel_path)
    return {name: frozenset(files) for name, files in found.items()}


def _names_path(config: SiteConfig, folder: Path | None) -> Path | None:
    return None if folder is None or not config.parts else folder / f"names-{config.part}.pickle"


def keep_record(config: SiteConfig, folder: Path | None, site: Site, recorded: str) -> str | None:
    """Save the URL record the build leaves and the names a part's build gave URLs (the
    record's kind and owner of each, for the next build's record_key), and a part's shelf for
    the newer parts' builds (sitegen.older): the record's text the next build's inputs are made
    from, None when neither changed. In an archive in parts the site holds its part's lines
    (assign.split_record): the other parts' are `recorded`'s."""
    record = site.record
    if config.parts:
        read = url_record.parse(recorded, config.root / url_record.RECORD_FILE)
        record = {**split_record(config, read)[1], **record}
        older.keep(folder, config.part, shelf(site))
    saved = url_record.save(config.root, record, recorded)
    path = _names_path(config, folder)
    named = site.links.named
    used = {("category", path_) for path_ in named.categories}
    used |= {(BY_NAME[kind].one, (name,)) for kind, names in named.kinds.items() for name in names}
    if path is not None and load_pickled(path, frozenset) != used:
        save_pickled(path, frozenset(used))
    elif saved is None:
        return None
    return recorded if saved is None else saved


def record_key(config: SiteConfig, text: str, folder: Path | None = None) -> str:
    """What of the URL record (`text`, as read) a build's output is made from: all of it; in an
    archive in parts, the part's share: its articles' lines, their aliases', and the lines of
    the names its last build had (`folder`: the cache's, where keep_record kept them; every
    name's when unknown).
    Its articles unchanged, a part has the same names, each holding the URL its line gives
    whatever other lines say (sitegen.assign), so another part's new names leave it as it is."""
    if not config.parts:
        return text
    record = url_record.parse(text, config.root / url_record.RECORD_FILE)
    mine = split_record(config, record)[0]
    used = load_pickled(_names_path(config, folder), frozenset)
    if used is not None:
        mine = {
            url: entry
            for url, entry in mine.items()
            if entry.kind in ARTICLE_KINDS or (entry.kind, entry.owner) in used
        }
    return url_record.write(mine)
