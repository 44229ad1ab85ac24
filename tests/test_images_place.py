"""Placing pictures at render time (sitegen.images.place): pure functions on cleaned bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.content.clean import clean_body
from sitegen.errors import ConfigError
from sitegen.images.manifest import Picture
from sitegen.images.place import Showing
from tests.conftest import make_config

BODY = clean_body(
    '<div class="img_wrapper"><img src="https://a.example/kept.jpg?x=1&amp;y=2" alt="会场">'
    '<span class="img_descr">会议现场</span></div>'
    '<p>正文<img src="https://a.example/gone.png" alt="图表"></p>'
    '<p><img src="https://a.example/sized.jpg" width="300"></p>'
    '<p><img src="https://a.example/unknown.png"></p>'
).html
KEPT = Picture("https://a.example/kept.jpg?x=1&y=2", "kept", "ab" * 16, "jpg", 9000, 1200, 800)
SIZED = Picture("https://a.example/sized.jpg", "kept", "cd" * 16, "jpg", 5000, 900, 600)
GONE = Picture("https://a.example/gone.png", "gone", detail="404")
PICTURES = {p.url: p for p in (KEPT, SIZED, GONE)}


def test_no_manifest_leaves_the_body_as_it_was() -> None:
    assert Showing().place(BODY) == BODY


def test_linked_originals_get_their_size_and_lost_ones_a_placeholder_with_the_caption_kept() -> (
    None
):
    placed = Showing(PICTURES).place(BODY)
    assert (
        '<img src="https://a.example/kept.jpg?x=1&amp;y=2" alt="会场" width="1200" height="800"'
        ' loading="lazy" referrerpolicy="no-referrer"><figcaption>会议现场</figcaption>' in placed
    )
    assert "gone.png" not in placed.split("data-original=")[0]
    assert ">图片已失效：图表</span>" in placed
    assert 'data-original="https://a.example/gone.png"' in placed
    # the source's own width is kept, the height follows the picture's shape
    assert 'src="https://a.example/sized.jpg" alt="" width="300" height="200"' in placed
    assert '<img src="https://a.example/unknown.png" alt="" loading="lazy"' in placed


def test_thumbnails_and_copies_keep_the_original_url_in_the_page() -> None:
    thumbs = Showing(PICTURES, "thumbnails", frozenset({KEPT.hash}), "/archive/thumbs/", "", 320)
    placed = thumbs.place(BODY)
    assert (
        f'<img src="/archive/thumbs/{KEPT.hash}.webp" alt="会场" width="320" height="213"'
        ' loading="lazy" data-original="https://a.example/kept.jpg?x=1&amp;y=2">' in placed
    )
    assert 'src="https://a.example/sized.jpg"' in placed  # no thumbnail made: the original
    assert thumbs.thumbnail(KEPT.url) == thumbs.show(KEPT.url)  # cards and og:image use it
    assert thumbs.thumbnail(GONE.url) is None and thumbs.thumbnail(SIZED.url) is None
    copies = Showing(PICTURES, "copies", copies_url="https://pics.example/a/").place(BODY)
    assert f'src="https://pics.example/a/ab/{KEPT.hash}.jpg"' in copies
    assert 'data-original="https://a.example/sized.jpg"' in copies


def test_images_settings_are_checked_and_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as unknown:
        make_config(tmp_path, images={"publish": "mirror"})
    assert unknown.value.key == "images.publish"
    with pytest.raises(ConfigError) as nowhere:
        make_config(tmp_path, images={"publish": "copies"})
    assert nowhere.value.key == "images.base_url"
    with pytest.raises(ConfigError) as cap:
        make_config(tmp_path, images={"max_size": "a lot"})
    assert cap.value.key == "images.max_size"
    config = make_config(
        tmp_path,
        images={"publish": "copies", "base_url": "https://pics.example/a", "max_size": "5 MB"},
    )
    assert (
        config.images.base_url == "https://pics.example/a/" and config.images.max_size == 5 * 10**6
    )
