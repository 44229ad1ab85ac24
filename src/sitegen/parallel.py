"""The parallel map, for the build and the search index alike: a function over chunks of items,
in as many processes as the caller says: this one, and the others forked.

Workers are forked, so what every chunk needs (`shared`: the cache, the views and the renderer,
the search index's documents) is inherited as it is, never pickled; only the chunks and their
results travel. How many processes is the caller's word alone: nothing here looks at threads or
cores.
"""

from __future__ import annotations

import gc
import os
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 64
PARALLEL_FROM = 200  # fewer items are done faster than processes start

_shared: tuple[Any, ...] = ()  # in a worker process only: what its chunks need, set once


def _receive(shared: tuple[Any, ...]) -> None:
    global _shared
    _shared = shared


def _run(func: Callable[..., R], chunk: list[Any]) -> R:
    return func(chunk, *_shared)


def jobs_for(count: int, jobs: int, least: int = PARALLEL_FROM) -> int:
    """The processes worth starting for `count` items: one (this) when fewer than `least`."""
    return jobs if count >= least else 1


def map_chunks(
    func: Callable[..., R], items: Sequence[T], jobs: int, *shared: Any, size: int = CHUNK
) -> Iterator[R]:
    """`func(chunk, *shared)` for consecutive chunks of `items`, results in order.

    With one job the chunks are single items done here (so progress moves item by item); else
    `size` items at a time over `jobs` processes: this one and `jobs - 1` forked. This one works
    too, for a forked worker copies each page of this one's memory it reads (an object's
    reference count is written when it is read): at 300,000 articles in parts, each render
    worker held ~450 MiB of its own, so one fewer worker is that much less at the peak.
    """
    if jobs <= 1:
        for item in items:
            yield func([item], *shared)
        return
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    from concurrent.futures import ProcessPoolExecutor  # imported here: a command without a
    from multiprocessing import get_context  # pool (check, a build with nothing to do) pays none

    with frozen():  # forked workers share the parent's objects: the collector must not copy them
        context = get_context("fork")
        with ProcessPoolExecutor(
            jobs - 1, mp_context=context, initializer=_receive, initargs=(shared,)
        ) as pool:
            yield from _beside(pool, 2 * (jobs - 1), func, chunks, shared)


def _beside(
    pool: ProcessPoolExecutor,
    ahead: int,
    func: Callable[..., R],
    chunks: list[list[Any]],
    shared: tuple[Any, ...],
) -> Iterator[R]:
    """Each chunk's result in order: the pool is given chunks so that `ahead` of them are
    queued or running there, and while the oldest is not done this process does the next
    chunk itself.

    Before its own chunk this process freezes what it holds, the results so far among it: the
    objects its chunk makes start collections, and each of the oldest generation would walk
    every result again (17 such at 40,000 articles, 4 with this process idle). The chunks make
    next to no garbage cycles (a few hundred objects a build), which the freeze would keep."""
    order: deque[Future[R] | tuple[R]] = deque()  # in the chunks' order: the pool's, or done here
    given = queued = 0
    while given < len(chunks) or order:
        while given < len(chunks) and queued < ahead:
            order.append(pool.submit(_run, func, chunks[given]))
            given, queued = given + 1, queued + 1
        first = order[0]
        if isinstance(first, Future) and not first.done() and given < len(chunks):
            gc.freeze()
            order.append((func(chunks[given], *shared),))
            given += 1
            continue
        order.popleft()
        if isinstance(first, tuple):
            yield first[0]
        else:
            queued -= 1
            yield first.result()


def apart(
    func: Callable[..., R], progress: Callable[[str, int, int], None] | None, *args: Any
) -> R:
    """`func(*args, progress)` in a forked child (`func(*args)` when `progress` is None), its
    progress told here as it goes, its result (or exception) sent back. What it leaves behind ends with it: freed objects' arenas that
    Python never gives back, half-empty pages a later fork would copy, its modules' memos. An
    archive's parts are built so, one after another, each from this process's heap alone: at
    300,000 articles in 4 parts the fourth peaked 215 MiB above its peak when built alone."""
    from multiprocessing import get_context

    context = get_context("fork")
    here, there = context.Pipe(duplex=False)
    child = context.Process(target=_apart, args=(there, func, args, progress is not None))
    with frozen():  # the child shares this process's objects: its collector must not copy them
        child.start()
    there.close()
    try:
        while True:
            try:
                said, value = here.recv()
            except EOFError:
                raise RuntimeError(f"a forked child died (exit code {child.exitcode})") from None
            if said == "progress" and progress is not None:
                progress(*value)
            elif said == "done":
                return value  # type: ignore[no-any-return]
            else:
                raise value
    finally:
        here.close()
        child.join()


def _apart(
    there: Connection, func: Callable[..., Any], args: tuple[Any, ...], telling: bool
) -> None:
    def told(stage: str, done: int, total: int) -> None:
        there.send(("progress", (stage, done, total)))

    try:
        there.send(("done", func(*args, told) if telling else func(*args)))
    except BaseException as exc:  # every failure crosses back, as raised
        try:
            there.send(("error", exc))
        except Exception:  # one that cannot be pickled: as its text
            there.send(("error", RuntimeError(traceback.format_exc())))
    finally:
        there.close()


_frozen_depth = 0


@contextmanager
def frozen() -> Iterator[None]:
    """The objects made so far left out of garbage collection until the outermost `frozen` ends
    (they are still freed when no longer referenced). A build freezes its articles and pages,
    which live to its end: otherwise each collection of the oldest generation walks all of them
    again, a sixth of a one-article build's time at 10,000 articles."""
    global _frozen_depth
    gc.freeze()
    _frozen_depth += 1
    try:
        yield
    finally:
        _frozen_depth -= 1
        if not _frozen_depth:
            gc.unfreeze()


@contextmanager
def uncollected() -> Iterator[None]:
    """No garbage collection while a build makes plain data that lives to its end (the stamp
    index's articles, every file's path, the site and its plan: no garbage cycles among them),
    then all of it frozen as `frozen` does: at 100,000 articles each collection of the oldest
    generation walks all made so far again, more than half of loading's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


class Background:
    """Writes done by a few threads of the process that asks for them, so that rendering goes on
    while the file system makes folders and files (on a busy disk each new file waits a
    millisecond or more: most of a cold build's writing time). Each process has its own threads
    (forked workers inherit none); `wait` returns once all are done, raising the first error."""

    THREADS = 4

    def __init__(self) -> None:
        self._pid = 0
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[bool]] = []

    def submit(self, job: Callable[[], bool]) -> None:
        if self._pool is None or self._pid != os.getpid():
            self._pid, self._pending = os.getpid(), []
            self._pool = ThreadPoolExecutor(self.THREADS)
        self._pending.append(self._pool.submit(job))

    def wait(self) -> list[bool]:
        """The jobs' results, in the order they were given."""
        pending, self._pending = self._pending, []
        return [job.result() for job in pending]
