"""The order names are listed in.

Working out a name's pinyin costs about 0.3 ms (and loading pypinyin's dictionaries 0.3 s), and
a site of 100,000 articles names thousands of documents, tags and bodies: the keys worked out
are kept between builds (the session stores them in the cache), so a build converts only the
names new to it.
"""

from __future__ import annotations

CollationKeys = dict[str, tuple[str, str]]
_KEYS: CollationKeys = {}  # every name's key worked out in this process, or learned


def collation_key(name: str) -> tuple[str, str]:
    """Names in pinyin order (金融 jin before 科技 ke before 新闻 xin), as a Chinese index or
    dictionary lists them, so a reader finds one where they expect it; the name breaks ties
    (homophones) so the order never depends on the input's."""
    key = _KEYS.get(name)
    if key is None:
        from pypinyin import lazy_pinyin  # here: only a name not seen before needs it

        key = _KEYS[name] = (" ".join(lazy_pinyin(name)).lower(), name)
    return key


def known_keys() -> CollationKeys:
    """The keys worked out or learned so far."""
    return dict(_KEYS)


def learn(keys: CollationKeys) -> None:
    """Keys an earlier build worked out with the same pypinyin (the caller checks)."""
    _KEYS.update(keys)
