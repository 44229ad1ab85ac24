"""The flat front matter crawlers write, read without walking YAML's node tree.

Every crawled article opens with the same few lines: `key: value`, and `key:` followed by `- item`
lines, each value on its own line (plain, or in quotes). YAML's C parser reads them fast, but its
Python constructor then walks the node tree: ~7 % of normalizing an article. This reads that shape
alone, line by line, and gives each value the type YAML gives it (with YAML's own resolver and
constructors: `false`, `2021-10-19`, `3` and `~` are not strings). Anything else, or anything it is
not sure of (comments, tabs, anchors, flow or block scalars, escapes, a value that runs on, a key
twice), is None: YAML reads it, so what the fast path returns is always what YAML would.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

# What YAML's reader allows, less what could be a line break or a mark to it (tab, CR, NEL,
# U+2028/9, BOM): a front matter with any other character goes to YAML.
_PLAIN_TEXT = re.compile(
    r"[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*):(?: +(.*))?")
_ITEM_LINE = re.compile(r"( *)- +(.*)")
# A plain scalar on one line: no indicator first, no comment (" #") or mapping (": ", ":" last).
_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ](?:(?! #|: ).)*(?<![ :])")
_SINGLE = re.compile(r"'((?:[^']|'')*)' *")
_DOUBLE = re.compile(r'"([^"\\]*)" *')
# The types a plain scalar can resolve to that are read as YAML reads them; any other (a merge key,
# `=`) goes to YAML.
_TYPES = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "bool", "null", "int", "float", "timestamp")
)


class _NotFlat(Exception):
    """The front matter is not of the flat shape: YAML reads it."""


# The first characters YAML's resolver looks at (a plain scalar starting otherwise is a string),
# unless it has a resolver for any first character (None).
_TYPED_FIRST = frozenset(Resolver.yaml_implicit_resolvers)
_ANY_TYPED = None in _TYPED_FIRST


@cache
def _typing() -> tuple[Resolver, SafeConstructor]:
    return Resolver(), SafeConstructor()


def _scalar(text: str) -> Any:
    """One value as YAML reads it, or _NotFlat."""
    first = text[:1]
    if first == "'" and (single := _SINGLE.fullmatch(text)):
        return single[1].replace("''", "'")
    if first == '"' and (double := _DOUBLE.fullmatch(text)):
        return double[1]
    plain = text.rstrip(" ")
    if not _PLAIN.fullmatch(plain):
        raise _NotFlat
    if first not in _TYPED_FIRST and not _ANY_TYPED:
        return plain
    resolver, constructor = _typing()
    tag = resolver.resolve(ScalarNode, plain, (True, False))
    if tag not in _TYPES:
        raise _NotFlat
    return constructor.yaml_constructors[tag](constructor, ScalarNode(tag, plain))


@cache
def _is_key(name: str) -> bool:
    """Whether YAML reads this plain key as the string it is (not `true`, not `null`)."""
    return _scalar(name) == name


def read_flat(raw: str) -> dict[str, Any] | None:
    """The front matter as YAML (CSafeLoader) reads it, when it is of the flat shape; else None."""
    if not _PLAIN_TEXT.fullmatch(raw):
        return None
    meta: dict[str, Any] = {}
    key = ""
    listing: list[Any] | None = None  # the list a `key:` without a value opened
    indent = -1  # its items' indentation, once the first is seen
    try:
        for line in raw.split("\n"):
            if not line.strip(" "):
                continue
            if key_line := _KEY_LINE.fullmatch(line):
                key, value = key_line[1], key_line[2] or ""
                if key in meta or not _is_key(key):
                    return None
                blank = not value.strip(" ")
                meta[key] = None if blank else _scalar(value)
                listing, indent = ([], -1) if blank else (None, -1)
                continue
            item = _ITEM_LINE.fullmatch(line)
            if item is None or listing is None or indent not in (-1, len(item[1])):
                return None
            meta[key], indent = listing, len(item[1])
            listing.append(_scalar(item[2]))
    except (_NotFlat, yaml.YAMLError, ValueError):
        return None
    return meta or None
