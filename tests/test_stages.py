"""Each stage on plain values, without a build around it: index, plan, render, output, emit."""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.models import Article
from sitegen.names import UnsafePath
from sitegen.output import InPlace, Staging, static_listing
from sitegen.pages import plan
from sitegen.pipeline.emit import emit
from sitegen.pipeline.report import quiet
from sitegen.render import TemplateProblem, make_environment, render
from sitegen.site import index

from .conftest import make_config
from .test_urls import ARTICLE


def article(name: str, day: int, categories: tuple[tuple[str, ...], ...] = ()) -> Article:
    return replace(
        ARTICLE,
        id=name,
        source_path=name,
        slug=name.removesuffix(".md"),
        title=f"标题{day}",
        date=datetime(2024, 3, day, 8, 0, tzinfo=UTC),
        categories=categories,
        digest=f"digest-{name}",
    )


ARTICLES = [
    article("a.md", 1, (("新闻", "国内"),)),
    article("b.md", 3, (("新闻",),)),
    article("c.md", 2, (("财经",),)),
]


def test_index_orders_newest_first_and_builds_tree_months_and_related(tmp_path: Path) -> None:
    site = index(list(ARTICLES), make_config(tmp_path), related=5)
    assert [a.id for a in site.articles] == ["b.md", "c.md", "a.md"]
    assert site.urls == ("/2024/03/b/", "/2024/03/c/", "/2024/03/a/")
    assert [node.path for node in site.walk()] == [("财经",), ("新闻",), ("新闻", "国内")]
    assert site.walk()[1].articles == (0, 2)
    assert [(m.year, m.month, m.articles) for m in site.months] == [(2024, 3, (0, 1, 2))]
    assert site.related[0] == (2,), "b's deepest category 新闻 also holds a"


def test_index_finds_the_sources_whose_list_is_a_category_leafs(tmp_path: Path) -> None:
    """A feed filed as its own leaf lists what its source lists (the source's pages alias the
    leaf's, found once when the site is indexed); a source named unlike its leaf does not."""
    own = ("科技", "腾讯科技", "腾讯科技")
    articles = [
        article("a.md", 1, (own,)),
        article("b.md", 2, (own,)),
        replace(article("c.md", 3, (("财经", "要闻", "快讯"),)), source="新浪财经"),
    ]
    site = index(articles, make_config(tmp_path))
    assert {g.name: g.articles for g in site.groups["sources"]} == {
        "腾讯科技": (1, 2),
        "新浪财经": (0,),
    }
    assert site.alike == {"腾讯科技": own}, "新浪财经 lists 快讯's articles but is not named so"


def test_plan_gives_each_page_one_url_and_keys_that_follow_content(tmp_path: Path) -> None:
    config = make_config(tmp_path, search={"enabled": False})
    pages = plan(index(list(ARTICLES), config), config, body_of=lambda a: "<p>正文</p>").pages
    urls = [page.url for page in pages]
    assert len(urls) == len(set(urls))
    assert {"/", "/atom.xml", "/404.html", "/sitemap.xml", "/robots.txt"} <= set(urls)
    assert "/search/" not in urls
    edited = [replace(ARTICLES[0], digest="edited"), *ARTICLES[1:]]
    again = plan(index(edited, config), config, body_of=lambda a: "<p>正文</p>").pages
    changed = {p.url for p, q in zip(pages, again, strict=True) if p.key != q.key}
    assert "/2024/03/a/" in changed and "/" in changed
    assert "/categories/财经/" not in changed, "a page that does not list a keeps its key"


def test_pages_are_plain_data_that_render_the_same_after_a_trip_through_pickle(
    tmp_path: Path,
) -> None:
    """What a render worker receives: a page as bytes, its template data made there."""
    config = make_config(tmp_path)
    planned = plan(index(list(ARTICLES), config), config, body_of=lambda a: "<p>正文</p>")
    env = make_environment(config)
    families = {"article", "list", "feed", "sitemap", "ready", "data"}
    assert {p.family for p in planned.pages} == families
    for page in planned.pages:
        travelled = pickle.loads(pickle.dumps(page))
        assert travelled == page
        assert render(env, travelled, planned.context(travelled)) == render(
            env, page, planned.context(page)
        )


