"""[Article] → stories and related articles: copies of one text across feeds, and articles that say
the same things. Pure.

Each article is sketched once, when it is loaded (`sketch`, kept with the article in the cache under
its content digest), so a build only hashes the articles that changed; grouping the sketches of
every article (`find`) is linear in the articles: about a second at 10,000
(benchmarks/stories_bench.py).

Copies: MinHash over the article's folded text cut in five-character shingles, the estimate of
their Jaccard similarity checked for every pair LSH's bands bring together (Broder's technique, as
datasketch implements it). The text is folded by search's own folding (sitegen.search.tokens: compatibility
forms, lower case, Traditional → Simplified by OpenCC's table) with all but letters and digits dropped, so a
reprint in the other script, with other spacing or punctuation, gives the same shingles. Titles
count only for texts too short for MinHash: the daily 新闻联播 transcripts or "视频：…" items share
a title pattern, not their text. The MinHash is written here with numpy rather than taken from
datasketch because datasketch hashes every shingle with a Python call (sha1 by default), where
numpy hashes a whole text at once; at 100,000 articles that is the difference that matters.

Related articles: each article's most frequent Chinese character pairs (its "topics"), those shared
by too many articles dropped, and the articles sharing the most of them (scipy's sparse product, a
slice of rows at a time, so memory stays bounded).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from sitegen.models import Sketch
from sitegen.search.tokens import fold as search_fold

SHINGLE = 5  # characters: long enough that news Chinese rarely repeats one by chance
PERMUTATIONS = 64
BANDS, ROWS = 16, 4  # LSH: a pair with Jaccard 0.7 meets in some band 98% of the time, 0.3: 12%
THRESHOLD = 0.7  # estimated Jaccard from which two texts are one story (benchmarks/stories_eval.py)
MIN_SHINGLES = 200  # a shorter text (a caption, a brief, a template alone) is too short to tell
TOPICS = 32  # character pairs kept per article for related articles
TOPIC_CAP = 200  # a pair shared by more articles than this says nothing about any of them
RELATED_SHARED = 4  # pairs two articles must share to be related
_MASK32 = np.uint64(0xFFFFFFFF)


@cache
def _permutations() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The MinHash's hash functions: a·x + b mod 2⁶⁴, top 32 bits; fixed, so sketches are stable."""
    rng = np.random.default_rng(15)
    a = rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
    return a, b


_NOT_ALNUM = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Letters and digits only, folded as search folds them (ｑ３ → q3, 發展 → 发展)."""
    return _NOT_ALNUM.sub("", search_fold(text))


def _points(text: str) -> npt.NDArray[np.uint64]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _shingles(points: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    count = len(points) - SHINGLE + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    hashed = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):
        hashed = hashed * np.uint64(0x100000001B3) + points[offset : offset + count]
    return np.unique(hashed)


def _minhash(shingles: npt.NDArray[np.uint64]) -> bytes:
    a, b = _permutations()
    lowest = np.full(PERMUTATIONS, _MASK32, dtype=np.uint64)
    for start in range(0, len(shingles), 4096):  # bounded memory for a very long text
        part = shingles[start : start + 4096]
        values = (part[None, :] * a[:, None] + b[:, None]) >> np.uint64(32)
        lowest = np.minimum(lowest, values.min(axis=1))
    return lowest.astype("<u4").tobytes()


def _topics(points: npt.NDArray[np.uint64]) -> bytes:
    """The article's most frequent pairs of neighbouring Chinese characters, ties by code."""
    chinese = (points >= 0x3400) & (points < 0xA000)
    both = chinese[:-1] & chinese[1:]
    pairs = (points[:-1] << np.uint64(21) | points[1:])[both]
    values, counts = np.unique(pairs, return_counts=True)
    top = np.lexsort((values, -counts))[:TOPICS]
    return np.sort(values[top]).astype("<u8").tobytes()


def sketch(title: str, text: str) -> Sketch:
    """An article's title and plain text → its sketch; made once per article, at load time.

    A text too short for MinHash (a video's one-line caption, an empty page) is a copy only of
    one with the same title and the same text: `exact` digests both, folded."""
    folded = fold(text)
    points = _points(folded)
    shingles = _shingles(points)
    topics = _topics(points) if len(points) > 1 else b""
    if len(shingles) >= MIN_SHINGLES:
        return Sketch(minhash=_minhash(shingles), topics=topics)
    exact = hashlib.blake2b(f"{fold(title)}\0{folded}".encode(), digest_size=8).digest()
    return Sketch(exact=exact, topics=topics)


@dataclass(frozen=True)
class Stories:
    """Per article (by index): its story's articles earliest first, itself included (() when it
    has no copy), and the articles related to it by content, most related first."""

    copies: tuple[tuple[int, ...], ...]
    related: tuple[tuple[int, ...], ...]


