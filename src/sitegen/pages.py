"""Site → [Page]: every page of the site, with its URL and the data its template needs. Pure.

All URLs come from urls.py; the view objects carry ready-made hrefs and display strings, so the
templates only place them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from markupsafe import Markup

from sitegen import __version__
from sitegen.config import SiteConfig
from sitegen.models import Article, CategoryPath
from sitegen.site import CategoryNode, Site
from sitegen.urls import Urls
from sitegen.views import (
    ArticleView,
    Bar,
    Card,
    Chart,
    CountedLink,
    Feed,
    FeedEntry,
    Head,
    Link,
    Pagination,
    SitemapEntry,
    SiteView,
    TreeNode,
    YearView,
)

CHART_HEIGHT = 120
CHART_BAR = 8


SITEMAP_LIMIT = 50_000
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Page:
    """One output file, planned but not yet rendered.

    `key` digests everything the page shows, so an unchanged key means unchanged output and the
    page need not be rendered again; `make_context` builds the template data only when it is.
    `lastmod` feeds the sitemap (None: not listed).
    """

    url: str
    kind: str
    template: str
    key: str
    lastmod: datetime | None
    make_context: Callable[[], dict[str, Any]]

    @property
    def context(self) -> dict[str, Any]:
        return self.make_context()


def digest(*parts: object) -> str:
    """A stable digest of plain values (str, int, tuples, views): the same across processes."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 forbids: one of them would make readers reject the whole feed."""
    return _NOT_XML.sub("", text)


BodyOf = Callable[[Article], str]


def _own_body(article: Article) -> str:
    return article.body_html


def display_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


