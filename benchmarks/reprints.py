"""Trimmed reprints and digests made from real long articles, and how stories finds them.

A reprint is a real article (at least MIN_CHARS characters in at least MIN_PARAGRAPHS
paragraphs) as another outlet carries it: one paragraph dropped (not the first, at most a quarter
of the text), a lead added, another title, another feed's boilerplate at the end, three hours
later. A digest quotes two or three whole real articles under headings of its own. Both are written
as content files beside nothing else; `evaluate` loads them with their originals, finds the stories
as a build does and counts: reprints in one story with their original (recall), digests merged
with an article they quote (must be none) and digests linked to each article they quote.

    python benchmarks/reprints.py [--corpus ../shared/corpus/real] [--count 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen import stories
from sitegen.content.clean import clean_body
from sitegen.content.load import discover, load_data, read_file
from sitegen.content.normalize import normalize, parse_date
from sitegen.models import Article

HERE = Path(__file__).resolve().parent
MIN_CHARS, MIN_PARAGRAPHS = 1000, 5
TZ = ZoneInfo("Asia/Shanghai")
LEADS = (
    "本文转载自{feed}，原题为《{title}》。",
    "编者按：近日，{feed}刊发的一篇报道引发关注，现全文转发，以飨读者。",
    "【{feed}讯】据{feed}报道：",
    "导读：{title}。以下为报道全文。",
)
BOILERPLATE = (
    "免责声明：本文仅代表作者个人观点，与本网无关。其原创性以及文中陈述文字和内容未经本站证实。",
    "本文来源：{feed}。转载请注明出处，未经授权不得转载。关注我们，获取更多资讯。",
    "版权声明：本网转载的作品，均注明来源，版权归原作者所有。如有侵权，请联系删除。",
    "点击关注，第一时间了解最新资讯。欢迎分享到朋友圈。",
)
FEEDS = ("转载网", "资讯汇", "新闻聚合", "要闻速递")
TITLE_FORMS = ("转发｜{title}", "{title}（全文）", "重磅！{title}", "{head}……")


@dataclass(frozen=True)
class Original:
    rel_path: str
    title: str
    date: str
    paragraphs: tuple[str, ...]


def originals(corpus: Path) -> Iterator[Original]:
    """The long real articles, in path order."""
    for rel_path, path in discover(corpus):
        source = load_data(path, rel_path, read_file(path))
        if isinstance(source, Exception) or not source.has_front_matter:
            continue
        title = str(source.meta.get("title", ""))
        text = clean_body(source.body, markdown=None, title=title).text
        paragraphs = tuple(p for p in text.split("\n") if p.strip())
        if len(text) >= MIN_CHARS and len(paragraphs) >= MIN_PARAGRAPHS:
            yield Original(rel_path, title, str(source.meta.get("date", "")), paragraphs)


def _file(title: str, when: str, feed: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f"---\ntitle: '{title}'\ndate: {when}\ncategories: [新闻, {feed}]\n---\n{body}"


def _later(original: Original, hours: int) -> str:
    return (parse_date(original.date, TZ) + timedelta(hours=hours)).isoformat()


def reprint(original: Original, rng: random.Random) -> str:
    """A content file: the original trimmed of a paragraph, with a lead, title and boilerplate."""
    feed = rng.choice(FEEDS)
    total = sum(map(len, original.paragraphs))
    droppable = [k for k, p in enumerate(original.paragraphs) if k > 0 and len(p) <= total / 4] or [
        len(original.paragraphs) - 1
    ]
    dropped = rng.choice(droppable)
    kept = [p for k, p in enumerate(original.paragraphs) if k != dropped]
    fill = {"feed": rng.choice(FEEDS), "title": original.title}
    lead = rng.choice(LEADS).format(**fill)
    tail = rng.choice(BOILERPLATE).format(**fill)
    title = rng.choice(TITLE_FORMS).format(title=original.title, head=original.title[:12])
    return _file(title.replace("'", "’"), _later(original, 3), feed, [lead, *kept, tail])


def digest(quoted: list[Original], rng: random.Random) -> str:
    """A content file quoting each of `quoted` whole, each under its own title."""
    parts = ["今日要闻汇总：以下为编辑精选的几篇报道全文。"]
    for original in quoted:
        parts += [f"【{original.title}】", *original.paragraphs]
    return _file("每日要闻汇编", _later(quoted[-1], 5), rng.choice(FEEDS), parts)


def _quoted(found: list[Original], rng: random.Random) -> list[Original]:
    """Two or three articles, none over half of them all: a digest, not one article with a
    paragraph more (which no text can tell from a reprint with a longer tail)."""
    while True:
        quoted = rng.sample(found, rng.choice((2, 3)))
        sizes = [sum(map(len, q.paragraphs)) for q in quoted]
        if max(sizes) <= sum(sizes) / 2:
            return quoted


def write(corpus: Path, out: Path, count: int, digests: int, seed: int = 29) -> dict[str, list]:
    """Writes `count` reprints and `digests` digests under `out`; returns which is which."""
    rng = random.Random(seed)
    found = list(originals(corpus))
    chosen = rng.sample(found, min(count, len(found)))
    made: dict[str, list] = {"reprints": [], "digests": []}
    for n, original in enumerate(chosen):
        path = out / f"reprint-{n:04d}.html"
        path.write_text(reprint(original, rng), encoding="utf-8")
        made["reprints"].append((path.name, original.rel_path))
    for n in range(digests):
        quoted = _quoted(found, rng)
        path = out / f"digest-{n:04d}.html"
        path.write_text(digest(quoted, rng), encoding="utf-8")
        made["digests"].append((path.name, [q.rel_path for q in quoted]))
    return made


def load(root: Path, rel_paths: list[str] | None = None) -> dict[str, Article]:
    """The articles under root (or only `rel_paths` of it), normalized as a build does."""
    found = {}
    for rel_path, path in discover(root):
        if rel_paths is None or rel_path in rel_paths:
            source = load_data(path, rel_path, read_file(path))
            if not isinstance(source, Exception):
                found[rel_path] = normalize(source, TZ)
    return found


@dataclass(frozen=True)
class Result:
    reprints: int
    found: int
    digests: int
    merged: int
    quoted: int
    quotes: int


def evaluate(corpus: Path, count: int = 200, digests: int = 20) -> Result:
    """Recall on the reprints; the digests merged with an article they quote, and linked."""
    with tempfile.TemporaryDirectory() as folder:
        made = write(corpus, Path(folder), count, digests)
        generated = load(Path(folder))
    wanted = {o for _, o in made["reprints"]} | {q for _, qs in made["digests"] for q in qs}
    articles = {**load(corpus, sorted(wanted)), **generated}
    names = sorted(articles, key=lambda k: (-articles[k].date.timestamp(), k))
    at = {name: i for i, name in enumerate(names)}
    sketches = [articles[n].sketch for n in names]
    found = stories.find(sketches, names, [articles[n].date.timestamp() for n in names], 0)
    hits = sum(at[o] in found.copies[at[r]] for r, o in made["reprints"])
    merged = sum(at[q] in found.copies[at[d]] for d, qs in made["digests"] for q in qs)
    lead = [story[0] if story else i for i, story in enumerate(found.copies)]  # what is linked
    quoted = sum(lead[at[q]] in found.quotes[at[d]] for d, qs in made["digests"] for q in qs)
    total = sum(len(qs) for _, qs in made["digests"])
    return Result(len(made["reprints"]), hits, len(made["digests"]), merged, quoted, total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared/corpus/real")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--digests", type=int, default=20)
    args = parser.parse_args()
    r = evaluate(args.corpus.resolve(), args.count, args.digests)
    print(
        f"reprints found with their original: {r.found}/{r.reprints} ({r.found / r.reprints:.3f})"
    )
    print(f"digests: {r.merged} quoted articles merged into their story (must be 0)")
    print(f"digests linked to the articles they quote: {r.quoted}/{r.quotes}")


if __name__ == "__main__":
    main()
