"""Many copies of one story cost what as many distinct articles cost (issue 28).

A crawler that stores one item again and again makes stories of hundreds of copies. Each copy's card
and page name a few of the others and count the rest, and a page's key digests its story, not a list
of every copy: so the cards, links and key material a build makes grow with the articles, not with
the square of a story's copies. Counted on what the templates receive, without timing anything.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from sitegen.cache import ArticleCache
from sitegen.models import Article
from sitegen.pages import plan
from sitegen.pipeline.articles import normalize_all
from sitegen.site import Site, index
from sitegen.views import Card, Link

from .conftest import REPO, make_config

SIZE = 300


def bench_module(name: str) -> object:
    """A module of benchmarks/ (the bench's corpus and its near-copies), imported as they import."""
    folder = str(REPO / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Site, Counter[str]]]:
    """The near-copies and the distinct archive, each indexed and planned as a build does, with
    what its pages' template data hold."""
    made = {}
    for name, write in (
        ("copies", bench_module("copies").write_copies),  # type: ignore[attr-defined]
        ("distinct", bench_module("corpus").write),  # type: ignore[attr-defined]
    ):
        root = tmp_path_factory.mktemp(name)
        write(SIZE, root / "content")
        config = make_config(root, search={"enabled": False})
        outcomes = normalize_all(config, 2, ArticleCache(None, config.timezone))
        site = index([o for _, o in outcomes if isinstance(o, Article)], config)
        planned = plan(site, config)
        counts: Counter[str] = Counter()
        for page in planned.pages:
            counts["keys"] += 1
            counts["key bytes"] += len(repr(page.key))
            walk(planned.context(page), counts)
        views = planned.views
        counts["token bytes"] = sum(len(repr(views.token(i))) for i in range(len(site.articles)))
        made[name] = (site, counts)
    return made


def walk(value: object, counts: Counter[str]) -> None:
    """Count the cards and links in a page's template data (dataclasses, tuples, lists, dicts)."""
    if isinstance(value, Card | Link):
        counts[type(value).__name__] += 1
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            walk(getattr(value, field.name), counts)
    elif isinstance(value, dict):
        for item in value.values():
            walk(item, counts)
    elif isinstance(value, tuple | list):
        for item in value:
            walk(item, counts)


def test_the_near_copies_are_two_stories_of_many_copies(
    archives: dict[str, tuple[Site, Counter[str]]],
) -> None:
    site, _ = archives["copies"]
    assert len(site.articles) == SIZE
    assert len(site.leads) == 2
    assert sorted(len(story) for story in {id(s): s for s in site.copies}.values()) == [150, 150]


def test_copies_make_no_more_cards_links_and_key_material_than_distinct_articles(
    archives: dict[str, tuple[Site, Counter[str]]],
) -> None:
    _, copies = archives["copies"]
    _, distinct = archives["distinct"]
    for what in ("keys", "Card", "Link", "key bytes", "token bytes"):
        assert copies[what] <= 1.5 * distinct[what], (what, copies[what], distinct[what])


def test_a_copy_names_a_few_of_the_others_and_counts_the_rest(
    archives: dict[str, tuple[Site, Counter[str]]], tmp_path: Path
) -> None:
    site, _ = archives["copies"]
    config = make_config(tmp_path, search={"enabled": False})
    views = plan(site, config).views
    for i in (0, len(site.articles) // 2, len(site.articles) - 1):
        card = views.card(i)
        assert 0 < len(card.also_in) <= 3
        assert len(card.also_in) + card.also_more == len(site.copies[i]) - 1
        assert card.href not in {link.href for link in card.also_in}
