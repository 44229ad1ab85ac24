"""Postings codes: a token's doc ids (ascending) as bytes, and back (format.py stores them).

GAPS: varints of each id less the previous less one (the first less -1). BITMAP: bit i of byte
i // 8, lowest first, up to the last id. RICE: the same gaps Golomb–Rice-coded (the textbook code
for postings gaps, Managing Gigabytes §3.3; laid out as Elias–Fano is, so that numpy decodes a list
at once): a varint `n << 5 | k`, then each gap's low k bits (n·k bits), then each gap's high part
in unary (that many 0s, then a 1), bits lowest first, the last byte padded with 0s. k is the
best of the four around log2 of the list's mean gap (where the best is for gaps at random): a
posting then takes about k + 2 bits, where a varint takes 8 or 16. Each list takes the shortest
code (GAPS on a tie, then BITMAP).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

GAPS, BITMAP, OUTSIDE, RICE = 0, 1, 2, 3
MAX_K = 31  # k fits 5 bits; gaps are below 2**32

Ids = npt.NDArray[np.uint32]


class FormatError(ValueError):
    """A file that is not of this format or version."""


def varint_lengths(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    lengths = np.ones(len(v), dtype=np.int64)
    for k in range(1, 5):
        lengths += v >= np.uint64(1 << (7 * k))
    return lengths


def varints(values: npt.NDArray[np.integer]) -> bytes:
    """LEB128 varints of non-negative integers below 2**35, all at once."""
    v = values.astype(np.uint64)
    lengths = varint_lengths(v)
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
        if at >= len(data):
            raise FormatError("a varint runs past the end")
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


def bytes_of(data: bytes) -> npt.NDArray[np.uint8]:
    return np.frombuffer(data, dtype=np.uint8)


def gather(
    source: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint8]:
    """The pieces source[starts[i]:starts[i] + lengths[i]], one after another, copied at once."""
    placed = np.cumsum(lengths) - lengths
    return source[np.arange(int(lengths.sum())) + np.repeat(starts - placed, lengths)]


class Codes(NamedTuple):
    """Lists' codes packed one after another: list r is of kind kinds[r] and its bytes are
    data[ends[r] - lengths[r]:ends[r]]. A partition's hundreds of thousands of lists stay a few
    arrays until the shards that hold them are written."""

    kinds: npt.NDArray[np.int64]
    data: npt.NDArray[np.uint8]
    lengths: npt.NDArray[np.int64]

    @property
    def starts(self) -> npt.NDArray[np.int64]:
        return np.cumsum(self.lengths) - self.lengths

    def listed(self) -> list[tuple[int, bytes]]:
        """Each list's (kind, bytes)."""
        data, ends = self.data.tobytes(), np.cumsum(self.lengths).tolist()
        starts = [0, *ends][:-1]
        return [(k, data[a:b]) for k, a, b in zip(self.kinds.tolist(), starts, ends, strict=True)]


def joined(codes: list[tuple[int, bytes]]) -> Codes:
    """Lists' (kind, bytes) packed."""
    return Codes(
        np.array([kind for kind, _ in codes], dtype=np.int64),
        bytes_of(b"".join(data for _, data in codes)),
        np.array([len(data) for _, data in codes], dtype=np.int64),
    )


