"""[Article] → stories and related articles: copies of one text across feeds, and articles that say
the same things. Pure.

Each article is sketched once, when it is loaded (`sketch`, kept with the article in the cache under
its content digest), so a build only hashes the articles that changed; grouping the sketches of
every article (`find`) is linear in the articles (benchmarks/stories_bench.py), and related lists
are made again only where an edit can change them (`Memo`, kept beside the cache). `[stories]
enabled = false` (one feed: no copies to find) skips the MinHash, `related = 0` the topics.

Copies: the MinHash of the article's folded text and its LSH buckets (sitegen.minhash). The text is
folded by search's own folding (sitegen.folding: compatibility forms, lower case, Traditional →
Simplified by OpenCC's table) with all but letters and digits dropped, so a reprint in the other
script, with other spacing or punctuation, gives the same shingles. Titles count only for texts
too short for MinHash: the daily 新闻联播 transcripts or "视频：…" items share a title pattern,
not their text.

Related articles: each article's most frequent Chinese character pairs (its "topics", 4 bytes
each), those shared by too many articles dropped, and the articles sharing the most of them
(scipy's sparse product, a slice of rows at a time, so memory stays bounded); ties go to the
nearest in time, a property of the pair alone, so that a list depends only on the articles it can
list and an edit recomputes only the lists it touches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sitegen import minhash
from sitegen.columns import Blobs, Chain, Texts
from sitegen.folding import OTHER, classes, fold_points
from sitegen.models import SKETCH_ALL, Sketch, Sketching, Stories

if TYPE_CHECKING:
    from sitegen.models import Article

TOPICS = 32  # character pairs kept per article for related articles
TOPIC_CAP = 200  # a pair shared by more articles than this says nothing about any of them
RELATED_SHARED = 4  # pairs two articles must share to be related


def _letters(text: str) -> npt.NDArray[np.uint32]:
    """Letters and digits only, folded as search folds them (ｑ３ → q3, 發展 → 发展): looked up in
    search's table of classes, a third of the time of a regular expression over the folded text."""
    points = fold_points(text)
    return points[classes()[points] != OTHER]


def _text(letters: npt.NDArray[np.uint32]) -> str:
    return letters.tobytes().decode("utf-32-le", "surrogatepass")


_CJK_FIRST, _CJK_END = 0x3400, 0xA000  # CJK Extension A and Unified Ideographs
_CJK = _CJK_END - _CJK_FIRST  # 27,648 characters: a pair of them fits 32 bits exactly


def _topics(points: npt.NDArray[np.uint64]) -> bytes:
    """The article's most frequent pairs of neighbouring Chinese characters, ties by code; each
    pair numbered exactly in 32 bits (first · 27,648 + second), 4 bytes a topic."""
    chinese = (points >= _CJK_FIRST) & (points < _CJK_END)
    both = chinese[:-1] & chinese[1:]
    offsets = points - np.uint64(_CJK_FIRST)
    pairs = (offsets[:-1] * np.uint64(_CJK) + offsets[1:])[both]
    values, counts = np.unique(pairs, return_counts=True)
    top = np.lexsort((values, -counts))[:TOPICS]
    return np.sort(values[top]).astype("<u4").tobytes()


def sketch(title: str, text: str, wanted: Sketching = SKETCH_ALL) -> Sketch:
    """An article's title and plain text → its sketch; made once per article, at load time.

    A text too short for MinHash (a video's one-line caption, an empty page) is a copy only of
    one with the same title and the same text: `exact` digests both, folded."""
    letters = _letters(text)
    points = letters.astype(np.uint64)
    topics = _topics(points) if wanted.topics and len(points) > 1 else b""
    if not wanted.copies:
        return Sketch(topics=topics)
    shingles = minhash.shingles(points)
    if len(shingles) >= minhash.MIN_SHINGLES:
        return Sketch(minhash=minhash.signature(shingles), topics=topics, size=len(shingles))
    exact = hashlib.blake2b(
        f"{_text(_letters(title))}\0{_text(letters)}".encode(), digest_size=8
    ).digest()
    return Sketch(exact=exact, topics=topics)


