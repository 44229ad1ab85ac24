"""Pages → files: the one path from planned pages to the output, for every kind of build.

What is stale is decided once per page (`Place.keeps`: the output already holds the page with
this key), the stale pages are rendered once, over processes when there are many, and written
through the place's one writer. The cold build, the warm build and the dev server differ only in
the place: a staging twin checked against manifests, or the live folder checked against the keys
it was last written with.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sitegen.names import output_file
from sitegen.output import WriteStats
from sitegen.pages import Page, Plan
from sitegen.parallel import jobs_for, map_chunks
from sitegen.pipeline.report import Progress
from sitegen.render import render

if TYPE_CHECKING:
    from jinja2 import Environment


class Writer(Protocol):
    stats: WriteStats

    def write(self, relative: str, data: bytes) -> None: ...

    def flush(self) -> None:
        """Every write asked for is done, and counted in `stats`."""
        ...


class Place(Protocol):
    """Where pages go: what it already holds, and the writer for the rest."""

    @property
    def writer(self) -> Writer: ...

    def keeps(self, page: Page) -> bool:
        """Whether the output holds this page as it would be rendered now (and keeps it there)."""
        ...


@dataclass
class Emitted:
    """What emitting did: pages by kind, files written or unchanged, the pages rendered, and the
    processes that rendered them."""

    kinds: Counter[str] = field(default_factory=Counter)
    written: int = 0
    unchanged: int = 0
    rendered: list[Page] = field(default_factory=list)
    workers: set[int] = field(default_factory=set)

    def add(self, other: Emitted) -> None:
        self.kinds.update(other.kinds)
        self.written += other.written
        self.unchanged += other.unchanged
        self.workers |= other.workers


def _render_chunk(pages: list[Page], plan: Plan, env: Environment, writer: Writer) -> Emitted:
    """Render and write some pages (in a worker or here); the counts travel back, not the bytes."""
    result = Emitted(workers={os.getpid()})
    before = (writer.stats.written, writer.stats.unchanged)
    for page in pages:
        data = render(env, page, plan.context(page))
        writer.write(output_file(page.url), data)
        result.kinds[page.kind] += 1
    writer.flush()
    result.written = writer.stats.written - before[0]
    result.unchanged = writer.stats.unchanged - before[1]
    writer.stats.written, writer.stats.unchanged = before
    return result


def emit(
    plan: Plan,
    place: Place,
    env: Environment,
    *,
    jobs: int,
    progress: Progress,
) -> Emitted:
    """Every page of the plan into `place`: kept where it is current, else rendered and written.
    The stale pages travel to the workers; the plan's views are inherited."""
    result = Emitted()
    for page in plan.pages:
        if place.keeps(page):
            result.kinds[page.kind] += 1
        else:
            result.rendered.append(page)
    fresh = result.rendered
    done = 0
    jobs = jobs_for(len(fresh), jobs)
    for chunk in map_chunks(_render_chunk, fresh, jobs, plan, env, place.writer):
        result.add(chunk)
        done += chunk.kinds.total()
        progress("render", done, len(fresh))
    place.writer.stats.written += result.written
    place.writer.stats.unchanged += result.unchanged
    return result
