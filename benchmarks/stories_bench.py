"""What finding stories and related articles costs: time and memory on the bench's synthetic archive.

Sketching is part of normalizing an article (once per article, cached with it); grouping runs on
every build over all the sketches. This measures both on N articles (default 10,000), and the
build after one article is edited (one sketch, the grouping again, and the related lists the edit
touches). `make bench` measures what the whole stage adds to a build (benchmarks/bench.py,
FEATURE_OFF); this splits it into its parts, memory by tracemalloc.

    python benchmarks/stories_bench.py [--size 10000] [--work benchmarks/work]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

import lxml.html

import corpus
from sitegen import stories
from sitegen.cache import ArticleCache
from sitegen.config import parse_config
from sitegen.models import Article
from sitegen.pipeline.articles import normalize_all

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()
    root = args.work / f"stories-{args.size}"
    if not (root / "content").is_dir():
        corpus.write(args.size, root / "content")
    config = parse_config({}, root)
    articles = sorted(
        (
            a
            for _, a in normalize_all(config, 2, ArticleCache(None, config.timezone))
            if isinstance(a, Article)
        ),
        key=lambda a: (-a.date.timestamp(), a.id),  # as a build orders them
    )
    ids, times = [a.id for a in articles], [a.date.timestamp() for a in articles]
    texts = [
        (a.title, lxml.html.fromstring(a.body_html or "<p></p>").text_content()) for a in articles
    ]
    started = time.perf_counter()
    sketches = [stories.sketch(title, text) for title, text in texts]
    sketching = time.perf_counter() - started
    started = time.perf_counter()
    found = stories.find(sketches, ids, times, 5)
    grouping = time.perf_counter() - started
    tracemalloc.start()  # a second run for memory: tracing slows it down
    stories.find(sketches, ids, times, 5)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    title, text = texts[0]  # rewritten in part: its topics change
    sketches[0] = stories.sketch(title, text[: len(text) // 2] + texts[1][1])
    edited = stories.find(sketches, ids, times, 5, found.memo)
    edit = time.perf_counter() - started
    in_stories = sum(1 for c in found.copies if c)
    with_related = sum(1 for r in found.related if r)
    sketch_bytes = sum(len(s.minhash) + len(s.exact) + len(s.topics) for s in sketches)
    print(
        f"{len(articles)} articles: {in_stories} in stories of copies, {with_related} with related"
    )
    print(
        f"sketching (in normalize, once per article): {sketching:.2f} s, {sketch_bytes / len(sketches):.0f} bytes each"
    )
    print(f"grouping (every build): {grouping:.2f} s, peak {peak / 2**20:.1f} MiB (tracemalloc)")
    print(
        f"one article edited: {edit:.2f} s (its sketch, grouping again, "
        f"{edited.recomputed} related lists made again)"
    )


if __name__ == "__main__":
    main()
