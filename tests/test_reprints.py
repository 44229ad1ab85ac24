"""Reprints found by containment, digests linked and never merged: on trimmed reprints made from
the real corpus by benchmarks/reprints.py, on the labelled pairs, and on a real build."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import lxml.html

from sitegen import stories
from sitegen.content.clean import clean_body
from sitegen.content.load import load_data, read_file
from sitegen.pipeline import build

from .conftest import REPO, corpus_or_skip, make_config

STORIES = Path(__file__).parent / "fixtures" / "stories"
LABELS = STORIES / "labelled_pairs.tsv"
ORIGINAL = "财政部推动解决异常低价问题"


def reprints() -> ModuleType:
    """The generator and its evaluation (benchmarks/reprints.py)."""
    spec = importlib.util.spec_from_file_location("reprints", REPO / "benchmarks" / "reprints.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["reprints"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_trimmed_reprints_are_found_and_digests_are_linked_never_merged() -> None:
    corpus = corpus_or_skip()
    result = reprints().evaluate(corpus, count=200, digests=20)
    assert result.reprints == 200
    assert result.found >= 0.95 * result.reprints
    assert result.merged == 0
    assert result.quoted >= 0.75 * result.quotes  # a small share of a long digest may be missed


def test_the_labelled_pairs_keep_their_precision() -> None:
    corpus = corpus_or_skip()
    rows = [
        line.split("\t")
        for line in LABELS.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    paths = sorted({p for _, a, b in rows for p in (a, b)})
    articles = reprints().load(corpus, paths)
    names = sorted(articles, key=lambda k: (-articles[k].date.timestamp(), k))
    at = {name: i for i, name in enumerate(names)}
    found = stories.find(
        [articles[n].sketch for n in names],
        names,
        [articles[n].date.timestamp() for n in names],
        0,
    )
    joined = [(label, at[b] in found.copies[at[a]]) for label, a, b in rows]
    assert all(label == "copy" for label, same in joined if same)
    assert sum(same for _, same in joined) >= 90  # of 108 copies: 94 on the whole corpus


def _paragraphs(path: Path) -> list[str]:
    source = load_data(path, path.name, read_file(path))
    assert not isinstance(source, Exception)
    title = str(source.meta.get("title", ""))
    return [title, *clean_body(source.body, markdown=None, title=title).text.split("\n")]


def test_a_digest_links_each_article_it_quotes_and_is_not_their_story(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(STORIES / "content", content)
    shutil.copytree(STORIES / "digest", content / "digest")  # a 人民日报 article of like length
    quoted = [content / "people-daily" / "original.md", content / "digest" / "industry-layout.md"]
    body = "".join(f"<p>{p}</p>\n" for path in quoted for p in _paragraphs(path) if p)
    (content / "digest" / "digest.html").write_text(
        f"---\ntitle: 每日要闻汇编\ndate: 2026-02-01 20:00\ncategories: [新闻, 汇编]\n---\n{body}",
        encoding="utf-8",
    )
    assert not build(make_config(tmp_path)).errors
    output = tmp_path / "build"
    digest = lxml.html.fromstring(next(output.rglob("digest/index.html")).read_bytes())
    holds = digest.xpath("//p[@class='article-quotes'][span='全文收录：']/a/text()")
    # the original (its story's earliest copy: the reprint is one click on), and the other
    assert sorted(holds) == sorted([ORIGINAL, "02版 - 做好产业发展的短中长期布局（专家点评）"])
    assert not digest.xpath("//p[@class='article-also-in'][span='也见于：']")
    original = lxml.html.fromstring(next(output.rglob("original/index.html")).read_bytes())
    assert original.xpath("//p[span='全文收录于：']/a/text()") == ["每日要闻汇编"]
    assert original.xpath("//h1/text()") == [ORIGINAL]
    also = original.xpath("//p[span='也见于：']/a/@href")
    assert also and not [h for h in also if "/digest/" in h]  # the reprint, not the digest
