"""The postings of the index: which documents hold each token, in shards (format.py).

From scratch, documents are tokenized a chunk at a time and each chunk's (token, doc id) pairs
are spilled to disk, one file a chunk, ordered by partition (a range of the base's shards, or the
whole tail: a file per chunk and partition cost more in creating and removing files than the
tokens themselves); then each
partition is read back alone, sorted and written as its shards: memory is a chunk's pairs plus one
partition's. Afterwards a
shard is updated in place with the tokens documents gained or lost, known from the texts the
state keeps of each chunk.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sitegen.arrays import sorted_unique
from sitegen.output import write_atomically
from sitegen.parallel import Background
from sitegen.search import format as fmt
from sitegen.search.tokens import occurrences

if TYPE_CHECKING:
    from sitegen.search.doc import Doc, TextOf

CHUNK = 1024  # documents tokenized at a time
TOKENIZED = 128  # of them, hashed in one go: numpy's calls once for all, in a few MB
PARTITION_BITS = 6  # the spill's partitions: ranges of 2 ** (SHARD_BITS - PARTITION_BITS) shards
TAIL = 2**PARTITION_BITS  # the partition after them: the tail's pairs (format.py: segments)
PARTITIONS = list(range(TAIL + 1))


def many_pairs(
    titles: Sequence[str], texts: Sequence[str]
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """Documents' tokens (title and text), one document after another, which of them its title
    holds, and where each document's start (and the last ends): a chunk in one go. The title
    and the text are tokenized apart (no token spans the newline between them) and each token
    kept once a document, marked by the title when the title has it."""
    owners, hashed = occurrences(
        [part for pair in zip(titles, texts, strict=True) for part in pair]
    )
    # document, token, 0 for the title's: sorted, a document's token comes first from its title
    keys = np.sort(
        (owners >> np.uint64(1)) << np.uint64(33)
        | hashed.astype(np.uint64) << np.uint64(1)
        | (owners & np.uint64(1))
    )
    first = np.empty(len(keys), dtype=np.bool_)
    first[:1] = True
    np.not_equal(keys[1:] >> np.uint64(1), keys[:-1] >> np.uint64(1), out=first[1:])
    kept = keys[first]
    bounds = np.searchsorted(kept >> np.uint64(33), np.arange(len(titles) + 1, dtype=np.uint64))
    return (kept >> np.uint64(1)).astype(np.uint32), (kept & np.uint64(1)) == 0, bounds


def token_pairs(title: str, text: str) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """A document's tokens (title and text) and which of them its title holds."""
    every, titled, _ = many_pairs([title], [text])
    return every, titled


class Folder:
    """The index folder: writes a file only when its bytes change, and remembers what it did.
    With `background`, its threads write (`flush` waits): a new index's thousands of shards."""

    def __init__(self, path: Path, background: Background | None = None) -> None:
        self.path = path
        self.background = background
        self.written: list[str] = []
        self.removed: list[str] = []
        self.produced: dict[str, int] = {}  # each file put, and its size (no stat afterwards)

    def read(self, relative: str) -> bytes | None:
        try:
            return (self.path / relative).read_bytes()
        except OSError:
            return None

    def put(self, relative: str, data: bytes) -> None:
        self.produced[relative] = len(data)
        if self.background is None:
            self._put(relative, data)
        else:
            self.background.submit(lambda: self._put(relative, data))

    def _put(self, relative: str, data: bytes) -> bool:
        changed = self.read(relative) != data
        if changed:
            write_atomically(self.path / relative, data)
            self.written.append(relative)
        return changed

    def flush(self) -> None:
        if self.background is not None:
            self.background.wait()

    def drop(self, relative: str) -> None:
        if (self.path / relative).exists():
            (self.path / relative).unlink()
            self.removed.append(relative)


# --- from scratch ---------------------------------------------------------------------------------


def spill_chunks(
    starts: list[int], docs: list[Doc], text_of: TextOf, spill: Path, tail: int
) -> None:
    """Tokenize chunks of documents (CHUNK from each start) and spill their pairs by partition,
    those of ids from `tail` to the tail's; keep their texts."""
    for start in starts:
        _spill_chunk(start, docs[start : start + CHUNK], text_of, spill, tail)


