"""Precision and recall of story detection on the labelled pairs of the real corpus.

Loads every article of ../shared/corpus/real (the labels were read there, pair by pair: see
tests/fixtures/stories/labelled_pairs.tsv), finds the stories as a build does, and counts the
pairs the build puts in one story against the labels; then the same for other thresholds, pair by
pair, to show where the chosen one sits.

    python benchmarks/stories_eval.py [--corpus ../shared/corpus/real]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen import minhash, stories
from sitegen.content.load import discover, load_data, read_file
from sitegen.content.normalize import normalize
from sitegen.errors import ContentError
from sitegen.models import Article, Sketch

HERE = Path(__file__).resolve().parent
LABELS = HERE.parent / "tests" / "fixtures" / "stories" / "labelled_pairs.tsv"


def load(root: Path) -> list[Article]:
    tz = ZoneInfo("Asia/Shanghai")
    found = []
    for rel_path, path in discover(root):
        loaded = load_data(path, rel_path, read_file(path))
        try:
            article = normalize(loaded, tz) if not isinstance(loaded, Exception) else None
        except ContentError:
            continue
        if isinstance(article, Article):
            found.append(article)
    return sorted(found, key=lambda a: (-a.date.timestamp(), a.id))  # as a build orders them


def same_story(a: Sketch, b: Sketch, threshold: float) -> bool:
    if a.exact or b.exact:
        return a.exact == b.exact
    return minhash.similarity(a, b) >= threshold


def scores(pairs: list[tuple[bool, bool]]) -> str:
    true_pos = sum(1 for label, found in pairs if label and found)
    found = sum(1 for _, f in pairs if f)
    labelled = sum(1 for label, _ in pairs if label)
    precision = true_pos / found if found else 1.0
    recall = true_pos / labelled if labelled else 1.0
    return f"precision {precision:.3f} ({true_pos}/{found}), recall {recall:.3f} ({true_pos}/{labelled})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared/corpus/real")
    args = parser.parse_args()
    articles = load(args.corpus.resolve())
    by_path = {a.source_path: i for i, a in enumerate(articles)}
    found = stories.find(
        [a.sketch for a in articles],
        [a.id for a in articles],
        [a.date.timestamp() for a in articles],
        5,
    )
    labelled = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, a, b = line.split("\t")
            labelled.append((label == "copy", by_path[a], by_path[b]))
    build = [(label, b in found.copies[a]) for label, a, b in labelled]
    grouped = [c for i, c in enumerate(found.copies) if c and c[0] == i]
    related = sum(1 for r in found.related if r)
    print(f"{len(articles)} articles, {len(labelled)} labelled pairs")
    print(f"{len(grouped)} stories of {sum(map(len, grouped))} copies; {related} with related")
    print(f"as a build groups them (threshold {minhash.THRESHOLD}): {scores(build)}")
    for label, a, b in labelled:
        if label != (b in found.copies[a]):
            kind = "missed" if label else "wrongly joined"
            sim = minhash.similarity(articles[a].sketch, articles[b].sketch)
            print(
                f"  {kind} (estimate {sim:.2f}): {articles[a].source_path} | {articles[b].source_path}"
            )
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        pairs = [
            (label, same_story(articles[a].sketch, articles[b].sketch, threshold))
            for label, a, b in labelled
        ]
        print(f"pair by pair at {threshold}: {scores(pairs)}")


if __name__ == "__main__":
    main()
