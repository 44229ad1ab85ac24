"""The pages of cited documents and issuing bodies: a list and a timeline for each; the indexes
of any kind's names (sitegen.kinds), the documents' with their facets; a document's page says
what the articles say of it (each fact with the article saying it) and quotes each citing
sentence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace

from sitegen import authorities
from sitegen.documents import label
from sitegen.kinds import Grouped, Kind
from sitegen.models import Page
from sitegen.pages.lists import list_pages
from sitegen.pages.shared import Views, pagination, ready
from sitegen.records import BY_NUMBER, BY_TITLE, Body, Fact, Record
from sitegen.views import CountedLink, Field, Link, RecordView, Sourced, Tick

NAMES_PER_PAGE = 500  # links on a page of an index of names (documents, bodies, sources)


def timeline(views: Views, members: Sequence[int]) -> tuple[Tick, ...]:
    """Mentions per month, newest first, each bar a share of the busiest month."""
    months: dict[tuple[int, int], int] = {}
    for i in members:
        local = views.local[i]  # an article is mentioned by many names: its date made once
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
    href, body = views.urls.href, views.url_of
    issuers = tuple(
        _sourced(views, f, href(url) if (url := body("authorities", f.value)) else "")
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


def document_pages(views: Views, kind: Kind) -> Iterator[Page]:
    """A page per cited document (family "document" of sitegen.kinds): what the articles say of
    it, then the articles citing it, newest first, each with its sentence, and when they did.
    Every other name joined to it keeps its URL, as a page leading here."""
    trail = (Link(kind.heading, views.urls.href(views.urls.group_index(kind))),)
    for record in views.site.documents:
        shown = kind.label(record.name)
        url = views.url_of(kind.name, record.name)
        yield from list_pages(
            views,
            url,
            kind.one,
            shown,
            record.articles,
            trail=trail,
            description=f"提及{shown}的 {len(record.articles)} 篇文章",
            timeline=timeline(views, record.articles),
            record=_record_view(views, record),
            quotes=record.sentences,
        )
        for name in record.names[1:]:
            yield redirect_page(views, views.url_of(kind.name, name), label(name), url, shown)


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
        Link(label(records[r].name), views.urls.href(views.url_of("documents", records[r].name)))
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


def authority_pages(views: Views, kind: Kind) -> Iterator[Page]:
    """A page per issuing body (family "authority" of sitegen.kinds): what it is called, the
    documents it issued, then the articles naming it, newest first, and when they did."""
    trail = (Link(kind.heading, views.urls.href(views.urls.group_index(kind))),)
    for body in views.site.authorities:
        yield from list_pages(
            views,
            views.url_of(kind.name, body.name),
            kind.one,
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


def document_facet_pages(views: Views, kind: Kind) -> Iterator[Page]:
    """A list of the documents of each kind and of each year, most cited first."""
    kinds: dict[str, list[Record]] = defaultdict(list)
    years: dict[int, list[Record]] = defaultdict(list)
    for record in views.site.documents:
        if record.kind:
            kinds[record.kind].append(record)
        if record.year:
            years[record.year].append(record)
    urls = views.urls
    for sort, members in kinds.items():
        yield from names_pages(views, urls.document_kind(sort), kind, f"文种：{sort}", members)
    for year, members in years.items():
        yield from names_pages(views, urls.document_year(year), kind, f"{year}年的文件", members)


def documents_index(views: Views, kind: Kind) -> Iterator[Page]:
    """The documents most cited first (index "documents" of sitegen.kinds), with ways in by
    kind and by year, and those lists."""
    by_kind, by_year = document_facets(views)
    facets = tuple(
        (name, links) for name, links in (("按文种", by_kind), ("按年份", by_year)) if links
    )
    groups = views.site.groups[kind.name]
    yield from names_pages(views, views.urls.group_index(kind), kind, kind.index_heading, groups,
                           facets)  # fmt: skip
    yield from document_facet_pages(views, kind)


def names_index(views: Views, kind: Kind) -> Iterator[Page]:
    """The index of a kind's names (index "names" of sitegen.kinds: bodies, sources)."""
    groups = views.site.groups[kind.name]
    yield from names_pages(views, views.urls.group_index(kind), kind, kind.index_heading, groups)


def names_pages(
    views: Views,
    first: str,
    kind: Kind,
    heading: str,
    groups: Sequence[Grouped],
    facets: tuple[tuple[str, tuple[CountedLink, ...]], ...] = (),
) -> Iterator[Page]:
    """An index of a kind's names in the kind's order (documents, sources: most articles first;
    bodies: the table's), NAMES_PER_PAGE a page; `facets`: other ways in (by kind, by year),
    on the first."""
    links = tuple(
        CountedLink(
            kind.label(g.name), views.urls.href(views.page_of(kind.name, g.name)), len(g.articles)
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
            kind.name,
            "names.html",
            views.key(url, kind.name, heading, shown, n, total, *(facets if n == 1 else ())),
            views.newest(firsts),
            head=views.head(title, url, f"{heading}，共 {len(links)} 个"),
            kind=kind.name,
            heading=heading,
            links=shown,
            total=len(links),
            pagination=pagination(views.urls, first, n, total),
            facets=facets if n == 1 else (),
        )
