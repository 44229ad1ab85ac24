"""The cache and the Bodies store on plain values, and a cache entry lost in mid-build."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
from click.testing import CliRunner

from sitegen.cache import CACHE_DIR, ArticleCache, Bodies
from sitegen.cli import main
from sitegen.models import Article

from .conftest import REPO, SEEDS
from .sitecheck import tree_digest


def article(body: str, name: str = "a.md") -> Article:
    return Article(
        id=name,
        title="标题",
        date=datetime(2024, 3, 1, tzinfo=UTC),
        updated=None,
        categories=(("新闻",),),
        tags=(),
        author="",
        source="",
        editor="",
        original_title="",
        image="",
        body_html=body,
        summary="摘要",
        slug="a",
        source_path=name,
        draft=False,
        image_in_body=False,
        explicit_slug=False,
        digest=f"digest-of-{name}",
        text=lxml.html.fromstring(body).text_content() if body else "",
    )


def test_with_a_cache_the_body_stays_in_its_entry_until_asked_for(tmp_path: Path) -> None:
    """The body and its text are one artifact: stored together, asked for apart (render, search)."""
    cache = ArticleCache(tmp_path / CACHE_DIR, "Asia/Shanghai")
    stored = cache.put(cache.key("digest-of-a.md"), article("<p>正文</p>"))
    assert (stored.body_html, stored.text) == ("", "")
    assert cache.get(cache.key("digest-of-a.md")) == stored
    bodies = Bodies(cache)
    taken = bodies.take(stored)
    assert (taken.body_html, taken.text) == ("", "")
    assert (bodies.of(taken), bodies.text(taken)) == ("<p>正文</p>", "正文")


def test_without_a_cache_the_store_keeps_the_bodies_itself(tmp_path: Path) -> None:
    bodies = Bodies(ArticleCache(None, "Asia/Shanghai"))
    taken = bodies.take(article("<p>正文</p>"))
    empty = bodies.take(article("", "b.md"))
    assert (taken.body_html, taken.text, empty.body_html) == ("", "", "")
    assert (bodies.of(taken), bodies.of(empty)) == ("<p>正文</p>", "")
    assert (bodies.text(taken), bodies.text(empty)) == ("正文", "")
    assert not (tmp_path / CACHE_DIR).exists()


def test_a_damaged_entry_is_a_miss_and_removed(tmp_path: Path) -> None:
    cache = ArticleCache(tmp_path / CACHE_DIR, "Asia/Shanghai")
    key = cache.key("digest-of-a.md")
    cache.put(key, article("<p>正文</p>"))
    cache.flush()  # entries are written by a thread: on disk once flushed
    [entry] = (tmp_path / CACHE_DIR / "articles").rglob(key)
    entry.write_bytes(b"sitegen-article-cache-2\n" + b"not a pickle")
    assert cache.get(key) is None
    assert not entry.exists()


def test_a_cache_entry_lost_during_a_build_is_a_clear_message(tmp_path: Path) -> None:
    """The stamp index still knows the articles, their entries (and bodies) are gone: each page
    that needs a body says which file and what to do, and the last output stays."""
    shutil.copytree(SEEDS, tmp_path / "content")
    shutil.copy(REPO / "site.toml", tmp_path / "site.toml")
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--config", str(tmp_path / "site.toml")])
    assert first.exit_code == 0, first.output
    before = tree_digest(tmp_path / "build")
    shutil.rmtree(tmp_path / CACHE_DIR / "articles")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "site.toml")])
    assert result.exit_code == 1
    assert "cached body vanished" in result.output
    assert "build again" in result.output
    assert "000_f847cc9c3667cd96.txt:1:" in result.output
    assert "Traceback" not in result.output
    assert tree_digest(tmp_path / "build") == before
    again = runner.invoke(main, ["build", "--config", str(tmp_path / "site.toml")])
    assert again.exit_code == 0, again.output
