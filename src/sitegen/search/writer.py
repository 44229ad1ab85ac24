"""Writes the index (format.py) into a folder and keeps it current, in memory that does not grow
with the archive.

From scratch, documents are tokenized a chunk at a time (over worker processes when there are
many) and each chunk's (token, doc id) pairs are spilled to disk ordered by partition, a partition being
a range of shards; then each partition is read back alone, sorted and written as its shards.
Memory is a chunk's pairs plus one partition's.

Afterwards an update touches only what changed: the state (under the cache folder) keeps the ids'
URLs and digests and each document's text, so an edited article's old tokens are known without
reading the index; only the shards of tokens it gained or lost are rewritten, and only the
metadata block that holds it. A file whose bytes would not change is not written, so it keeps its
mtime. Ids only shift when an article is inserted before others or removed; then the index is
made anew, which gives the same bytes an update would have. New articles go to the tail
(format.py), so a day's articles change its few files; when the archive passes the next multiple of
TAIL_SEGMENT the tail joins the base and the index is made anew.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from sitegen import code
from sitegen.folding import simplified
from sitegen.output import write_atomically
from sitegen.parallel import jobs_for, map_chunks
from sitegen.search import format as fmt
from sitegen.search import postings
from sitegen.search.doc import Doc, TextOf
from sitegen.search.postings import Folder
from sitegen.search.tokens import tokens

PARALLEL_FROM = 2000
STATE_VERSION = 5  # 5: the texts kept as str (compressing them cost half as much as tokenizing)


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
    tail: int = 0  # the first id of the tail
    sizes: dict[str, int] = field(default_factory=dict)  # every file of the index, by path


def ordered(docs: Sequence[Doc]) -> list[Doc]:
    """Documents in id order: by date, oldest first, then by URL."""
    return sorted(docs, key=lambda d: (d.date, d.url))


# --- the index ---------------------------------------------------------------------------------


class SearchIndex:
    """One output's search index, and its state in the folder `state` (the cache's)."""

    def __init__(
        self, state: Path, jobs: int = 1, closed: bool = False, parted: bool = False
    ) -> None:
        self.state_path = state
        self.jobs = jobs
        self.closed = closed  # a closed part's: all base (format.segments)
        self.parted = parted  # a part's: more shards (format.base_bits)

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
        # a change to the code, or to the shards' count (a site made a part), makes it anew
        salt = f"{code.digest(code.SEARCH)}{'p' if self.parted else ''}"
        ids = [d.key for d in docs]
        digest = hashlib.blake2b(repr((salt, ids)).encode(), digest_size=16).hexdigest()
        state = self._load()
        out = Folder(folder)
        current = _index_value(out, "digest")
        same_start = [u for u, _, _ in state.ids] == [u for u, _, _ in ids[: len(state.ids)]]
        segments = fmt.segments(len(docs), self.closed, self.parted)
        tail = segments[1]
        full = not (
            state.salt == salt
            and current is not None
            and current == state.digest
            and same_start
            and state.tail == tail.first
        )
        # the tail grew past a power of two: its shards are others, made anew from its texts
        new_tail = tail.bits != fmt.tail_bits(len(state.ids) - state.tail)
        # Until this update is done, the state matches no index: one cut short is made anew.
        write_atomically(self.state_path / "state.pickle", pickle.dumps(_State()))
        dirty = None
        if not full:
            try:
                dirty = self._incremental(out, docs, state.ids, text_of, segments, new_tail)
            except fmt.FormatError:  # a damaged file or state: made anew, like everything else
                full, out = True, Folder(folder)
        if dirty is None:
            dirty = self._from_scratch(out, docs, text_of, tail.first, progress)
        _write_tables(out, docs, dirty, digest, segments)
        sizes = dict(state.sizes) if not full else {}
        if full or new_tail:  # whatever the index does not hold any more (fewer articles, another
            made = set(out.produced)  # version, the tail's old shards)
            for path in _files(folder):
                if path not in made and (full or path.startswith("t/")):
                    out.drop(path)
        for path in out.removed:
            sizes.pop(path, None)
        for path in out.produced if full else out.written:
            sizes[path] = out.produced[path]
        new_state = _State(STATE_VERSION, salt, digest, ids, tail.first, sizes)
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
        self,
        out: Folder,
        docs: list[Doc],
        text_of: TextOf,
        tail: int,
        progress: Callable[[int, int], None],
    ) -> set[int]:
        """Every file anew (those with unchanged bytes keep theirs), the tail's ids from `tail`
        on; returns every meta block."""
        work = self.state_path
        spill = work / "spill"
        shutil.rmtree(spill, ignore_errors=True)
        shutil.rmtree(work / "texts", ignore_errors=True)
        spill.mkdir(parents=True)
        tokens("")  # the character tables, made once before the workers fork
        simplified()
        chunk = postings.CHUNK
        jobs = jobs_for(len(docs), self.jobs, PARALLEL_FROM)
        try:
            starts = list(range(0, len(docs), chunk))
            spilled = map_chunks(
                postings.spill_chunks, starts, jobs, docs, text_of, spill, tail, size=1
            )
            for n, _ in enumerate(spilled, 1):
                progress(min(n * chunk, len(docs)), len(docs))
            made: dict[str, int] = {}
            merged = map_chunks(
                postings.merge_partitions,
                postings.PARTITIONS,
                jobs,
                spill,
                out.path,
                len(docs),
                self.closed,
                self.parted,
                size=1,
            )
            for produced, written in merged:
                made.update(produced)
                out.written.extend(written)
        finally:
            shutil.rmtree(spill, ignore_errors=True)
        out.produced.update(made)
        return set(range(-(-len(docs) // fmt.META_BLOCK)))

    def _incremental(
        self,
        out: Folder,
        docs: list[Doc],
        old: list[tuple[str, str, str]],
        text_of: TextOf,
        segments: tuple[fmt.Segment, fmt.Segment],
        new_tail: bool,
    ) -> set[int]:
        """Only the tokens that edited and added documents gained or lost in the `segments`
        (with `new_tail`, the tail's every token, into empty shards); returns the meta blocks
        that hold a changed document."""
        work, chunk = self.state_path, postings.CHUNK
        anew = segments[1].first if new_tail else len(docs)  # from here on, in no shard yet
        changed = [
            i for i, doc in enumerate(docs) if i >= len(old) or old[i] != doc.key or i >= anew
        ]
        texts: dict[int, list[tuple[str, str, str]]] = {}

        def chunk_texts(block: int) -> list[tuple[str, str, str]]:
            if block not in texts:
                texts[block] = postings.load_texts(work / "texts" / f"{block}.pickle")
            return texts[block]

        gained: dict[fmt.Segment, dict[int, list[tuple[int, bool]]]] = {
            s: defaultdict(list) for s in segments
        }
        lost: dict[fmt.Segment, dict[int, list[int]]] = {s: defaultdict(list) for s in segments}
        for i in changed:
            stored = chunk_texts(i // chunk)
            was = postings.stored_tokens(stored, i, old[i][0]) if i < min(len(old), anew) else {}
            text = text_of(docs[i])
            now = postings.as_dict(*postings.token_pairs(docs[i].title, text))
            record = (docs[i].url, docs[i].title, text)
            if i % chunk > len(stored):
                raise fmt.FormatError(f"search state: a gap before {docs[i].url}")
            stored[i % chunk : i % chunk + 1] = [record]
            segment = segments[i >= segments[1].first]
            postings.note_changes(i - segment.first, was, now, gained[segment], lost[segment])
        for segment in segments:
            by_shard: dict[int, set[int]] = defaultdict(set)
            for token in gained[segment].keys() | lost[segment].keys():
                by_shard[segment.shard_of(token)].add(token)
            fresh = new_tail and segment is segments[1]
            postings.update_shards(out, segment, by_shard, gained[segment], lost[segment], fresh)
        for block, records in texts.items():
            write_atomically(work / "texts" / f"{block}.pickle", pickle.dumps(records))
        return {i // fmt.META_BLOCK for i in changed}


# --- the tables: metadata, facets, years, folding -------------------------------------------------


def _index_value(out: Folder, key: str) -> object:
    """A value of the index.json in the folder, or None."""
    data = out.read(fmt.INDEX)
    try:
        return json.loads(data).get(key) if data else None
    except (ValueError, AttributeError):
        return None


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_tables(
    out: Folder, docs: list[Doc], dirty: set[int], digest: str, segments: tuple[fmt.Segment, ...]
) -> None:
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
        out.put(fmt.meta_path(block), gzip.compress(_json(rows), mtime=0))
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
        "shard_bits": segments[0].bits,
        "tail": segments[1].first,
        "tail_bits": segments[1].bits,
        "meta_block": fmt.META_BLOCK,
        "facet_block": fmt.FACET_BLOCK,
        "years": years,
        "sources": sources,
        "categories": categories,
        "groups": listed,
        "fold": [[first, last] for first, last, _ in _fold_files()],
    }
    out.put(fmt.INDEX, _json(index))
    for first, _, pairs in _fold_files():
        out.put(fmt.fold_path(first), pairs)


@cache
def _fold_blocks() -> dict[int, list[str]]:
    """The folding pairs by block: under the Traditional character's and the Simplified's."""
    blocks: dict[int, list[str]] = defaultdict(list)
    for point, folded in sorted(simplified().items()):
        for block in sorted({point >> 8, ord(folded) >> 8}):
            blocks[block].append(chr(point) + folded)
    return dict(blocks)


@cache
def _fold_files() -> list[tuple[int, int, bytes]]:
    """The folding files: (first block, last block, their pairs), neighbouring blocks together
    while a file stays within FOLD_FILL bytes."""
    files: list[tuple[int, int, bytes]] = []
    for block, pairs in sorted(_fold_blocks().items()):
        data = "".join(pairs).encode("utf-8")
        if files and len(files[-1][2]) + len(data) <= fmt.FOLD_FILL:
            files[-1] = (files[-1][0], block, files[-1][2] + data)
        else:
            files.append((block, block, data))
    return files


def _files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
