"""The order of a story's copies, and so its lead: the copy the lists, the feeds and search show,
whose URL is the story's feed entry id. The earliest copy leads (ties: by path), except that a
copy the record (urls.txt) already has comes before one arriving now: a published lead stays
the lead whatever order the files come in. A copy placed so against its date keeps that place in
later builds, also from scratch, by a mark on its line of the record (`after=N`, read here as its
rank); a story whose copies came in date order needs none, so most records never carry one. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

NEW = 1 << 30
"""The rank of an article the record has no line of: after every copy published before it."""


def afters(copies: Sequence[tuple[int, ...]], ranks: Sequence[int]) -> tuple[int, ...]:
    """Per article (indexes newest first, ties by path, as `copies` holds them in the order
    `ranks` gave): the mark its line of the record gets, the least that sorting by (mark, date,
    path) orders its story as now. An article without a copy keeps the rank it had (not NEW):
    its place is its story's again when its copies come back."""
    marks = [0 if rank == NEW else rank for rank in ranks]
    for i, story in enumerate(copies):
        if story and story[0] == i:
            mark = 0
            for before, j in pairwise(story):
                mark += j > before  # j's date (or path) would put it before: a mark more
                marks[j] = mark
            marks[i] = 0
    return tuple(marks)
