"""The archive's metadata for research (family "data"), under /data/: one record per article as
gzip JSON Lines, a file per year (a year of more than SPLIT_FROM articles, per month), so a closed
year's file keeps its bytes when articles arrive; the documents and the issuing bodies as CSV;
`files.json`, the list of every file; and a page saying what each field means and how to cite it.

A record holds what the article itself says (its documents as it names them), so that an article
added later never changes an older year's file; the CSVs join the names to their records. Files
are made in code, not templates: gzip (its time stamp zeroed) and csv are what the formats need.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitegen import authorities
from sitegen.models import Page
from sitegen.pages.shared import Views, ready
from sitegen.views import CountedLink

SCHEMA = "1"
SPLIT_FROM = 100_000  # articles in a year from which its file is split by month: none nears 50 MB
# The fields of an article's record: (key, type, meaning). The data page shows them.
ARTICLE_FIELDS = (
    ("url", "string", "文章在本站的网址（绝对网址，中文照写，即 IRI）"),
    ("title", "string", "标题"),
    ("date", "string", "发布时间，ISO 8601，带时区；只有日期的文章为 YYYY-MM-DD"),
    ("updated", "string|null", "更新时间，ISO 8601；没有则为 null"),
    ("source", "string", "来源：正文所注来源，否则为抓取的订阅源"),
    ("categories", "string[][]", "分类，每个为从上到下的一条路径"),
    ("tags", "string[]", "标签"),
    ("story", "string|null", "同一报道最早一份的网址（转载、多频道刊发）；没有副本则为 null"),
    (
        "documents",
        "string[]",
        "提及的文件，按文章的写法（标题不带书名号，或发文字号）；见 documents.csv",
    ),
    ("authorities", "string[]", "提及的发文机关（规范名称）；见 authorities.csv"),
)
DOCUMENT_COLUMNS = (
    ("name", "文件名称（页面所用的名称）"),
    ("other_names", "与之合并的其他写法，以 | 分隔"),
    ("number", "发文字号"),
    ("kind", "文种"),
    ("year", "年份（发文字号或印发日期的年份）"),
    ("issuers", "发文机关，以 | 分隔"),
    ("issued", "印发日期"),
    ("published", "发布日期"),
    ("effective", "施行日期"),
    ("articles", "提及它的文章数"),
    ("url", "本站页面网址"),
)
AUTHORITY_COLUMNS = (
    ("name", "规范名称"),
    ("group", "类别"),
    ("aliases", "又称，以 | 分隔"),
    ("former", "曾用名，以 | 分隔"),
    ("documents", "文章所引、由它发布的文件数"),
    ("articles", "提及它的文章数"),
    ("url", "本站页面网址"),
)


@dataclass(frozen=True)
class DataFile:
    """One file: its URL, what it holds, the period it covers and its articles (by index)."""

    url: str
    holds: str  # "articles", "documents" or "authorities"
    records: int
    period: str = ""
    members: tuple[int, ...] = ()


def _iri(views: Views, url: str) -> str:
    """A page's full address as an IRI (Chinese written as itself: a third of the bytes)."""
    return views.config.origin + views.urls.href(url)


def _record(views: Views, i: int) -> dict[str, Any]:
    site = views.site
    article = site.articles[i]
    local = article.date.astimezone(views.config.tz)
    story = site.copies[i]
    return {
        "url": _iri(views, site.urls[i]),
        "title": article.title,
        "date": local.isoformat() if article.has_time else f"{local:%Y-%m-%d}",
        "updated": article.updated.astimezone(views.config.tz).isoformat()
        if article.updated
        else None,
        "source": site.source_of[i],
        "categories": [list(path) for path in article.categories],
        "tags": list(article.tags),
        "story": _iri(views, site.urls[story[0]]) if story else None,
        "documents": list(article.documents),
        "authorities": list(article.authorities),
    }


def _csv(header: tuple[tuple[str, str], ...], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in header])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _document_rows(views: Views) -> list[list[object]]:
    rows: list[list[object]] = []
    for record in views.site.documents:
        dates = {
            tag: "|".join(f.value for t, f in record.dates if t == tag)
            for tag in ("印发", "发布", "施行")
        }
        rows.append([
            record.name, "|".join(n for n in record.names[1:] if n != record.number), record.number, record.kind, record.year or "",
            "|".join(f.value for f in record.issuers), dates["印发"], dates["发布"], dates["施行"],
            len(record.articles), _iri(views, views.url_of("documents", record.name)),
        ])  # fmt: skip
    return rows


