"""Files → Source: the only stage that reads content files.

Finds articles at any depth, decodes them (UTF-8 with or without BOM, CRLF, or GBK/GB18030 found by
charset-normalizer) and splits the YAML front matter from the body, keeping line numbers so that every
error can point at its line.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import ContentError, ContentWarning
from sitegen.models import Source
from sitegen.names import ignored

if TYPE_CHECKING:
    import yaml
    from frontmatter.default_handlers import YAMLHandler

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)
_NAME_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:$|[-_ ])")


def _is_article_name(name: str) -> bool:
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return not ignored(name) and suffix in ARTICLE_SUFFIXES


def is_candidate(path: Path, root: Path) -> bool:
    """Whether a path under root may hold an article: no dot-files, editor leftovers or other types."""
    parts = path.relative_to(root).parts
    return not any(part.startswith(".") for part in parts) and _is_article_name(path.name)


def relative_paths(root: Path) -> list[str]:
    """Every candidate file under root as its relative POSIX path, sorted: no Path each (the
    date scan of an archive in parts holds every file of the archive)."""
    found: list[str] = []
    folders = [("", str(root))]
    while folders:
        prefix, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((f"{prefix}{entry.name}/", entry.path))
            elif _is_article_name(entry.name) and entry.is_file():
                found.append(prefix + entry.name)
    found.sort()
    return found


def discover(root: Path) -> Iterator[tuple[str, Path]]:
    """Every candidate file under root as (relative POSIX path, path), sorted by relative path."""
    base = str(root)
    for relative in relative_paths(root):
        yield relative, Path(os.path.join(base, relative))  # noqa: PTH118 - as os.scandir joins


def decode(data: bytes, path: Path) -> tuple[str, tuple[str, ...]]:
    """Bytes → text with LF line ends; GBK-family files decode with a warning that names them."""
    try:
        warnings: tuple[str, ...] = ()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes  # here: only a file that is not UTF-8 needs it

        best = from_bytes(data).best()
        if best is None or best.encoding in ("utf_8", "ascii"):
            line = data[: exc.start].count(b"\n") + 1
            raise ContentError(
                path, line, "not valid UTF-8 and no other text encoding fits"
            ) from None
        encoding = (
            "gb18030" if best.encoding in ("gbk", "gb2312", "gb18030", "hz") else best.encoding
        )
        text = data.decode(encoding, errors="replace")
        warnings = (f"decoded as {encoding.upper()}, not UTF-8: re-save it as UTF-8",)
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _is_binary(data: bytes) -> bool:
    """Text never holds NUL bytes; images, archives and office files do, near their start."""
    return b"\x00" in data[:8192]


# Constructs that may span lines: an error in one shows where it ends, but began where it opened.
_OPENED = {"quoted scalar": "a quote", "flow sequence": "a [", "flow mapping": "a {"}
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


def _yaml_error(exc: yaml.YAMLError, path: Path, first_line: int, raw_meta: str) -> ContentError:
    """Where the problem starts: an unclosed quote or bracket at its opening, a tab at its line."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    tab = _TAB_INDENT.search(raw_meta)
    if tab and (problem_mark is None or raw_meta.count("\n", 0, tab.start()) <= problem_mark.line):
        line = first_line + raw_meta.count("\n", 0, tab.start())
        return ContentError(
            path, line, "front matter is indented with a tab: YAML indents with spaces only"
        )
    opened = next((what for name, what in _OPENED.items() if name in context), None)
    if opened and context_mark is not None:
        end = f" (line {first_line + problem_mark.line})" if problem_mark is not None else ""
        message = (
            f"{context} (column {context_mark.column + 1}): {problem}{end}; "
            f"is {opened} left open here?"
        )
        return ContentError(
            path, first_line + context_mark.line, f"front matter is not valid YAML: {message}"
        )
    mark = problem_mark or context_mark
    line = first_line + mark.line if mark is not None else first_line
    where = f" (column {mark.column + 1})" if mark is not None else ""
    return ContentError(path, line, f"front matter is not valid YAML: {problem}{where}")


def _derive_front_matter(path: Path, body: str) -> tuple[dict, str] | None:
    """Jekyll's rule for a Markdown file with none: title from its first `#`, date from its name."""
    heading = _HEADING.search(body)
    name_date = _NAME_DATE.match(path.stem)
    if path.suffix.lower() not in MARKDOWN_SUFFIXES or not heading or not name_date:
        return None
    year, month, day = name_date.groups()
    meta = {"title": heading.group(1).strip(), "date": f"{year}-{month}-{day}"}
    return meta, body[: heading.start()] + body[heading.end() :]


@cache
def _front_matter() -> YAMLHandler:
    """The YAML front matter's splitter, made when a file is first parsed: a build that reads no
    file (nothing changed) does not import YAML."""
    from frontmatter.default_handlers import YAMLHandler

    return YAMLHandler()


def file_digest(rel_path: str, data: bytes) -> str:
    return hashlib.blake2b(rel_path.encode("utf-8") + b"\0" + data, digest_size=16).hexdigest()


def parse_source(text: str, path: Path, rel_path: str, digest: str = "") -> Source | ContentWarning:
    """Text → Source, or a warning when the file is not an article (no front matter, nothing to derive)."""
    stripped = text.lstrip("\n \t\ufeff")
    leading = text[: len(text) - len(stripped)].count("\n")
    handler = _front_matter()
    if handler.detect(stripped):
        import yaml

        from sitegen.content.flat import read_flat  # here, as YAML: a warm build reads no file

        try:
            raw_meta, body = handler.split(stripped)
        except ValueError:
            raise ContentError(
                path, leading + 1, "front matter opened with --- but never closed"
            ) from None
        try:
            meta = (
                (read_flat(raw_meta) or yaml.load(raw_meta, Loader=yaml.CSafeLoader))
                if raw_meta.strip()
                else {}
            )
        except yaml.YAMLError as exc:
            raise _yaml_error(exc, path, leading + 1, raw_meta) from None
        if not isinstance(meta, dict):
            raise ContentError(
                path,
                leading + 2,
                f"front matter must be key: value pairs, got {type(meta).__name__}",
            )
        body_line = leading + stripped[: len(stripped) - len(body)].count("\n") + 1
        lines = {
            m.group(1): leading + 1 + raw_meta.count("\n", 0, m.start())
            for m in _KEY.finditer(raw_meta)
        }
        return Source(path, rel_path, digest, meta, body, body_line, True, lines)
    derived = _derive_front_matter(path, text)
    if derived is None:
        return ContentWarning(
            path,
            1,
            "skipped: no front matter, and no `# title` and YYYYMMDD file name to derive it from",
        )
    meta, body = derived
    return Source(path, rel_path, digest, meta, body, 1, False, {})


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ContentError(path, 1, f"cannot read: {exc.strerror}") from None


def load_data(path: Path, rel_path: str, data: bytes) -> Source | ContentWarning:
    """A file's bytes → Source; raises ContentError for a file that cannot be an article."""
    if _is_binary(data):
        return ContentWarning(
            path, 1, "skipped: a binary file (it holds NUL bytes), not an article"
        )
    text, warnings = decode(data, path)
    loaded = parse_source(text, path, rel_path, file_digest(rel_path, data))
    if isinstance(loaded, Source) and warnings:
        return replace(loaded, warnings=warnings)
    return loaded


def load_file(path: Path, root: Path) -> Source | ContentWarning:
    """Read one file; raises ContentError for a file that cannot be read as an article."""
    return load_data(path, path.relative_to(root).as_posix(), read_file(path))