def test_render_fills_a_template_and_locates_its_errors(tmp_path: Path) -> None:
    config = make_config(tmp_path, search={"enabled": False})
    planned = plan(index(list(ARTICLES), config), config, body_of=lambda a: "<p>正文一</p>")
    page = next(p for p in planned.pages if p.url == "/2024/03/a/")
    html = render(make_environment(config), page, planned.context(page)).decode()
    assert "<p>正文一</p>" in html and "标题1" in html
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text("{{ nothing.here }}", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        render(make_environment(config), page, planned.context(page))
    assert caught.value.where.endswith("article.html:1")


def test_in_place_writes_skip_same_bytes_and_removal_prunes_empty_folders(tmp_path: Path) -> None:
    place = InPlace(tmp_path)
    place.write("a/b/index.html", b"one")
    place.write("a/b/index.html", b"one")
    assert (place.stats.written, place.stats.unchanged) == (1, 1)
    place.remove("a/b/index.html")
    assert not (tmp_path / "a").exists()
    with pytest.raises(UnsafePath):
        place.write("../outside.html", b"x")


def test_staging_replaces_the_output_only_on_commit(tmp_path: Path) -> None:
    output = tmp_path / "build"
    output.mkdir()
    (output / "old.html").write_bytes(b"old")
    staging = Staging(output, trusted=False)
    staging.write("new.html", b"new")
    assert (output / "old.html").exists() and not (output / "new.html").exists()
    staging.commit()
    assert (output / "new.html").read_bytes() == b"new"
    assert not (output / "old.html").exists()


def test_static_folders_are_listed_once_and_copied_from_that_list(tmp_path: Path) -> None:
    """The theme's folder, then the site's own (which wins); dot-files are neither listed nor copied."""
    theme, own = tmp_path / "theme", tmp_path / "own"
    for folder, text in ((theme, "theme"), (own, "own")):
        (folder / "css").mkdir(parents=True)
        (folder / "css" / "a.css").write_text(text, encoding="utf-8")
    (theme / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (own / ".draft.css").write_text("hidden", encoding="utf-8")
    statics = static_listing([theme, own])
    assert statics.folders == ((theme, ("css/a.css", "logo.svg")), (own, ("css/a.css",)))
    assert statics.files == {"css/a.css", "logo.svg"}
    output = tmp_path / "build"
    staging = Staging(output, trusted=False)
    for folder, files in statics.folders:
        staging.copy_tree(folder, files)
    staging.commit()
    assert (output / "css" / "a.css").read_text(encoding="utf-8") == "own"
    assert (output / "logo.svg").is_file() and not (output / ".draft.css").exists()


class Keys:
    """A place that holds the pages whose keys it was given (the dev server's kind of place)."""

    def __init__(self, folder: InPlace, keys: dict[str, str]) -> None:
        self.writer = folder
        self.keys = keys

    def keeps(self, page: object) -> bool:
        return self.keys.get(page.url) == page.key  # type: ignore[attr-defined]


@pytest.mark.parametrize("jobs", [1, 2])
def test_emit_renders_only_pages_whose_key_the_place_lacks(tmp_path: Path, jobs: int) -> None:
    config = make_config(tmp_path, search={"enabled": False})
    planned = plan(index(list(ARTICLES), config), config, body_of=lambda a: "<p>正文</p>")
    pages = planned.pages
    held = {p.url: p.key for p in pages if p.kind != "article"}
    (tmp_path / "out").mkdir()
    place = Keys(InPlace(tmp_path / "out"), held)
    emitted = emit(planned, place, make_environment(config), jobs=jobs, progress=quiet)
    assert {p.url for p in emitted.rendered} == {p.url for p in pages} - held.keys()
    assert emitted.kinds["article"] == 3 and emitted.kinds.total() == len(pages)
    assert emitted.workers == {os.getpid()}, "three pages are not worth a process"
    assert (tmp_path / "out" / "2024/03/a/index.html").is_file()
    assert not (tmp_path / "out" / "index.html").exists(), "the home page was held: not written"
