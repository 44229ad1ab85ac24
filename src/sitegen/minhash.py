"""Copies of one text across feeds: each article's MinHash, and the pairs of articles LSH's bands
bring together, judged one story or one quoting the other (sitegen.stories groups them). Pure.

MinHash over the article's folded text cut in five-character shingles, the estimate of their
Jaccard similarity checked for every pair LSH's bands bring together (Broder's technique, as
datasketch implements it), or by containment for a trimmed reprint (a paragraph less, a lead,
other boilerplate): the share of the shorter text in the longer, |A∩B| = J·(|A|+|B|)/(1+J). A
much longer text holding another whole (a digest) quotes it: not one story, each links the
other. The MinHash is written here with numpy rather than taken from datasketch because
datasketch hashes every shingle with a Python call (sha1 by default), where numpy hashes a whole
text at once; at 100,000 articles that is the difference that matters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from sitegen.arrays import sorted_unique
from sitegen.columns import Blobs, Chain
from sitegen.models import Sketch

SHINGLE = 5  # characters: long enough that news Chinese rarely repeats one by chance
PERMUTATIONS = 64
BANDS, ROWS = 32, 2  # LSH: a pair with Jaccard 0.5 meets in some band 99.99% of the time, 0.3: 95%
THRESHOLD = 0.7  # estimated Jaccard from which two texts are one story (benchmarks/stories_eval.py)
CONTAINED = 0.88  # estimated share of the shorter text in the longer from which it is contained
SIMILAR_SIZE = 0.6  # the shorter at least this share of the longer: a copy; else the longer quotes
QUOTED = 0.75  # a text held in a much longer one (a looser estimate: a small share)
MIN_CONTAINED = 400  # shingles a shorter text needs: short stock phrases are held by chance
MIN_SHINGLES = 200  # a shorter text (a caption, a brief, a template alone) is too short to tell
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# b-bit MinHash (Li and König, 2010): each minimum's low 16 bits are kept, 128 bytes a text; two
# different minima agree by chance once in 65,536, so the estimate moves by less than 0.001: on the
# labelled pairs the stories found are the same as with 32 bits (benchmarks/stories_eval.py)
_SIGNATURE = "<u2"


@cache
def _permutations() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The MinHash's hash functions: a·x + b mod 2⁶⁴, top 32 bits; fixed, so sketches are stable."""
    rng = np.random.default_rng(15)
    a = rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
    return a, b


