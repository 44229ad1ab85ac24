"""What the other parts of an archive in parts read of this one (sitegen.parts), family "ready":
its months and lists counted, so that any part's archive page shows every year and a list page
says how many of its articles the other parts hold, and links there. Pure.

parts.json stays still (the front door is the oldest part, closed), so the counts, which change
daily, are each part's own, in `part-counts/`, fetched by `parts.js` when a page loads, as search
fetches each part's index:

`index.json`
    {"version", "bits", "years": [[year, its page, [[month, its page, articles]…]]…] (newest
    first)}: the archive page's chart and years across parts.
`<shard>.bin`
    Every list this part has a page of (a category, tag, source, document, issuing body, year,
    month): its page's path under the part's address (the same in every part: names' URLs are
    the archive's) hashed to 48 bits (FNV-1a, 64 bits, the top 48), and its articles, in
    `2 ** bits` shards by the hash's top bits: the version byte, then per list, by hash, the
    hash (6 bytes) and the count (4), big-endian. 10 bytes a list, so a page fetches one small
    file a part.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from sitegen import older
from sitegen.models import Page
from sitegen.pages.shared import Views, feed_name, ready
from sitegen.site import Site

FOLDER = "part-counts"
VERSION = 1
PER_SHARD = 512  # lists: a shard stays within ~5 KB
_MASK = (1 << 64) - 1


def key(views: Views, url: str) -> str:
    """A page's path under its part's address, as its links write it: the same page in every
    part has the same key, and a part's address plus the key is that page."""
    return views.urls.href(url)[len(views.urls.base_path.rstrip("/")) :]


def hashed(text: str) -> int:
    """A key's 48 bits (parts.js hashes the same way): one false count in a part of 100,000
    lists comes once in ~3 billion page views."""
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & _MASK
    return h >> 16


# Lists that ask no other part: home's (the footer links the other parts' homes), and the index of
# tags (a list of lists).
_UNASKED = ("home", "tags")


def asking(views: Views, url: str, kind: str, first: bool = True) -> str:
    """The key a list's page asks the other parts by, how many of its articles they hold (its
    first page, in an archive in parts); "": it asks none."""
    return key(views, url) if views.config.parts and first and kind not in _UNASKED else ""


def counted(pages: list[Page]) -> Iterator[tuple[str, int]]:
    """Each asking list's page and its articles, as the page says them (sitegen.pages.lists: a
    list's pages, and a page of counted links, a year's)."""
    for page in pages:
        if page.template != "list.html" or page.kind in _UNASKED:
            continue
        if page.family == "ready":
            yield page.url, dict(page.data)["total"]
        elif page.data.pagination.current == 1:
            yield page.url, page.data.count


def bits(lists: int) -> int:
    """How many bits of a key's hash pick its shard: a shard holds PER_SHARD lists or fewer."""
    return max(0, -(-lists // PER_SHARD) - 1).bit_length()


def count_pages(views: Views, pages: list[Page]) -> Iterator[Page]:
    """`part-counts/` and `parts.js` of a part; nothing without parts."""
    if not views.config.parts:
        return
    urls, site = views.urls, views.site
    shards = bits(sum(1 for _ in counted(pages)))
    years: dict[int, list[list[object]]] = {}
    for month in site.months:
        row = [month.month, key(views, urls.month(month.year, month.month)), len(month.articles)]
        years.setdefault(month.year, []).append(row)
    table = [[year, key(views, urls.year(year)), months] for year, months in years.items()]
    raw = json.dumps(
        {"version": VERSION, "bits": shards, "years": table},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    url = f"/{FOLDER}/index.json"
    yield ready(url, "counts", "", views.key(url, raw), None, raw=raw.encode("utf-8"))
    held: list[list[tuple[int, int]]] = [[] for _ in range(1 << shards)]
    for page_url, count in counted(pages):
        h = hashed(key(views, page_url))
        held[h >> (48 - shards)].append((h, count))
    for n, entries in enumerate(held):
        data = bytes([VERSION]) + b"".join(
            h.to_bytes(6, "big") + count.to_bytes(4, "big") for h, count in sorted(entries)
        )
        url = f"/{FOLDER}/{n:x}.bin"
        yield ready(url, "counts", "", views.key(url, data), None, raw=data)
    url = "/parts.js"
    yield ready(url, "script", "parts.js", views.key(url), None)


def shelf(site: Site) -> bytes:
    """This part's articles as the newer parts' builds read them (sitegen.older's file)."""
    urls = site.links
    cut = len(urls.base_path.rstrip("/"))
    return older.shelf(
        [urls.href(url)[cut:] for url in site.urls],
        [a.title for a in site.articles],
        [feed_name(a) for a in site.articles],
        [a.date.timestamp() for a in site.articles],
        [a.sketch for a in site.articles],
        site.ranks,
    )


LINKS = "part-links"
LINKS_VERSION = 2  # items [text, key, part]; version 1's were [text, absolute page]
PER_LINKS_SHARD = 64  # older articles: a shard stays within ~20 KB
_DERIVED = re.compile(r"[^%#?]*/")


def said(views: Views, url: str) -> str:
    """What an article's page says its key is (`data-links`), in an archive in parts: nothing
    when parts.js reads it off the page's address (its path, percent-decoded, past its part's
    address's path; index.html cut): a key ending in "/" with no %, # or ?, else the key."""
    made = key(views, url)
    return "" if _DERIVED.fullmatch(made) else made


def link_pages(views: Views) -> Iterator[Page]:
    """`part-links/` of a part after the first: what it adds to the older parts' article pages,
    which read it when they load (static links go from newer parts to older ones only). Per older
    article it adds to, by its key (its page's path under its part's address): this part's copies
    of its story and its related list over this part and the older ones when one of this part's
    is in it (else []), each item [text (a copy's feed, a related one's title), key, its part's
    place in parts.json]. In shards by the key's hash (`hashed`), `index.json` saying how many
    bits pick one and how long a related list is."""
    config, site = views.config, views.site
    if not config.parts or config.part == config.parts[0].name:
        return
    entries: list[tuple[str, list[list[list[str | int]]]]] = []
    if site.across is not None:
        far, n = site.across.far, len(site.articles)
        place = [part.name for part in config.parts].index(config.part)

        def shown(j: int, text: str) -> list[str | int]:  # a copy by its feed, a related by title
            if j < n:
                own = site.articles[j]
                name = feed_name(own) if text == "feed" else own.title
                return [name, key(views, site.urls[j]), place]
            item = far[j - n]
            return [item.feed if text == "feed" else item.title, item.key, item.part]

        for k, copies, related in site.across.ahead:
            made = [[shown(j, "feed") for j in copies], [shown(j, "title") for j in related]]
            entries.append((far[k].key, made))
    shards = max(0, -(-len(entries) // PER_LINKS_SHARD) - 1).bit_length()
    raw = json.dumps({"version": LINKS_VERSION, "bits": shards, "related": config.related})
    url = f"/{LINKS}/index.json"
    yield ready(url, "links", "", views.key(url, raw), None, raw=raw.encode("utf-8"))
    held: list[dict[str, object]] = [{} for _ in range(1 << shards)]
    for key_, made in entries:
        held[hashed(key_) >> (48 - shards)][key_] = made
    for shard, table in enumerate(held):
        data = json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        url = f"/{LINKS}/{shard:x}.json"
        yield ready(url, "links", "", views.key(url, data), None, raw=data.encode("utf-8"))