@dataclass(frozen=True)
class Memo:
    """The related lists of the last build, by article id, and what each was made from, so that
    an edit recomputes only the lists it can change (`_dirty` says which)."""

    salt: str
    ids: Texts
    """Each article's id (an older part's: its key, read in place from its shelf, sitegen.older):
    no str per article, nor one joined (at 300,000 in four parts, a 62 MiB peak of the finder)."""
    tokens: npt.NDArray[np.uint64]
    """Per article: a digest of what its own list reads of it (topics, date, its story's ids)."""
    related: npt.NDArray[np.int32]
    """Per article: its list as indexes into `ids`, padded with -1."""
    dropped: npt.NDArray[np.uint32]
    """The topics shared by more than TOPIC_CAP articles, which count for none."""


def find(
    sketches: Sequence[Sketch],
    ids: Sequence[str],
    times: Sequence[float],
    limit: int,
    memo: Memo | None = None,
    ranks: Sequence[int] = (),
    own: int | None = None,
) -> Stories:
    """Stories and related articles of articles given newest first (ties fixed), with their ids
    and timestamps; `memo`, the last build's, spares the related lists an edit cannot change.
    A story's copies are ordered by `ranks` (sitegen.leads: published ones first), then earliest.
    `own`: the articles past the first `own` (older parts', sitegen.older) have a related list
    only where one of the first `own` is in it (else (): only such a list is linked)."""
    copies, whole = _copies(sketches, ranks)
    related, memo, recomputed = relisted(sketches, ids, times, copies, limit, memo, own)
    return Stories(tuple(copies), related, memo, recomputed, *whole)


def _copies(
    sketches: Sequence[Sketch], ranks: Sequence[int]
) -> tuple[list[tuple[int, ...]], tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]]:
    """Per article, its story's copies (`find`'s order), and its `_quotes`: the groups and
    quoting pairs they are made of are let go before related lists are made."""
    groups, quoting = _stories(sketches)
    copies: list[tuple[int, ...]] = [()] * len(sketches)
    for members in groups:
        story = tuple(sorted(members, key=lambda i: (ranks[i] if ranks else 0, -i)))
        for i in story:
            copies[i] = story
    return copies, _quotes(copies, quoting)


def _quotes(
    copies: Sequence[tuple[int, ...]], quoting: Sequence[tuple[int, int]]
) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """Per article, the stories it quotes and the articles quoting its story, from the quoting
    pairs (longer, held): a copy quoted is its story quoted, linked at its earliest. Kept only
    for the few articles with any (an empty set per article: 216 bytes each, twice)."""

    def lead(i: int) -> int:
        return copies[i][0] if copies[i] else i

    quotes: dict[int, set[int]] = {}
    quoted_in: dict[int, set[int]] = {}
    for longer, held in quoting:
        if lead(longer) != lead(held):
            quotes.setdefault(longer, set()).add(lead(held))
            quoted_in.setdefault(lead(held), set()).add(longer)

    def each(found: dict[int, set[int]]) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(sorted(found[i])) if i in found else () for i in range(len(copies)))

    return each(quotes), each(quoted_in)


def of(final: Sequence[Article], related: int, memo: Memo | None, ranks: Sequence[int]) -> Stories:
    """The stories and related lists of articles (sitegen.site's order); an archive in parts
    finds them over the older parts' articles too (sitegen.older.find_across)."""
    sketches, ids = [a.sketch for a in final], [a.id for a in final]
    return find(sketches, ids, [a.date.timestamp() for a in final], related, memo, ranks)


