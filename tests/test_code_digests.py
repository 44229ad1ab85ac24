"""Each code digest hashes every module its stage runs.

A cached article, a page kept by its key and the search index's state are each trusted while their
code digest is unchanged, so a module that shapes them and is left out of its digest serves stale
output after it is edited. Each stage runs here in a fresh Python process on real files, and every
module of sitegen that process loaded must be in the stage's closure (sitegen.code).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import code

from .conftest import SEEDS, TESTS

LOADED = """
import json, sys, tempfile
from pathlib import Path
import sitegen

PACKAGE = Path(sitegen.__file__).parent
opened = set()

def note(event, args):
    if event == "open" and isinstance(args[0], (str, Path)):
        path = Path(args[0])
        if path.is_relative_to(PACKAGE) and path.suffix not in (".py", ".pyc"):
            opened.add(path.relative_to(PACKAGE).as_posix())

sys.addaudithook(note)

def loaded():
    return {m for m in sys.modules if m.split(".")[0] == "sitegen"} | {f"file:{p}" for p in opened}
"""
ARTICLES = """
from zoneinfo import ZoneInfo
from sitegen.content.load import load_data, read_file
from sitegen.content.normalize import normalize
from sitegen.errors import ContentError
from sitegen.models import Source

articles = []
for path in sorted(Path(sys.argv[1]).glob("*/*")):
    try:
        source = load_data(path, path.name, read_file(path))
        if isinstance(source, Source):
            articles.append(normalize(source, ZoneInfo("Asia/Shanghai")))
    except ContentError:  # the fixtures of bad files: their errors' code runs too
        pass
assert len(articles) > 5
"""
SITE = """
from sitegen.config import parse_config
from sitegen.site import index
config = parse_config({"base_url": "https://example.org/archive/"}, Path(tempfile.mkdtemp()))
site = index(articles, config)
"""
PAGES = """
from sitegen.pages import plan
from sitegen.render import make_environment, render
planned = plan(site, config, body_of=lambda article: article.body_html)
env = make_environment(config)
for page in planned.pages:
    render(env, page, planned.context(page))
"""
SEARCH = """
from sitegen.search.extract import doc_of, text_of
from sitegen.search.writer import SearchIndex
records = zip(site.articles, site.urls, site.source_of)
docs = [doc_of(a, url, source, config.tz) for a, url, source in records]
texts = {doc.url: text_of(a, a.text) for doc, a in zip(docs, site.articles)}
SearchIndex(Path(tempfile.mkdtemp())).update(Path(tempfile.mkdtemp()), docs, lambda d: texts[d.url])
"""
# Each stage: what is given to it (run first, its modules not counted), what it runs.
STAGES = {
    "articles": ("", ARTICLES, code.ARTICLES),
    "pages": ("", ARTICLES + SITE + PAGES, code.PAGES),
    "search": (ARTICLES + SITE, SEARCH, code.SEARCH),
}


def modules_run(given: str, stage: str, content: Path) -> set[str]:
    """The modules of sitegen a fresh process loads to run `stage` (after `given` ran), and the
    files of its package it opens (`file:data/…`; the theme's templates are the page digest's
    own part, sitegen.render.rendering_digest)."""
    script = (
        f"{LOADED}{given}\nbefore = loaded()\n{stage}\nprint(json.dumps(sorted(loaded() - before)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(content)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Articles of every shape: the crawler's raw HTML, Markdown transcripts, cited documents."""
    folder = tmp_path_factory.mktemp("content")
    files = [
        *SEEDS.iterdir(),
        *(TESTS / "fixtures" / "documents" / "cites").iterdir(),
        *(TESTS / "fixtures" / "load").iterdir(),
    ]
    for number, path in enumerate(sorted(files)):
        (folder / f"{number:03}").mkdir()
        (folder / f"{number:03}" / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_module_a_stage_runs_is_in_its_digest(stage: str, content: Path) -> None:
    given, run, roots = STAGES[stage]
    ran = modules_run(given, run, content)
    assert {"sitegen.models", "sitegen.errors"} <= ran or stage == "search"
    hashed = {*code.closure(roots), *(f"file:{name}" for name in code.data(roots))}
    missing = {name for name in ran - hashed if not name.startswith("file:theme/")}
    assert not missing, f"the {stage} digest leaves out {sorted(missing)}: edits to them go stale"


def test_the_page_digest_hashes_no_server_deploy_or_scaffold() -> None:
    """Serving, deploying and making a new site shape no page: editing them re-renders nothing."""
    pages = set(code.closure(code.PAGES))
    assert not pages & {"sitegen.serve", "sitegen.served", "sitegen.deploy", "sitegen.scaffold"}
    assert {"sitegen.urls", "sitegen.folding", "sitegen.site"} <= pages


def test_normalizing_loads_none_of_search_but_its_folding() -> None:
    """stories.py folds text as search does; the folding is a leaf, so a normalize worker
    loads neither the index writer nor the output writer nor the cache."""
    articles = set(code.closure(code.ARTICLES))
    assert "sitegen.folding" in articles
    assert not {m for m in articles if m.startswith("sitegen.search")} - {"sitegen.search"}
    assert not articles & {"sitegen.output", "sitegen.cache", "sitegen.parallel"}


def test_a_digest_follows_each_module_by_name_not_by_place(tmp_path: Path) -> None:
    """Every module of the closure is hashed by its name and bytes, so a checkout elsewhere (a CI
    runner restoring the cache) keeps its pages, and a change to any of them is a new digest."""
    script = (
        "import sys; from sitegen import code; print(code.digest(code.ARTICLES))"
        "; code.ROOT = __import__('pathlib').Path(sys.argv[1]); code.digest.cache_clear()"
        "; code._imported.cache_clear(); code._modules.cache_clear(); code._source.cache_clear()"
        "; print(code.digest(code.ARTICLES))"
    )
    copy = tmp_path / "sitegen"
    subprocess.run(["cp", "-r", str(Path(code.__file__).parent), str(copy)], check=True)
    (copy / "names.py").write_text((copy / "names.py").read_text() + "\n# edited\n")
    here, edited = subprocess.run(
        [sys.executable, "-c", script, str(copy)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert here != edited
    (copy / "names.py").write_bytes((Path(code.__file__).parent / "names.py").read_bytes())
    _, moved = subprocess.run(
        [sys.executable, "-c", script, str(copy)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert moved == here


def test_imports_are_read_at_any_depth_but_not_for_the_type_checker(tmp_path: Path) -> None:
    """Only import lines are parsed: one in a function, a name list over several lines and an
    `else:` of a TYPE_CHECKING block count; the block itself and a docstring's prose do not."""
    package = tmp_path / "sitegen"
    package.mkdir()
    for name in ("__init__", "a", "b", "c", "d", "e"):
        (package / f"{name}.py").write_text("")
    (package / "m.py").write_text(
        '"""Prose:\nimport the tables, then read them."""\n'
        "from typing import TYPE_CHECKING\n\nfrom sitegen import (\n    a,  # first\n    b,\n)\n"
        "if TYPE_CHECKING:\n    from sitegen import c\n\n    import sitegen.c\nelse:\n"
        "    import sitegen.d\n\n\ndef run() -> None:\n    from . import e  # here: only run\n"
    )
    script = (
        "import sys, pathlib; from sitegen import code; code.ROOT = pathlib.Path(sys.argv[1])"
        "; print(' '.join(sorted(code._imported('sitegen.m'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script, str(package)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["sitegen", "sitegen.a", "sitegen.b", "sitegen.d", "sitegen.e"]
