"""An archive in parts: `[[parts]]` in site.toml, each a span of dates published as a site of its
own (GitHub Pages publishes at most 1 GB a site). Pure.

The first part is the front door: it stays at the site's base_url, keeps everything published
before parts were declared (the URL record says what that is), and lists every part in
`parts.json`, which pages read to link to newer parts. An article's part is set in the URL step
(sitegen.assign.part_of); this module reads the declaration and says what a part's build is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import ConfigError
from sitegen.size import human

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.config import SiteConfig

PARTS_FILE = "parts.json"  # on the front door, at a stable address
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_KEYS = ("name", "from", "to", "base_url", "remote")


@dataclass(frozen=True)
class Part:
    """A span of dates (`start`..`end`, inclusive, open where None) published at `base_url` ("" on
    the front door: the site's own) from the folder of its `name`, pushed to `remote`."""

    name: str
    start: date | None = None
    end: date | None = None
    base_url: str = ""
    remote: str = ""

    def holds(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def day_part(parts: tuple[Part, ...], day: date) -> str:
    """The part whose span holds a day ("" when none does)."""
    return next((part.name for part in parts if part.holds(day)), "")


def _lines(text: str) -> list[int]:
    """The line of each `[[parts]]` header in site.toml's text, in order."""
    found = re.finditer(r"^[ \t]*\[\[[ \t]*parts[ \t]*\]\]", text, re.MULTILINE)
    return [text.count("\n", 0, m.start()) + 1 for m in found]


def _key_line(text: str, header: int, key: str) -> int:
    """The line a key of the part whose header is on line `header` is on (the header's if unseen)."""
    lines = text.splitlines()
    for number in range(header, len(lines)):
        line = lines[number].strip()
        if line.startswith("["):
            break
        if re.match(rf"^{re.escape(key)}\s*=", line):
            return number + 1
    return header


def _day(value: object, where: str) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(where, f"must be a date such as 2027-01-01, got {value!r}")


def parse_parts(
    raw: object, text: str, base_url: str, normalize: Callable[[str, str], str]
) -> tuple[Part, ...]:
    """`[[parts]]`, checked: names, spans oldest first and apart, addresses. Each error names
    site.toml and the line. `normalize` is config's base_url check."""
    headers = _lines(text)
    if not isinstance(raw, list) or not all(isinstance(table, dict) for table in raw):
        raise ConfigError("site.toml: parts", "must be [[parts]] tables, one per part")
    parts: list[Part] = []
    for n, table in enumerate(raw):
        header = headers[n] if n < len(headers) else 1

        def where(key: str, header: int = header, n: int = n) -> str:
            return f"site.toml:{_key_line(text, header, key)}: parts[{n + 1}].{key}"

        part = _named(table, parts, where)
        part = _spanned(part, table, parts, where)
        parts.append(_addressed(part, table.get("base_url", ""), parts, base_url, normalize, where))
    return tuple(parts)


def _named(table: dict[str, object], parts: list[Part], where: Callable[[str], str]) -> Part:
    """A part's known keys, of the right types, and its name: a folder's, its own."""
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(where(key), f"unknown key; known keys: {', '.join(_KEYS)}")
        if key in ("name", "base_url", "remote") and not isinstance(value, str):
            raise ConfigError(where(key), f"must be a string, got {value!r}")
    name = str(table.get("name", ""))
    if not _NAME.match(name):
        message = "must be a short folder name: a-z, 0-9, '.', '_', '-' (e.g. 2027)"
        raise ConfigError(where("name"), f"{message}, got {name!r}")
    if any(p.name == name for p in parts):
        raise ConfigError(where("name"), f"two parts named {name!r}")
    return Part(name, remote=str(table.get("remote", "")))


def _spanned(
    part: Part, table: dict[str, object], parts: list[Part], where: Callable[[str], str]
) -> Part:
    """A part's span: after the one before it (spans are declared oldest first, never overlap)."""
    start, end = _day(table.get("from"), where("from")), _day(table.get("to"), where("to"))
    if start and end and end < start:
        raise ConfigError(where("to"), f"{end} is before the part's from ({start})")
    if parts and (parts[-1].end is None or start is None or start <= parts[-1].end):
        last = parts[-1]
        raise ConfigError(
            where("from"),
            f"must be a day after the span of part {last.name!r} (to = {last.end}): spans are "
            "declared oldest first and never overlap",
        )
    return replace(part, start=start, end=end)


def _addressed(
    part: Part,
    url: object,
    parts: list[Part],
    base_url: str,
    normalize: Callable[[str, str], str],
    where: Callable[[str], str],
) -> Part:
    """A part's address: the front door's is the site's; every other part has its own."""
    url = str(url)
    if not parts:
        if url and normalize(url, where("base_url")) != base_url:
            message = f"the first part is the front door: its base_url is the site's ({base_url})"
            raise ConfigError(where("base_url"), message)
        return part
    if not url:
        raise ConfigError(where("base_url"), "every part after the first needs its own address")
    url = normalize(url, where("base_url"))
    if url == base_url or any(p.base_url == url for p in parts):
        raise ConfigError(where("base_url"), f"{url} is another part's address")
    return replace(part, base_url=url)


def part_config(config: SiteConfig, part: Part) -> SiteConfig:
    """The configuration one part is built with: its own address, and its name (`config.part`);
    the front door's address written out, as every part links there."""
    front = replace(config.parts[0], base_url=config.parts[0].base_url or config.base_url)
    parts = (front, *config.parts[1:])
    return replace(config, base_url=part.base_url or config.base_url, part=part.name, parts=parts)


def closed(config: SiteConfig) -> bool:
    """Whether the part this configuration builds has an end: it grows no more (but for a late
    arrival), so its search index has no tail (search.format), which every query would fetch."""
    return any(part.name == config.part and part.end is not None for part in config.parts)


def part_output(output: Path, part: Part) -> Path:
    """Each part's folder under the build's output."""
    return output / part.name


def listing(parts: tuple[Part, ...], base_url: str) -> bytes:
    """`parts.json`: every part's name, span and address, oldest span first."""
    rows = [
        {
            "name": part.name,
            "from": part.start.isoformat() if part.start else None,
            "to": part.end.isoformat() if part.end else None,
            "url": part.base_url or base_url,
        }
        for part in parts
    ]
    return (json.dumps({"parts": rows}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def span_text(part: Part) -> str:
    """A part's span as its link says it: 2023-09-01 至 2023-12-31 (一 open end: 起, 以前)."""
    if part.start and part.end:
        return f"{part.start} 至 {part.end}"
    return f"{part.start} 起" if part.start else f"{part.end} 以前" if part.end else "全部"


def older(config: SiteConfig) -> list[tuple[str, str]]:
    """The parts older than the one `config` (a part's) builds: each its span and address."""
    names = [part.name for part in config.parts]
    return [(span_text(part), part.base_url) for part in config.parts[: names.index(config.part)]]


def listing_url(config: SiteConfig) -> str:
    """Where the front door publishes parts.json (`config`: a part's)."""
    return config.parts[0].base_url + PARTS_FILE


def next_span(config: SiteConfig, part: Part, today: date) -> str:
    """The span to declare when the open part nears the size limit: it closes today (late
    arrivals dated up to today still go there), the next part starts tomorrow."""
    start = today + timedelta(days=1)
    front = config.parts[0].base_url or config.base_url
    return (
        f"close part {part.name!r} (to = {today}) and declare the next in site.toml: [[parts]] "
        f'name = "p{start:%Y%m%d}", from = {start}, base_url = '
        f'"{front.rstrip("/")}-{start:%Y%m%d}/", remote = "its own repository"'
    )


def too_big(part: Part, size: int, limit: int, proposal: str) -> str:
    """Why a part fails the build: past the limit, the host would refuse it."""
    advice = proposal or "it is closed: only its own edits and late arrivals grow it"
    return (
        f"part {part.name!r} is {human(size)} as uploaded, over [publish] size_limit "
        f"({human(limit)}): the host would refuse it, so nothing of it was kept (its previous "
        f"output and its lines of urls.txt stay); {advice}"
    )


def own(config: SiteConfig) -> Part:
    """The part a part's `config` builds."""
    return next(part for part in config.parts if part.name == config.part)


def judge(config: SiteConfig, limit: int, now: datetime) -> Callable[[int], str]:
    """A part's verdict on its output's bytes as uploaded, before anything of it is kept: ""
    within the limit, else why the build fails (`config`: the part's; `now`: the open part
    would close today)."""
    part = own(config)
    today = now.astimezone(config.tz).date()
    proposal = next_span(config, part, today) if part.end is None else ""
    return lambda size: too_big(part, size, limit, proposal) if size > limit else ""
