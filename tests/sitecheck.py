"""Reading a built site back: its pages, their links, and where each link lands."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html


def html_files(root: Path) -> Iterator[Path]:
    yield from sorted(root.rglob("*.html"))


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def internal_targets(page: lxml.html.HtmlElement, origin: str) -> Iterator[str]:
    """Every site-internal URL a page points at (links, images, styles, scripts)."""
    for element, attribute, link, _ in page.iterlinks():
        if attribute not in ("href", "src") or element.tag == "form":
            continue
        parts = urlsplit(link)
        if parts.scheme in ("mailto", "data", "javascript") or not parts.path:
            continue
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        if element.tag == "link" and element.get("rel") == "canonical":
            yield parts.path
            continue
        if element.tag == "meta":
            continue
        yield parts.path


def resolve(root: Path, base_path: str, url_path: str) -> Path | None:
    """The file a browser would get for this path on a static host serving root at base_path."""
    path = unquote(url_path)
    if not path.startswith(base_path):
        return None
    relative = path[len(base_path) :]
    target = root / relative
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
