"""A deterministic archive shaped like the real one, for the benchmark: real paragraphs recombined.

The synthetic corpus (corpus.py) has 2.3 KB bodies of a few hundred words; the real archive's files
average 6.5 KB, with a vocabulary that makes the search index five times larger per article. This
module reads the real corpus (`../shared/corpus/real`, 2,933 files) once and writes any number of
articles from it:

- each article takes a real article as its template: its feed (categories, author), its shape
  (the sequence of blocks: paragraphs, figures, tables, headings), so lengths, sources and the mix
  of feeds follow the real archive's;
- each block is replaced by a block of the same tag from the same feed's pool (images, tables and
  marked-up paragraphs as they are), and each plain paragraph is refilled to its length with
  sentences drawn from the feed's sentences, so no two articles say the same thing (story detection
  and the search index see real vocabulary and real pairs of characters, not copies);
- about 3% are reprints: an earlier article's body under another feed, within two days, with the
  same title or another (what story detection looks for);
- dates spread over five years; file names are titles, as the crawler writes them.

The same (count, seed, first) always writes the same bytes; write() raises FileNotFoundError when the
real corpus is absent (the bench then says so and stops).
"""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import lxml.html

VERSION = "real-1"  # bump when the files written change, so the bench writes its sites again
REPO = Path(__file__).resolve().parents[1]
REPRINT_SHARE = 0.03
REFILLED = ("text", "p-text")  # plain text: refilled with the feed's sentences
RECURRING = 3  # a text in this many articles of a feed is its boilerplate
START, SPAN = datetime(2021, 1, 1, tzinfo=UTC), timedelta(days=5 * 365)
CONTAINERS = {"div", "section", "article", "center", "main", "body", "header", "footer"}
BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "blockquote", "table", "ul", "ol", "dl",
    "pre", "img", "hr", "iframe", "video", "section", "div",
}  # fmt: skip
SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』）)]?|$)")
UNSAFE_TITLE = str.maketrans(dict.fromkeys(":/\\?*“”<>|[]", "_"))


def corpus_dir() -> Path:
    """Where the real corpus is: $SITEGEN_SHARED/corpus/real, else ../shared beside the repository."""
    return Path(os.environ.get("SITEGEN_SHARED", REPO.parent / "shared")) / "corpus" / "real"


@dataclass(frozen=True)
class Template:
    """A real article as the writer reuses it: its feed, title, body shape and wrapper."""

    feed: tuple[str, str, str]
    title: str
    blocks: tuple[tuple[str, str], ...]  # (kind, html or text): kind "text" is refilled
    markdown: bool


@dataclass
class Pool:
    """What a feed's articles hold: blocks by kind, sentences, titles."""

    blocks: dict[str, list[str]]
    sentences: list[str]
    titles: list[str]


def _front(text: str) -> tuple[dict[str, object], str]:
    """The crawler's seven keys (title, categories, …) and the body: no YAML library needed."""
    if not text.lstrip().startswith("---"):
        return {}, text
    _, head, body = text.lstrip().split("---", 2)
    front: dict[str, object] = {}
    categories: list[str] = []
    for line in head.splitlines():
        if line.startswith(" - "):
            categories.append(line[3:].strip())
        elif ":" in line:
            key, value = line.split(":", 1)
            front[key.strip()] = value.strip().strip("'\"")
    front["categories"] = categories
    return front, body


