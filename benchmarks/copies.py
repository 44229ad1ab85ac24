"""Many copies of one story against as many distinct articles: time and memory of a cold build.

A crawler stores one item again and again (a template body, an error page saved for every item):
`write_copies` writes N near-copies of two of the bench's articles, each under its own name, date
and feed, with a line of its own, so that they are two stories of N/2 copies each; the distinct
archive is the bench's own N articles (corpus.py). Both are built cold, search off, by the real
`sitegen build`: wall and user CPU seconds and the peak memory of the process tree (PSS).
A story's cost should be what as many distinct articles cost (issue 28: within 1.5 times).

    make bench-copies [BENCH_COPIES=4000,40000]
    python benchmarks/copies.py [--sizes 4000,40000] [--work benchmarks/work]
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import corpus

HERE = Path(__file__).resolve().parent
_START = datetime(2015, 1, 1, tzinfo=UTC)


def write_copies(count: int, folder: Path, stories: int = 2) -> list[Path]:
    """`count` near-copies of `stories` bench articles: the same body with a line of its own, each
    under its own file name, title, date and feed (category), as a crawler saves one item again."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = [corpus.article(random.Random(n), n, _START)[1] for n in range(stories)]
    written = []
    for n in range(count):
        front, _, body = bases[n % stories].partition("\n---\n\n")
        feed = corpus.CATEGORY_PATHS[n % len(corpus.CATEGORY_PATHS)]
        lines = [line for line in front.splitlines() if not line.startswith((" - ", "date:"))]
        lines = [f"title: '第{n}次抓取'" if x.startswith("title:") else x for x in lines]
        date = _START + timedelta(hours=n)
        lines.insert(lines.index("categories: ") + 1, "".join(f" - {x}\n" for x in feed).rstrip())
        lines.append(f"date: {date:%a, %d %b %Y %H:%M:%S} GMT")
        extra = f"<p>　　本条为第{n}次抓取所得。</p>\n"
        path = folder / f"copy-{n:06d}.md"
        path.write_text("\n".join(lines) + "\n---\n\n" + extra + body, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    import bench  # here: a test imports write_copies without the bench's own imports

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="4000,40000")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()
    print("articles  archive   wall s  user CPU s  peak PSS MiB")
    for size in (int(s) for s in args.sizes.split(",")):
        for name, write in (("distinct", corpus.write), ("copies", write_copies)):
            root = args.work / f"{name}-{size}"
            if not (root / "content").is_dir():
                write(size, root / "content")
            bench.write_config(root, search=False)
            shutil.rmtree(root / "build", ignore_errors=True)
            run = bench.cold_builds(root, 1)
            print(
                f"{size:>8}  {name:<8} {run.median:>7.1f}  {run.cpu:>10.1f}  {run.peak_mib:>12.0f}"
            )


if __name__ == "__main__":
    main()