def find(sketches: Sequence[Sketch], earliest_first: Sequence[int], limit: int) -> Stories:
    """Stories and related articles; `earliest_first` ranks the articles by date (ties fixed)."""
    rank = np.empty(len(sketches), dtype=np.int64)
    rank[np.asarray(earliest_first, dtype=np.int64)] = np.arange(len(sketches))
    groups = _stories(sketches)
    copies: list[tuple[int, ...]] = [()] * len(sketches)
    for members in groups:
        story = tuple(sorted(members, key=rank.__getitem__))
        for i in story:
            copies[i] = story
    related = _related(sketches, copies, limit) if limit > 0 else [()] * len(sketches)
    return Stories(tuple(copies), tuple(related))


def _stories(sketches: Sequence[Sketch]) -> list[list[int]]:
    """Groups of two or more articles: short texts by title and text, the others by MinHash."""
    same: dict[bytes, list[int]] = {}
    for i, s in enumerate(sketches):
        if s.exact:
            same.setdefault(s.exact, []).append(i)
    return [g for g in same.values() if len(g) > 1] + _similar_groups(sketches)


def _similar_groups(sketches: Sequence[Sketch]) -> list[list[int]]:
    """Groups of articles whose estimated Jaccard similarity reaches THRESHOLD, pair by pair."""
    ids = np.array([i for i, s in enumerate(sketches) if s.minhash], dtype=np.int64)
    if len(ids) < 2:
        return []
    signatures = np.frombuffer(b"".join(sketches[i].minhash for i in ids), dtype="<u4").reshape(
        -1, PERMUTATIONS
    )
    parent = list(range(len(ids)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    wide = signatures.astype(np.uint64)
    for band in range(BANDS):
        keys = np.zeros(len(ids), dtype=np.uint64)  # the band's rows hashed into one number
        for row in range(band * ROWS, (band + 1) * ROWS):
            keys = keys * np.uint64(0x9E3779B97F4A7C15) + wide[:, row]
        order = np.argsort(keys, kind="stable")
        same = keys[order][1:] == keys[order][:-1]
        for k in np.flatnonzero(same):  # a bucket is a chain of neighbours: linear, not n²;
            # two buckets on one number only add a pair to check
            a, b = int(order[k]), int(order[k + 1])
            if root(a) != root(b) and _similar(signatures[a], signatures[b]):
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for x in range(len(ids)):
        groups.setdefault(root(x), []).append(int(ids[x]))
    return [g for g in groups.values() if len(g) > 1]


def _similar(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> bool:
    return float(np.count_nonzero(a == b)) >= THRESHOLD * PERMUTATIONS


def similarity(a: Sketch, b: Sketch) -> float:
    """The estimated Jaccard similarity of two texts' shingles (0 when either is too short)."""
    if not a.minhash or not b.minhash:
        return 0.0
    x, y = np.frombuffer(a.minhash, dtype="<u4"), np.frombuffer(b.minhash, dtype="<u4")
    return float(np.count_nonzero(x == y)) / PERMUTATIONS


def _related(
    sketches: Sequence[Sketch], copies: Sequence[tuple[int, ...]], limit: int
) -> list[tuple[int, ...]]:
    """For each article, up to `limit` others sharing the most topics (copies of it left out)."""
    from scipy import sparse  # here: only a build with related articles needs it

    rows = np.repeat(np.arange(len(sketches)), [len(s.topics) // 8 for s in sketches])
    topics = np.frombuffer(b"".join(s.topics for s in sketches), dtype="<u8")
    values, columns, counts = np.unique(topics, return_inverse=True, return_counts=True)
    keep = (counts[columns] >= 2) & (counts[columns] <= TOPIC_CAP)
    shape = (len(sketches), len(values))
    matrix = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int32), (rows[keep], columns[keep])), shape=shape
    )
    transposed = matrix.T.tocsc()
    found: list[tuple[int, ...]] = []
    for start in range(0, len(sketches), 2000):
        shared = (matrix[start : start + 2000] @ transposed).tocsr()
        for offset in range(shared.shape[0]):
            i = start + offset
            begin, end = shared.indptr[offset], shared.indptr[offset + 1]
            others, scores = shared.indices[begin:end], shared.data[begin:end]
            chosen = (scores >= RELATED_SHARED) & (others != i)
            others, scores = others[chosen], scores[chosen]
            best = np.lexsort((np.abs(others - i), -scores))  # ties: nearest in the list
            skip = set(copies[i])
            found.append(tuple(int(j) for j in others[best] if j not in skip)[:limit])
    return found
