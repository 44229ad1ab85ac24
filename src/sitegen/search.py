"""Full-text search: Pagefind over character bigrams, so that any phrase finds its article.

Pagefind's own Chinese segmenter (jieba, at index time) and the browser's (ICU, at query time)
cut the same text differently, so a phrase a reader pastes often misses the article it came from.
Here every run of Chinese characters becomes its overlapping character bigrams plus the run's last
character; search.js turns a query into the same tokens and asks Pagefind for them as an exact
phrase, so any run of characters that occurs in an article finds it. Tokens are written in ASCII
(`ǂ` and base-36 codes), which both segmenters leave whole, and search.js decodes them back into
text for the excerpt.

What is indexed is what the theme marks, read as Pagefind would read it: the text inside
`data-pagefind-body` (less `nav`, `footer`, `data-pagefind-ignore`…), `data-pagefind-meta` and
`data-pagefind-filter`; pages without `data-pagefind-body` (lists, navigation) are not indexed.
Each page is handed to Pagefind as a small page of tokens (the title in an `<h1>`, which Pagefind
weighs above the text) through one `add_directory` call: the Python API answers one request per
0.1 s, too slow for a request per article.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import tempfile
import time
import unicodedata
from collections.abc import Awaitable, Coroutine, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import lxml.html
from pagefind.index import IndexConfig
from pagefind.service import PagefindService

from sitegen.errors import SearchError
from sitegen.urls import SEARCH_FOLDER, output_file

LANGUAGE = "zh-cn"
FINISH_SECONDS = 30  # how long Pagefind may take to finish writing its index, then to end
FOLDER = SEARCH_FOLDER
CODE = "ǂ"  # a run's token: 3 base-36 digits per character (a bigram has 6, a run's last char 3)
RARE = "ǁ"  # a character outside the compact range, alone: base-36 code point
TITLED = (
    "ǃ"  # before a token of the title's second copy, which lets search.js rank title hits first
)
GAP = "\ue000"  # whitespace: not indexed, so no phrase runs across it; search.js shows a space
TITLE_END = "\ue001"  # between the title's tokens and the text's, for search.js
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
COMPACT = ((0x3000, 0xA000), (0xF900, 0xFB00))  # CJK symbols, kana, Ext A, unified, compatibility
RARE_CJK = (0x20000, 0x323B0)  # the supplementary ideographic planes
SKIPPED = {"script", "style", "noscript", "template", "nav", "footer", "form", "svg", "iframe"}
BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
_CAPTURE = re.compile(r"\s*([^\s\[\]]+)\s*(?:\[([^\]]+)\])?\s*")
T = TypeVar("T")


@dataclass(frozen=True)
class SearchStats:
    """What indexing cost, for the build summary and the benchmark."""

    pages: int
    files: int
    bytes: int
    seconds: float


@dataclass(frozen=True)
class Record:
    """One indexed page: its URL, its text (blocks on their own lines), metadata and filters.

    Records compare equal when the index would not change, so a rebuild can skip indexing.
    """

    url: str
    text: str
    meta: dict[str, str]
    filters: dict[str, tuple[str, ...]]


def _code(char: str) -> str | None:
    """The 3-digit code of a character in the compact range, else None."""
    point = ord(char)
    offset = 0
    for low, high in COMPACT:
        if low <= point < high:
            index = offset + point - low
            return DIGITS[index // 1296] + DIGITS[index // 36 % 36] + DIGITS[index % 36]
        offset += high - low
    return None


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = DIGITS[digit] + digits
        if not number:
            return digits


def _ranges(points: Iterable[int]) -> str:
    """A regex character class body for these code points, as ranges."""
    spans: list[list[int]] = []
    for point in points:
        if spans and spans[-1][1] == point - 1:
            spans[-1][1] = point
        else:
            spans.append([point, point])
    return "".join(
        f"{chr(low)}-{chr(high)}" if high > low else re.escape(chr(low)) for low, high in spans
    )


_RUN_CHARS = _ranges(
    point
    for low, high in COMPACT
    for point in range(low, high)
    if unicodedata.category(chr(point))[0] in "LN"
)
_RARE_CHARS = f"{chr(RARE_CJK[0])}-{chr(RARE_CJK[1] - 1)}"
_SEGMENTS = re.compile(
    rf"(?P<run>[{_RUN_CHARS}]+)|(?P<rare>[{_RARE_CHARS}])|(?P<word>[^\W_{_RUN_CHARS}{_RARE_CHARS}]+)"
    r"|(?P<gap>\s+)|(?P<mark>.)",
    re.DOTALL,
)


class _Folding(dict[int, str]):
    """Each character's compatibility form (ｑ３ → q3, ㍿ → 株式会社), but punctuation as written,
    so that "，" stays a Chinese comma in excerpts; search.js folds a query the same way."""

    def __missing__(self, point: int) -> str:
        char = chr(point)
        plain = unicodedata.normalize("NFKC", char)
        self[point] = plain if any(c.isalnum() for c in plain) else char
        return self[point]


class _Codes(dict[str, str]):
    """Each run character's base-36 code, worked out the first time the character is seen."""

    def __missing__(self, char: str) -> str:
        self[char] = _code(char) or ""
        return self[char]