def _spill_chunk(start: int, chunk: list[Doc], text_of: TextOf, spill: Path, tail: int) -> None:
    texts = [text_of(doc) for doc in chunk]
    pairs = [
        _pairs(start + at, chunk[at : at + TOKENIZED], texts[at : at + TOKENIZED])
        for at in range(0, len(chunk), TOKENIZED)
    ]
    every = np.concatenate([p[0] for p in pairs]) if pairs else np.zeros(0, np.uint32)
    values = np.concatenate([p[1] for p in pairs]) if pairs else np.zeros(0, np.uint32)
    # bytes: numpy's stable sort of bytes is a radix sort, five times as fast as of uint32s
    partition = (every >> np.uint32(32 - PARTITION_BITS)).astype(np.uint8)
    partition[values >> np.uint32(1) >= tail] = TAIL
    order = np.argsort(partition, kind="stable")
    bounds = np.searchsorted(partition[order], np.arange(len(PARTITIONS) + 1)).astype("<u8")
    data = np.column_stack((every[order], values[order])).astype("<u4")
    (spill / f"{start:09d}").write_bytes(bounds.tobytes() + data.tobytes())
    kept = [(doc.url, doc.title, text) for doc, text in zip(chunk, texts, strict=True)]
    write_atomically(spill.parent / "texts" / f"{start // CHUNK}.pickle", pickle.dumps(kept))


