"""Text as search sees it: folded so that forms a reader does not tell apart meet.

Each character's compatibility form when it is a letter or digit (ｑ３ → q3, ㍿ → 株式会社), lower
case, and Traditional characters to Simplified (OpenCC's character table, so 發展 and 发展 are one).
Search indexes folded text (sitegen.search.tokens) and search.js folds a query the same way; the
story sketches (sitegen.stories) are made of folded text too, so a reprint in the other script is
the same story. A leaf: normalizing imports it without loading any of search's writer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np
import numpy.typing as npt

# Chinese characters, kana, CJK symbols and compatibility ideographs, then the supplementary
# ideographic planes; of these, letters and numbers make runs (search.js has the same ranges).
RUN_RANGES = ((0x3000, 0xA000), (0xF900, 0xFB00), (0x20000, 0x323B0))


@cache
def simplified() -> dict[int, str]:
    """Traditional → Simplified, one character each, from OpenCC's own table (t2s).

    The letters are converted in one call, a line each (a phrase never spans a line), rather
    than one call per character."""
    import opencc  # here: only indexing and the folding file need it

    category = unicodedata.category
    letters = [
        c for low, high in RUN_RANGES for c in map(chr, range(low, high)) if category(c)[0] == "L"
    ]
    folded = opencc.OpenCC("t2s").convert("\n".join(letters)).split("\n")
    return {
        ord(char): simple
        for char, simple in zip(letters, folded, strict=True)
        if simple != char and len(simple) == 1
    }


class _Folding(dict[int, str]):
    """Each character folded, worked out the first time it is seen (str.translate asks)."""

    def __missing__(self, point: int) -> str:
        char = chr(point)
        plain = unicodedata.normalize("NFKC", char)
        if not any(c.isalnum() for c in plain):
            plain = char  # punctuation as written: "，" stays a Chinese comma
        folded = "".join(simplified().get(ord(c), c) for c in plain.lower())
        self[point] = folded
        return folded


_FOLDING = _Folding()
_UNKNOWN = 0xFFFFFFFF  # a code point not folded yet in this process
_LONGER = 0xFFFFFFFE  # one that folds to more than one character (㍿ → 株式会社): rare
_TABLE = np.full(0x110000, _UNKNOWN, dtype=np.uint32)
"""Each code point's fold as one code point, filled from `_FOLDING` as characters are first seen."""


def fold_points(text: str) -> npt.NDArray[np.uint32]:
    """The folded text's code points: a table lookup for the whole text at once (str.translate
    asks a dict once per character, the most of folding's time)."""
    normal = unicodedata.normalize("NFC", text)
    points = np.frombuffer(normal.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = _TABLE[points]
    if (folded == _UNKNOWN).any():
        for point in np.unique(points[folded == _UNKNOWN]).tolist():
            one = _FOLDING[point]
            _TABLE[point] = ord(one) if len(one) == 1 else _LONGER
        folded = _TABLE[points]
    if (folded == _LONGER).any():
        longer = normal.translate(_FOLDING).encode("utf-32-le", "surrogatepass")
        return np.frombuffer(longer, dtype=np.uint32)
    return folded


def fold(text: str) -> str:
    """The text as the index sees it (search.js folds a query the same way)."""
    return fold_points(text).tobytes().decode("utf-32-le", "surrogatepass")


OTHER, RUN, WORDY = 0, 1, 2


def _every_character() -> str:
    """All of Unicode's code points, in order, as one string (lone surrogates included)."""
    return np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def _run_characters(every: str) -> list[str]:
    """The letters and numbers of RUN_RANGES (Unicode category L or N)."""
    category = unicodedata.category
    return [c for low, high in RUN_RANGES for c in every[low:high] if category(c)[0] in "LN"]


@cache
def classes() -> npt.NDArray[np.uint8]:
    """Each code point's class: RUN (a run character), WORDY (another letter or digit), OTHER.

    A regular expression finds the letters and digits (`[^\\W_]` is exactly str.isalnum), a
    tenth of the time of asking each of the 1.1 million code points in Python: every build that
    indexes or sketches starts with this table."""
    every = _every_character()
    table = np.zeros(0x110000, dtype=np.uint8)
    for match in re.finditer(r"[^\W_]+", every):
        table[match.start() : match.end()] = WORDY
    table[[ord(c) for c in _run_characters(every)]] = RUN
    return table
