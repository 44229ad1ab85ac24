"""The pages of cited documents, issuing bodies and sources: a list (and a timeline, or a feed)
for each, and their indexes, most articles first; a document's page says what the articles say
of it (each fact with the article saying it) and quotes each citing sentence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace

from sitegen import authorities
from sitegen.documents import label
from sitegen.models import Page
from sitegen.pages.feeds import feed
from sitegen.pages.lists import list_pages
from sitegen.pages.shared import Views, ready
from sitegen.records import BY_NUMBER, BY_TITLE, Body, Fact, Record
from sitegen.site import Group
from sitegen.views import CountedLink, Field, Link, RecordView, Sourced, Tick

NAMES_PER_PAGE = 500  # links on a page of the documents' or the sources' index


def timeline(views: Views, members: Sequence[int]) -> tuple[Tick, ...]:
    """Mentions per month, newest first, each bar a share of the busiest month."""
    months: dict[tuple[int, int], int] = {}
    for i in members:
        local = views.site.articles[i].date.astimezone(views.config.tz)
        months[(local.year, local.month)] = months.get((local.year, local.month), 0) + 1
    most = max(months.values(), default=1)
    return tuple(Tick(f"{y}年{m}月", n, round(100 * n / most)) for (y, m), n in months.items())


def _sourced(views: Views, fact: Fact, href: str = "") -> Sourced:
    """A fact with what says it: an article (its title, linked) or the document's own name."""
    if fact.article in (BY_NUMBER, BY_TITLE):
        return Sourced(fact.value, href, "文号" if fact.article == BY_NUMBER else "标题")
    i = fact.article
    source_href = views.urls.href(views.site.urls[i])
    return Sourced(fact.value, href, views.site.articles[i].title, source_href)


def _record_view(views: Views, record: Record) -> RecordView:
    """A document's fields, each value with its source."""
    bodies = views.authority_urls
    issuers = tuple(
        _sourced(views, f, views.urls.href(bodies[f.value]) if f.value in bodies else "")
        for f in record.issuers
    )
    fields = [
        Field("名称", tuple(Sourced(label(n)) for n in record.names if n != record.number)),
        Field("发文字号", (Sourced(record.number),) if record.number else ()),
        Field("发文机关", issuers),
        Field("文种", (Sourced(record.kind),) if record.kind else ()),
        *(
            Field(
                f"{label}日期", tuple(_sourced(views, f) for tag, f in record.dates if tag == label)
            )
            for label in ("印发", "发布", "施行")
        ),
    ]
    return RecordView(tuple(f for f in fields if f.values))


def document_pages(views: Views) -> Iterator[Page]:
    """A page per cited document: what the articles say of it, then the articles citing it,
    newest first, each with its sentence, and when they did. Every other name joined to it
    keeps its URL, as a page leading here."""
    trail = (Link("文件", views.urls.href(views.urls.documents())),)
    for record in views.site.documents:
        shown = label(record.name)
        url = views.document_urls[record.name]
        yield from list_pages(
            views,
            url,
            "document",
            shown,
            record.articles,
            trail=trail,
            description=f"提及{shown}的 {len(record.articles)} 篇文章",
            timeline=timeline(views, record.articles),
            record=_record_view(views, record),
            quotes=record.sentences,
        )
        for name in record.names[1:]:
            yield redirect_page(views, views.document_urls[name], label(name), url, shown)


def redirect_page(views: Views, url: str, heading: str, target: str, text: str) -> Page:
    """The page a joined name had: it leads to its record's page (and says so without script)."""
    href = views.urls.href(target)
    head = replace(views.head(heading, target, f"{heading}即{text}"), noindex=True)
    key = views.key(url, heading, target, text)
    return ready(url, "redirect", "redirect.html", key, None, head=head, heading=heading,
                 target=Link(text, href))  # fmt: skip


def _body_view(views: Views, body: Body) -> RecordView:
    authority = authorities.by_name()[body.name]
    records = views.site.documents  # none when the documents' pages are off
    links = tuple(
        Link(label(records[r].name), views.urls.href(views.document_urls[records[r].name]))
        for r in body.documents
        if records
    )
    fields = (
        Field("类别", (Sourced(authority.group),)),
        Field("又称", tuple(map(Sourced, authority.aliases))),
        Field("曾用名", tuple(map(Sourced, authority.former))),
    )
    heading = f"发布的文件（{len(links)}）" if links else ""
    return RecordView(tuple(f for f in fields if f.values), heading, links)