def _bitmap(ids: Ids) -> bytes:
    present = np.zeros((int(ids[-1]) // 8 + 1) * 8, dtype=np.bool_)
    present[ids] = True
    return np.packbits(present, bitorder="little").tobytes()


def _rice_parameters(
    gaps: npt.NDArray[np.int64], starts: npt.NDArray[np.intp], n: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each run's k and its RICE code's bits (run r: gaps[starts[r]:starts[r] + n[r]])."""
    # the best k is near log2 of the mean gap (it is for geometric gaps): try the four around it
    mean = np.add.reduceat(gaps, starts) // n
    near = np.maximum(np.floor(np.log2(np.maximum(mean, 1))).astype(np.int64) - 2, 0)
    tried = [np.minimum(near + d, MAX_K) for d in range(4)]
    costs = np.stack(
        [np.add.reduceat(gaps >> np.repeat(k, n), starts) + n * (k + 1) for k in tried], axis=1
    )
    best = np.argmin(costs, axis=1)  # the first best: the least k
    rows = np.arange(len(n))
    return np.stack(tried, axis=1)[rows, best], costs[rows, best]


def _rice(
    gaps: npt.NDArray[np.int64],
    n: npt.NDArray[np.int64],
    k: npt.NDArray[np.int64],
    bits: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """The RICE codes of runs of gaps (n[r] of them, parameter k[r], bits[r] long), one after
    another, and each one's length in bytes."""
    starts = np.cumsum(n) - n
    each = np.repeat(k, n)
    high = gaps >> each
    padded = -(-bits // 8) * 8
    offsets = np.cumsum(padded) - padded
    stream = np.zeros(int(padded.sum()), dtype=np.uint8)
    run = np.repeat(np.arange(len(n)), n)
    within = np.arange(len(gaps)) - np.repeat(starts, n)
    low_at = offsets[run] + within * each
    for b in range(int(k.max(initial=0))):
        here = each > b
        stream[low_at[here] + b] = (gaps[here] >> b) & 1
    ends = np.cumsum(high + 1)
    before = np.repeat(ends[starts] - high[starts] - 1, n)
    stream[np.repeat(offsets + n * k, n) + ends - before - 1] = 1
    heads = n << 5 | k
    head_lengths = varint_lengths(heads.astype(np.uint64))
    source = np.concatenate((bytes_of(varints(heads)), np.packbits(stream, bitorder="little")))
    lengths = np.stack((head_lengths, padded // 8), axis=1).ravel()
    at = np.stack(
        (np.cumsum(head_lengths) - head_lengths, int(head_lengths.sum()) + offsets // 8), axis=1
    ).ravel()
    return gather(source, at, lengths), head_lengths + padded // 8


def encode_postings(ids: Ids) -> tuple[int, bytes]:
    """(kind, bytes) of ascending doc ids: the shortest code."""
    return encode_runs(np.zeros(len(ids), dtype=np.uint32), ids)[0] if len(ids) else (GAPS, b"")


def encode_runs(keys: npt.NDArray[np.uint32], ids: Ids) -> list[tuple[int, bytes]]:
    """`encode_postings` of the ids of each run of equal keys (sorted by key, then id)."""
    return pack_runs(keys, ids).listed()


def pack_runs(keys: npt.NDArray[np.uint32], ids: Ids) -> Codes:
    """`encode_postings` of the ids of each run of equal keys (sorted by key, then id), all at
    once: the codes of a whole partition in one go. Each code's length is worked out first and
    only the shortest is made (most runs are a few ids, whose GAPS no RICE code beats)."""
    if not len(keys):
        return Codes(np.zeros(0, np.int64), np.zeros(0, np.uint8), np.zeros(0, np.int64))
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.append(starts[1:], len(keys))
    n = (ends - starts).astype(np.int64)
    previous = np.empty(len(ids), dtype=np.int64)
    previous[1:] = ids[:-1]
    previous[starts] = -1
    gaps = ids.astype(np.int64) - previous - 1
    offsets = np.concatenate(([0], np.cumsum(varint_lengths(gaps.astype(np.uint64)))))
    gap_bytes = offsets[ends] - offsets[starts]
    bitmap_bytes = ids[ends - 1].astype(np.int64) // 8 + 1
    k, bits = _rice_parameters(gaps, starts, n)
    rice_bytes = varint_lengths((n << 5 | k).astype(np.uint64)) + -(-bits // 8)
    kinds = np.where(
        gap_bytes <= np.minimum(bitmap_bytes, rice_bytes),
        GAPS,
        np.where(bitmap_bytes <= rice_bytes, BITMAP, RICE),
    ).astype(np.int64)
    gapped, riced, mapped = kinds == GAPS, kinds == RICE, kinds == BITMAP
    rice_data, rice_lengths = _rice(gaps[np.repeat(riced, n)], n[riced], k[riced], bits[riced])
    bitmaps = [_bitmap(ids[s:e]) for s, e in zip(starts[mapped], ends[mapped], strict=True)]
    lengths = np.zeros(len(n), dtype=np.int64)
    lengths[gapped], lengths[riced] = gap_bytes[gapped], rice_lengths
    lengths[mapped] = [len(b) for b in bitmaps]
    sources = (
        bytes_of(varints(gaps[np.repeat(gapped, n)])),
        rice_data,
        bytes_of(b"".join(bitmaps)),
    )
    at = np.zeros(len(n), dtype=np.int64)  # where each run's code starts in the sources joined
    base = 0
    for kind, source in zip((gapped, riced, mapped), sources, strict=True):
        at[kind] = base + np.cumsum(lengths[kind]) - lengths[kind]
        base += len(source)
    return Codes(kinds, gather(np.concatenate(sources), at, lengths), lengths)


def _unrice(data: bytes) -> npt.NDArray[np.int64]:
    head, at = read_varint(data, 0)
    n, k = head >> 5, head & 31
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8, offset=at), bitorder="little")
    ends = np.flatnonzero(bits[n * k :])[:n]
    if len(ends) < n:
        raise FormatError("a Rice-coded list runs past the end")
    low = bits[: n * k].reshape(n, k).astype(np.int64) @ (
        np.int64(1) << np.arange(k, dtype=np.int64)
    )
    return (np.diff(ends, prepend=-1) - 1).astype(np.int64) << k | low


def decode_postings(kind: int, data: bytes) -> Ids:
    if kind == GAPS:
        return (np.cumsum(read_varints(data) + np.uint64(1)) - np.uint64(1)).astype(np.uint32)
    if kind == RICE:
        return (np.cumsum(_unrice(data) + 1) - 1).astype(np.uint32)
    if kind == BITMAP:
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return np.flatnonzero(bits).astype(np.uint32)
    raise FormatError(f"unknown postings kind {kind}")
