"""[Article] → documents as records and the bodies that issue them. Pure.

A title and a number written together in any article (`Citation.number`) are one document: the
names joined are the connected parts of those pairs, so a later mention by either finds it. A
record holds what the articles say of it, each fact with the article that says it: who issued it
(from its number's prefix, its title's first words or the sentence citing it), its kind (the
title's ending), the dates given (印发, 发布, 施行) and each citing article's sentence. Its page is
at the URL its most cited title always had; the other names' pages lead there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen import authorities
from sitegen.collation import collation_key
from sitegen.documents import KINDS, TRAILER, number_year
from sitegen.models import Article

BY_NUMBER, BY_TITLE = -1, -2  # a fact the document's own number (its prefix) or title states


@dataclass(frozen=True)
class Fact:
    """A value an article (by index) states of a document, or its own number or title does."""

    value: str
    article: int


@dataclass(frozen=True)
class Record:
    """One document: the name its page is at, every name joined, the articles citing it
    (newest first) with the sentence each cites it in, and what they say of it."""

    name: str
    names: tuple[str, ...]
    articles: tuple[int, ...]
    sentences: tuple[str, ...]
    number: str = ""
    kind: str = ""
    year: int = 0
    issuers: tuple[Fact, ...] = ()
    dates: tuple[tuple[str, Fact], ...] = ()


@dataclass(frozen=True)
class Body:
    """An issuing body with what the archive holds of it: the articles naming it (newest
    first) and the documents it issued (indexes into the records, most cited first)."""

    name: str
    articles: tuple[int, ...]
    documents: tuple[int, ...]


def _components(articles: Sequence[Article]) -> dict[str, str]:
    """Each name → the root of its joined part (union-find over the title–number pairs)."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        parent.setdefault(name, name)
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for article in articles:
        for name in article.documents:
            root(name)
        for c in article.citations:
            if c.number:
                parent[root(c.number)] = root(c.name)
    return {name: root(name) for name in parent}


def kind_of(name: str) -> str:
    """A title's kind of document (通知, 意见, 办法…), from its ending; "" for a number."""
    stem = TRAILER.sub("", name).strip()
    return next((k for k in KINDS if stem.endswith(k)), "")


def _record(names: list[str], cites: dict[str, list[int]], said: dict[int, dict]) -> Record:
    """One joined part → its record: the most cited title names it (else the number)."""
    ranked = sorted(names, key=lambda n: (kind_of(n) == "", -len(cites[n]), collation_key(n)))
    numbers = [n for n in ranked if not kind_of(n)]
    members = sorted({i for n in names for i in cites[n]})
    sentences = tuple(next(said[i][n].sentence for n in ranked if n in said[i]) for i in members)
    issuers: dict[str, int] = {}
    for name in ranked:
        if name in numbers:
            owner = authorities.of_number(name)
            issuers.update({owner: BY_NUMBER} if owner and owner not in issuers else {})
        for body in () if name in numbers else authorities.of_title(name):
            issuers.setdefault(body, BY_TITLE)
    dates: dict[tuple[str, str], int] = {}
    for i in reversed(members):  # the earliest article saying it
        for name in ranked:
            if name in said[i]:
                for body in said[i][name].issuers:
                    issuers.setdefault(body, i)
                for label, day in said[i][name].dates:
                    dates.setdefault((label, day), i)
    year = next((number_year(n) for n in numbers), 0) or next(
        (int(day[:4]) for (label, day) in sorted(dates) if label in ("印发", "发布")), 0
    )
    return Record(
        name=ranked[0],
        names=tuple(ranked),
        articles=tuple(members),
        sentences=sentences,
        number=numbers[0] if numbers else "",
        kind=kind_of(ranked[0]),
        year=year,
        issuers=tuple(Fact(b, i) for b, i in issuers.items()),
        dates=tuple((label, Fact(day, i)) for (label, day), i in sorted(dates.items())),
    )


def records(articles: Sequence[Article]) -> tuple[Record, ...]:
    """Every document cited, most cited first (ties by name in pinyin order)."""
    part = _components(articles)
    cites: dict[str, list[int]] = defaultdict(list)
    said: dict[int, dict] = defaultdict(dict)
    for i, article in enumerate(articles):
        for name in article.documents:
            cites[name].append(i)
        said[i] = {c.name: c for c in article.citations}
    parts: dict[str, list[str]] = defaultdict(list)
    for name, root in part.items():
        parts[root].append(name)
    made = [_record(names, cites, said) for names in parts.values()]
    return tuple(sorted(made, key=lambda r: (-len(r.articles), collation_key(r.name))))


def bodies(articles: Sequence[Article], found: Sequence[Record]) -> tuple[Body, ...]:
    """Every body of the table that an article names or a document's record says issued
    something, in the table's order."""
    naming: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        for name in article.authorities:
            naming[name].append(i)
    issued: dict[str, list[int]] = defaultdict(list)
    for r, record in enumerate(found):
        for fact in record.issuers:
            issued[fact.value].append(r)
    return tuple(
        Body(a.name, tuple(naming[a.name]), tuple(issued[a.name]))
        for a in authorities.table()
        if a.name in naming or a.name in issued
    )