def _authority_rows(views: Views) -> list[list[object]]:
    table = authorities.by_name()
    return [
        [
            body.name,
            table[body.name].group,
            "|".join(table[body.name].aliases),
            "|".join(table[body.name].former),
            len(body.documents),
            len(body.articles),
            _iri(views, views.url_of("authorities", body.name)),
        ]
        for body in views.site.authorities
    ]


def context(url: str, file: DataFile, views: Views) -> dict[str, Any]:
    """The file's bytes, made now: JSON Lines gzipped without a time stamp, or CSV."""
    if file.holds == "articles":
        lines = (
            json.dumps(_record(views, i), ensure_ascii=False, separators=(",", ":")) + "\n"
            for i in file.members
        )
        return {"raw": gzip.compress("".join(lines).encode("utf-8"), mtime=0)}
    if file.holds == "documents":
        return {"raw": _csv(DOCUMENT_COLUMNS, _document_rows(views))}
    return {"raw": _csv(AUTHORITY_COLUMNS, _authority_rows(views))}


def data_files(views: Views) -> list[DataFile]:
    """The articles by year, oldest first within each (a year over SPLIT_FROM: by month), then
    the documents' and the bodies' tables when their pages are made."""
    site = views.site
    periods: dict[str, list[int]] = defaultdict(list)
    years: dict[int, int] = defaultdict(int)
    dates = [views.local[i] for i in range(len(site.articles))]
    for local in dates:
        years[local.year] += 1
    for i in reversed(range(len(site.articles))):  # oldest first
        local = dates[i]
        split = years[local.year] > SPLIT_FROM
        periods[f"{local.year}-{local.month:02d}" if split else str(local.year)].append(i)
    files = [
        DataFile(
            f"/data/articles-{period}.jsonl.gz", "articles", len(members), period, tuple(members)
        )
        for period, members in sorted(periods.items())
    ]
    if site.documents:
        files.append(DataFile("/data/documents.csv", "documents", len(site.documents)))
    if site.authorities:
        files.append(DataFile("/data/authorities.csv", "authorities", len(site.authorities)))
    return files


def _key_parts(views: Views, file: DataFile) -> tuple[object, ...]:
    """All a file's bytes come from: its articles' records, or the tables' rows."""
    if file.holds == "articles":
        return tuple(
            (views.token(i), views.site.source_of[i], views.site.copies[i][:1])
            for i in file.members
        )
    return tuple(
        map(tuple, _document_rows(views) if file.holds == "documents" else _authority_rows(views))
    )


def data_pages(views: Views) -> Iterator[Page]:
    """Every data file, the list of them and the page describing them."""
    urls = views.urls
    files = data_files(views)
    for file in files:
        # an articles file as the last plan keyed it while none of its articles is made again
        key = views.known.listed(file.url, file.members) if file.holds == "articles" else ""
        key = key or views.key(file.url, SCHEMA, _key_parts(views, file))
        yield Page(file.url, "data", "", key, None, "data", file)
    listing = {
        "schema": SCHEMA,
        "files": [
            {
                "url": urls.absolute(f.url),
                "holds": f.holds,
                "period": f.period,
                "records": f.records,
            }
            for f in files
        ],
    }
    raw = (json.dumps(listing, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    url = "/data/files.json"
    yield ready(url, "data", "", views.key(url, raw), None, raw=raw)
    links = tuple(CountedLink(f.url.rsplit("/", 1)[-1], urls.href(f.url), f.records) for f in files)
    title = views.config.title
    newest = (
        views.site.articles[0].date.astimezone(views.config.tz).year if views.site.articles else ""
    )
    citation = f"{views.config.author or title}. {title}元数据[DS/OL]. {urls.absolute('/data/')}, {newest}."
    page = "/data/"
    yield ready(
        page,
        "data",
        "data.html",
        views.key(page, SCHEMA, links, citation),
        views.newest(range(len(views.site.articles))),
        head=views.head("数据下载", page, "本站文章、文件与发文机关的元数据，供研究下载"),
        schema=SCHEMA,
        files=links,
        listing=urls.href(url),
        article_fields=ARTICLE_FIELDS,
        document_columns=DOCUMENT_COLUMNS,
        authority_columns=AUTHORITY_COLUMNS,
        citation=citation,
    )