def _html_blocks(element: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """Leaf blocks of a body, containers flattened; loose text becomes a text block."""
    has_blocks = any(isinstance(c.tag, str) and c.tag in BLOCKS for c in element)
    if element.tag in CONTAINERS and has_blocks:
        found = [("text", element.text.strip())] if (element.text or "").strip() else []
        for child in element:
            if isinstance(child.tag, str):
                found.extend(_html_blocks(child))
            if (child.tail or "").strip():
                found.append(("text", child.tail.strip()))
        return found
    if element.tag == "p" and len(element) == 0:
        return [("p-text", element.text_content().strip())]
    if element.tag in CONTAINERS and not element.xpath(".//img"):
        return [("text", line.strip()) for line in element.text_content().splitlines()]
    return [(str(element.tag), lxml.html.tostring(element, encoding=str, with_tail=False))]


def _read(path: Path) -> Template | None:
    text = path.read_text(encoding="utf-8")
    front, body = _front(text)
    if not front:  # 新闻联播 transcripts: Markdown, no front matter, title in the heading
        heading, _, body = text.partition("\n")
        chunks = [c.strip() for c in body.split("\n\n") if c.strip()]
        blocks = tuple(
            ("text" if c[0] not in "#[-<!" else "md", c) for c in chunks
        )  # plain lines are refilled, headings and markup kept
        return Template(("新闻", "CCTV", "新闻联播"), heading.lstrip("# "), blocks, True)
    categories = front["categories"]
    assert isinstance(categories, list)
    feed = [*categories, "", "", ""][:3]
    inner = body.strip()
    if not inner.startswith("<div>"):
        return None
    inner = inner.removeprefix("<div>").removesuffix("</div>").strip()
    if not inner:
        return None
    if "<" not in inner:
        blocks = [("text", line.strip()) for line in inner.splitlines() if line.strip()]
    else:
        wrapper = lxml.html.fragment_fromstring(inner, create_parent="div")
        blocks = _html_blocks(wrapper)
    blocks = [(kind, html) for kind, html in blocks if html]
    if not blocks:
        return None
    return Template((feed[0], feed[1], feed[2]), str(front["title"]), tuple(blocks), False)


def _kept(block: tuple[str, str], articles: int) -> tuple[str, str]:
    """A text that recurs in a feed (a footer, a byline) is boilerplate: kept whole, not refilled."""
    kind, text = block
    if articles < RECURRING:
        return block
    return ("p", f"<p>{text}</p>") if kind == "p-text" else ("boilerplate", text)


@cache
def _corpus(folder: Path) -> tuple[list[Template], dict[tuple[str, str, str], Pool]]:
    """Every template (in path order) and each feed's pool: read once per process."""
    if not folder.is_dir():
        raise FileNotFoundError(f"the real corpus is absent: {folder}")
    read = [t for p in sorted(folder.rglob("*.md")) if (t := _read(p))]
    seen = Counter((t.feed, b) for t in read for b in set(t.blocks) if b[0] in REFILLED)
    templates = [
        replace(t, blocks=tuple(_kept(b, seen[t.feed, b]) for b in t.blocks)) for t in read
    ]
    pools: dict[tuple[str, str, str], Pool] = {}
    for template in templates:
        pool = pools.setdefault(template.feed, Pool({}, [], []))
        pool.titles.append(template.title)
        for kind, html in template.blocks:
            if kind in REFILLED:
                pool.sentences.extend(s.strip() for s in SENTENCE.findall(html) if s.strip())
            else:
                pool.blocks.setdefault(kind, []).append(html)
    return templates, pools


def _fill(rng: random.Random, sentences: list[str], length: int) -> str:
    """Sentences of the feed drawn until the text is about `length` characters long."""
    text = ""
    while len(text) < length:
        sentence = rng.choice(sentences)
        if text and len(text) + len(sentence) - length > length - len(text):
            break  # nearer the length without it
        text += sentence
    return text


def _title(rng: random.Random, own: str, pool: Pool) -> str:
    """Two real titles of the feed, cut and joined: the first half of one, the rest of another."""
    other = rng.choice(pool.titles)
    return (own[: len(own) // 2] + other[len(other) // 2 :]).strip() or own


def _body(rng: random.Random, template: Template, pool: Pool) -> str:
    parts = []
    for kind, html in template.blocks:
        if kind in REFILLED and pool.sentences:
            text = _fill(rng, pool.sentences, len(html))
            parts.append(f"<p>{text}</p>" if kind == "p-text" else text)
        else:
            parts.append(rng.choice(pool.blocks.get(kind) or [html]))
    if template.markdown:
        return "\n\n".join(parts) + "\n"
    return "<div>   \n" + "\n".join(parts) + "  \n</div>\n            "


@dataclass(frozen=True)
class Made:
    """One article before it is written: feed, title, date, body."""

    feed: tuple[str, str, str]
    title: str
    date: datetime
    body: str


def _is_reprint(seed: int, n: int) -> bool:
    return n > 0 and random.Random(f"reprint-{seed}-{n}").random() < REPRINT_SHARE


def _original(seed: int, n: int, folder: Path) -> Made:
    """The n-th article as written when it is no reprint."""
    templates, pools = _corpus(folder)
    rng = random.Random(f"{seed}-{n}")
    template = rng.choice(templates)
    pool = pools[template.feed]
    date = START + timedelta(seconds=rng.randrange(int(SPAN.total_seconds())))
    return Made(template.feed, _title(rng, template.title, pool), date, _body(rng, template, pool))


def made(seed: int, n: int, folder: Path) -> Made:
    """The n-th article: an original, or a reprint of an earlier original under another feed."""
    if not _is_reprint(seed, n):
        return _original(seed, n, folder)
    rng = random.Random(f"reprint-of-{seed}-{n}")
    m = n - 1 - rng.randrange(min(n, 1000))
    while _is_reprint(seed, m):
        m -= 1
    source, own = _original(seed, m, folder), _original(seed, n, folder)
    title = source.title if rng.random() < 0.5 else own.title
    later = source.date + timedelta(seconds=rng.randrange(2 * 86400))
    return Made(own.feed, title, later, source.body)


def text_of(article: Made) -> str:
    """The file as the crawler writes it: a blank line, seven keys, the body; braces escaped."""
    title = article.title.translate(UNSAFE_TITLE)
    quoted = f'"{title}"' if "'" in title else f"'{title}'"
    image = re.search(r'<img[^>]*?\ssrc="([^"]+)"', article.body)
    head = image[1] if image else ""
    front = (
        f"\n---\ntitle: {quoted}\ncategories: \n"
        + "".join(f" - {name}\n" for name in article.feed)
        + f"headimg: '{head}'\nauthor: {article.feed[1]}\ncomments: false\n"
        + f"date: {article.date:%a, %d %b %Y %H:%M:%S} GMT\nthumbnail: '{head}'\n---\n\n"
    )
    return (front + article.body).replace("{", "&#123;").replace("}", "&#125;")


def file_name(article: Made) -> str:
    """The title made a file name as the crawler does: unsafe characters `_`, dots and # gone."""
    name = article.title.replace("&#123;", "{").replace("&#125;", "}").translate(UNSAFE_TITLE)
    for gone in ".#\n":
        name = name.replace(gone, "")
    return name.encode("utf-8")[:200].decode("utf-8", "ignore") or "untitled"


def write(count: int, folder: Path, seed: int = 1, first: int = 0) -> list[Path]:
    """Write articles first..first+count-1; the same arguments always give the same files. A title
    taken twice gets `-n` (the crawler would overwrite the first: the bench wants `count`)."""
    real = corpus_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for n in range(first, first + count):
        article = made(seed, n, real)
        name = file_name(article)
        if name.casefold() in taken:
            name = f"{name}-{n}"
        taken.add(name.casefold())
        path = folder / f"{name}.md"
        path.write_text(text_of(article), encoding="utf-8")
        written.append(path)
    return written
