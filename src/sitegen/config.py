"""site.toml → SiteConfig: every key has a default; unknown keys and wrong types name the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.errors import ConfigError
from sitegen.kinds import KINDS
from sitegen.models import Sketching
from sitegen.names import good_segment
from sitegen.parts import Part, parse_parts
from sitegen.size import GITHUB_PAGES, parse_size


@dataclass(frozen=True)
class Permalinks:
    """URL patterns; `{year}`, `{month}`, `{day}`, `{slug}`, `{path}`, `{tag}`, `{n}` are filled in by urls.py.
    `sitemap_part` ending in `.xml.gz` writes the sitemap's parts gzipped (`sitegen init` does:
    a sixth of the bytes; crawlers read both), its URLs published as the others are."""

    article: str = "/{year}/{month}/{slug}/"
    category: str = "/categories/{path}/"
    categories: str = "/categories/"
    archives: str = "/archives/"
    year: str = "/archives/{year}/"
    month: str = "/archives/{year}/{month}/"
    tag: str = "/tags/{tag}/"
    tags: str = "/tags/"
    page: str = "page/{n}/"
    sitemap_part: str = "/sitemap-{n}.xml"


@dataclass(frozen=True)
class Feeds:
    limit: int = 50
    full_content: bool = False


@dataclass(frozen=True)
class Search:
    enabled: bool = True


@dataclass(frozen=True)
class Stories:
    """`enabled`: find copies of one story across feeds and list each story once (sitegen.stories);
    off, every copy is its own story and no article is sketched for it."""

    enabled: bool = True


@dataclass(frozen=True)
class Data:
    """`enabled`: publish the archive's metadata for research under /data/ (sitegen.pages.data):
    the articles as gzip JSON Lines by year, documents and issuing bodies as CSV."""

    enabled: bool = True


@dataclass(frozen=True)
class Publish:
    """`size_limit`: the most the host publishes, in bytes (site.toml: "1 GB", "500MB" or bytes)."""

    size_limit: int = GITHUB_PAGES


PUBLISHING = ("link", "thumbnails", "copies")


@dataclass(frozen=True)
class Images:
    """`[images]`: the archive's own copies of the articles' pictures (sitegen.images).

    `publish` says what pages show: "link" the originals, "thumbnails" small copies published
    with the site, "copies" the kept copies served from `base_url`. `store` is where `sitegen
    images` keeps them (relative to site.toml); the rest says how politely it fetches."""

    publish: str = "link"
    base_url: str = ""
    store: str = "images/store"
    per_host: int = 4
    timeout: int = 20
    retries: int = 2
    max_size: int = 20 * 10**6
    thumbnail_width: int = 320
    refused: tuple[str, ...] = ()  # hashes of hosts' placeholder pictures, besides the known ones


# The kinds of page `disable_kinds` may turn off, as Hugo's disableKinds does: the kinds of grouping.
OPTIONAL_KINDS = tuple(sorted(kind.name for kind in KINDS))


@dataclass(frozen=True)
class SiteConfig:
    """The whole configuration of one site; `root` is the folder site.toml lives in."""

    root: Path = Path()
    title: str = "政策新闻档案"
    description: str = ""
    author: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    per_page: int = 50
    related: int = 3
    content_dir: str = "content"
    output_dir: str = "build"
    cname: str = ""
    permalinks: Permalinks = field(default_factory=Permalinks)
    category_slugs: dict[str, str] = field(default_factory=dict)
    disable_kinds: tuple[str, ...] = ()  # sorted: its repr is part of every page's key
    feeds: Feeds = field(default_factory=Feeds)
    search: Search = field(default_factory=Search)
    stories: Stories = field(default_factory=Stories)
    data: Data = field(default_factory=Data)
    publish: Publish = field(default_factory=Publish)
    images: Images = field(default_factory=Images)
    parts: tuple[Part, ...] = ()  # `[[parts]]`: none, the archive is one site (sitegen.parts)
    part: str = ""  # the part this configuration builds ("" without parts)

    @property
    def sketching(self) -> Sketching:
        """What normalizing sketches of each article: only what stories and related lists use."""
        return Sketching(copies=self.stories.enabled, topics=self.related > 0)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with a leading and trailing slash (`/archive/`)."""
        path = urlsplit(self.base_url).path.strip("/")
        return f"/{path}/" if path else "/"

    @property
    def origin(self) -> str:
        """Scheme and host of base_url, without a path (`https://user.github.io`)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


_TABLES = {
    "permalinks": Permalinks,
    "feeds": Feeds,
    "search": Search,
    "stories": Stories,
    "data": Data,
    "publish": Publish,
    "images": Images,
}
_SIZES = {"publish.size_limit", "images.max_size"}  # keys read with parse_size


def _check_type(key: str, value: Any, expected: Any) -> None:
    kind = {"str": str, "int": int, "bool": bool}.get(str(expected))
    if kind is None:
        return
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise ConfigError(key, f"must be {kind.__name__}, got {type(value).__name__} {value!r}")


def _table(name: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(name, f"must be a table ([{name}]), got {type(raw).__name__}")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        where = f"{name}.{key}"
        if key not in known:
            raise ConfigError(where, f"unknown key; known keys: {', '.join(known)}")
        values[key] = parse_size(value, where) if where in _SIZES else value
        if known[key].type == "tuple[str, ...]":
            values[key] = _strings(where, value)
        _check_type(where, values[key], known[key].type)
    return cls(**values)


def _strings(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(key, "must be a list of strings")
    return tuple(value)


def _check_images(images: Images) -> Images:
    """`[images]`: a known way to publish, a base_url where copies are served, sane limits."""
    if images.publish not in PUBLISHING:
        known = ", ".join(PUBLISHING)
        raise ConfigError("images.publish", f"unknown {images.publish!r}; one of: {known}")
    if images.publish == "copies" and not images.base_url:
        raise ConfigError("images.base_url", 'publish = "copies" needs the copies\' address')
    for key in ("per_host", "timeout", "thumbnail_width"):
        if getattr(images, key) < 1:
            raise ConfigError(f"images.{key}", "must be at least 1")
    if images.retries < 0:
        raise ConfigError("images.retries", "must be 0 or more")
    base = images.base_url and normalize_base_url(images.base_url, "images.base_url")
    return replace(images, base_url=base)


def _check_permalinks(links: Permalinks) -> None:
    """A sitemap part is one file per number: `{n}` in a name ending in .xml or .xml.gz."""
    part = links.sitemap_part
    if "{n}" not in part or not part.endswith((".xml", ".xml.gz")):
        raise ConfigError(
            "permalinks.sitemap_part",
            f'must hold {{n}} and end in .xml or .xml.gz (e.g. "/sitemap-{{n}}.xml"), got {part!r}',
        )


def normalize_base_url(url: str, key: str = "base_url") -> str:
    """Accept base_url with or without a path and a trailing slash; always end in `/`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            key,
            f"must be an absolute http(s) URL such as https://user.github.io/archive/, got {url!r}",
        )
    return url.rstrip("/") + "/"


