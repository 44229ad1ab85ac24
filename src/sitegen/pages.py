"""Site → [Page]: every page of the site, with its URL and the data its template needs. Pure.

All URLs come from urls.py; the view objects carry ready-made hrefs and display strings, so the
templates only place them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
    Head,
    Link,
    Pagination,
    SiteView,
    TreeNode,
    YearView,
)

CHART_HEIGHT = 120
CHART_BAR = 8


@dataclass(frozen=True)
class Page:
    """One output page: `url` is site-relative; `sources` lists the article ids it shows."""

    url: str
    kind: str
    template: str
    context: dict[str, Any]


def display_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


class Planner:
    """Builds views once per article and reuses them on every page that lists it."""

    def __init__(self, site: Site, config: SiteConfig, *, live_reload: bool = False) -> None:
        self.site = site
        self.config = config
        self.urls = Urls(config)
        href = self.urls.href
        self.site_view = SiteView(
            title=config.title,
            description=config.description,
            language=config.language,
            home_href=href("/"),
            categories_href=href(self.urls.categories()),
            archives_href=href(self.urls.archives()),
            search_href=href("/search/"),
            search_enabled=False,
            feed_href=href("/atom.xml"),
            static_href=href("/"),
            generator=f"sitegen {__version__}",
            live_reload=live_reload,
        )
        self._cards: dict[int, Card] = {}

    def trail(self, path: CategoryPath) -> tuple[Link, ...]:
        return tuple(
            Link(name, self.urls.href(self.urls.category(path[: depth + 1])))
            for depth, name in enumerate(path)
        )

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
        self, title: str, url: str, description: str = "", og_type: str = "website", image: str = ""
    ) -> Head:
        full = f"{title} | {self.config.title}" if title != self.config.title else title
        return Head(
            title=full,
            description=description or self.config.description or self.config.title,
            canonical=self.urls.absolute(url),
            og_type=og_type,
            og_image=image,
            feeds=(),
        )

    def page(self, url: str, kind: str, template: str, head: Head, **context: Any) -> Page:
        return Page(url, kind, template, {"site": self.site_view, "head": head, **context})

    def article_pages(self) -> Iterator[Page]:
        site = self.site
        for i, article in enumerate(site.articles):
            yield self.article_page(i, article)

    def article_page(self, i: int, article: Article) -> Page:
        site = self.site
        view = ArticleView(
            card=self.card(i),
            original_title=article.original_title,
            author=article.author,
            editor=article.editor,
            tags=article.tags,
            body=Markup(article.body_html),
            image="" if article.image_in_body else article.image,
        )
        url = site.urls[i]
        return self.page(
            url,
            "article",
            "article.html",
            self.head(article.title, url, article.summary, "article", article.image),
            article=view,
            prev=self.card(i + 1) if i + 1 < len(site.articles) else None,
            next=self.card(i - 1) if i > 0 else None,
            related=tuple(self.card(j) for j in site.related[i]),
        )

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
    ) -> Iterator[Page]:
        per = self.config.per_page
        total = max(1, -(-len(members) // per))
        for n in range(1, total + 1):
            url = self.urls.page(first, n)
            title = heading if n == 1 else f"{heading}（第 {n} 页）"
            yield self.page(
                url,
                kind,
                "list.html",
                self.head(title, url, description),
                kind=kind,
                heading=heading,
                trail=trail,
                subcategories=subcategories if n == 1 else (),
                cards=tuple(self.card(i) for i in members[(n - 1) * per : n * per]),
                pagination=self.pagination(first, n, total),
                total=len(members),
            )

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
                " › ".join(node.path),
                node.articles,
                trail=(root, *self.trail(node.path)),
                subcategories=tuple(self.counted(c) for c in node.children),
                description=f"分类“{' › '.join(node.path)}”下的 {len(node.articles)} 篇文章",
            )

    def tree(self, nodes: tuple[CategoryNode, ...]) -> tuple[TreeNode, ...]:
        return tuple(TreeNode(self.counted(n), self.tree(n.children)) for n in nodes)

    def categories_page(self) -> Page:
        url = self.urls.categories()
        return self.page(
            url,
            "categories",
            "categories.html",
            self.head("分类", url, "全部分类"),
            tree=self.tree(self.site.categories),
            total=len(self.site.articles),
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
        """Articles per month as bars, every month from the first to the last, empty ones too."""
        counts = {(m.year, m.month): len(m.articles) for m in self.site.months}
        if not counts:
            return Chart(CHART_BAR, CHART_HEIGHT, (), (), 0, "还没有文章。")
        (y0, m0), (y1, m1) = min(counts), max(counts)
        span = [
            (y0 + (m0 - 1 + k) // 12, (m0 - 1 + k) % 12 + 1)
            for k in range((y1 - y0) * 12 + m1 - m0 + 1)
        ]
        peak = max(counts.values())
        bars: list[Bar] = []
        labels: list[tuple[float, str]] = []
        plot = CHART_HEIGHT - 16
        for k, (year, month) in enumerate(span):
            count = counts.get((year, month), 0)
            if month == 1 or k == 0:
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
        return self.page(
            url,
            "archives",
            "archives.html",
            self.head("归档", url, "按年月浏览全部文章"),
            years=views,
            chart=self.chart(),
            total=len(self.site.articles),
        )

    def not_found_page(self) -> Page:
        head = self.head("页面未找到", "/404.html")
        return self.page("/404.html", "404", "404.html", Head(**{**head.__dict__, "noindex": True}))

    def all_pages(self) -> Iterator[Page]:
        yield from self.article_pages()
        yield from self.list_pages(
            "/",
            "home",
            self.config.title,
            range(len(self.site.articles)),
            description=self.config.description,
        )
        yield from self.category_pages()
        yield self.categories_page()
        yield from self.date_pages()
        yield self.archives_page()
        yield self.not_found_page()


def plan(site: Site, config: SiteConfig, *, live_reload: bool = False) -> list[Page]:
    return list(Planner(site, config, live_reload=live_reload).all_pages())