def authority_pages(views: Views) -> Iterator[Page]:
    """A page per issuing body: what it is called, the documents it issued, then the articles
    naming it, newest first, and when they did."""
    trail = (Link("发文机关", views.urls.href(views.urls.authorities())),)
    for body in views.site.authorities:
        yield from list_pages(
            views,
            views.authority_urls[body.name],
            "authority",
            body.name,
            body.articles,
            trail=trail,
            description=f"{body.name}：发布的 {len(body.documents)} 份文件，提及它的 "
            f"{len(body.articles)} 篇文章",
            timeline=timeline(views, body.articles),
            record=_body_view(views, body),
        )


def document_facets(views: Views) -> tuple[tuple[CountedLink, ...], tuple[CountedLink, ...]]:
    """The documents by kind (most first) and by year (newest first), as links to their lists."""
    kinds: dict[str, int] = defaultdict(int)
    years: dict[int, int] = defaultdict(int)
    for record in views.site.documents:
        kinds[record.kind] += bool(record.kind)
        years[record.year] += bool(record.year)
    href, urls = views.urls.href, views.urls
    by_kind = tuple(
        CountedLink(k, href(urls.document_kind(k)), n)
        for k, n in sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
        if n
    )
    by_year = tuple(
        CountedLink(f"{y}年", href(urls.document_year(y)), n)
        for y, n in sorted(years.items(), reverse=True)
        if n
    )
    return by_kind, by_year


def document_facet_pages(views: Views) -> Iterator[Page]:
    """A list of the documents of each kind and of each year, most cited first."""
    kinds: dict[str, list[Record]] = defaultdict(list)
    years: dict[int, list[Record]] = defaultdict(list)
    for record in views.site.documents:
        if record.kind:
            kinds[record.kind].append(record)
        if record.year:
            years[record.year].append(record)
    urls = views.urls
    for kind, members in kinds.items():
        yield from names_pages(
            views, urls.document_kind(kind), "documents", f"文种：{kind}", tuple(members),
            views.document_urls,
        )  # fmt: skip
    for year, members in years.items():
        yield from names_pages(
            views, urls.document_year(year), "documents", f"{year}年的文件", tuple(members),
            views.document_urls,
        )  # fmt: skip


def source_pages(views: Views) -> Iterator[Page]:
    """A page per source (来源 or feed) with its articles, and its Atom feed."""
    trail = (Link("来源", views.urls.href(views.urls.sources())),)
    for group in views.site.sources:
        url = views.source_urls[group.name]
        feed_url = views.source_feeds[group.name]
        feeds = (Link(f"{group.name} 的 Atom 订阅", views.urls.href(feed_url)),)
        yield from list_pages(
            views,
            url,
            "source",
            group.name,
            group.articles,
            trail=trail,
            description=f"来源“{group.name}”的 {len(group.articles)} 篇文章",
            feeds=feeds,
        )
        title = f"{group.name} | {views.config.title}"
        yield feed(views, feed_url, title, url, group.articles)


def names_pages(
    views: Views,
    first: str,
    kind: str,
    heading: str,
    groups: Sequence[Group | Record | Body],
    urls: dict[str, str],
    facets: tuple[tuple[str, tuple[CountedLink, ...]], ...] = (),
) -> Iterator[Page]:
    """The index of documents, bodies or sources, most articles first (bodies: in the table's
    order), NAMES_PER_PAGE a page; `facets`: other ways in (by kind, by year), on the first."""
    links = tuple(
        CountedLink(
            label(g.name) if kind == "documents" else g.name,
            views.urls.href(urls[g.name]),
            len(g.articles),
        )
        for g in groups
    )
    total = max(1, -(-len(links) // NAMES_PER_PAGE))
    for n in range(1, total + 1):
        url = views.urls.page(first, n)
        window = slice((n - 1) * NAMES_PER_PAGE, n * NAMES_PER_PAGE)
        shown = links[window]
        title = heading if n == 1 else f"{heading}（第 {n} 页）"
        # An empty index (no article cites a document) is still linked: dated by the site.
        firsts = [g.articles[0] for g in groups[window] if g.articles] or range(
            len(views.site.articles)
        )
        yield ready(
            url,
            kind,
            "names.html",
            views.key(url, kind, heading, shown, n, total, *(facets if n == 1 else ())),
            views.newest(firsts),
            head=views.head(title, url, f"{heading}，共 {len(links)} 个"),
            kind=kind,
            heading=heading,
            links=shown,
            total=len(links),
            pagination=views.pagination(first, n, total),
            facets=facets if n == 1 else (),
        )
