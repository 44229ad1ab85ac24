"""The lists of articles (family "list"): home, categories, months, and the pages of any list
(tags, documents, sources); and the date overviews: a year's months, the archive with its chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sitegen.chart import month_chart
from sitegen.models import CategoryPath, Page
from sitegen.pages import across
from sitegen.pages.feeds import category_feed_link
from sitegen.pages.shared import Views, pagination, ready
from sitegen.site import filed_in
from sitegen.views import CountedLink, Link, Pagination, Quoted, RecordView, Tick, YearView

HOME_PAGES = 10  # the home list stops here and leads to the archive


@dataclass(frozen=True)
class ListPage:
    """One page of a list: which articles it shows, and all it says around them (its key
    digests this, so a field that changes with the list's length is set on its first page only)."""

    kind: str
    heading: str
    title: str
    shown: tuple[int, ...]
    pagination: Pagination
    count: (
        int | None
    )  # articles counted in the heading; None: not said (a stable list's later pages)
    description: str = ""
    feeds: tuple[Link, ...] = ()
    trail: tuple[Link, ...] = ()
    subcategories: tuple[CountedLink, ...] = ()
    latest: bool = False
    more: Link | None = None
    timeline: tuple[Tick, ...] = ()
    record: RecordView | None = None
    quotes: tuple[str, ...] = ()  # per article shown: the sentence citing the list's document
    # a month's: the months before and after it that have articles
    neighbours: tuple[Link, ...] = ()


def stable_window(length: int, per: int, n: int) -> slice:
    """Page n of a stable list of `length` members, newest first: the first page shows the
    newest `per`; page n >= 2 the (n - 1)th `per` counted from the oldest, so once full it never
    changes, and a new article touches the first page and the newest few, whatever the list's
    length. The pages are those an unstable list of that length has: no published page is lost."""
    if n == 1:
        return slice(0, per)
    return slice(length - (n - 1) * per, length - (n - 2) * per)


def list_pages(
    views: Views,
    first: str,
    kind: str,
    heading: str,
    members: Sequence[int],
    *,
    trail: tuple[Link, ...] = (),
    subcategories: tuple[CountedLink, ...] = (),
    description: str = "",
    feeds: tuple[Link, ...] = (),
    count: int | None = None,
    latest: bool = False,
    more: Link | None = None,
    timeline: tuple[Tick, ...] = (),
    record: RecordView | None = None,
    quotes: Sequence[str] = (),
    neighbours: tuple[Link, ...] = (),
    stable: bool = True,
) -> Iterator[Page]:
    """`count`: the articles counted in the heading, when more than are listed; `latest`: the
    list is a category's newest across its subcategories, not all of them; `more`: where the
    rest are, shown after the oldest page when the list stops short of `count`; `record`: what
    the list's document or body is, on its first page; `quotes`: per member, what it says;
    `neighbours`: the lists beside this one (a month's months before and after it); `stable`:
    pages numbered from the oldest (`stable_window`), else from the newest (the home page's
    window of the newest, which moves anyway)."""
    per = views.config.per_page
    count = len(members) if count is None else count
    total = page_count(len(members), per)
    more = more if count > len(members) else None
    oldest = 2 if stable and total > 1 else total
    for n in range(1, total + 1):
        url = views.urls.page(first, n)
        window = stable_window(len(members), per, n) if stable else slice((n - 1) * per, n * per)
        shown = tuple(members[window])
        moving = n == 1 or not stable  # says what changes with the list's length
        data = ListPage(
            kind=kind,
            heading=heading,
            title=heading if n == 1 else f"{heading}（第 {n} 页）",
            shown=shown,
            pagination=pagination(views.urls, first, n, total, stable),
            count=count if moving else None,
            description=description if moving else "",
            feeds=feeds,
            trail=trail,
            subcategories=subcategories if n == 1 else (),
            latest=latest,
            more=more if n == oldest else None,
            timeline=timeline if n == 1 else (),
            record=record if n == 1 else None,
            quotes=tuple(quotes[window]),
            neighbours=neighbours,
        )
        # as the last plan made it, but where a record names articles (a document's facts, by
        # title): from the articles by their tokens, not their indexes, which a new article shifts
        key = views.known.listed(url, shown) if data.record is None else ""
        if not key:
            tokens = list(map(views.tokens.__getitem__, shown))
            key = views.key(url, replace(data, shown=()), tokens)
        yield Page(url, kind, "list.html", key, views.newest(shown), "list", data)


def page_count(members: int, per: int) -> int:
    """The pages of a list of `members` articles, `per` a page: one at least (an empty list
    still has its first page)."""
    return max(1, -(-members // per))


def context(url: str, data: ListPage, views: Views) -> dict[str, Any]:
    return {
        "head": views.head(data.title, url, data.description, feeds=data.feeds),
        "kind": data.kind,
        "heading": data.heading,
        "trail": data.trail,
        "subcategories": data.subcategories,
        "cards": tuple(views.card(i) for i in data.shown),
        "pagination": data.pagination,
        "total": data.count,
        "latest": data.latest,
        "more": data.more,
        "timeline": data.timeline,
        "record": data.record,
        "quoted": tuple(
            Quoted(views.card(i), q) for i, q in zip(data.shown, data.quotes, strict=True)
        )
        if data.quotes
        else (),
        "neighbours": data.neighbours,
        "across": across.asking(views, url, data.kind, data.pagination.current == 1),
    }


def home_pages(views: Views) -> Iterator[Page]:
    """The newest HOME_PAGES pages; older articles are a click away in the archive's months,
    which list every article in the same order (a full second list would cost ~270 bytes
    per article)."""
    leads, config = views.site.leads, views.config
    yield from list_pages(
        views,
        "/",
        "home",
        config.title,
        leads[: HOME_PAGES * config.per_page],
        description=config.description,
        count=len(leads),
        more=Link("更早的文章在归档里，按年月浏览", views.urls.href(views.urls.archives())),
        stable=False,
    )


def category_pages(views: Views) -> Iterator[Page]:
    """A category lists the articles filed on it; one with subcategories leads to them, and
    when it has no articles of its own shows only its newest, so that a card is listed once
    per trail rather than once per level (a third of the lists on a three-level tree)."""
    site, urls = views.site, views.urls
    root = Link("分类", urls.href(urls.categories()))
    # each article's own categories, by path: one pass, not a look into every member's
    # categories at every level of its trail (8 % of planning a warm build at 20,000)
    filed: dict[CategoryPath, set[int]] = defaultdict(set)
    for i, article in enumerate(site.articles):
        for path in filed_in(article):
            filed[path].add(i)
    for node in site.walk():
        here = filed[node.path]
        own = [i for i in node.articles if i in here]
        latest = not own and bool(node.children)
        yield from list_pages(
            views,
            urls.category(node.path),
            "category",
            node.name,
            node.articles[: views.config.per_page] if latest else own,
            trail=(root, *views.trail(node.path[:-1])),
            subcategories=tuple(views.counted(c) for c in node.children),
            description=f"分类“{' › '.join(node.path)}”下的 {len(node.articles)} 篇文章",
            feeds=(category_feed_link(urls, node.path[0]),),
            count=len(node.articles),
            latest=latest,
        )


def date_pages(views: Views) -> Iterator[Page]:
    urls = views.urls
    archives = Link("归档", urls.href(urls.archives()))
    years: dict[int, list[int]] = {}
    for month in views.site.months:
        years.setdefault(month.year, []).extend(month.articles)
    for year, members in years.items():
        yield year_page(views, year, members, archives)
    months = views.site.months  # newest first
    for k, month in enumerate(months):
        year_link = Link(f"{month.year}年", urls.href(urls.year(month.year)))
        yield from list_pages(
            views,
            urls.month(month.year, month.month),
            "month",
            f"{month.year}年{month.month}月",
            month.articles,
            trail=(archives, year_link),
            neighbours=tuple(
                Link(f"{label}：{m.year}年{m.month}月", urls.href(urls.month(m.year, m.month)))
                for label, m in (
                    ("上一月", months[k + 1] if k + 1 < len(months) else None),
                    ("下一月", months[k - 1] if k else None),
                )
                if m is not None
            ),
        )


def year_page(views: Views, year: int, members: Sequence[int], archives: Link) -> Page:
    """A year is an overview of its months, not one more list of every article: each card
    already shows on its month's page, and on a 100,000-article archive a second list costs
    about a tenth of the output."""
    urls = views.urls
    url = urls.year(year)
    months = tuple(
        CountedLink(f"{m.month}月", urls.href(urls.month(m.year, m.month)), len(m.articles))
        for m in views.site.months
        if m.year == year
    )
    heading = f"{year}年"
    description = f"{heading}的 {len(members)} 篇文章，按月浏览"
    return links_page(views, url, "year", heading, description, (archives,), months, members)


def links_page(
    views: Views,
    url: str,
    kind: str,
    heading: str,
    description: str,
    trail: tuple[Link, ...],
    links: tuple[CountedLink, ...],
    members: Sequence[int],
) -> Page:
    """A list page of counted links and no cards (a year's months, the tags): one page."""
    return ready(
        url,
        kind,
        "list.html",
        views.key(url, links),
        views.newest(members),
        head=views.head(heading, url, description),
        kind=kind,
        heading=heading,
        trail=trail,
        subcategories=links,
        cards=(),
        pagination=pagination(views.urls, url, 1, 1),
        total=len(members),
        latest=False,
        more=None,
        across=across.asking(views, url, kind),
    )


def archives_page(views: Views) -> Page:
    site, urls = views.site, views.urls
    url = urls.archives()
    years: dict[int, list] = {}
    for month in site.months:
        link = CountedLink(
            f"{month.month}月", urls.href(urls.month(month.year, month.month)), len(month.articles)
        )
        years.setdefault(month.year, []).append(link)
    years_views = tuple(
        YearView(
            CountedLink(f"{y}年", urls.href(urls.year(y)), sum(m.count for m in ms)), tuple(ms)
        )
        for y, ms in years.items()
    )
    chart = month_chart(site, urls)
    total = len(site.leads)
    return ready(
        url,
        "archives",
        "archives.html",
        views.key(url, years_views, chart, total),
        views.newest(site.leads),
        head=views.head("归档", url, "按年月浏览全部文章"),
        years=years_views,
        chart=chart,
        total=total,
        across=across.asking(views, url, "archives"),
    )
