"""config: site.toml → SiteConfig; errors name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import load_config, parse_config
from sitegen.errors import ConfigError

from .conftest import REPO


def test_the_archive_config_loads() -> None:
    config = load_config(REPO / "site.toml")
    assert config.language == "zh-CN"
    assert config.timezone == "Asia/Shanghai"
    assert config.base_url.endswith("/")


def test_a_missing_file_is_an_error_naming_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "site.toml")
    assert f"there is no {tmp_path.resolve() / 'site.toml'}" in caught.value.message
    assert "sitegen init" in caught.value.message


def test_an_empty_file_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text("", encoding="utf-8")
    config = load_config(tmp_path / "site.toml")
    assert config.root == tmp_path.resolve()
    assert config.per_page == 50
    assert config.permalinks.article == "/{year}/{month}/{slug}/"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"titel": "x"}, "titel"),
        ({"per_page": "20"}, "per_page"),
        ({"per_page": True}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"base_url": "example.com"}, "base_url"),
        ({"permalinks": {"artcle": "/x/"}}, "permalinks.artcle"),
        ({"permalinks": "x"}, "permalinks"),
        ({"permalinks": {"sitemap_part": "/sitemap.xml"}}, "permalinks.sitemap_part"),
        ({"permalinks": {"sitemap_part": "/sitemap-{n}.txt"}}, "permalinks.sitemap_part"),
        ({"category_slugs": {"金融": 1}}, "category_slugs"),
        ({"category_slugs": {"金融": "../finance"}}, "category_slugs.金融"),
        ({"category_slugs": {"金融": "fin?"}}, "category_slugs.金融"),
        ({"publish": {"size_limit": "lots"}}, "publish.size_limit"),
        ({"publish": {"size_limit": True}}, "publish.size_limit"),
        ({"publish": {"size_limit": 0}}, "publish.size_limit"),
        ({"publish": {"size_limit": 1.5}}, "publish.size_limit"),
        ({"publish": {"limit": "1 GB"}}, "publish.limit"),
        ({"search": {"enabled": "yes"}}, "search.enabled"),
        ({"disable_kinds": "documents"}, "disable_kinds"),
        ({"disable_kinds": ["document"]}, "disable_kinds"),
        ({"disable_kinds": ["articles"]}, "disable_kinds"),
    ],
)
def test_bad_values_name_the_key(raw: dict, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, Path())
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("url", "base_path"),
    [
        ("https://user.github.io", "/"),
        ("https://user.github.io/", "/"),
        ("https://user.github.io/archive", "/archive/"),
        ("https://user.github.io/archive/", "/archive/"),
    ],
)
def test_base_url_with_or_without_path_and_slash(url: str, base_path: str) -> None:
    config = parse_config({"base_url": url}, Path())
    assert config.base_path == base_path
    assert config.origin == "https://user.github.io"


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text("title = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "site.toml")
    assert "site.toml" in caught.value.key


@pytest.mark.parametrize(
    ("written", "size"),
    [
        ("1 GB", 10**9),
        ("500MB", 500 * 10**6),
        ("1.5 GiB", 3 * 2**29),
        ("64 kb", 64_000),
        (2_000_000, 2_000_000),
    ],
)
def test_publish_size_limit_reads_units_or_bytes(written: object, size: int) -> None:
    assert parse_config({"publish": {"size_limit": written}}, Path()).publish.size_limit == size


def test_publish_size_limit_defaults_to_github_pages_1_gb() -> None:
    assert parse_config({}, Path()).publish.size_limit == 10**9


def test_disable_kinds_is_kept_in_one_order_whatever_the_file_says() -> None:
    """Its repr is part of every page's key: the same set must give the same text."""
    one = parse_config({"disable_kinds": ["tags", "documents", "tags"]}, Path())
    other = parse_config({"disable_kinds": ["documents", "tags"]}, Path())
    assert one.disable_kinds == other.disable_kinds == ("documents", "tags")
