"""Reading a built site back: its pages, their links, and where each link lands."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html


def html_files(root: Path) -> Iterator[Path]:
    yield from sorted(root.rglob("*.html"))


def parse(path: Path) -> lxml.html.HtmlElement:
    """A built page, its relative links (`../x/`, sitegen.render.relative_links) resolved against
    its own URL as a browser does: read as the paths under the site's base they stand for."""
    return rooted(lxml.html.fromstring(path.read_bytes()))


def rooted(page: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A parsed page with its relative links as root-relative paths, resolved against its
    canonical URL (the one path a page with relative links is served at)."""
    canonical = page.xpath("string(//link[@rel='canonical']/@href)")
    if canonical:
        here = urlsplit(canonical).path
        page.rewrite_links(lambda link: link if _anchored(link) else urljoin(here, link))
    return page


def _anchored(link: str) -> bool:
    """Whether a link is absolute, root-relative, a fragment or a scheme's (mailto:, data:)."""
    return not link or link.startswith(("/", "#", "?")) or bool(urlsplit(link).scheme)


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
