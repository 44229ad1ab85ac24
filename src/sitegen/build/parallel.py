"""The parallel map: a function over chunks of items, in as many processes as the caller says.

Workers are forked, so what every chunk needs (`shared`: the cache, the pages and their renderer)
is inherited as it is, never pickled; only the chunks travel. How many processes is the caller's
word alone: nothing here looks at threads or cores.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

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


def map_chunks(func: Callable[..., R], items: Sequence[T], jobs: int, *shared: Any) -> Iterator[R]:
    """`func(chunk, *shared)` for consecutive chunks of `items`, results in order.

    With one job, or too few items to pay for processes, the chunks are single items done here
    (so progress moves item by item); else CHUNK items at a time over `jobs` forked processes.
    """
    if jobs <= 1 or len(items) < PARALLEL_FROM:
        for item in items:
            yield func([item], *shared)
        return
    chunks = [list(items[i : i + CHUNK]) for i in range(0, len(items), CHUNK)]
    gc.freeze()  # forked workers share the parent's objects: the collector must not copy them
    try:
        context = get_context("fork")
        with ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_receive, initargs=(shared,)
        ) as pool:
            yield from pool.map(_run, [func] * len(chunks), chunks)
    finally:
        gc.unfreeze()
