"""Text → tokens, the same way search.js cuts a query: the technique of Lucene's CJK bigram filter.

Text is folded first (sitegen.folding: 發展 and 发展 are one token). Then every run of Chinese characters gives each character alone (so one character finds) and
each pair of neighbours (so a phrase is the pairs it is made of), and a run of other letters
or digits gives one word. Whitespace and punctuation end a run: no phrase spans them.

A token is a 32-bit hash of (kind, a, b), computed with numpy for a whole text at once and
in search.js with Math.imul; two tokens that collide only add candidates, which the excerpt
step then drops, never lose one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sitegen.arrays import sorted_unique
from sitegen.folding import RUN, WORDY, classes, fold_points

UNIGRAM, BIGRAM, WORD = 1, 2, 3
Tokens = npt.NDArray[np.uint32]


def _mix(
    kind: npt.NDArray[np.uint32], a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]
) -> Tokens:
    """A 32-bit hash of (kind, a, b); search.js computes the same with Math.imul."""
    h = kind * np.uint32(0x9E3779B1)
    h = (h ^ a) * np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(15)
    h = (h ^ b) * np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0x27D4EB2F)
    h ^= h >> np.uint32(16)
    return h


def fnv1a(word: str) -> int:
    """FNV-1a of the word's UTF-8 bytes: a word token's first part."""
    h = 0x811C9DC5
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def _parts(
    points: npt.NDArray[np.uint32],
) -> tuple[npt.NDArray[np.intp], list[int], npt.NDArray[np.bool_]]:
    """Folded code points' words (where each starts, and its hash) and which points are run
    characters."""
    kinds = classes()[points]
    wordy = np.concatenate(([False], kinds == WORDY, [False]))
    edges = np.flatnonzero(wordy[1:] != wordy[:-1])
    folded = points.tobytes().decode("utf-32-le", "surrogatepass") if len(edges) else ""
    bounds = edges.tolist()
    words = [fnv1a(folded[start:end]) for start, end in zip(bounds[::2], bounds[1::2], strict=True)]
    return edges[::2], words, kinds == RUN


def _hashed(
    unigrams: npt.NDArray[np.uint32], bigrams: tuple[npt.NDArray[np.uint32], ...], words: list[int]
) -> Tokens:
    n, m = len(unigrams), len(bigrams[0])
    kinds = np.repeat(np.array([UNIGRAM, BIGRAM, WORD], dtype=np.uint32), [n, m, len(words)])
    a = np.concatenate((unigrams, bigrams[0], np.array(words, dtype=np.uint32)))
    b = np.zeros(len(a), dtype=np.uint32)
    b[n : n + m] = bigrams[1]
    return _mix(kinds, a, b)


def occurrences(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint64], Tokens]:
    """Every token of the texts where it occurs (repeats too), with the number of the text it
    occurs in: the texts' folded points joined by a newline (no run or word spans one) and
    hashed in one go, so that a chunk of articles costs numpy's calls once, not once a text."""
    folded = [fold_points(text) for text in texts]
    lengths = np.array([len(points) + 1 for points in folded], dtype=np.intp)
    newline = np.array([ord("\n")], dtype=np.uint32)
    points = np.concatenate([part for points in folded for part in (points, newline)] or [newline])
    owner = np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)
    starts, words, run = _parts(points)
    pairs = run[:-1] & run[1:]
    hashed = _hashed(points[run], (points[:-1][pairs], points[1:][pairs]), words)
    return np.concatenate((owner[run], owner[:-1][pairs], owner[starts])), hashed


def tokens(text: str) -> Tokens:
    """The set of tokens of a text, sorted: unigrams and bigrams of its runs, and its words."""
    return sorted_unique(occurrences([text])[1])


def query(text: str) -> list[int]:
    """The tokens every article that holds the query must hold, sorted: a run of one character
    gives its unigram, a longer run its bigrams, a word itself (search.js does the same)."""
    points = fold_points(text)
    _, words, run = _parts(points)
    pairs = run[:-1] & run[1:]
    inside = np.concatenate(([False], pairs)) | np.concatenate((pairs, [False]))
    alone = run & ~inside
    return sorted(
        set(_hashed(points[alone], (points[:-1][pairs], points[1:][pairs]), words).tolist())
    )
