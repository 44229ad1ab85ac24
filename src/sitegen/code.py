"""The code a stage runs, found from its imports: what each cache digest hashes.

A cached thing (a normalized article, a rendered page, the search index's state) is as good as the
code that made it. Rather than a hand-kept list of modules, which goes stale the day a stage imports
a new one, each digest hashes the import closure of its stage's entry modules: every module of
this package they import, at the top or inside a function (each import line read with `ast`;
imports under `if TYPE_CHECKING:` are for the type checker and never run, so they are left out),
with the packages on the way (importing `sitegen.search.tokens` runs `sitegen/search/__init__.py`),
and the tables of `sitegen/data/` whose file name a module of the closure spells (authorities.tsv).
tests/test_code_digests.py checks each closure against the modules a real run of its stage loads
and the data files it opens.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import suppress
from functools import cache
from pathlib import Path

PACKAGE = "sitegen"
ROOT = Path(__file__).parent
DATA = "data"  # the package's tables, read by the modules that name them

# Each digest's entry modules. Articles: reading a file and normalizing it (front matter, cleaning,
# slugs, cited documents, the story sketch). Pages: planning and rendering them, from Articles
# (so the article code too: a page shows what normalizing made). Search: the index's records
# and files, and the Site's rule that names each record's source (sitegen.kinds.source_name).
ARTICLES = ("sitegen.content.load", "sitegen.content.normalize")
PAGES = ("sitegen.pages", "sitegen.render", *ARTICLES)
SEARCH = ("sitegen.search.extract", "sitegen.search.writer", "sitegen.site")


@cache
def _modules() -> dict[str, Path]:
    """Every module of this package by name and its source, from one walk of the package (a
    look-up per imported name would stat two candidate files each: most of `sitegen check`)."""
    found = {}
    for folder, _, files in os.walk(ROOT):
        parts = [PACKAGE, *Path(folder).relative_to(ROOT).parts]
        if not all(part.isidentifier() for part in parts):
            continue  # __pycache__, the theme's folders
        for name in files:
            if name.endswith(".py"):
                module = parts if name == "__init__.py" else [*parts, name[:-3]]
                found[".".join(module)] = Path(folder, name)
    return found


def _file(module: str) -> Path | None:
    """The source of a module of this package, or None when there is no such module."""
    return _modules().get(module)


@cache
def _source(module: str) -> bytes:
    """A module's source, read once for its imports, the data files it names and the digest."""
    path = _file(module)
    if path is None:
        raise ValueError(f"{module} is not a module of {PACKAGE}")
    return path.read_bytes()


# At each line's start: an import statement (a name list in parentheses may span lines), or an
# `if TYPE_CHECKING:`, or any other statement (its indentation ends a TYPE_CHECKING block).
_LINE = re.compile(
    r"^([ \t]*)(?:((?:from[ \t]+[.\w]+[ \t]+)?import[ \t]+(?:\([^)]*\)|[^\n]*))"
    r"|(if[ \t]+(?:\w+\.)?TYPE_CHECKING[ \t]*:)|(?=\S))",
    re.MULTILINE,
)


def _statements(source: str) -> Iterator[ast.stmt]:
    """The import statements of a module, at any depth of blocks, but those under `if
    TYPE_CHECKING:`. Only the import lines are parsed (parsing the whole module took most of a
    build with nothing to do); a docstring line that merely reads like one is no statement."""
    skip = -1  # the indentation of the TYPE_CHECKING block being passed over
    for match in _LINE.finditer(source):
        indent, statement, checking = len(match[1]), match[2], match[3]
        if skip >= 0 and indent > skip:
            continue
        skip = indent if checking else -1
        if statement:
            with suppress(SyntaxError):
                yield from ast.parse(statement.strip()).body


@cache
def _imported(module: str) -> frozenset[str]:
    """The modules of this package that `module` imports anywhere in its source."""
    source = _source(module).decode()
    found: set[str] = set()
    is_package = _modules()[module].name == "__init__.py"
    for node in _statements(source):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                anchor = parts[: len(parts) - node.level + is_package]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(name for name in found if name.split(".")[0] == PACKAGE and _file(name))


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def closure(roots: Iterable[str]) -> list[str]:
    """Every module of this package that importing and running `roots` can load, sorted."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_parents(module))
            todo.extend(_imported(module))
    return sorted(seen)


def data(roots: Iterable[str]) -> list[str]:
    """The files of sitegen/data/ that a module in the closure of `roots` names, sorted."""
    folder = ROOT / DATA
    tables = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    texts = [_source(module) for module in closure(roots)]
    return [f"{DATA}/{name}" for name in tables if any(name.encode() in t for t in texts)]


@cache
def digest(roots: tuple[str, ...]) -> str:
    """A digest of the source of every module in the closure of `roots` and of the data files
    they name, each by its name (not its path, so a checkout elsewhere has the same digest)."""
    hashed = hashlib.blake2b(digest_size=16)
    for module in closure(roots):
        hashed.update(module.encode() + b"\0" + _source(module) + b"\0")
    for name in data(roots):
        hashed.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return hashed.hexdigest()