class Planner:
    """Builds views once per article and reuses them on every page that lists it."""

    def __init__(
        self,
        site: Site,
        config: SiteConfig,
        *,
        live_reload: bool = False,
        body_of: BodyOf = _own_body,
        rendering: str = "",
    ) -> None:
        self.site = site
        self.config = config
        self.body_of = body_of
        self.urls = Urls(config)
        href = self.urls.href
        self.site_view = SiteView(
            title=config.title,
            description=config.description,
            language=config.language,
            home_href=href("/"),
            categories_href=href(self.urls.categories()),
            archives_href=href(self.urls.archives()),
            search_href=href(self.urls.search()),
            search_enabled=config.search.enabled,
            feed_href=href("/atom.xml"),
            static_href=href("/"),
            generator=f"sitegen {__version__}",
            live_reload=live_reload,
        )
        self.salt = digest(self.site_view, repr(config), rendering)
        self._cards: dict[int, Card] = {}
        self.tokens = [(a.digest, u) for a, u in zip(site.articles, site.urls, strict=True)]
        self.modified_at = [a.updated or a.date for a in site.articles]
        self._trails: dict[CategoryPath, tuple[Link, ...]] = {}

    def token(self, i: int) -> tuple[str, str]:
        """What one article contributes to a page's key: its content digest and its URL."""
        return self.tokens[i]

    def key(self, *parts: object) -> str:
        return digest(self.salt, *parts)

    def trail(self, path: CategoryPath) -> tuple[Link, ...]:
        """Memoized: thousands of cards share a handful of category paths."""
        if path not in self._trails:
            self._trails[path] = tuple(
                Link(name, self.urls.href(self.urls.category(path[: depth + 1])))
                for depth, name in enumerate(path)
            )
        return self._trails[path]

    def card(self, i: int) -> Card:
        if i not in self._cards:
            article = self.site.articles[i]
            local = article.date.astimezone(self.config.tz)
            self._cards[i] = Card(
                title=article.title,
                href=self.urls.href(self.site.urls[i]),
                date_iso=local.isoformat(),
                date_display=display_date(local),
                date_short=f"{local:%Y-%m-%d}",
                trails=tuple(self.trail(path) for path in article.categories),
                summary=article.summary,
                thumbnail=article.image,
                source=article.source,
            )
        return self._cards[i]

    def head(
        self,
        title: str,
        url: str,
        description: str = "",
        og_type: str = "website",
        image: str = "",
        feeds: tuple[Link, ...] = (),
    ) -> Head:
        full = f"{title} | {self.config.title}" if title != self.config.title else title
        return Head(
            title=full,
            description=description or self.config.description or self.config.title,
            canonical=self.urls.absolute(url),
            og_type=og_type,
            og_image=image,
            feeds=feeds,
        )

    def page(
        self,
        url: str,
        kind: str,
        template: str,
        key: str,
        lastmod: datetime | None,
        context: Callable[[], dict[str, Any]],
    ) -> Page:
        def make_context() -> dict[str, Any]:
            return {"site": self.site_view, **context()}

        return Page(url, kind, template, key, lastmod, make_context)

    def modified(self, i: int) -> datetime:
        return self.modified_at[i]

    def newest(self, members: Sequence[int]) -> datetime | None:
        return max(map(self.modified_at.__getitem__, members), default=None)

    def article_pages(self) -> Iterator[Page]:
        site = self.site
        for i, article in enumerate(site.articles):
            yield self.article_page(i, article)

    def article_page(self, i: int, article: Article) -> Page:
        site = self.site
        url = site.urls[i]
        older = i + 1 if i + 1 < len(site.articles) else None
        newer = i - 1 if i > 0 else None

        def context() -> dict[str, Any]:
            view = ArticleView(
                card=self.card(i),
                original_title=article.original_title,
                author=article.author,
                editor=article.editor,
                tags=article.tags,
                body=Markup(self.body_of(article)),
                image="" if article.image_in_body else article.image,
            )
            return {
                "head": self.head(article.title, url, article.summary, "article", article.image),
                "article": view,
                "prev": None if older is None else self.card(older),
                "next": None if newer is None else self.card(newer),
                "related": tuple(self.card(j) for j in site.related[i]),
            }

        neighbours = [self.token(j) if j is not None else None for j in (older, newer)]
        key = self.key(url, self.token(i), neighbours, [self.token(j) for j in site.related[i]])
        return self.page(url, "article", "article.html", key, self.modified(i), context)

    def pagination(self, first: str, current: int, total: int) -> Pagination:
        href = self.urls.href
        window = sorted({1, total, *range(max(1, current - 2), min(total, current + 2) + 1)})
        return Pagination(
            current=current,
            total=total,
            prev_href=href(self.urls.page(first, current - 1)) if current > 1 else "",
            next_href=href(self.urls.page(first, current + 1)) if current < total else "",
            pages=tuple(Link(str(n), href(self.urls.page(first, n))) for n in window),
        )

    def list_pages(
        self,
        first: str,
        kind: str,
        heading: str,
        members: Sequence[int],
        *,
        trail: tuple[Link, ...] = (),
        subcategories: tuple[CountedLink, ...] = (),
        description: str = "",
        feeds: tuple[Link, ...] = (),
    ) -> Iterator[Page]:
        per = self.config.per_page
        total = max(1, -(-len(members) // per))
        group = digest(kind, heading, description, feeds, trail, subcategories, len(members))
        for n in range(1, total + 1):
            url = self.urls.page(first, n)
            shown = members[(n - 1) * per : n * per]
            title = heading if n == 1 else f"{heading}（第 {n} 页）"
            subs = subcategories if n == 1 else ()

            def context(
                n: int = n,
                url: str = url,
                shown: Sequence[int] = shown,
                title: str = title,
                subs: tuple = subs,
            ) -> dict[str, Any]:
                return {
                    "head": self.head(title, url, description, feeds=feeds),
                    "kind": kind,
                    "heading": heading,
                    "trail": trail,
                    "subcategories": subs,
                    "cards": tuple(self.card(i) for i in shown),
                    "pagination": self.pagination(first, n, total),
                    "total": len(members),
                }

            key = self.key(url, group, n, total, list(map(self.tokens.__getitem__, shown)))
            yield self.page(url, kind, "list.html", key, self.newest(shown), context)

    def counted(self, node: CategoryNode) -> CountedLink:
        return CountedLink(
            node.name, self.urls.href(self.urls.category(node.path)), len(node.articles)
        )

    def category_pages(self) -> Iterator[Page]:
        root = Link("分类", self.urls.href(self.urls.categories()))
        for node in self.site.walk():
            yield from self.list_pages(
                self.urls.category(node.path),
                "category",
                node.name,
                node.articles,
                trail=(root, *self.trail(node.path[:-1])),
                subcategories=tuple(self.counted(c) for c in node.children),
                description=f"分类“{' › '.join(node.path)}”下的 {len(node.articles)} 篇文章",
                feeds=(self.category_feed_link(node.path[0]),),
            )

    def tree(self, nodes: tuple[CategoryNode, ...]) -> tuple[TreeNode, ...]:
        return tuple(TreeNode(self.counted(n), self.tree(n.children)) for n in nodes)

    def categories_page(self) -> Page:
        url = self.urls.categories()
        tree = self.tree(self.site.categories)
        total = len(self.site.articles)

        def context() -> dict[str, Any]:
            return {"head": self.head("分类", url, "全部分类"), "tree": tree, "total": total}

        newest = self.newest(range(total))
        return self.page(
            url, "categories", "categories.html", self.key(url, tree, total), newest, context
        )

    def date_pages(self) -> Iterator[Page]:
        archives = Link("归档", self.urls.href(self.urls.archives()))
        years: dict[int, list[int]] = {}
        for month in self.site.months:
            years.setdefault(month.year, []).extend(month.articles)
        for year, members in years.items():
            yield from self.list_pages(
                self.urls.year(year), "year", f"{year}年", members, trail=(archives,)
            )
        for month in self.site.months:
            year_link = Link(f"{month.year}年", self.urls.href(self.urls.year(month.year)))
            yield from self.list_pages(
                self.urls.month(month.year, month.month),
                "month",
                f"{month.year}年{month.month}月",
                month.articles,
                trail=(archives, year_link),
            )

    def chart(self) -> Chart:
        """Articles per month as bars over whole years, empty months too, so that time reads evenly."""
        counts = {(m.year, m.month): len(m.articles) for m in self.site.months}
        if not counts:
            return Chart(CHART_BAR, CHART_HEIGHT, (), (), 0, "还没有文章。")
        (y0, m0), (y1, m1) = min(counts), max(counts)
        span = [(year, month) for year in range(y0, y1 + 1) for month in range(1, 13)]
        peak = max(counts.values())
        bars: list[Bar] = []
        labels: list[tuple[float, str]] = []
        plot = CHART_HEIGHT
        for k, (year, month) in enumerate(span):
            count = counts.get((year, month), 0)
            if month == 1:
                labels.append((k * CHART_BAR, str(year)))
            if count:
                height = max(1.5, plot * count / peak)
                bars.append(
                    Bar(
                        x=k * CHART_BAR + 1,
                        y=plot - height,
                        width=CHART_BAR - 2,
                        height=round(height, 2),
                        label=f"{year}年{month}月：{count} 篇",
                        href=self.urls.href(self.urls.month(year, month)),
                    )
                )
        summary = (
            f"每月文章数柱状图，{y0}年{m0}月至{y1}年{m1}月，共 {sum(counts.values())} 篇，"
            f"最多的一个月 {peak} 篇。"
        )
        return Chart(len(span) * CHART_BAR, CHART_HEIGHT, tuple(bars), tuple(labels), peak, summary)

    def archives_page(self) -> Page:
        url = self.urls.archives()
        years: dict[int, list] = {}
        for month in self.site.months:
            link = CountedLink(
                f"{month.month}月",
                self.urls.href(self.urls.month(month.year, month.month)),
                len(month.articles),
            )
            years.setdefault(month.year, []).append(link)
        views = tuple(
            YearView(
                CountedLink(f"{y}年", self.urls.href(self.urls.year(y)), sum(m.count for m in ms)),
                tuple(ms),
            )
            for y, ms in years.items()
        )
        chart = self.chart()
        total = len(self.site.articles)

        def context() -> dict[str, Any]:
            head = self.head("归档", url, "按年月浏览全部文章")
            return {"head": head, "years": views, "chart": chart, "total": total}

        key = self.key(url, views, chart, total)
        return self.page(url, "archives", "archives.html", key, self.newest(range(total)), context)

    def not_found_page(self) -> Page:
        def context() -> dict[str, Any]:
            return {"head": replace(self.head("页面未找到", "/404.html"), noindex=True)}

        return self.page("/404.html", "404", "404.html", self.key("/404.html"), None, context)

    def search_page(self) -> Page:
        """The search page: the results are the browser's work (search.js over sitegen.search's index)."""
        url = self.urls.search()
        head = replace(self.head("搜索", url, "全文搜索本站文章"), noindex=True)

        def context() -> dict[str, Any]:
            return {"head": head}

        return self.page(url, "search", "search.html", self.key(url, head), None, context)

    def category_feed_link(self, top: str) -> Link:
        return Link(f"{top} 的 Atom 订阅", self.urls.href(self.urls.category((top,)) + "atom.xml"))

    def entry(self, i: int) -> FeedEntry:
        article = self.site.articles[i]
        href = self.urls.absolute(self.site.urls[i])
        full = self.config.feeds.full_content
        names = dict.fromkeys(name for path in article.categories for name in path)
        return FeedEntry(
            title=xml_text(article.title),
            id=href,
            href=href,
            published=article.date.isoformat(),
            updated=self.modified(i).isoformat(),
            author=xml_text(article.author or self.config.author or self.config.title),
            summary=xml_text(article.summary or article.title),
            content=xml_text(self.body_of(article)) if full else "",
            categories=tuple(xml_text(name) for name in names),
        )

    def feed(self, url: str, title: str, page_url: str, members: Sequence[int]) -> Page:
        latest = members[: self.config.feeds.limit]

        def context() -> dict[str, Any]:
            updated = self.newest(latest) or datetime(1970, 1, 1, tzinfo=self.config.tz)
            feed = Feed(
                title=xml_text(title),
                subtitle=xml_text(self.config.description),
                language=self.config.language,
                id=self.urls.absolute(page_url),
                self_href=self.urls.absolute(url),
                alternate_href=self.urls.absolute(page_url),
                updated=updated.isoformat(),
                author=xml_text(self.config.author or self.config.title),
                generator=self.site_view.generator,
                entries=tuple(self.entry(i) for i in latest),
            )
            return {"feed": feed}

        key = self.key(url, title, [self.token(i) for i in latest])
        return Page(url, "feed", "atom.xml", key, None, context)

    def feed_pages(self) -> Iterator[Page]:
        yield self.feed("/atom.xml", self.config.title, "/", range(len(self.site.articles)))
        for node in self.site.categories:
            page_url = self.urls.category(node.path)
            yield self.feed(
                page_url + "atom.xml", f"{node.name} | {self.config.title}", page_url, node.articles
            )

    def sitemap_pages(self, pages: list[Page]) -> Iterator[Page]:
        """A sitemap index over parts of at most 50,000 URLs, and robots.txt pointing at it."""
        listed = [(p.url, p.lastmod) for p in pages if p.lastmod is not None]
        parts = [listed[i : i + SITEMAP_LIMIT] for i in range(0, len(listed), SITEMAP_LIMIT)] or [
            []
        ]
        part_entries = []
        for n, part in enumerate(parts, 1):
            url = f"/sitemap-{n}.xml"
            newest = max((moment for _, moment in part), default=None)
            lastmod = newest.isoformat() if newest else ""
            part_entries.append(SitemapEntry(self.urls.absolute(url), lastmod))
            stamped = [(page_url, moment.isoformat()) for page_url, moment in part]

            def context(stamped: list[tuple[str, str]] = stamped) -> dict[str, Any]:
                absolute = self.urls.absolute
                return {"entries": tuple(SitemapEntry(absolute(u), m) for u, m in stamped)}

            key = self.key(url, stamped)
            yield Page(url, "sitemap", "sitemap.xml", key, None, context)
        yield self.fixed("/sitemap.xml", "sitemap", "sitemap_index.xml", parts=tuple(part_entries))
        yield self.fixed(
            "/robots.txt", "robots", "robots.txt", sitemap=self.urls.absolute("/sitemap.xml")
        )

    def fixed(self, url: str, kind: str, template: str, **context: Any) -> Page:
        """A page whose whole data is already at hand, so the data is its key."""
        return Page(url, kind, template, self.key(url, context), None, lambda: context)

    def all_pages(self) -> list[Page]:
        pages = [
            *self.article_pages(),
            *self.list_pages(
                "/",
                "home",
                self.config.title,
                range(len(self.site.articles)),
                description=self.config.description,
            ),
            *self.category_pages(),
            self.categories_page(),
            *self.date_pages(),
            self.archives_page(),
            self.not_found_page(),
            *([self.search_page()] if self.config.search.enabled else []),
            *self.feed_pages(),
        ]
        return [*pages, *self.sitemap_pages(pages)]


def plan(
    site: Site,
    config: SiteConfig,
    *,
    live_reload: bool = False,
    body_of: BodyOf = _own_body,
    rendering: str = "",
) -> list[Page]:
    """Every page. `body_of` gives an article's body when its page is rendered (bodies may live on
    disk); `rendering` digests the templates and code, and salts every page key."""
    planner = Planner(site, config, live_reload=live_reload, body_of=body_of, rendering=rendering)
    return planner.all_pages()
