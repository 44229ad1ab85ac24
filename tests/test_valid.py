"""Valid and accessible pages: the W3C Nu checker and axe-core over a built site of real articles.

The site is a few articles from every source whose scraped markup gave trouble (headings that skip
levels, image-only links, `dl` without `dd`, `pre` in `pre`), built and served as it will be
published. vnu-jar and axe-core come from npm (`package.json`, installed by `make test`), Java from
Debian (`.ci/run` installs default-jre-headless).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from playwright.sync_api import Browser, Route

from sitegen.serve import DevServer

from .conftest import FIXTURES, REPO, SEEDS, corpus_or_skip
from .sitecheck import html_files

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# The sources named in issue #14, and what makes an article show its trouble best.
SOURCES = (
    "央视新闻",
    "腾讯科技",
    "差评X.PIN",
    "极客公园",
    "IT之家",
    "爱范儿",
    "华尔街见闻",
    "地球知识局",
    "机核",
    "光明日报",
    "少数派",
    "财新周刊",
    "新智元",
    "BBC中文",
    "新闻联播",
)
PER_SOURCE = 3
TROUBLE = ("<pre", "<dl", "<h3", "<h4", "<h5", 'alt=""')


@dataclass(frozen=True)
class Site:
    url: str
    output: Path


def chosen_articles(corpus: Path) -> list[Path]:
    """Per source, the first articles (by name) whose markup has the known trouble, then others."""
    chosen = []
    for source in SOURCES:
        paths = sorted(corpus.rglob(f"*/{source}/**/*.md"))
        troubled = [p for p in paths if any(m in p.read_text(encoding="utf-8") for m in TROUBLE)]
        chosen += (troubled + [p for p in paths if p not in troubled])[:PER_SOURCE]
    return chosen


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    corpus = corpus_or_skip()
    root = tmp_path_factory.mktemp("valid")
    shutil.copytree(SEEDS, root / "content")
    # a document written with its number: a record's page, a body's page, the number's old page
    shutil.copytree(FIXTURES / "documents" / "cites", root / "content" / "cites")
    for path in chosen_articles(corpus):
        target = root / "content" / "real" / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    (root / "site.toml").write_text(
        'title = "政策新闻档案"\nbase_url = "https://user.github.io/archive/"\nper_page = 10\n',
        encoding="utf-8",
    )
    server = DevServer(root / "site.toml", port=0, watch=False)
    server.start()
    try:
        yield Site(server.url, server.output)
    finally:
        server.stop()


def page_kinds(output: Path) -> dict[str, Path]:
    """The first page (by path) of every page kind, told apart by the kind class on <body>."""
    kinds: dict[str, Path] = {}
    for path in html_files(output):
        body = lxml.html.fromstring(path.read_bytes()).find("body")
        kind = " ".join(sorted((body.get("class") or "").split())) if body is not None else ""
        kinds.setdefault(kind, path)
    return kinds


def test_every_page_is_valid_html(site: Site) -> None:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (Debian: apt-get install default-jre-headless)")
    if not VNU.exists():
        pytest.skip(f"vnu-jar is not installed ({VNU}): run `npm ci` (make test does)")
    pages = [str(p) for p in html_files(site.output)]
    assert len(pages) > 50
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(run.stderr)["messages"]
    errors = [
        f"{unquote(m['url']).removeprefix(site.output.as_uri())}:{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert not errors, f"{len(errors)} errors, e.g.:\n" + "\n".join(errors[:30])


def _block_the_internet(origin: str) -> Callable[[Route], None]:
    def handle(route: Route) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            route.abort()  # hot-linked images and the like: the tests run offline

    return handle


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page_kind(browser: Browser, site: Site, scheme: str) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `npm ci` (make test does)")
    kinds = page_kinds(site.output)
    assert {"page page-article", "page page-404", "page page-search"} <= kinds.keys()
    origin = re.match(r"https?://[^/]+", site.url)
    assert origin
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    context.route("**/*", _block_the_internet(origin.group()))
    page = context.new_page()
    found: Counter[str] = Counter()
    examples = []
    try:
        for kind, path in sorted(kinds.items()):
            # leaves at once: Nu checks it, axe its target (a redirect; an alias page, no class)
            if kind in ("page page-redirect", ""):
                continue
            relative = path.relative_to(site.output).as_posix().removesuffix("index.html")
            page.goto(site.url + relative)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => [v.id, v.nodes.length, v.nodes[0].target.join(' ')])"
            )
            for rule, count, target in violations:
                found[rule] += count
                examples.append(f"{kind} ({relative}): {rule} ×{count}, e.g. {target}")
    finally:
        context.close()
    assert not found, f"{dict(found)}\n" + "\n".join(examples)
