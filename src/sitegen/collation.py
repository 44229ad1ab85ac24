"""The order names are listed in."""

from __future__ import annotations

from functools import cache

from pypinyin import lazy_pinyin


@cache
def collation_key(name: str) -> tuple[str, str]:
    """Names in pinyin order (金融 jin before 科技 ke before 新闻 xin), as a Chinese index or
    dictionary lists them, so a reader finds one where they expect it; the name breaks ties
    (homophones) so the order never depends on the input's."""
    return " ".join(lazy_pinyin(name)).lower(), name