_FOLDING = _Folding()
_CODES = _Codes()


def tokens(text: str) -> list[str]:
    """The token stream of a text, made exactly as search.js makes it of a query.

    A run of Chinese characters gives every pair of neighbours, then its last character alone,
    so each character starts a token and a phrase is a row of consecutive tokens. Letters and
    digits give words (case kept: Pagefind lowercases what it indexes); other visible characters
    give themselves and whitespace gives GAP, neither indexed, so no phrase runs across them.
    """
    found: list[str] = []
    gap = False
    folded = unicodedata.normalize("NFC", text).translate(_FOLDING)
    for match in _SEGMENTS.finditer(folded):
        kind, segment = match.lastgroup, match[0]
        if kind == "gap":
            gap = bool(found)
            continue
        if gap:
            found.append(GAP)
            gap = False
        if kind == "run":
            codes = [_CODES[char] for char in segment]
            found.extend([CODE + first + second for first, second in pairwise(codes)])
            found.append(CODE + codes[-1])
        elif kind == "rare":
            found.append(RARE + _base36(ord(segment)))
        else:
            found.append(segment)
    return found


def _captures(spec: str) -> Iterator[tuple[str, str | None, str | None]]:
    """Pagefind's capture syntax: `key`, `key[attribute]`, comma separated, and `key:value` last."""
    while spec.strip():
        head, _, rest = spec.partition(",")
        if ":" in head:  # an inline value runs to the end, commas and all
            key, _, inline = spec.partition(":")
            yield key.strip(), None, inline.strip()
            return
        match = _CAPTURE.fullmatch(head)
        if match:
            yield match[1], match[2], None
        spec = rest


