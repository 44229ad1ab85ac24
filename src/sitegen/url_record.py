"""The record of URLs given: `urls.txt` in the site folder, one URL a line, sorted, meant to be
committed with the content. A build reads it so that a URL once published stays its owner's
(sitegen.urls.assign), and `sitegen build` writes it back with the URLs it gave: the one file a
build writes outside the output and the cache.

A line is tab-separated: the URL, the kind of its owner, then who owns it:

    /2022/03/稳增长/    article    <digest of the body>    金融/稳增长.md
    /2022/03/旧地址/    alias      金融/稳增长.md
    /2027/01/新规/      article    <digest of the body>    金融/新规.md    2027
    /2022/03/稳增长-1a2b3c/  article  <digest of the body>  财经/稳增长.md  after=1
    /categories/金融/   category   金融
    /tags/两会/         tag        两会

An article is known by its file (a file moved with the same body, by its body's digest); a
category by its path of names; an article of a part other than the front door (sitegen.parts)
names its part, so that it never moves to another; a tag, document or source by its name. A copy of
a story that arrived after the story was published, with a date that would otherwise put it first
(sitegen.leads), says `after=N` last: its place among the copies, so that the copy published first
stays first whatever order the files come in, also from scratch (no other line carries it, so a
site without such a tie keeps its record's bytes). A line whose owner is gone
keeps its URL from anyone else (a removed article's URL shows a withdrawal notice) until the
editor deletes the line. Tabs, newlines and backslashes in names are written `\\t`, `\\n`, `\\\\`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen import kinds
from sitegen.errors import ContentError
from sitegen.output import write_atomically

RECORD_FILE = "urls.txt"
# The owners a line may name: articles, their aliases, categories, each kind of grouping's names.
KINDS = ("article", "alias", "category", *(kind.one for kind in kinds.KINDS))
HEADER = (
    "# The URLs this site has given (sitegen). Commit this file with the content: a URL listed "
    "here stays\n# its owner's. Delete a line to free its URL (a removed article's notice goes).\n"
)
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPED = re.compile(r"\\(.)")
_PLAIN = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_AFTER = re.compile(r"after=([1-9][0-9]{0,8})")  # a part's name never holds "="


@dataclass(frozen=True, slots=True)  # no dict each: every part's build holds the whole record
class Entry:
    """Who owns a URL: `kind` (KINDS), `owner` (the file, or the names), `digest` (an article's
    body, so that a moved file is known), `part` (an article's part, "" on the front door),
    `after` (an article's place among its story's copies, sitegen.leads; 0 for most)."""

    kind: str
    owner: tuple[str, ...]
    digest: str = ""
    part: str = ""
    after: int = 0


UrlRecord = Mapping[str, Entry]


def _escape(text: str) -> str:
    """A pattern's scan, not a table's lookup per character: almost no name holds one."""
    return _SPECIAL.sub(lambda m: _ESCAPES[m[0]], text)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: _PLAIN.get(m[1], m[1]), text)


def parse(text: str, path: Path) -> dict[str, Entry]:
    """The record as written; a line that is not one is an error naming the file and line."""
    record: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        split = f"{line}\t".split("\t")[:-1]  # a line without a backslash has nothing to unescape
        url, kind, *fields = map(_unescape, split) if "\\" in line else split
        after = _AFTER.fullmatch(fields[-1]) if kind == "article" and fields else None
        if after:
            fields.pop()
        wanted = {"article": (2, 3), "category": (len(fields),)}.get(kind, (1,))
        bad = not url.startswith("/") or kind not in KINDS or len(fields) not in wanted
        if bad or not fields or not all(fields):
            message = "not a line of the URL record (URL, kind, owner, separated by tabs)"
            raise ContentError(path, number, message)
        if url in record:
            raise ContentError(path, number, f"{url} is listed twice")
        digest = fields.pop(0) if kind == "article" else ""
        part = fields.pop() if kind == "article" and len(fields) == 2 else ""
        # the few kinds and parts one string each, not one a line (a part holds the whole record)
        kind, part = sys.intern(kind), sys.intern(part)
        record[url] = Entry(kind, tuple(fields), digest, part, int(after[1]) if after else 0)
    return record


def owners(record: UrlRecord) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Who owns each URL, without the bodies' digests (which change with every edit)."""
    return {url: (entry.kind, entry.owner) for url, entry in record.items()}


def write(record: UrlRecord) -> str:
    """The record as a file: sorted by URL, so that it changes by the lines that change."""
    lines = [HEADER]
    for url in sorted(record):
        entry = record[url]
        digest, part = (entry.digest,) if entry.digest else (), (entry.part,) if entry.part else ()
        after = (f"after={entry.after}",) if entry.after else ()
        fields = [url, entry.kind, *digest, *entry.owner, *part, *after]
        line = "\t".join(fields)  # one scan finds whether any field needs escaping (few do)
        special = len(fields) - 1 != line.count("\t") or _SPECIAL.search(line.replace("\t", " "))
        lines.append(("\t".join(map(_escape, fields)) if special else line) + "\n")
    return "".join(lines)


def read_text(root: Path) -> str:
    """The site's record as written ("" when there is none yet)."""
    path = root / RECORD_FILE
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise ContentError(path, 1, f"cannot read the URL record: {exc}") from None


def read(root: Path) -> tuple[dict[str, Entry], str]:
    """The site's record and its text ({} and "" when there is none yet)."""
    text = read_text(root)
    return parse(text, root / RECORD_FILE), text


def save(root: Path, record: UrlRecord, before: str) -> str | None:
    """Write the record when it changed (a build that gave no new URL leaves it untouched; a
    site that gave none yet has none); the text written, else None. `before`: the text as the
    build read it (`read_text`), not read again."""
    path = root / RECORD_FILE
    text = write(record)
    if not path.is_file() and not record:
        return None
    if path.is_file() and before == text:
        return None
    write_atomically(path, text.encode("utf-8"))
    return text
