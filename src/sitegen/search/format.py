"""The index on disk, version 1: what search.js reads, and nothing it does not need.

Documents have ids 0…n-1 in date order, oldest first (ties by URL), so ids are a pure function
of the set of documents and a new article appends. Every file is canonical: the same documents
give the same bytes, whichever way (from scratch or by updates) they were written.

`index.json`
    {"version", "docs": n, "shard_bits", "tail", "tail_bits", "meta_block", "facet_block", "digest",
     "years": [[year, first id]…] (ids are in date order, so a year is a range of ids),
     "sources": [source…], "categories": [category path…] (sorted),
     "groups": [[source's index, [category path's index…]]…] (the distinct pairs, sorted; an
     article's first trail comes first, each level a path: "金融", "金融 › 新浪财经"…),
     "fold": [block…] (the blocks that have a folding file)}
`s/<shard>.bin`, `t/<shard>.bin`
    Two segments of ids, each sharded by token: the base (`s/`, ids below "tail") and the tail
    (`t/`, ids from "tail", the articles past the last whole TAIL_SEGMENT: a day's new articles
    change its `2 ** tail_bits` files, not the base's thousands; the tail joins the base when the
    archive passes the next multiple, so where it starts is a function of the number of articles
    and a build from scratch writes the same files). In a tail shard ids are stored less "tail".
    A shard holds the tokens whose top `shard_bits` (`tail_bits`) bits are <shard>, ascending: per token a varint of the
    gap from the previous token (the first from 0), a varint `length << 3 | kind << 1 | titled`
    and its postings; when `titled`, a varint `length << 2 | kind` and the postings of the
    articles whose title holds the token. The file starts with the version byte.
`p/<token as 8 hex digits>.bin`
    A token whose postings in the base take more than EXTERNAL bytes (kind OUTSIDE in its shard): the
    version byte, the kind byte and the postings. So a shard stays small for the queries that
    only need its rare tokens.
`m/<block>.json`
    Per article of ids block·meta_block…: [url (site-relative), title, day, group].
`f/<block>.gz`
    Per article of ids block·facet_block…: its group's index, uint16 little endian, gzipped.
`fold/<block>.txt`
    Traditional → Simplified (OpenCC's characters), pairs of characters without separators: every
    pair whose Traditional or Simplified character has the code point block (code point >> 8).
    So search.js fetches a few small files to fold a query's characters, and with them every pair
    that folds to one of them, to mark a hit written in either script.

Postings are doc ids, ascending, as GAPS (varints of each id less the previous less one, the
first less -1) or as a BITMAP (bit i of byte i // 8, lowest first, up to the last id), whichever
is shorter (GAPS on a tie).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

VERSION = 1
SHARD_BITS = 12
TAIL_SEGMENT = 1024  # the tail holds fewer articles than this: its bitmaps stay within EXTERNAL
TAIL_BITS = (
    4  # 16 files: what one new article changes of the index, with a meta block and index.json
)
META_BLOCK = 16
FACET_BLOCK = 4096
EXTERNAL = 1024
GAPS, BITMAP, OUTSIDE = 0, 1, 2

Ids = npt.NDArray[np.uint32]


class FormatError(ValueError):
    """A file that is not of this format or version."""


def _lengths(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    lengths = np.ones(len(v), dtype=np.int64)
    for k in range(1, 5):
        lengths += v >= np.uint64(1 << (7 * k))
    return lengths


def varints(values: npt.NDArray[np.integer]) -> bytes:
    """LEB128 varints of non-negative integers below 2**35, all at once."""
    v = values.astype(np.uint64)
    lengths = _lengths(v)
    out = np.zeros(int(lengths.sum()), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    for k in range(5):
        here = lengths > k
        if not here.any():
            break
        byte = (v[here] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (lengths[here] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[here] + k] = (byte | more).astype(np.uint8)
    return out.tobytes()


def read_varints(data: bytes) -> npt.NDArray[np.uint64]:
    """Every varint in `data`, all at once (the inverse of `varints`)."""
    b = np.frombuffer(data, dtype=np.uint8)
    if not len(b):
        return np.zeros(0, dtype=np.uint64)
    ends = np.flatnonzero(b < 0x80)
    if not len(ends) or ends[-1] != len(b) - 1:
        raise FormatError("a varint runs past the end")
    starts = np.concatenate(([0], ends[:-1] + 1))
    place = np.arange(len(b)) - np.repeat(starts, ends - starts + 1)
    parts = (b & 0x7F).astype(np.uint64) << (np.uint64(7) * place.astype(np.uint64))
    return np.add.reduceat(parts, starts)


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    """One varint at `at`: (value, where the next thing starts)."""
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7


def varint(value: int) -> bytes:
    """One varint, in plain Python: the many small headers of a shard."""
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _bitmap(ids: Ids) -> bytes:
    present = np.zeros((int(ids[-1]) // 8 + 1) * 8, dtype=np.bool_)
    present[ids] = True
    return np.packbits(present, bitorder="little").tobytes()


def encode_postings(ids: Ids) -> tuple[int, bytes]:
    """(kind, bytes) of ascending doc ids: gaps or a bitmap, whichever is shorter."""
    return encode_runs(np.zeros(len(ids), dtype=np.uint32), ids)[0] if len(ids) else (GAPS, b"")


def encode_runs(keys: npt.NDArray[np.uint32], ids: Ids) -> list[tuple[int, bytes]]:
    """`encode_postings` of the ids of each run of equal keys (sorted by key, then id), all at
    once: the varints of a whole partition in one go."""
    if not len(keys):
        return []
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.append(starts[1:], len(keys))
    previous = np.empty(len(ids), dtype=np.int64)
    previous[1:] = ids[:-1]
    previous[starts] = -1
    gaps = (ids.astype(np.int64) - previous - 1).astype(np.uint64)
    offsets = np.concatenate(([0], np.cumsum(_lengths(gaps))))
    data = varints(gaps)
    gap_bytes = offsets[ends] - offsets[starts]
    bitmap_bytes = ids[ends - 1].astype(np.int64) // 8 + 1
    runs = []
    for s, e, gapped, bitmapped in zip(
        starts.tolist(), ends.tolist(), gap_bytes.tolist(), bitmap_bytes.tolist(), strict=True
    ):
        if bitmapped < gapped:
            runs.append((BITMAP, _bitmap(ids[s:e])))
        else:
            runs.append((GAPS, data[int(offsets[s]) : int(offsets[e])]))
    return runs


def decode_postings(kind: int, data: bytes) -> Ids:
    if kind == GAPS:
        return (np.cumsum(read_varints(data) + np.uint64(1)) - np.uint64(1)).astype(np.uint32)
    if kind == BITMAP:
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return np.flatnonzero(bits).astype(np.uint32)
    raise FormatError(f"unknown postings kind {kind}")


class Entry(NamedTuple):
    """One token's postings as stored: kind and bytes (OUTSIDE: in the token's own file).
    A named tuple, not a dataclass: a partition makes hundreds of thousands."""

    kind: int
    data: bytes
    title_kind: int = GAPS
    title: bytes = b""


class Segment(NamedTuple):
    """The shards of a range of ids: the base (s/, from 0) or the tail (t/, from `first`, its
    ids stored less `first`). Only the base puts long postings in their own files (p/, by token):
    the tail's are never that long, and must not touch the base's."""

    folder: str
    bits: int
    first: int

    @property
    def outside(self) -> bool:
        return self.folder == "s"

    def shard_of(self, token: int) -> int:
        return token >> (32 - self.bits)

    def path(self, shard: int) -> str:
        return f"{self.folder}/{shard:0{-(-self.bits // 4)}x}.bin"


def segments(docs: int) -> tuple[Segment, Segment]:
    """The base and the tail of an index of `docs` articles."""
    return Segment("s", SHARD_BITS, 0), Segment("t", TAIL_BITS, docs - docs % TAIL_SEGMENT)


def entry(
    encoded: tuple[int, bytes], title: tuple[int, bytes], outside: bool = True
) -> tuple[Entry, bytes | None]:
    """A token's entry in its shard from its encoded postings and, when they are long (and the
    segment has files of its own), its own file."""
    (kind, data), (title_kind, title_data) = encoded, title
    if outside and len(data) > EXTERNAL:
        return Entry(OUTSIDE, b"", title_kind, title_data), bytes([VERSION, kind]) + data
    return Entry(kind, data, title_kind, title_data), None


def encode_shard(entries: dict[int, Entry], bits: int = SHARD_BITS) -> bytes:
    tokens = sorted(entries)
    if not tokens:
        return bytes([VERSION])
    return next(encode_shards(tokens, [entries[t] for t in tokens], bits))[1]


def _sliced(values: npt.NDArray[np.int64]) -> list[bytes]:
    """Each value's varint, encoded all at once."""
    data = varints(values)
    ends = np.cumsum(_lengths(values.astype(np.uint64))).tolist()
    return [data[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def encode_shards(
    tokens: list[int], entries: list[Entry], bits: int = SHARD_BITS
) -> Iterator[tuple[int, bytes]]:
    """(shard, bytes) of every shard these tokens (ascending) and their entries fill; the
    headers of a whole partition are encoded at once."""
    if not tokens:
        return
    array = np.array(tokens, dtype=np.int64)
    shards = array >> (32 - bits)
    gaps = np.diff(array, prepend=0)
    starts = np.flatnonzero(np.diff(shards, prepend=-1))
    gaps[starts] = array[starts]
    titled = np.array([len(e.title) > 0 for e in entries], dtype=np.int64)
    heads = np.array([len(e.data) << 3 | e.kind << 1 for e in entries], dtype=np.int64) | titled
    title_heads = np.array([len(e.title) << 2 | e.title_kind for e in entries], dtype=np.int64)
    gap_bytes, head_bytes, title_bytes = _sliced(gaps), _sliced(heads), _sliced(title_heads)
    bounds = [*starts.tolist(), len(tokens)]
    for first, end in pairwise(bounds):
        parts = [bytes([VERSION])]
        for i in range(first, end):
            e = entries[i]
            parts += (gap_bytes[i], head_bytes[i], e.data)
            if e.title:
                parts += (title_bytes[i], e.title)
        yield int(shards[first]), b"".join(parts)


def _checked(data: bytes, what: str) -> None:
    if not data or data[0] != VERSION:
        found = data[0] if data else "nothing"
        raise FormatError(f"{what}: version {found}, this reader knows {VERSION}")


def decode_shard(data: bytes) -> dict[int, Entry]:
    """A shard's entries by token, their postings left encoded."""
    _checked(data, "shard")
    entries = {}
    at, token = 1, 0
    while at < len(data):
        gap, at = read_varint(data, at)
        head, at = read_varint(data, at)
        token += gap
        length, kind, titled = head >> 3, head >> 1 & 3, head & 1
        body, at = data[at : at + length], at + length
        title_kind, title = GAPS, b""
        if titled:
            head, at = read_varint(data, at)
            title_kind, title, at = head & 3, data[at : at + (head >> 2)], at + (head >> 2)
        entries[token] = Entry(kind, body, title_kind, title)
    return entries


def decode_outside(data: bytes) -> Ids:
    """The postings in a token's own file."""
    _checked(data, "postings")
    return decode_postings(data[1], data[2:])


def shard_of(token: int) -> int:
    return token >> (32 - SHARD_BITS)


def shard_path(shard: int) -> str:
    return f"s/{shard:03x}.bin"


def outside_path(token: int) -> str:
    return f"p/{token:08x}.bin"


def meta_path(block: int) -> str:
    return f"m/{block}.json"


def facet_path(block: int) -> str:
    return f"f/{block}.gz"


def fold_path(block: int) -> str:
    return f"fold/{block:x}.txt"


INDEX = "index.json"


def _lookup_in(folder: Path, segment: Segment, token: int) -> tuple[Ids, Ids]:
    none = np.zeros(0, dtype=np.uint32)
    path = folder / segment.path(segment.shard_of(token))
    held = decode_shard(path.read_bytes()).get(token) if path.exists() else None
    if held is None:
        return none, none
    title = decode_postings(held.title_kind, held.title)
    if held.kind == OUTSIDE:
        ids = decode_outside((folder / outside_path(token)).read_bytes())
    else:
        ids = decode_postings(held.kind, held.data)
    return ids + np.uint32(segment.first), title + np.uint32(segment.first)


def lookup(folder: Path, token: int) -> tuple[Ids, Ids]:
    """A token's postings in the index in `folder`: (every article, articles by title), base
    then tail, as search.js reads them (the tests ask the index this way)."""
    docs = json.loads((folder / INDEX).read_bytes())["docs"]
    found = [_lookup_in(folder, segment, token) for segment in segments(docs)]
    return (
        np.concatenate([f[0] for f in found]).astype(np.uint32),
        np.concatenate([f[1] for f in found]).astype(np.uint32),
    )


def files_of(docs: int, token: int) -> set[str]:
    """The shards that may hold a token, in an index of `docs` articles."""
    return {segment.path(segment.shard_of(token)) for segment in segments(docs)}


def candidates(folder: Path, tokens: list[int]) -> Ids:
    """The articles that hold every one of the tokens (a query's candidates)."""
    found = [lookup(folder, token)[0] for token in tokens]
    if not found:
        return np.zeros(0, dtype=np.uint32)
    return functools.reduce(np.intersect1d, found)
