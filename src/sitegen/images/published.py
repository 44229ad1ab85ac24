"""What a build reads of the pictures: the manifest and the thumbnails beside it. No fetching,
and neither httpx nor Pillow is imported: a build needs neither."""

from __future__ import annotations

from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.images import manifest
from sitegen.images.place import LOST, Showing
from sitegen.size import human

THUMBS = "thumbs"  # the thumbnails' folder, in images/public/ and in the output


def showing(config: SiteConfig, href: str) -> Showing:
    """How this site's pages show pictures; `href` is the site's root link (base_url's path).
    No manifest: pages as they were."""
    pictures = manifest.read(config)
    if not pictures:
        return Showing()
    settings = config.images
    thumbs: frozenset[str] = frozenset()
    folder = manifest.thumbs_root(config) / THUMBS
    if settings.publish == "thumbnails" and folder.is_dir():
        thumbs = frozenset(path.stem for path in folder.glob("*.webp"))
    return Showing(
        pictures=pictures,
        publish=settings.publish,
        thumbs=thumbs,
        thumbs_href=f"{href}{THUMBS}/",
        copies_url=settings.base_url,
        thumb_width=settings.thumbnail_width,
    )


def described(config: SiteConfig, output: Path) -> str:
    """What the build summary says of the pictures: how they are published and what it costs;
    "" without a manifest."""
    pictures = manifest.read(config)
    if not pictures:
        return ""
    kept = {p.hash: p.bytes for p in pictures.values() if p.kept}
    lost = sum(1 for p in pictures.values() if p.status in LOST)
    lost_note = f", {lost} lost shown as placeholders" if lost else ""
    publish = config.images.publish
    if publish == "thumbnails":
        files = list((output / THUMBS).glob("*.webp"))  # none when the folder is not there
        published = human(sum(p.stat().st_size for p in files))
        return f"{len(files)} thumbnails, {published} of the output{lost_note}"
    if publish == "copies":
        copies = human(sum(kept.values()))
        return f"{len(kept)} kept copies, {copies} at {config.images.base_url} (not in this output){lost_note}"
    kept_urls = sum(1 for p in pictures.values() if p.kept)
    return f"{len(pictures)} linked to their originals, {kept_urls} kept in the store{lost_note}"
