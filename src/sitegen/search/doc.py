"""Doc: what the index holds of one article, shared by the writer and its postings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Doc:
    """What the index holds of one article but its text, which `update` asks for only when
    `text_key` changed (so a warm build reads no article bodies)."""

    url: str  # site-relative, as the build knows it
    title: str
    date: datetime  # orders the ids
    day: str  # shown: 2022-03-14
    year: int
    source: str  # as the site names it (sitegen.kinds.source_name)
    categories: tuple[str, ...]  # every level of every trail, the first trail first: "金融"…
    text_key: str  # changes whenever the text may (the content file and the code that reads it)

    @property
    def key(self) -> tuple[str, str, str]:
        """Equal when the index holds the same of it: everything else comes from the content file
        (text_key) as extract.py reads it, but for the day (the time zone)."""
        return self.url, self.text_key, self.day


TextOf = Callable[[Doc], str]