def _text(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    """Indexable text in document order; a block element starts and ends a line."""
    if element.tag in SKIPPED or element.get("data-pagefind-ignore") is not None:
        return
    block = element.tag in BLOCKS
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            _text(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


def _value(element: lxml.html.HtmlElement, attribute: str | None, inline: str | None) -> str:
    if inline is not None:
        return inline
    if attribute is not None:
        return (element.get(attribute) or "").strip()
    return " ".join(element.text_content().split())


def extract(page_html: bytes, url: str) -> Record | None:
    """What a page gives the index, or None when nothing in it is marked `data-pagefind-body`."""
    if b"data-pagefind-body" not in page_html:
        return None
    page = lxml.html.fromstring(page_html)
    bodies = page.xpath("//*[@data-pagefind-body][not(ancestor::*[@data-pagefind-body])]")
    if not bodies:
        return None
    parts: list[str] = []
    for body in bodies:
        _text(body, parts)
    meta: dict[str, str] = {}
    for element in page.xpath("//*[@data-pagefind-meta]"):
        for key, attribute, inline in _captures(element.get("data-pagefind-meta")):
            meta.setdefault(key, _value(element, attribute, inline))
    filters: dict[str, list[str]] = {}
    for element in page.xpath("//*[@data-pagefind-filter]"):
        for key, attribute, inline in _captures(element.get("data-pagefind-filter")):
            value = _value(element, attribute, inline)
            if value and value not in filters.setdefault(key, []):
                filters[key].append(value)
    text = re.sub(r"\s*\n\s*", "\n", "".join(parts)).strip()
    return Record(url, text, meta, {key: tuple(values) for key, values in filters.items()})


def _page(record: Record) -> str:
    """The page of tokens Pagefind indexes for a record; metadata and filters as it reads them.

    The title comes twice in its `<h1>`: as text (so a phrase in it is found like any other) and
    with every indexed token marked TITLED (so search.js can tell which articles have it there).
    """
    plain = tokens(record.meta.get("title", ""))
    titled = [TITLED + t if unicodedata.category(t[0])[0] in "LN" else t for t in plain]
    title = " ".join([*plain, GAP, *titled])
    lines = [
        f'<!doctype html><html lang="{LANGUAGE}"><head><meta charset="utf-8"></head><body>',
        f"<main data-pagefind-body><h1>{html.escape(title)}</h1>",
        f"<p>{TITLE_END} {html.escape(' '.join(tokens(record.text)))}</p></main>",
    ]
    for key, value in {"title": "", **record.meta}.items():  # else Pagefind titles it with codes
        lines.append(f'<i data-pagefind-meta="{html.escape(key)}:{html.escape(value)}"></i>')
    for key, values in record.filters.items():
        for value in values:
            lines.append(f'<i data-pagefind-filter="{html.escape(key)}:{html.escape(value)}"></i>')
    return "\n".join(lines) + "\n</body></html>\n"


async def _guarded(service: PagefindService, step: Awaitable[T]) -> T:
    """Await one request, or fail at once if the binary exits: the library would wait forever."""
    request = asyncio.ensure_future(step)
    exited = asyncio.ensure_future(service._backend.wait())
    done, _ = await asyncio.wait({request, exited}, return_when=asyncio.FIRST_COMPLETED)
    if request in done:
        exited.cancel()
        return request.result()
    request.cancel()
    raise SearchError(f"the Pagefind binary stopped (exit status {exited.result()})")


async def _stop(service: PagefindService, *, finish: bool) -> None:
    """Stop the binary; the library's own close() waits 5 s for answers a dead binary never sends.

    With `finish`, its input is closed and it may end by itself: it can answer `write_files`
    before the last file is on disk, and stopping it then left an empty file under load.
    """
    backend = service._backend
    if finish and backend.returncode is None and backend.stdin is not None:
        backend.stdin.close()
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(backend.wait(), FINISH_SECONDS)
    service._poll_task.cancel()
    with suppress(asyncio.CancelledError, Exception):
        await service._poll_task  # a dead binary leaves it failed; collect that quietly
    if backend.returncode is None:
        backend.terminate()
    await backend.wait()


def _entry(into: Path) -> dict | None:
    try:
        return json.loads((into / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


async def _settled(into: Path) -> None:
    """Under load Pagefind has answered write_files with its last files still being written (an
    empty pagefind-entry.json): wait, with it alive, until the entry reads and the bundle's size
    holds still for a moment."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FINISH_SECONDS
    previous = -1
    while loop.time() < deadline:
        size = sum(p.stat().st_size for p in into.rglob("*") if p.is_file())
        if size == previous and _entry(into) is not None:
            return
        previous = size
        await asyncio.sleep(0.05)


async def _index(pages: Path, into: Path) -> None:
    service = await PagefindService().launch()
    written = False
    try:
        index = await _guarded(service, service.create_index(IndexConfig(force_language=LANGUAGE)))
        await _guarded(service, index.add_directory(str(pages)))
        await _guarded(service, index.write_files(output_path=str(into)))
        await _settled(into)
        written = True
    finally:
        await _stop(service, finish=written)


def _run(job: Coroutine[object, object, T]) -> T:
    """asyncio.run, also from a thread that already runs an event loop (Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, job).result()


def _missing_binary(exc: OSError) -> SearchError:
    return SearchError(
        f"cannot run the Pagefind binary ({exc}); install it with "
        "`pip install 'pagefind[extended]'` or point PAGEFIND_BINARY_PATH at it, "
        "or turn search off with `[search] enabled = false` in site.toml"
    )


def index_records(records: Iterable[Record], into: Path) -> SearchStats:
    """Write Pagefind's bundle (pagefind.js, index, fragments, filters) for these pages to `into`."""
    started = time.perf_counter()
    count = 0
    try:
        with tempfile.TemporaryDirectory(prefix="sitegen-search-") as pages:
            for record in records:
                path = Path(pages, output_file(record.url))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(_page(record), encoding="utf-8")
                count += 1
            _run(_index(Path(pages), into.resolve()))
    except SearchError:
        raise
    except OSError as exc:
        raise _missing_binary(exc) from None
    except Exception as exc:  # the library reports every failure of the binary as a bare Exception
        raise SearchError(f"Pagefind failed: {' '.join(map(str, exc.args)) or exc!r}") from None
    if _entry(into) is None:
        raise SearchError(f"Pagefind wrote no usable index into {into}")
    files = [p for p in into.rglob("*") if p.is_file()]
    return SearchStats(
        pages=count,
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
        seconds=time.perf_counter() - started,
    )
