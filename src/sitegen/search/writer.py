"""Writes the index (format.py) into a folder and keeps it current, in memory that does not grow
with the archive.

From scratch, documents are tokenized a chunk at a time (over worker processes when there are
many) and each chunk's (token, doc id) pairs are spilled to disk by partition, a partition being
a range of shards; then each partition is read back alone, sorted and written as its shards.
Memory is a chunk's pairs plus one partition's.

Afterwards an update touches only what changed: the state (under the cache folder) keeps the ids'
URLs and digests and each document's text, so an edited article's old tokens are known without
reading the index; only the shards of tokens it gained or lost are rewritten, and only the
metadata block that holds it. A file whose bytes would not change is not written, so it keeps its
mtime. Ids only shift when an article is inserted before others or removed; then the index is
made anew, which gives the same bytes an update would have.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import shutil
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from sitegen.output import write_atomically
from sitegen.search import format as fmt
from sitegen.search.tokens import simplified, tokens

CHUNK = 1024  # documents tokenized at a time
PARTITION_BITS = 6  # the spill's partitions: ranges of 2 ** (SHARD_BITS - PARTITION_BITS) shards
PARALLEL_FROM = 2000
STATE_VERSION = 3
T = TypeVar("T")


@dataclass(frozen=True)
class Doc:
    """What the index holds of one article but its text, which `update` asks for only when
    `text_key` changed (so a warm build reads no article bodies)."""

    url: str  # site-relative, as the build knows it
    title: str
    date: datetime  # orders the ids
    day: str  # shown: 2022-03-14
    year: int
    source: str  # 来源, or the feed when there is none
    categories: tuple[str, ...]  # every level of every trail, the first trail first: "金融"…
    text_key: str  # changes whenever the text may (the content file and the code that reads it)

    @property
    def key(self) -> tuple[str, str, str]:
        """Equal when the index holds the same of it: everything else comes from the content file
        (text_key) as extract.py reads it, but for the day (the time zone)."""
        return self.url, self.text_key, self.day


TextOf = Callable[[Doc], str]


@dataclass(frozen=True)
class Changes:
    """What an update did to the folder, for the build's summary and its file list."""

    docs: int
    digest: str  # of what the index holds: equal digests, equal index
    written: tuple[str, ...]
    removed: tuple[str, ...]
    files: int
    bytes: int
    seconds: float
    full: bool


@dataclass
class _State:
    version: int = STATE_VERSION
    salt: str = ""
    digest: str = ""
    ids: list[tuple[str, str, str]] = field(default_factory=list)  # Doc.key by id
    sizes: dict[str, int] = field(default_factory=dict)  # every file of the index, by path