def _category_slugs(value: object) -> dict[str, str]:
    """`[category_slugs]`: each a name's URL segment, which must be one good segment."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError("category_slugs", 'must be a table of name = "ascii-slug" strings')
    for name, slug in value.items():
        if not good_segment(slug):
            raise ConfigError(
                f"category_slugs.{name}",
                f'{slug!r} is not one URL segment: no / \\ < > : " | ? * # % or control '
                "characters, no dot or space at either end",
            )
    return dict(value)


def _disable_kinds(value: object) -> tuple[str, ...]:
    """`disable_kinds`: page kinds left out, each one of OPTIONAL_KINDS."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("disable_kinds", 'must be a list of strings, e.g. ["documents"]')
    unknown = [v for v in value if v not in OPTIONAL_KINDS]
    if unknown:
        raise ConfigError(
            "disable_kinds",
            f"unknown kind {unknown[0]!r}; known kinds: {', '.join(OPTIONAL_KINDS)}",
        )
    return tuple(sorted(set(value)))


def parse_config(raw: dict[str, Any], root: Path, text: str = "") -> SiteConfig:
    """Validate a site.toml dict; the result is what every stage reads, never the raw dict.
    `text`: site.toml's own, so that an error in `[[parts]]` names its line."""
    known = {f.name: f for f in fields(SiteConfig) if f.name not in ("root", "part")}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(key, f"unknown key; known keys: {', '.join(sorted(known))}")
        if key in _TABLES:
            values[key] = _table(key, _TABLES[key], value)
        elif key == "category_slugs":
            values[key] = _category_slugs(value)
        elif key == "disable_kinds":
            values[key] = _disable_kinds(value)
        elif key == "parts":
            continue  # read once base_url is known
        else:
            _check_type(key, value, known[key].type)
            values[key] = value
    config = SiteConfig(root=root, **values)
    try:
        config.tz  # noqa: B018 - validates the zone name
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            "timezone", f"unknown time zone {config.timezone!r} (e.g. Asia/Shanghai)"
        ) from None
    if config.per_page < 1:
        raise ConfigError("per_page", "must be at least 1")
    _check_permalinks(config.permalinks)
    base_url = normalize_base_url(config.base_url)
    parts = parse_parts(raw["parts"], text, base_url, normalize_base_url) if "parts" in raw else ()
    return replace(config, base_url=base_url, images=_check_images(config.images), parts=parts)


def load_config(path: Path) -> SiteConfig:
    """Read site.toml. A missing one is an error, as in Hugo: building in the wrong folder must not
    make (or deploy) an empty site there."""
    root = path.parent.resolve()
    if not path.is_file():
        raise ConfigError(
            str(path),
            f"Unable to locate the config file: there is no {root / path.name}. Run sitegen in "
            "the site's folder (the one holding site.toml), point at it with --config FILE, or "
            "start a new site with `sitegen init DIR`",
        )
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "not UTF-8 text") from None
    return parse_config(raw, root, text)
