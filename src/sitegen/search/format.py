"""The index on disk, version 4: what search.js reads, and nothing it does not need.

Documents have ids 0…n-1 in date order, oldest first (ties by URL), so ids are a pure function
of the set of documents and a new article appends. Every file is canonical: the same documents
give the same bytes, whichever way (from scratch or by updates) they were written.

`index.json`
    {"version", "docs": n, "shard_bits", "tail", "tail_bits", "meta_block", "facet_block", "digest",
     "years": [[year, first id]…] (ids are in date order, so a year is a range of ids),
     "sources": [source…], "categories": [category path…] (sorted),
     "groups": [[source's index, [category path's index…]]…] (the distinct pairs, sorted; an
     article's first trail comes first, each level a path: "金融", "金融 › 新浪财经"…),
     "fold": [[first block, last block]…] (each folding file's)}
`s/<shard>.bin`, `t/<shard>.bin`
    Two segments of ids, each sharded by token: the base (`s/`, ids below "tail") and the tail
    (`t/`, ids from "tail", the articles past the last whole TAIL_SEGMENT: a day's new articles
    change its `2 ** tail_bits` files, not the base's thousands (a file for about 4 of its articles,
    so a small site writes a few); the tail joins the base when the
    archive passes the next multiple, so where it starts is a function of the number of articles
    and a build from scratch writes the same files). A closed part (one whose span has an end) grows
    no more: its index is all base ("tail" is "docs"), and a query fetches no tail file of it.
    In a tail shard ids are stored less "tail".
    The base has more shards as it grows (`shard_bits`: SHARD_BITS up to 32,768 articles in a
    part of an archive in parts, 65,536 in a site alone, one bit more per doubling past it), so a
    shard stays a few KB: a query fetches one per token and part.
    A shard holds the tokens whose top `shard_bits` (`tail_bits`) bits are <shard>, ascending: per token a varint of the
    gap from the previous token (the first from 0), a varint `length << 3 | kind << 1 | titled`
    and its postings; when `titled`, a varint `length << 2 | kind` and the postings of the
    articles whose title holds the token. The file starts with the version byte.
`p/<token as 8 hex digits>.bin`
    A token whose postings in the base take more than EXTERNAL bytes (kind OUTSIDE in its shard,
    its postings there a varint: how many articles hold it): the version byte, the kind byte and
    the postings. So a shard stays small for the queries that only need its rare tokens, and
    search.js knows a phrase's rarest pairs before it fetches any token's own file.
`m/<block>.json.gz`
    Per article of ids block·meta_block…: [url (site-relative), title, day, group], gzipped (a
    URL repeats much of its title: a third of the bytes; blocks of 32, a tar header per 32).
`f/<block>.gz`
    Per article of ids block·facet_block…: its group's index, uint16 little endian, gzipped.
`fold/<block>.txt`
    Traditional → Simplified (OpenCC's characters), pairs of characters without separators: every
    pair whose Traditional or Simplified character has a code point block (code point >> 8) from
    <block> to the file's last (index.json's "fold"). Neighbouring blocks share a file while it
    stays within FOLD_FILL bytes: 314 files of ~190 bytes cost a tar 1 KB each; 114 cost 136 KB.
    So search.js fetches a few small files to fold a query's characters, and with them every pair
    that folds to one of them, to mark a hit written in either script.

Postings are doc ids, ascending, in the shortest of three codes (codes.py): GAPS (varints of the
gaps), RICE (the gaps Rice-coded: fewer bits on long lists) or a BITMAP.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sitegen.search.codes import BITMAP as BITMAP
from sitegen.search.codes import GAPS as GAPS
from sitegen.search.codes import OUTSIDE as OUTSIDE
from sitegen.search.codes import RICE as RICE
from sitegen.search.codes import Codes as Codes
from sitegen.search.codes import FormatError as FormatError
from sitegen.search.codes import Ids as Ids
from sitegen.search.codes import bytes_of, gather, joined, varint, varint_lengths, varints
from sitegen.search.codes import decode_postings as decode_postings
from sitegen.search.codes import encode_postings as encode_postings
from sitegen.search.codes import encode_runs as encode_runs
from sitegen.search.codes import pack_runs as pack_runs
from sitegen.search.codes import read_varint as read_varint

VERSION = 4
SHARD_BITS = 12  # the fewest: a base of up to 32,768 articles (base_bits)
TAIL_SEGMENT = 1024  # the tail holds fewer articles than this: its bitmaps stay within EXTERNAL
# At most 256 files: what one new article changes of the index (with a meta block and
# index.json). A query fetches one tail shard per token (in every part of an archive in parts): a
# full tail is ~1.4 KB an article, so 256 shards keep one within ~6 KB, as a base shard (16 held
# ~90 KB); a shorter tail has fewer (tail_bits).
TAIL_BITS = 8
FOLD_FILL = 512  # a tar record
META_BLOCK = 32
FACET_BLOCK = 4096
# A list of more goes to its own file (p/): at 75,000 articles a part, 2,048 rather than 1,024
# puts 4,201 of 7,639 lists in their shards: 46 B an article less in the tar (a p/ file costs a
# 512-byte header and ~256 of padding), a shard 2.7 KB rather than 2.3 (a query fetches one a token)
EXTERNAL = 2048


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
        return token >> (32 - self.bits)  # 0 bits: one shard, 0

    def path(self, shard: int) -> str:
        return f"{self.folder}/{shard:0{-(-self.bits // 4)}x}.bin"


def base_bits(docs: int, parted: bool = False) -> int:
    """The base's shard bits for a base of `docs` articles. In a part of an archive in parts, 4
    to 8 articles a shard past 32,768 (~550 bytes of rare tokens' postings an article: shards of
    2-4 KB, where 4,096 shards of a 75,000-article part held 10 KB, most of a phrase's bytes in
    every part). In a site alone, 8 to 16 past 65,536: a query fetches its shards from one index,
    not from each part, and a file costs the upload ~770 bytes (a tar header, padding). Re-laid
    at 72,667 articles (a part of the 300,000 bench): 8,192 shards rather than 16,384 are 87 B an
    article less of the tar, a phrase's index bytes 40.2 KB rather than 26.9 (four parts: ~300
    KiB, the bound, where the parts keep theirs)."""
    return max(SHARD_BITS, (docs - 1).bit_length() - (3 if parted else 4))


def tail_bits(docs: int) -> int:
    """The tail's shard bits for a tail of `docs` articles: a shard for about 4 (~6 KB, as a full
    tail's 256), up to TAIL_BITS. A 2-article site writes one file, not 256; the bits change 8
    times on the way to a full tail (the tail is made anew then: at most its own files)."""
    return max(0, min(TAIL_BITS, (docs - 1).bit_length() - 2))


def segments(docs: int, closed: bool = False, parted: bool = False) -> tuple[Segment, Segment]:
    """The base and the tail of an index of `docs` articles (a closed part's: all base; a
    part's, `parted`: base_bits)."""
    first = docs if closed else docs - docs % TAIL_SEGMENT
    return Segment("s", base_bits(first, parted or closed), 0), Segment(
        "t", tail_bits(docs - first), first
    )


def _own_file(kind: int, data: bytes) -> bytes:
    return bytes([VERSION, kind]) + data


def entry(
    encoded: tuple[int, bytes], title: tuple[int, bytes], count: int, outside: bool = True
) -> tuple[Entry, bytes | None]:
    """A token's entry in its shard from its encoded postings (of `count` articles) and, when
    they are long (and the segment has files of its own), its own file."""
    (kind, data), (title_kind, title_data) = encoded, title
    if outside and len(data) > EXTERNAL:
        held = Entry(OUTSIDE, varint(count), title_kind, title_data)
        return held, _own_file(kind, data)
    return Entry(kind, data, title_kind, title_data), None


def outside(codes: Codes, counts: npt.NDArray[np.int64]) -> tuple[Codes, dict[int, bytes]]:
    """`entry` of many lists at once: the lists as their shards hold them (a long one as how
    many articles hold it, kind OUTSIDE) and, by list, the own files of the long ones."""
    long = np.flatnonzero(codes.lengths > EXTERNAL)
    if not len(long):
        return codes, {}
    starts, data = codes.starts, codes.data
    own = {
        int(i): _own_file(int(codes.kinds[i]), data[s : s + n].tobytes())
        for i, s, n in zip(long, starts[long], codes.lengths[long], strict=True)
    }
    kinds, lengths = codes.kinds.copy(), codes.lengths.copy()
    kinds[long] = OUTSIDE
    lengths[long] = varint_lengths(counts[long].astype(np.uint64))
    starts[long] = len(data) + np.cumsum(lengths[long]) - lengths[long]
    source = np.concatenate((data, bytes_of(varints(counts[long]))))
    return Codes(kinds, gather(source, starts, lengths), lengths), own


def encode_shard(entries: dict[int, Entry], bits: int = SHARD_BITS) -> bytes:
    tokens = sorted(entries)
    if not tokens:
        return bytes([VERSION])
    held = [entries[t] for t in tokens]
    every = joined([(e.kind, e.data) for e in held])
    titles = joined([(e.title_kind, e.title) for e in held if e.title])
    titled = np.array([len(e.title) > 0 for e in held], dtype=np.bool_)
    return next(pack_shards(np.array(tokens, dtype=np.int64), every, titles, titled, bits))[1]


def pack_shards(
    tokens: npt.NDArray[np.int64],
    every: Codes,
    titles: Codes,
    titled: npt.NDArray[np.bool_],
    bits: int = SHARD_BITS,
) -> Iterator[tuple[int, bytes]]:
    """(shard, bytes) of every shard these tokens (ascending) fill, with their postings `every`
    and, of the tokens `titled`, the postings of their titles `titles` (in the same order): a
    whole partition's shards copied together from their pieces, no object made a token."""
    if not len(tokens):
        return
    shards = tokens >> (32 - bits)
    gaps = np.diff(tokens, prepend=0)
    firsts = np.flatnonzero(np.diff(shards, prepend=-1))
    gaps[firsts] = tokens[firsts]
    heads = every.lengths << 3 | every.kinds << 1 | titled
    title_heads = titles.lengths << 2 | titles.kinds
    version = np.zeros(len(tokens), dtype=np.int64)  # one byte before a shard's first token
    version[firsts] = 1
    title_head_lengths = np.zeros(len(tokens), dtype=np.int64)
    title_head_lengths[titled] = varint_lengths(title_heads.astype(np.uint64))
    title_lengths = np.zeros(len(tokens), dtype=np.int64)
    title_lengths[titled] = titles.lengths
    pieces = [  # (bytes, each token's piece's length in them): a shard's tokens one by one
        (bytes_of(bytes([VERSION])), version),
        (bytes_of(varints(gaps)), varint_lengths(gaps.astype(np.uint64))),
        (bytes_of(varints(heads)), varint_lengths(heads.astype(np.uint64))),
        (every.data, every.lengths),
        (bytes_of(varints(title_heads)), title_head_lengths),
        (titles.data, title_lengths),
    ]
    lengths = np.stack([n for _, n in pieces], axis=1)
    starts = np.zeros_like(lengths)
    base = 0
    for column, (source, n) in enumerate(pieces):
        if column:  # the version byte is the same one byte for every shard
            starts[:, column] = base + np.cumsum(n) - n
        base += len(source)
    data = gather(np.concatenate([source for source, _ in pieces]), starts.ravel(), lengths.ravel())
    ends = np.cumsum(lengths.sum(axis=1))
    bounds = [0, *ends[firsts[1:] - 1].tolist(), len(data)]
    for shard, (a, b) in zip(shards[firsts].tolist(), pairwise(bounds), strict=True):
        yield shard, data[a:b].tobytes()


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
    return f"m/{block}.json.gz"


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


def meta_rows(folder: Path, block: int) -> list[list[object]]:
    """A meta block's rows, as search.js reads them."""
    return json.loads(gzip.decompress((folder / meta_path(block)).read_bytes()))  # type: ignore[no-any-return]


def lookup(folder: Path, token: int) -> tuple[Ids, Ids]:
    """A token's postings in the index in `folder`: (every article, articles by title), base
    then tail, as search.js reads them (the tests ask the index this way)."""
    index = json.loads((folder / INDEX).read_bytes())
    held = Segment("s", index["shard_bits"], 0), Segment("t", index["tail_bits"], index["tail"])
    found = [_lookup_in(folder, segment, token) for segment in held]
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