def shingles(points: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A text's distinct SHINGLE-character shingles (its letters' code points), hashed, sorted."""
    count = len(points) - SHINGLE + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    hashed = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):
        hashed = hashed * np.uint64(0x100000001B3) + points[offset : offset + count]
    return sorted_unique(hashed)


def signature(shingles: npt.NDArray[np.uint64]) -> bytes:
    """Each hash function's least value over the shingles, its low 16 bits. The products are made
    in place in one buffer, a slice of shingles at a time (bounded memory for a very long text):
    allocating three arrays per slice took most of the time. The top 32 bits are taken of the
    least products, not of every one (the least top half is the least product's): a pass less."""
    a, b = _permutations()
    lowest = np.full(PERMUTATIONS, _MASK64, dtype=np.uint64)
    width = min(len(shingles), 2048)
    buffer = np.empty((PERMUTATIONS, width), dtype=np.uint64)
    for start in range(0, len(shingles), width):
        part = shingles[start : start + width]
        values = buffer[:, : len(part)]
        np.multiply(part[None, :], a[:, None], out=values)
        values += b[:, None]
        np.minimum(lowest, values.min(axis=1), out=lowest)
    return ((lowest >> np.uint64(32)) & np.uint64(0xFFFF)).astype("<u2").tobytes()


_PAIRS = 16_384  # candidate pairs compared at once: 8 MiB of signatures


def _judge(
    alike: npt.NDArray[np.int64], sizes_a: npt.NDArray[np.int64], sizes_b: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per candidate pair (agreeing rows, sizes): one story (Jaccard reaches THRESHOLD, or the
    shorter is CONTAINED in a longer of SIMILAR_SIZE), or the longer quoting the shorter."""
    jaccard = alike / PERMUTATIONS
    shorter, longer = np.minimum(sizes_a, sizes_b), np.maximum(sizes_a, sizes_b)
    shared = jaccard * (shorter + longer) / (1 + jaccard)  # estimated |A∩B|
    similar_size = shorter >= SIMILAR_SIZE * longer
    telling = shorter >= MIN_CONTAINED  # a shorter text may be held by chance in a longer
    same_story = (jaccard >= THRESHOLD) | ((shared >= CONTAINED * shorter) & similar_size & telling)
    return same_story, (shared >= QUOTED * shorter) & ~similar_size & telling


@dataclass(frozen=True)
class _Signed:
    """The signatures of the articles with one, as columns read in place (an archive in parts'
    Chain, sitegen.older: a part at a time, never one array over every part's, 128 bytes an
    article), or one column made of the sketches."""

    columns: tuple[npt.NDArray[np.uint16], ...]
    starts: npt.NDArray[np.int64]

    @classmethod
    def of(
        cls, sketches: Sequence[Sketch]
    ) -> tuple[npt.NDArray[np.int64], _Signed, npt.NDArray[np.int64]]:
        """The articles with a signature (their indexes), their signatures and sizes."""
        if not isinstance(sketches, Chain):
            ids = np.array([i for i, s in enumerate(sketches) if s.minhash], dtype=np.int64)
            joined = b"".join(sketches[i].minhash for i in ids)
            sizes = np.array([sketches[i].size for i in ids], dtype=np.int64)
            return ids, cls.made([np.frombuffer(joined, dtype=_SIGNATURE)]), sizes
        held, found, sized, start = [], [], [], 0
        for column in sketches.columns:
            signed = np.flatnonzero(np.diff(np.asarray(column.minhash.ends), prepend=0))
            held.append(signed + start)
            found.append(np.frombuffer(column.minhash.data, dtype=_SIGNATURE))
            sized.append(np.asarray(column.sizes)[signed])
            start += len(column)
        return np.concatenate(held), cls.made(found), np.concatenate(sized).astype(np.int64)

    @classmethod
    def made(cls, columns: Sequence[npt.NDArray[np.uint16]]) -> _Signed:
        shaped = tuple(column.reshape(-1, PERMUTATIONS) for column in columns)
        return cls(shaped, np.cumsum([0, *(len(c) for c in shaped)], dtype=np.int64))

    def band_keys(self, band: int) -> npt.NDArray[np.uint64]:
        return np.concatenate([_band_keys(column, band) for column in self.columns])

    def take(self, at: npt.NDArray[np.int64]) -> npt.NDArray[np.uint16]:
        """The signatures of the articles `at` (their places among those with one)."""
        if len(self.columns) == 1:
            return self.columns[0][at]
        which = np.searchsorted(self.starts, at, side="right") - 1
        taken = np.empty((len(at), PERMUTATIONS), dtype=_SIGNATURE)
        for n, column in enumerate(self.columns):
            here = which == n
            taken[here] = column[at[here] - self.starts[n]]
        return taken


def similar_groups(sketches: Sequence[Sketch]) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Groups of articles one story by `_judge`, pair by pair: the pairs LSH proposes are
    compared in numpy, and the groups are the connected components of the similar ones (scipy),
    so no Python loop runs per pair; and the pairs (longer, shorter) where one quotes the other."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids, signatures, sizes = _Signed.of(sketches)
    if len(ids) < 2:
        return [], []
    similar: list[npt.NDArray[np.int64]] = []
    quoting: set[tuple[int, int]] = set()
    for band in range(BANDS):
        keys = signatures.band_keys(band)
        order = np.argsort(keys, kind="stable")
        # a bucket is a chain of neighbours: linear, not n²; two buckets on one number only add
        # a pair to compare
        same = np.flatnonzero(keys[order][1:] == keys[order][:-1])
        for start in range(0, len(same), _PAIRS):
            a, b = order[same[start : start + _PAIRS]], order[same[start : start + _PAIRS] + 1]
            alike = np.count_nonzero(signatures.take(a) == signatures.take(b), axis=1)
            same_story, quotes = _judge(alike, sizes[a], sizes[b])
            similar.append(np.stack((a, b))[:, same_story])
            longer = np.where(sizes[a] >= sizes[b], a, b)[quotes]
            shorter = np.where(sizes[a] >= sizes[b], b, a)[quotes]
            quoting.update(zip(ids[longer].tolist(), ids[shorter].tolist(), strict=True))
    edges = np.concatenate(similar, axis=1) if similar else np.zeros((2, 0), dtype=np.int64)
    graph = coo_matrix((np.ones(edges.shape[1]), (edges[0], edges[1])), shape=(len(ids),) * 2)
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    grouped = np.flatnonzero(sizes[labels] > 1)
    by_label = grouped[np.argsort(labels[grouped], kind="stable")]
    bounds = np.flatnonzero(np.diff(labels[by_label])) + 1
    groups = [ids[part].tolist() for part in np.split(by_label, bounds) if len(part)]
    return groups, sorted(quoting)


def same_texts(sketches: Sequence[Sketch]) -> list[list[int]]:
    """Groups of two or more articles of one title and text (their `exact`, 8 bytes each: texts
    too short for MinHash, sitegen.stories.sketch): a Chain's columns read in place, sorted in
    numpy, not a dict of every digest (~150 bytes an article with one)."""
    blobs = (
        [column.exact for column in sketches.columns]
        if isinstance(sketches, Chain)
        else [Blobs.of(s.exact for s in sketches)]
    )
    rows, digests, start = [], [], 0
    for column in blobs:
        rows.append(np.flatnonzero(np.diff(np.asarray(column.ends), prepend=0)) + start)
        digests.append(np.frombuffer(column.data, dtype="<u8"))
        start += len(column)
    held, keys = np.concatenate(rows), np.concatenate(digests)
    order = np.argsort(keys, kind="stable")  # a group's rows stay in order
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    return [held[g].tolist() for g in np.split(order, bounds) if len(g) > 1]


def same_pairs(sketches: Sequence[Sketch], before: Mapping[int, Sketch]) -> bool:
    """Whether `similar_groups` finds the same stories and quoting pairs as before a few
    articles' MinHashes changed (`before`: each one's index → its sketch then, with a MinHash or
    without one both times; `sketches`: every article's now), told from the LSH buckets those
    articles were and are in, not from every article: the pairs of every bucket an edited
    article left or joined, judged with the sketches then and now, must give the same similar
    pairs and the same quoting ones, all bands together; the other buckets' pairs are the same,
    so the graph whose components are the stories is too."""
    edited = [i for i in before if sketches[i].minhash]
    if not edited:
        return True
    ids = np.array([i for i, s in enumerate(sketches) if s.minhash], dtype=np.int64)
    now = np.frombuffer(b"".join(sketches[i].minhash for i in ids), dtype=_SIGNATURE).reshape(
        -1, PERMUTATIONS
    )
    then = now.copy()
    at = np.searchsorted(ids, edited)
    then[at] = np.frombuffer(b"".join(before[i].minhash for i in edited), dtype=_SIGNATURE).reshape(
        -1, PERMUTATIONS
    )
    sizes_now = np.array([sketches[i].size for i in ids], dtype=np.int64)
    sizes_then = sizes_now.copy()
    sizes_then[at] = [before[i].size for i in edited]
    pairs_then: tuple[set[tuple[int, int]], set[tuple[int, int]]] = (set(), set())
    pairs_now: tuple[set[tuple[int, int]], set[tuple[int, int]]] = (set(), set())
    for band in range(BANDS):
        keys_now, keys_then = _band_keys(now, band), _band_keys(then, band)
        for key in set(keys_now[at].tolist()) | set(keys_then[at].tolist()):
            _bucket_pairs(np.flatnonzero(keys_then == key), then, sizes_then, pairs_then)
            _bucket_pairs(np.flatnonzero(keys_now == key), now, sizes_now, pairs_now)
    return pairs_then == pairs_now


def _band_keys(signatures: npt.NDArray[np.uint16], band: int) -> npt.NDArray[np.uint64]:
    """Each article's band of rows hashed into one number: its LSH bucket in that band."""
    keys = np.zeros(len(signatures), dtype=np.uint64)
    for row in range(band * ROWS, (band + 1) * ROWS):
        keys = keys * np.uint64(0x9E3779B97F4A7C15) + signatures[:, row]
    return keys


def _bucket_pairs(
    members: npt.NDArray[np.int64],
    signatures: npt.NDArray[np.uint16],
    sizes: npt.NDArray[np.int64],
    found: tuple[set[tuple[int, int]], set[tuple[int, int]]],
) -> None:
    """Add to `found` the pairs of one bucket (`members`, in order) that `similar_groups` finds
    one story, and the (longer, shorter) pairs of those quoting: each member is compared with
    the next. A pair may come of several bands: what counts is every band's together."""
    a, b = members[:-1], members[1:]
    alike = np.count_nonzero(signatures[a] == signatures[b], axis=1)
    same_story, quotes = _judge(alike, sizes[a], sizes[b])
    longer = np.where(sizes[a] >= sizes[b], a, b)[quotes]
    shorter = np.where(sizes[a] >= sizes[b], b, a)[quotes]
    found[0].update(zip(a[same_story].tolist(), b[same_story].tolist(), strict=True))
    found[1].update(zip(longer.tolist(), shorter.tolist(), strict=True))


def similarity(a: Sketch, b: Sketch) -> float:
    """The estimated Jaccard similarity of two texts' shingles (0 when either is too short)."""
    if not a.minhash or not b.minhash:
        return 0.0
    x, y = np.frombuffer(a.minhash, dtype=_SIGNATURE), np.frombuffer(b.minhash, dtype=_SIGNATURE)
    return float(np.count_nonzero(x == y)) / PERMUTATIONS
