"""`make bench-parts`: an archive of real-shaped articles built as parts (issue 27), and one search
across the parts in a throttled Chromium.

The articles are bench.py's (real_corpus.py, the same files for the same size); their five years
are declared as `--parts` spans of equal length, each part a site at its own path of one origin
(project sites of one GitHub account), served by a local HTTP server as Pages would serve them.

- cold build (from what `sitegen clean` leaves), a build with nothing changed, and a build after
  one article of the newest part edited (then put back): wall and user CPU seconds, the peak
  memory of all build processes together (sum of PSS, sampled), and per part its articles, files,
  tar bytes (as the Pages upload counts them), its own seconds and whether it had anything to do;
- three queries (a common pair of characters, a rare name, a phrase), each in a fresh browser
  context (cold cache) with the network throttled to 10 Mbit/s and 40 ms latency (Chrome
  DevTools Protocol Network.emulateNetworkConditions): the time from opening the search page to
  the first results, and the bytes downloaded until then and in all (the local server sends no
  gzip: Pages would compress the HTML, JSON and scripts).

    python benchmarks/parts_bench.py [--size 300000] [--parts 3] [--work benchmarks/work]
                                     [--no-queries | --queries-only] [--port 8427]

`make bench-parts` runs it (BENCH_SIZE, default 300000); the results go to
benchmarks/results/parts-SIZE-STAMP.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, unquote, urlsplit

import bench
import real_corpus
from sitegen.config import load_config
from sitegen.size import measure

HERE = Path(__file__).resolve().parent
THROTTLE = {  # Network.emulateNetworkConditions: 10 Mbit/s both ways, 40 ms latency
    "offline": False,
    "latency": 40,
    "downloadThroughput": 10_000_000 / 8,
    "uploadThroughput": 10_000_000 / 8,
}
QUERIES = {"common pair": "发展", "rare name": "刁筠寿", "phrase": "推动高质量发展"}


@dataclass
class PartResult:
    name: str
    articles: int = 0
    files: int = 0
    tar_bytes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # scenario → the part's own build
    planned: dict[str, bool] = field(default_factory=dict)  # scenario → had something to do


@dataclass
class Result:
    articles: int
    spans: list[tuple[str | None, str | None]]
    builds: dict[str, dict[str, float]] = field(default_factory=dict)  # seconds, cpu, peak_mib
    parts: list[PartResult] = field(default_factory=list)
    queries: dict[str, dict[str, float]] = field(default_factory=dict)


def spans(count: int) -> list[tuple[date | None, date | None]]:
    """The bench corpus's five years cut into `count` spans of equal length, the last open."""
    start, days = real_corpus.START.date(), real_corpus.SPAN.days
    cuts = [start + timedelta(days=days * n // count) for n in range(1, count)]
    froms: list[date | None] = [None, *cuts]
    tos: list[date | None] = [cut - timedelta(days=1) for cut in cuts] + [None]
    return list(zip(froms, tos, strict=True))


def part_names(count: int) -> list[str]:
    return ["main", *(f"p{n}" for n in range(2, count + 1))]


def write_site(work: Path, size: int, count: int, address: str) -> Path:
    """The parts site: bench.py's articles (written once per size), the spans declared, search on,
    every part at its own path under `address`."""
    content = bench.site(work, size, "real") / "content"
    root = work / f"real-{size}-parts"
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "content").exists():
        (root / "content").symlink_to(content, target_is_directory=True)
    text = f'title = "基准测试"\nbase_url = "{address}/archive/"\n[search]\nenabled = true\n'
    for name, (start, end) in zip(part_names(count), spans(count), strict=True):
        text += f'\n[[parts]]\nname = "{name}"\n'
        text += f"from = {start}\n" if start else ""
        text += f"to = {end}\n" if end else ""
        text += f'base_url = "{address}/archive-{name}/"\n' if name != "main" else ""
    (root / "site.toml").write_text(text, encoding="utf-8")
    return root


def build(root: Path, scenario: str, result: Result) -> None:
    """One `sitegen build --json`, timed; each part's summary kept under `scenario`."""
    with tempfile.TemporaryFile() as said:
        run = bench.timed([*bench.BUILD, "--json"], root, stdout=said)
        said.seek(0)
        text = said.read().decode("utf-8").strip()
    result.builds[scenario] = {"seconds": run.seconds, "cpu": run.cpu, "peak_mib": run.peak_mib}
    decoder, by_name = json.JSONDecoder(), {p.name: p for p in result.parts}
    while text:
        data, end = decoder.raw_decode(text)
        part = by_name[Path(data["output"]).name]
        part.articles = data["articles"]
        part.seconds[scenario] = data["seconds"]
        part.planned[scenario] = not data["up_to_date"]
        text = text[end:].strip()


def edit_newest(root: Path, newest: date) -> tuple[Path, bytes]:
    """An article of the newest part, edited: written as a new file (the bench's content may be
    hard links to another copy, which an edit in place would change too)."""
    config = load_config(root / "site.toml")
    for path in sorted(config.content_path.glob("*.md")):
        data = path.read_bytes()
        line = next((ln for ln in data.decode("utf-8").splitlines() if ln.startswith("date: ")), "")
        day = datetime.strptime(line[6:], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
        if day.astimezone(config.tz).date() >= newest:
            text = bench.with_sentence(data.decode("utf-8"), "（修订，分部测试）")
            replace_file(path, text.encode("utf-8"))
            return path, data
    raise SystemExit("no article in the newest part")


def replace_file(path: Path, data: bytes) -> None:
    fresh = path.with_name(f".{path.name}.new")
    fresh.write_bytes(data)
    fresh.replace(path)


class Handler(SimpleHTTPRequestHandler):
    """Each part's folder at its own path, as Pages serves the project sites of one account."""

    roots: ClassVar[dict[str, Path]] = {}

    def translate_path(self, path: str) -> str:
        for base, folder in self.roots.items():
            if path.startswith(base):
                return str(folder / unquote(urlsplit(path).path)[len(base) :])
        return "/nonexistent"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


SHOWN = """() => document.querySelector('.search-result .card-title')
  || /没有找到/.test(document.querySelector('.search-status')?.textContent ?? '')"""


def queries(url: str) -> dict[str, dict[str, float]]:
    """Each query in a fresh context of a throttled Chromium: ms to the first results, KiB
    downloaded by then and in all (each response as sent: headers and body)."""
    from playwright.sync_api import sync_playwright

    found: dict[str, dict[str, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--headless", "--disable-background-networking"],
        )
        for what, query in QUERIES.items():
            context = browser.new_context()
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", THROTTLE)
            urls: dict[str, str] = {}
            received: list[tuple[str, int]] = []
            cdp.on(
                "Network.responseReceived",
                lambda e, into=urls: into.update({e["requestId"]: e["response"]["url"]}),
            )
            cdp.on(
                "Network.loadingFinished",
                lambda e, into=received, urls=urls: into.append(
                    (urls.get(e["requestId"], ""), e["encodedDataLength"])
                ),
            )
            started = time.perf_counter()
            page.goto(url + quote(query))
            page.wait_for_function(SHOWN, timeout=120_000)
            first = (time.perf_counter() - started) * 1000
            by_first = list(received)
            page.wait_for_load_state("networkidle")
            index = [n for u, n in by_first if "/search-index/" in u]
            found[what] = {
                "query": query,  # type: ignore[dict-item]
                "first results ms": round(first),
                "KiB by first results": round(sum(n for _, n in by_first) / 1024, 1),
                "of which index KiB": round(sum(index) / 1024, 1),
                "index files": len(index),
                "KiB in all": round(sum(n for _, n in received) / 1024, 1),
                "requests": len(received),
                "status": page.locator(".search-status").inner_text(),  # type: ignore[dict-item]
            }
            context.close()
        browser.close()
    return found


def builds(root: Path, newest: date | None, result: Result) -> None:
    """Cold, nothing changed, one article of the newest part edited (then put back)."""
    bench.reset(root)
    build(root, "cold", result)
    build(root, "nothing changed", result)
    assert newest is not None
    edited, was = edit_newest(root, newest)
    build(root, "one edit in the newest part", result)
    replace_file(edited, was)
    subprocess.run(bench.BUILD, cwd=root, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=int(os.environ.get("BENCH_SIZE", "300000")))
    parser.add_argument("--parts", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--no-queries", action="store_true", help="leave out the browser")
    parser.add_argument(
        "--queries-only", action="store_true", help="only the queries, on the last build"
    )
    parser.add_argument(
        "--port", type=int, default=8427, help="the local server's (the parts' addresses name it)"
    )
    args = parser.parse_args()
    if not real_corpus.corpus_dir().is_dir():
        raise SystemExit(
            f"the real corpus is absent ({real_corpus.corpus_dir()}): set SITEGEN_SHARED"
        )
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    address = f"http://127.0.0.1:{server.server_port}"
    root = write_site(args.work.resolve(), args.size, args.parts, address)
    names, cut = part_names(args.parts), spans(args.parts)
    result = Result(args.size, [(str(a) if a else None, str(b) if b else None) for a, b in cut])
    result.parts = [PartResult(name) for name in names]
    if not args.queries_only:
        builds(root, cut[-1][0], result)
    for part in result.parts:
        size = measure(root / "build" / part.name)
        part.files, part.tar_bytes = size.files, size.bytes
    if not args.no_queries and Path("/usr/bin/chromium").exists():
        Handler.roots = {
            f"/archive{'' if n == 'main' else '-' + n}/": root / "build" / n for n in names
        }
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            result.queries = queries(f"{address}/archive/search/?q=")
        finally:
            server.shutdown()
    server.server_close()
    text = json.dumps(asdict(result), ensure_ascii=False, indent=2)
    print(text)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = HERE / "results" / f"parts-{args.size}-{stamp}.json"
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten {out.relative_to(HERE.parent)}", file=sys.stderr)


if __name__ == "__main__":
    main()
