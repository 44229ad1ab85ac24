"""What a build reads of the pictures: the manifest and the thumbnails beside it. No fetching,
and neither httpx nor Pillow is imported: a build needs neither."""

from __future__ import annotations

from sitegen.config import SiteConfig
from sitegen.images import manifest
from sitegen.images.place import Showing

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