def _stories(sketches: Sequence[Sketch]) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Groups of two or more articles (by title and text, or MinHash), and quoting pairs."""
    similar, quoting = minhash.similar_groups(sketches)
    return minhash.same_texts(sketches) + similar, quoting


def same_copies(sketches: Sequence[Sketch], before: Mapping[int, Sketch]) -> bool:
    """Whether `find` gives the stories (copies, quotes) it gave before a few articles' sketches
    changed (`before`: each one's index → its sketch then; `sketches`: every article's now), told
    from the LSH buckets those articles were and are in, not from every article: what `find`
    compares outside them is compared alike (minhash.same_pairs). False: not known so (run
    `find`). Their topics aside: related lists read an article's topics (and its date and
    story): with the topics equal, `_dirty` finds no list to make again, else `relisted`."""
    for i, old in before.items():
        new = sketches[i]
        if new.exact != old.exact or bool(new.minhash) != bool(old.minhash):
            return False  # it joins or leaves the MinHash's articles
    return minhash.same_pairs(sketches, before)


_CHUNK = 256  # rows multiplied at once: at 100,000 articles a row meets up to ~6,000 others
_SLICE = 1 << 16


def _salt(limit: int) -> str:
    return f"ids as columns, {TOPICS} {TOPIC_CAP} {RELATED_SHARED} {limit}"


@dataclass(frozen=True)
class _Topics:
    """The articles' topics (4 bytes each) as columns, each with how many each article holds: an
    archive in parts (a Chain, sitegen.older) is read a part at a time, in place, never as arrays
    over every part's topics (at 300,000 articles, 37 MB each of topics, rows and columns)."""

    columns: tuple[tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]], ...]

    @classmethod
    def of(cls, sketches: Sequence[Sketch]) -> _Topics:
        blobs = (
            [column.topics for column in sketches.columns]
            if isinstance(sketches, Chain)
            else [Blobs.of(s.topics for s in sketches)]
        )
        return cls(
            tuple(
                (np.frombuffer(b.data, dtype="<u4"), np.diff(np.asarray(b.ends), prepend=0) // 4)
                for b in blobs
            )
        )

    def _each(self) -> Iterator[tuple[npt.NDArray[np.int32], npt.NDArray[np.uint32]]]:
        """Each column's topics and the article (row) each is of."""
        start = 0
        for topics, lengths in self.columns:
            yield np.repeat(np.arange(start, start + len(lengths), dtype=np.int32), lengths), topics
            start += len(lengths)

    def counted(self) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
        """Every topic held, sorted, and how many articles hold it."""
        found = [np.unique(topics, return_counts=True) for topics, _ in self.columns]
        values, at = np.unique(np.concatenate([v for v, _ in found]), return_inverse=True)
        counts = np.zeros(len(values), dtype=np.int64)
        np.add.at(counts, at, np.concatenate([c for _, c in found]))
        return values, counts

    def kept(
        self, values: npt.NDArray[np.uint32], keep: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """The row and column (its topic's place in `values`) of each topic `keep` keeps."""
        rows, columns = [], []
        for of, topics in self._each():
            at = np.empty(len(topics), dtype=np.int32)  # a slice at a time: searchsorted's
            for start in range(0, len(topics), _SLICE):  # int64 costs 8 bytes a topic
                at[start : start + _SLICE] = np.searchsorted(values, topics[start : start + _SLICE])
            kept = keep[at]
            rows.append(of[kept])
            columns.append(at[kept])
        return np.concatenate(rows), np.concatenate(columns)

    def holding(self, wanted: npt.NDArray[np.uint32]) -> npt.NDArray[np.int32]:
        """The articles holding any of the topics `wanted`."""
        return np.concatenate([of[np.isin(topics, wanted)] for of, topics in self._each()])


def _tokens(
    sketches: Sequence[Sketch],
    ids: Sequence[str],
    times: Sequence[float],
    copies: Sequence[tuple[int, ...]],
) -> npt.NDArray[np.uint64]:
    """Per article, a digest of everything its own related list reads of it: its story's ids
    are joined once per story, so a story of n copies costs n, not n²."""
    tokens = np.empty(len(sketches), dtype=np.uint64)
    stories: dict[int, bytes] = {}
    for i, s in enumerate(sketches):
        story = copies[i]
        if story and story[0] not in stories:
            stories[story[0]] = "\0".join(ids[j] for j in story).encode()
        made = hashlib.blake2b(s.topics, digest_size=8)
        made.update(f"{times[i]!r}\0".encode() + (stories[story[0]] if story else b""))
        tokens[i] = int.from_bytes(made.digest(), "little")
    return tokens


def relisted(
    sketches: Sequence[Sketch],
    ids: Sequence[str],
    times: Sequence[float],
    copies: Sequence[tuple[int, ...]],
    limit: int,
    memo: Memo | None,
    own: int | None = None,
) -> tuple[tuple[tuple[int, ...], ...], Memo | None, int]:
    """For each article, up to `limit` others sharing the most topics (copies of it left out);
    ties go to the nearest in time, then the newer; with the memo and how many lists were made.
    `find`'s lists, and alone those of an edit that moved only topics (its stories known to be
    `copies`: same_copies). Only the lists `_dirty` names are computed; the others are the
    memo's, which equal what computing them would give. Past `own`, a list none of the first
    `own` could be in stays empty: whether one can changes only with a change `_dirty` sees (a
    topic of either, or one crossing TOPIC_CAP), so the memo's empty list stands until then."""
    n = len(sketches)
    if limit <= 0:
        return ((),) * n, None, 0
    from scipy import sparse  # here: only a build with related articles needs it

    held = _Topics.of(sketches)
    values, counts = held.counted()
    # CSR made directly (a row's topics are sorted, so are its columns); 1-byte counts: two
    # articles share at most TOPICS topics
    rows, indices = held.kept(values, (counts >= 2) & (counts <= TOPIC_CAP))
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    del rows
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(n, len(values))
    )
    transposed = matrix.T.tocsr()  # CSR: a product with a CSC converts it, on every chunk
    dropped = values[counts > TOPIC_CAP].astype(np.uint32)
    tokens = _tokens(sketches, ids, times, copies)
    salt = _salt(limit)
    at = np.asarray(times, dtype=np.float64)
    table = np.full((n, limit), -1, dtype=np.int32)
    last = memo if memo is not None and memo.salt == salt else None
    if last is None:
        todo = np.arange(n)
    else:
        before = {name: k for k, name in enumerate(last.ids)}
        old_row = np.array([before.get(name, -1) for name in ids], dtype=np.int64)  # in the memo
        todo = _dirty(last, old_row, tokens, held, dropped, matrix, transposed)
        where = np.full(len(last.related), -1, dtype=np.int64)  # each memo row's article now
        where[old_row[old_row >= 0]] = np.flatnonzero(old_row >= 0)
        clean = old_row >= 0
        clean[todo] = False
        mapped = last.related[old_row[clean]]  # what they list is never gone (`_dirty`)
        table[clean] = np.where(mapped >= 0, where[np.maximum(mapped, 0)], -1)
    story = np.arange(n, dtype=np.int64)  # each one's story's lead: no int object per article
    storied = [i for i, copied in enumerate(copies) if copied]  # but those in a story
    story[storied] = [copies[i][0] for i in storied]
    for start in range(0, len(todo), _CHUNK):
        part = todo[start : start + _CHUNK]
        shared = (matrix[part] @ transposed).tocsr()
        for offset, i in enumerate(part.tolist()):
            begin, end = shared.indptr[offset], shared.indptr[offset + 1]
            others, scores = shared.indices[begin:end], shared.data[begin:end]
            chosen = (scores >= RELATED_SHARED) & (others != i)
            others, scores = others[chosen], scores[chosen]
            if own is not None and i >= own and not (others < own).any():
                continue
            best = others[np.lexsort((others, np.abs(at[others] - at[i]), -scores))]
            found = best[story[best] != story[i]][:limit]  # never a copy of it
            table[i, : len(found)] = found
    related: list[tuple[int, ...]] = [()] * n  # a list only for the rows with any: not
    for i in np.flatnonzero((table >= 0).any(axis=1)).tolist():  # one per article at once
        related[i] = tuple(j for j in table[i].tolist() if j >= 0)
    texts = ids if isinstance(ids, Texts) else Texts([Blobs.texts_of(ids)])
    return tuple(related), Memo(salt, texts, tokens, table, dropped), len(todo)


def _dirty(
    memo: Memo,
    old: npt.NDArray[np.int64],
    tokens: npt.NDArray[np.uint64],
    held: _Topics,
    dropped: npt.NDArray[np.uint32],
    matrix: Any,
    transposed: Any,
) -> npt.NDArray[np.int64]:
    """The articles whose related list may differ from the memo's: each one new or changed (its
    topics, date or story), each one that now shares enough topics with a changed one to list it,
    each one whose list held an article changed or gone, and each one holding a topic that crossed
    TOPIC_CAP (its scores with every article holding the topic moved). `old`: each article's row
    in the memo (-1: new)."""
    known = old >= 0
    changed = ~known
    changed[known] = memo.tokens[old[known]] != tokens[known]
    changed_rows = np.flatnonzero(changed)
    dirty = changed.copy()
    for start in range(0, len(changed_rows), _CHUNK):
        shared = (matrix[changed_rows[start : start + _CHUNK]] @ transposed).tocsr()
        dirty[shared.indices[shared.data >= RELATED_SHARED]] = True
    stale = np.ones(len(memo.related), dtype=bool)  # memo rows gone or changed
    stale[old[known & ~changed]] = False
    listing = np.asarray(np.isin(memo.related, np.flatnonzero(stale)).any(axis=1))
    dirty[known] |= listing[old[known]]
    crossed = np.setxor1d(memo.dropped, dropped)
    if len(crossed):
        dirty[held.holding(crossed)] = True
    return np.flatnonzero(dirty)