def _pairs(
    first: int, docs: list[Doc], texts: list[str]
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Documents' (token, id * 2 + whether its title holds it) pairs, ids from `first` on."""
    every, titled, bounds = many_pairs([doc.title for doc in docs], texts)
    ids = np.arange(first, first + len(docs), dtype=np.uint32) * np.uint32(2)
    return every, np.repeat(ids, np.diff(bounds)) + titled


_HEAD = (len(PARTITIONS) + 1) * 8  # a spill file's partition bounds, in pairs, before its pairs


def _spilled(path: Path, p: int) -> npt.NDArray[np.uint32]:
    """Partition p's pairs of one chunk's spill file."""
    with path.open("rb") as file:
        bounds = np.frombuffer(file.read(_HEAD), dtype="<u8")
        file.seek(_HEAD + int(bounds[p]) * 8)
        data = file.read(int(bounds[p + 1] - bounds[p]) * 8)
    return np.frombuffer(data, dtype="<u4").reshape(-1, 2)


def merge_partitions(
    partitions: list[int], spill: Path, out: Path, docs: int, closed: bool, parted: bool
) -> tuple[dict[str, int], list[str]]:
    """Read partitions' pairs back, sorted by token (ids stay ascending), write their shards
    (the base's, or the tail's for TAIL); returns the files they made (with their sizes) and
    those of them written."""
    produced: dict[str, int] = {}
    written: list[str] = []
    base, tail = fmt.segments(docs, closed, parted)
    for p in partitions:
        folder = _merge_partition(p, spill, out, tail if p == TAIL else base)
        produced.update(folder.produced)
        written.extend(folder.written)
    return produced, written


_WRITES = Background()  # the shards' writes, by threads of the process that merges


def _merge_partition(p: int, spill: Path, out: Path, segment: fmt.Segment) -> Folder:
    folder = Folder(out, _WRITES)
    files = sorted(spill.iterdir())
    pairs = np.concatenate([_spilled(f, p) for f in files] or [np.zeros((0, 2), dtype="<u4")])
    # by token, then id (as spilled: the files in order, each in id order): one sort of 64-bit
    # keys, a tenth of the time of a stable argsort by token and gathering both columns
    keys = np.sort(pairs[:, 0].astype(np.uint64) << np.uint64(32) | pairs[:, 1])
    every, values = (keys >> np.uint64(32)).astype(np.uint32), keys.astype(np.uint32)
    starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
    starts = np.append(starts, len(every)) if len(every) else starts
    title = (values & 1) == 1
    ids = (values >> np.uint32(1)) - np.uint32(segment.first)
    unique = every[starts[:-1]].astype(np.int64) if len(every) else np.zeros(0, np.int64)
    codes = fmt.pack_runs(every, ids)
    if segment.outside:
        codes, own = fmt.outside(codes, np.diff(starts))
        for i, data in own.items():
            folder.put(fmt.outside_path(int(unique[i])), data)
    titles = fmt.pack_runs(every[title], ids[title])
    titled = np.isin(unique, sorted_unique(every[title]).astype(np.int64), assume_unique=True)
    for shard, data in fmt.pack_shards(unique, codes, titles, titled, segment.bits):
        folder.put(segment.path(shard), data)
    folder.flush()
    return folder


# --- in place ---------------------------------------------------------------------------------------


def load_texts(path: Path) -> list[tuple[str, str, str]]:
    """The texts the state keeps of one chunk of documents (none yet: an empty chunk)."""
    try:
        return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
    except FileNotFoundError:
        return []
    except Exception as exc:  # unreadable: the old tokens are unknown
        raise fmt.FormatError(f"search state: {exc}") from None


def note_changes(
    i: int,
    was: dict[int, bool],
    now: dict[int, bool],
    gained: dict[int, list[tuple[int, bool]]],
    lost: dict[int, list[int]],
) -> None:
    """Record which tokens document i lost and gained (a token whose title flag changed, both)."""
    for token in was.keys() | now.keys():
        if was.get(token) != now.get(token):
            if token in was:
                lost[token].append(i)
            if token in now:
                gained[token].append((i, now[token]))


def as_dict(tokens: npt.NDArray[np.uint32], titled: npt.NDArray[np.bool_]) -> dict[int, bool]:
    """Each token of a document, and whether its title holds it."""
    return dict(zip(tokens.tolist(), titled.tolist(), strict=True))


def stored_tokens(block: list[tuple[str, str, str]], i: int, url: str) -> dict[int, bool]:
    """The tokens a document had when last indexed, from the text the state keeps of it."""
    if i % CHUNK >= len(block):
        raise fmt.FormatError(f"search state: no text of {url}")
    _, title, text = block[i % CHUNK]
    return as_dict(*token_pairs(title, text))


def update_shards(
    out: Folder,
    segment: fmt.Segment,
    by_shard: dict[int, set[int]],
    gained: dict[int, list[tuple[int, bool]]],
    lost: dict[int, list[int]],
    fresh: bool = False,
) -> None:
    """The segment's shards with the tokens (by shard) their documents (ids less its first)
    gained or lost (`fresh`: into empty shards, whatever the folder holds); the new postings of
    every token encoded at once (a call per token would cost more than the codes themselves)."""
    shards: dict[int, dict[int, fmt.Entry]] = {}
    kept: list[tuple[int, int]] = []
    lists: list[fmt.Ids] = []
    titles: list[fmt.Ids] = []
    for shard, affected in sorted(by_shard.items()):
        data = None if fresh else out.read(segment.path(shard))
        entries = shards[shard] = fmt.decode_shard(data) if data else {}
        for token in sorted(affected):
            ids, title = _held(out, token, entries.get(token))
            drop = np.array(lost.get(token, []), dtype=np.uint32)
            ids, title = np.setdiff1d(ids, drop), np.setdiff1d(title, drop)
            add = gained.get(token, [])
            ids = np.union1d(ids, np.array([i for i, _ in add], dtype=np.uint32))
            if not len(ids):
                entries.pop(token, None)
                if segment.outside:
                    out.drop(fmt.outside_path(token))
                continue
            title = np.union1d(title, np.array([i for i, t in add if t], dtype=np.uint32))
            kept.append((shard, token))
            lists.append(ids.astype(np.uint32))
            titles.append(title.astype(np.uint32))
    encoded = zip(kept, _encoded(lists), _encoded(titles), lists, strict=True)
    for (shard, token), code, title_code, ids in encoded:
        shards[shard][token], own = fmt.entry(code, title_code, len(ids), segment.outside)
        if own is not None:
            out.put(fmt.outside_path(token), own)
        elif segment.outside:
            out.drop(fmt.outside_path(token))
    for shard, entries in shards.items():
        if entries:
            out.put(segment.path(shard), fmt.encode_shard(entries, segment.bits))
        else:
            out.drop(segment.path(shard))


def _held(out: Folder, token: int, held: fmt.Entry | None) -> tuple[fmt.Ids, fmt.Ids]:
    """A token's postings as its shard (or its own file) holds them: every article, by title."""
    none = np.zeros(0, np.uint32)
    if held is None:
        return none, none
    title = fmt.decode_postings(held.title_kind, held.title)
    if held.kind != fmt.OUTSIDE:
        return fmt.decode_postings(held.kind, held.data), title
    own = out.read(fmt.outside_path(token))
    return (fmt.decode_outside(own) if own else none), title


def _encoded(lists: list[fmt.Ids]) -> list[tuple[int, bytes]]:
    """Each list's code (an empty one: no postings), all encoded in one go."""
    full = [n for n, ids in enumerate(lists) if len(ids)]
    keys = np.repeat(np.arange(len(full), dtype=np.uint32), [len(lists[n]) for n in full])
    ids = np.concatenate([lists[n] for n in full]) if full else np.zeros(0, np.uint32)
    codes: list[tuple[int, bytes]] = [(fmt.GAPS, b"")] * len(lists)
    for n, code in zip(full, fmt.encode_runs(keys, ids), strict=True):
        codes[n] = code
    return codes