@cache
def code_digest() -> str:
    """The code that makes the index: a change to it makes the index anew."""
    here = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for name in ("tokens.py", "format.py", "writer.py", "extract.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def ordered(docs: Sequence[Doc]) -> list[Doc]:
    """Documents in id order: by date, oldest first, then by URL."""
    return sorted(docs, key=lambda d: (d.date, d.url))


def _token_pairs(title: str, text: str) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """A document's tokens (title and text) and which of them its title holds."""
    every = tokens(f"{title}\n{text}")
    return every, np.isin(every, tokens(title), assume_unique=True)


class _Folder:
    """The index folder: writes a file only when its bytes change, and remembers what it did."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written: list[str] = []
        self.removed: list[str] = []
        self.produced: list[str] = []

    def read(self, relative: str) -> bytes | None:
        try:
            return (self.path / relative).read_bytes()
        except OSError:
            return None

    def put(self, relative: str, data: bytes) -> None:
        self.produced.append(relative)
        if self.read(relative) != data:
            write_atomically(self.path / relative, data)
            self.written.append(relative)

    def drop(self, relative: str) -> None:
        if (self.path / relative).exists():
            (self.path / relative).unlink()
            self.removed.append(relative)


# --- from scratch --------------------------------------------------------------------------------

_JOB: tuple[list[Doc], TextOf, Path, Path] | None = None


def _spill_chunk(start: int) -> None:
    """Tokenize one chunk of documents and spill its pairs by partition; keep their texts."""
    assert _JOB is not None
    docs, text_of, spill, _ = _JOB
    chunk = docs[start : start + CHUNK]
    pairs: list[tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]] = []
    texts = []
    for offset, doc in enumerate(chunk):
        text = text_of(doc)
        every, titled = _token_pairs(doc.title, text)
        ids = np.full(len(every), (start + offset) * 2, dtype=np.uint32) + titled
        pairs.append((every, ids))
        texts.append((doc.url, doc.title, zlib.compress(text.encode("utf-8"), 1)))
    every = np.concatenate([p[0] for p in pairs]) if pairs else np.zeros(0, np.uint32)
    values = np.concatenate([p[1] for p in pairs]) if pairs else np.zeros(0, np.uint32)
    partition = every >> np.uint32(32 - PARTITION_BITS)
    order = np.argsort(partition, kind="stable")
    bounds = np.searchsorted(partition[order], np.arange(2**PARTITION_BITS + 1))
    for p in range(2**PARTITION_BITS):
        here = order[bounds[p] : bounds[p + 1]]
        if len(here):
            data = np.column_stack((every[here], values[here])).astype("<u4").tobytes()
            (spill / f"{p:02x}-{start:09d}").write_bytes(data)
    write_atomically(spill.parent / "texts" / f"{start // CHUNK}.pickle", pickle.dumps(texts))


def _merge_partition(p: int) -> tuple[list[str], list[str]]:
    """Read one partition's pairs back, sorted by token (ids stay ascending), write its shards;
    returns the files it made and those of them it wrote."""
    assert _JOB is not None
    _, _, spill, out = _JOB
    folder = _Folder(out)
    files = sorted(spill.glob(f"{p:02x}-*"))
    pairs = np.concatenate(
        [np.frombuffer(f.read_bytes(), dtype="<u4").reshape(-1, 2) for f in files]
        or [np.zeros((0, 2), dtype="<u4")]
    )
    order = np.argsort(pairs[:, 0], kind="stable")
    every, values = pairs[order, 0], pairs[order, 1]
    starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
    starts = np.append(starts, len(every)) if len(every) else starts
    titled = (values & 1) == 1
    ids = values >> np.uint32(1)
    unique = every[starts[:-1]].tolist() if len(every) else []
    encoded = fmt.encode_runs(every, ids)
    title = dict(
        zip(
            np.unique(every[titled]).tolist(),
            fmt.encode_runs(every[titled], ids[titled]),
            strict=True,
        )
    )
    entries = []
    for token, postings in zip(unique, encoded, strict=True):
        made, own = fmt.entry(postings, title.get(token, (fmt.GAPS, b"")))
        entries.append(made)
        if own is not None:
            folder.put(fmt.outside_path(token), own)
    for shard, data in fmt.encode_shards(unique, entries):
        folder.put(fmt.shard_path(shard), data)
    for f in files:
        f.unlink()
    return folder.produced, folder.written


def _pool_map(job: Callable[[int], T], items: list[int], jobs: int) -> Iterator[T]:
    """`job` over items in `jobs` forked processes: how many is the caller's word alone."""
    if jobs <= 1 or len(items) < 2:
        yield from map(job, items)
        return
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        yield from pool.map(job, items)


# --- the index ---------------------------------------------------------------------------------


class SearchIndex:
    """One output's search index, and its state in the folder `state` (the cache's)."""

    def __init__(self, state: Path, jobs: int = 1) -> None:
        self.state_path = state
        self.jobs = jobs

    def _load(self) -> _State:
        try:
            state = pickle.loads((self.state_path / "state.pickle").read_bytes())
        except Exception:  # missing or unreadable: the index is made anew
            return _State()
        return state if isinstance(state, _State) and state.version == STATE_VERSION else _State()

    def update(
        self,
        folder: Path,
        docs: Sequence[Doc],
        text_of: TextOf,
        progress: Callable[[int, int], None] = lambda done, total: None,
    ) -> Changes:
        """Make `folder` the index of `docs` (any order), writing only files that change."""
        started = time.perf_counter()
        docs = ordered(docs)
        salt = code_digest()
        ids = [d.key for d in docs]
        digest = hashlib.blake2b(repr((salt, ids)).encode(), digest_size=16).hexdigest()
        state = self._load()
        out = _Folder(folder)
        current = _index_value(out, "digest")
        same_start = [u for u, _, _ in state.ids] == [u for u, _, _ in ids[: len(state.ids)]]
        full = not (
            state.salt == salt and current is not None and current == state.digest and same_start
        )
        # Until this update is done, the state matches no index: one cut short is made anew.
        write_atomically(self.state_path / "state.pickle", pickle.dumps(_State()))
        dirty = None
        if not full:
            try:
                dirty = self._incremental(out, docs, state.ids, text_of)
            except fmt.FormatError:  # a damaged file or state: made anew, like everything else
                full, out = True, _Folder(folder)
        if dirty is None:
            dirty = self._from_scratch(out, docs, text_of, progress)
        _write_tables(out, docs, dirty, digest)
        sizes = dict(state.sizes) if not full else {}
        if full:  # whatever the index does not hold any more (fewer articles, another version)
            made = set(out.produced)
            for path in _files(folder):
                if path not in made:
                    out.drop(path)
        for path in out.removed:
            sizes.pop(path, None)
        for path in out.produced if full else out.written:
            sizes[path] = (folder / path).stat().st_size
        new_state = _State(STATE_VERSION, salt, digest, ids, sizes)
        write_atomically(self.state_path / "state.pickle", pickle.dumps(new_state))
        return Changes(
            len(docs),
            digest,
            tuple(sorted(out.written)),
            tuple(sorted(out.removed)),
            len(sizes),
            sum(sizes.values()),
            time.perf_counter() - started,
            full,
        )

    def _from_scratch(
        self, out: _Folder, docs: list[Doc], text_of: TextOf, progress: Callable[[int, int], None]
    ) -> set[int]:
        """Every file anew (those with unchanged bytes keep theirs); returns every meta block."""
        global _JOB
        work = self.state_path
        spill = work / "spill"
        shutil.rmtree(spill, ignore_errors=True)
        shutil.rmtree(work / "texts", ignore_errors=True)
        spill.mkdir(parents=True)
        tokens("")  # the character tables, made once before the workers fork
        simplified()
        _JOB = (docs, text_of, spill, out.path)
        try:
            starts = list(range(0, len(docs), CHUNK))
            jobs = self.jobs if len(docs) >= PARALLEL_FROM else 1
            for n, _ in enumerate(_pool_map(_spill_chunk, starts, jobs), 1):
                progress(min(n * CHUNK, len(docs)), len(docs))
            made: set[str] = set()
            for produced, written in _pool_map(
                _merge_partition, list(range(2**PARTITION_BITS)), jobs
            ):
                made.update(produced)
                out.written.extend(written)
        finally:
            _JOB = None
            shutil.rmtree(spill, ignore_errors=True)
        out.produced.extend(made)
        return set(range(-(-len(docs) // fmt.META_BLOCK)))

    def _incremental(
        self, out: _Folder, docs: list[Doc], old: list[tuple[str, str, str]], text_of: TextOf
    ) -> set[int]:
        """Only the tokens that edited and added documents gained or lost; returns the meta
        blocks that hold a changed document."""
        work = self.state_path
        changed = [i for i, doc in enumerate(docs) if i >= len(old) or old[i] != doc.key]
        texts: dict[int, list[tuple[str, str, bytes]]] = {}

        def chunk_texts(block: int) -> list[tuple[str, str, bytes]]:
            if block not in texts:
                texts[block] = _load_texts(work / "texts" / f"{block}.pickle")
            return texts[block]

        gained: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        lost: dict[int, list[int]] = defaultdict(list)
        for i in changed:
            stored = chunk_texts(i // CHUNK)
            was = _stored_tokens(stored, i, old[i][0]) if i < len(old) else {}
            text = text_of(docs[i])
            now = _as_dict(*_token_pairs(docs[i].title, text))
            record = (docs[i].url, docs[i].title, zlib.compress(text.encode("utf-8"), 1))
            if i % CHUNK > len(stored):
                raise fmt.FormatError(f"search state: a gap before {docs[i].url}")
            stored[i % CHUNK : i % CHUNK + 1] = [record]
            _note_changes(i, was, now, gained, lost)
        by_shard: dict[int, set[int]] = defaultdict(set)
        for token in gained.keys() | lost.keys():
            by_shard[fmt.shard_of(token)].add(token)
        for shard, affected in sorted(by_shard.items()):
            _update_shard(out, shard, affected, gained, lost)
        for block, records in texts.items():
            write_atomically(work / "texts" / f"{block}.pickle", pickle.dumps(records))
        return {i // fmt.META_BLOCK for i in changed}


def _load_texts(path: Path) -> list[tuple[str, str, bytes]]:
    """The texts the state keeps of one chunk of documents (none yet: an empty chunk)."""
    try:
        return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
    except FileNotFoundError:
        return []
    except Exception as exc:  # unreadable: the old tokens are unknown
        raise fmt.FormatError(f"search state: {exc}") from None


def _note_changes(
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


def _as_dict(tokens: npt.NDArray[np.uint32], titled: npt.NDArray[np.bool_]) -> dict[int, bool]:
    """Each token of a document, and whether its title holds it."""
    return dict(zip(tokens.tolist(), titled.tolist(), strict=True))


def _stored_tokens(block: list[tuple[str, str, bytes]], i: int, url: str) -> dict[int, bool]:
    """The tokens a document had when last indexed, from the text the state keeps of it."""
    if i % CHUNK >= len(block):
        raise fmt.FormatError(f"search state: no text of {url}")
    _, title, packed = block[i % CHUNK]
    return _as_dict(*_token_pairs(title, zlib.decompress(packed).decode("utf-8")))


def _update_shard(
    out: _Folder,
    shard: int,
    affected: set[int],
    gained: dict[int, list[tuple[int, bool]]],
    lost: dict[int, list[int]],
) -> None:
    data = out.read(fmt.shard_path(shard))
    entries = fmt.decode_shard(data) if data else {}
    for token in sorted(affected):
        held = entries.get(token)
        ids = title = np.zeros(0, np.uint32)
        if held is not None:
            title = fmt.decode_postings(held.title_kind, held.title)
            if held.kind == fmt.OUTSIDE:
                own = out.read(fmt.outside_path(token))
                ids = fmt.decode_outside(own) if own else ids
            else:
                ids = fmt.decode_postings(held.kind, held.data)
        drop = np.array(lost.get(token, []), dtype=np.uint32)
        ids, title = np.setdiff1d(ids, drop), np.setdiff1d(title, drop)
        add = gained.get(token, [])
        ids = np.union1d(ids, np.array([i for i, _ in add], dtype=np.uint32)).astype(np.uint32)
        title = np.union1d(title, np.array([i for i, t in add if t], dtype=np.uint32))
        if not len(ids):
            entries.pop(token, None)
            out.drop(fmt.outside_path(token))
            continue
        encoded = fmt.encode_postings(ids), fmt.encode_postings(title.astype(np.uint32))
        entries[token], own = fmt.entry(*encoded)
        if own is None:
            out.drop(fmt.outside_path(token))
        else:
            out.put(fmt.outside_path(token), own)
    if entries:
        out.put(fmt.shard_path(shard), fmt.encode_shard(entries))
    else:
        out.drop(fmt.shard_path(shard))


# --- the tables: metadata, facets, years, folding -------------------------------------------------


def _index_value(out: _Folder, key: str) -> object:
    """A value of the index.json in the folder, or None."""
    data = out.read(fmt.INDEX)
    try:
        return json.loads(data).get(key) if data else None
    except (ValueError, AttributeError):
        return None


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_tables(out: _Folder, docs: list[Doc], dirty: set[int], digest: str) -> None:
    groups = sorted({(d.source, d.categories) for d in docs})
    sources = sorted({source for source, _ in groups})
    categories = sorted({path for _, paths in groups for path in paths})
    number = {g: n for n, g in enumerate(groups)}
    listed = [[sources.index(s), [categories.index(c) for c in paths]] for s, paths in groups]
    blocks = -(-len(docs) // fmt.META_BLOCK)
    if _index_value(out, "groups") != listed or _index_value(out, "sources") != sources:
        dirty = set(range(blocks))  # the rows' group numbers changed
    for block in sorted(b for b in dirty if b < blocks):
        part = docs[block * fmt.META_BLOCK : (block + 1) * fmt.META_BLOCK]
        rows = [[d.url, d.title, d.day, number[(d.source, d.categories)]] for d in part]
        out.put(fmt.meta_path(block), _json(rows))
    column = np.array([number[(d.source, d.categories)] for d in docs], dtype="<u2")
    facet_blocks = -(-len(docs) // fmt.FACET_BLOCK)
    for block in range(facet_blocks):
        facets = column[block * fmt.FACET_BLOCK : (block + 1) * fmt.FACET_BLOCK]
        out.put(fmt.facet_path(block), gzip.compress(facets.tobytes(), mtime=0))
    years: list[list[int]] = []
    for i, doc in enumerate(docs):
        if not years or years[-1][0] != doc.year:
            years.append([doc.year, i])
    index = {
        "version": fmt.VERSION,
        "digest": digest,
        "docs": len(docs),
        "shard_bits": fmt.SHARD_BITS,
        "meta_block": fmt.META_BLOCK,
        "facet_block": fmt.FACET_BLOCK,
        "years": years,
        "sources": sources,
        "categories": categories,
        "groups": listed,
        "fold": sorted(_fold_blocks()),
    }
    out.put(fmt.INDEX, _json(index))
    for block, pairs in sorted(_fold_blocks().items()):
        out.put(fmt.fold_path(block), "".join(pairs).encode("utf-8"))


@cache
def _fold_blocks() -> dict[int, list[str]]:
    """The folding pairs by block: under the Traditional character's and the Simplified's."""
    blocks: dict[int, list[str]] = defaultdict(list)
    for point, folded in sorted(simplified().items()):
        for block in sorted({point >> 8, ord(folded) >> 8}):
            blocks[block].append(chr(point) + folded)
    return dict(blocks)


def _files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
