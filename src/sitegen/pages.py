"""Site → [Page]: every page of the site, with its URL and the data its template needs. Pure.

All URLs come from urls.py; the view objects carry ready-made hrefs and display strings, so the
templates only place them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from markupsafe import Markup

from sitegen import __version__
from sitegen.chart import month_chart
from sitegen.citations import citation
from sitegen.config import SiteConfig
from sitegen.documents import label
from sitegen.feeds import category_feed_link, feed, feed_pages
from sitegen.models import Article, CategoryPath, Page
from sitegen.site import CategoryNode, Group, Site
from sitegen.sitemap import sitemap_pages
from sitegen.urls import Urls, name_segments
from sitegen.views import (
    ArticleView,
    Card,
    CountedLink,
    Head,
    Link,
    Pagination,
    SiteView,
    Tick,
    TreeNode,
    YearView,
)

HOME_PAGES = 10  # the home list stops here and leads to the archive
NAMES_PER_PAGE = 500  # links on a page of the documents' or the sources' index


def digest(*parts: object) -> str:
    """A stable digest of plain values (str, int, tuples, views): the same across processes."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


BodyOf = Callable[[Article], str]


def _own_body(article: Article) -> str:
    return article.body_html


def feed_name(article: Article) -> str:
    """What "也见于" calls the feed a copy came in: its first category trail, else its source."""
    if article.categories:
        return " › ".join(article.categories[0])
    return article.source or article.title


def display_date(moment: datetime, has_time: bool = True) -> str:
    day = f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{day} {moment:%H:%M}" if has_time else day


class Planner:
    """Builds views once per article and reuses them on every page that lists it."""

    def __init__(
        self,
        site: Site,
        config: SiteConfig,
        *,
        body_of: BodyOf = _own_body,
        rendering: str = "",
    ) -> None:
        off = config.disable_kinds  # those kinds get no pages, so nothing links to them
        site = replace(
            site,
            documents=() if "documents" in off else site.documents,
            sources=() if "sources" in off else site.sources,
            tags=() if "tags" in off else site.tags,
        )
        self.site = site
        self.config = config
        self.body_of = body_of
        self.urls = Urls(config, (node.path for node in site.walk()))
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
            feed_href=href(self.urls.feed()),
            documents_href="" if "documents" in off else href(self.urls.documents()),
            sources_href="" if "sources" in off else href(self.urls.sources()),
            static_href=href("/"),
            generator=f"sitegen {__version__}",
        )
        self.salt = digest(self.site_view, repr(config), rendering)
        self._cards: dict[int, Card] = {}
        self.also_in = [self._also_in(i) for i in range(len(site.articles))]
        self.tokens = [
            (a.digest, u, also)
            for a, u, also in zip(site.articles, site.urls, self.also_in, strict=True)
        ]
        self.modified_at = [a.updated or a.date for a in site.articles]
        self._trails: dict[CategoryPath, tuple[Link, ...]] = {}
        self.tag_links = {tag.name: Link(tag.name, href(tag.url)) for tag in site.tags}
        segments = name_segments(g.name for g in site.documents)
        self.document_urls = {n: self.urls.document(seg) for n, seg in segments.items()}
        segments = name_segments(g.name for g in site.sources)
        self.source_urls = {n: self.urls.source(seg) for n, seg in segments.items()}
        self.source_feeds = {n: self.urls.source_feed(seg) for n, seg in segments.items()}

    def token(self, i: int) -> tuple[str, str, tuple[Link, ...]]:
        """What one article contributes to a page's key: its content digest, its URL and its
        story's other copies (its card and page link them)."""
        return self.tokens[i]

    def _also_in(self, i: int) -> tuple[Link, ...]:
        """Links to the other copies of article i's story, each named by its feed."""
        site = self.site
        return tuple(
            Link(feed_name(site.articles[j]), self.urls.href(site.urls[j]))
            for j in site.copies[i]
            if j != i
        )

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
                date_iso=local.isoformat() if article.has_time else f"{local:%Y-%m-%d}",
                date_display=display_date(local, article.has_time),
                date_short=f"{local:%Y-%m-%d}",
                trails=tuple(self.trail(path) for path in article.categories),
                summary=article.summary,
                thumbnail=article.image,
                source=article.source,
                also_in=self.also_in[i],
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

        source = site.source_of[i]
        documents = tuple(
            Link(label(name), self.urls.href(self.document_urls[name]))
            for name in article.documents
            if name in self.document_urls
        )
        source_url = self.source_urls.get(source, "")

        def context() -> dict[str, Any]:
            local = article.date.astimezone(self.config.tz)
            view = ArticleView(
                card=self.card(i),
                original_title=article.original_title,
                author=article.author,
                editor=article.editor,
                tags=tuple(self.tag_links[name] for name in article.tags if name in self.tag_links),
                tags_href=self.urls.href(self.urls.tags()),
                body=Markup(self.body_of(article)),
                image="" if article.image_in_body else article.image,
                source=Link(source, source_url and self.urls.href(source_url)),
                documents=documents,
                citation=citation(
                    article,
                    archive_url=self.config.origin + self.urls.href(url),
                    source=source,
                    tz_date=f"{local:%Y-%m-%d}",
                ),
                notice=article.notice,
            )
            return {
                "head": self.head(article.title, url, article.summary, "article", article.image),
                "article": view,
                "prev": None if older is None else self.card(older),
                "next": None if newer is None else self.card(newer),
                "related": tuple(self.card(j) for j in site.related[i]),
            }

        neighbours = [self.token(j) if j is not None else None for j in (older, newer)]
        tags = [self.tag_links[n].href for n in article.tags if n in self.tag_links]  # may move
        related = [self.token(j) for j in site.related[i]]
        sourced = (source_url, documents)
        key = self.key(url, self.token(i), neighbours, related, tags, sourced)
        return self.page(url, "article", "article.html", key, self.modified(i), context)

    def pagination(self, first: str, current: int, total: int) -> Pagination:
        href = self.urls.href
        window = sorted({1, total, *range(max(1, current - 2), min(total, current + 2) + 1)})
        pages: list[Link] = []
        for n in window:
            if pages and n > int(pages[-1].text) + 1:
                pages.append(Link("…", ""))  # a gap: pages left out of the window
            pages.append(Link(str(n), href(self.urls.page(first, n))))
        return Pagination(
            current=current,
            total=total,
            prev_href=href(self.urls.page(first, current - 1)) if current > 1 else "",
            next_href=href(self.urls.page(first, current + 1)) if current < total else "",
            pages=tuple(pages),
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
        count: int | None = None,
        latest: bool = False,
        more: Link | None = None,
        timeline: tuple[Tick, ...] = (),
    ) -> Iterator[Page]:
        """`count`: the articles counted in the heading, when more than are listed; `latest`: the
        list is a category's newest across its subcategories, not all of them; `more`: where the
        rest are, shown after the last page when the list stops short of `count`."""
        per = self.config.per_page
        count = len(members) if count is None else count
        total = max(1, -(-len(members) // per))
        more = more if count > len(members) else None
        group = digest(
            kind, heading, description, feeds, trail, subcategories, count, latest, more, timeline
        )
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
                    "total": count,
                    "latest": latest,
                    "more": more if n == total else None,
                    "timeline": timeline if n == 1 else (),
                }

            key = self.key(url, group, n, total, list(map(self.tokens.__getitem__, shown)))
            yield self.page(url, kind, "list.html", key, self.newest(shown), context)

    def home_pages(self) -> Iterator[Page]:
        """The newest HOME_PAGES pages; older articles are a click away in the archive's months,
        which list every article in the same order (a full second list would cost ~270 bytes
        per article)."""
        leads = self.site.leads
        total = len(leads)
        yield from self.list_pages(
            "/",
            "home",
            self.config.title,
            leads[: HOME_PAGES * self.config.per_page],
            description=self.config.description,
            count=total,
            more=Link("更早的文章在归档里，按年月浏览", self.urls.href(self.urls.archives())),
        )

    def counted(self, node: CategoryNode) -> CountedLink:
        return CountedLink(
            node.name, self.urls.href(self.urls.category(node.path)), len(node.articles)
        )

    def category_pages(self) -> Iterator[Page]:
        """A category lists the articles filed on it; one with subcategories leads to them, and
        when it has no articles of its own shows only its newest, so that a card is listed once
        per trail rather than once per level (a third of the lists on a three-level tree)."""
        root = Link("分类", self.urls.href(self.urls.categories()))
        for node in self.site.walk():
            own = [i for i in node.articles if node.path in self.site.articles[i].categories]
            latest = not own and bool(node.children)
            yield from self.list_pages(
                self.urls.category(node.path),
                "category",
                node.name,
                node.articles[: self.config.per_page] if latest else own,
                trail=(root, *self.trail(node.path[:-1])),
                subcategories=tuple(self.counted(c) for c in node.children),
                description=f"分类“{' › '.join(node.path)}”下的 {len(node.articles)} 篇文章",
                feeds=(category_feed_link(self.urls, node.path[0]),),
                count=len(node.articles),
                latest=latest,
            )

    def tag_pages(self) -> Iterator[Page]:
        """A page per tag (paginated, as Hexo's and Hugo's), listing its articles newest first."""
        root = Link("标签", self.urls.href(self.urls.tags()))
        for tag in self.site.tags:
            yield from self.list_pages(
                tag.url,
                "tag",
                tag.name,
                tag.articles,
                trail=(root,),
                description=f"标签“{tag.name}”下的 {len(tag.articles)} 篇文章",
            )

    def tags_page(self) -> Page:
        """Every tag with its count, in pinyin order: an index, so no cards."""
        url = self.urls.tags()
        tags = tuple(
            CountedLink(t.name, self.urls.href(t.url), len(t.articles)) for t in self.site.tags
        )
        tagged = len({i for t in self.site.tags for i in t.articles})

        def context() -> dict[str, Any]:
            return {
                "head": self.head("标签", url, f"全部 {len(tags)} 个标签"),
                "kind": "tags",
                "heading": "标签",
                "trail": (),
                "subcategories": tags,
                "cards": (),
                "pagination": self.pagination(url, 1, 1),
                "total": tagged,
                "latest": False,
                "more": None,
            }

        members = sorted({i for t in self.site.tags for i in t.articles})
        return self.page(
            url, "tags", "list.html", self.key(url, tags), self.newest(members), context
        )

    def tree(self, nodes: tuple[CategoryNode, ...]) -> tuple[TreeNode, ...]:
        return tuple(TreeNode(self.counted(n), self.tree(n.children)) for n in nodes)

    def categories_page(self) -> Page:
        url = self.urls.categories()
        tree = self.tree(self.site.categories)
        total = len(self.site.leads)

        def context() -> dict[str, Any]:
            return {"head": self.head("分类", url, "全部分类"), "tree": tree, "total": total}

        newest = self.newest(self.site.leads)
        return self.page(
            url, "categories", "categories.html", self.key(url, tree, total), newest, context
        )

    def date_pages(self) -> Iterator[Page]:
        archives = Link("归档", self.urls.href(self.urls.archives()))
        years: dict[int, list[int]] = {}
        for month in self.site.months:
            years.setdefault(month.year, []).extend(month.articles)
        for year, members in years.items():
            yield self.year_page(year, members, archives)
        for month in self.site.months:
            year_link = Link(f"{month.year}年", self.urls.href(self.urls.year(month.year)))
            yield from self.list_pages(
                self.urls.month(month.year, month.month),
                "month",
                f"{month.year}年{month.month}月",
                month.articles,
                trail=(archives, year_link),
            )

    def year_page(self, year: int, members: Sequence[int], archives: Link) -> Page:
        """A year is an overview of its months, not one more list of every article: each card
        already shows on its month's page, and on a 100,000-article archive a second list costs
        about a tenth of the output."""
        url = self.urls.year(year)
        months = tuple(
            CountedLink(
                f"{m.month}月", self.urls.href(self.urls.month(m.year, m.month)), len(m.articles)
            )
            for m in self.site.months
            if m.year == year
        )
        heading = f"{year}年"

        def context() -> dict[str, Any]:
            return {
                "head": self.head(heading, url, f"{heading}的 {len(members)} 篇文章，按月浏览"),
                "kind": "year",
                "heading": heading,
                "trail": (archives,),
                "subcategories": months,
                "cards": (),
                "pagination": self.pagination(url, 1, 1),
                "total": len(members),
                "latest": False,
                "more": None,
                "timeline": (),
            }

        key = self.key(url, months)
        return self.page(url, "year", "list.html", key, self.newest(members), context)

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
        chart = month_chart(self.site, self.urls)
        total = len(self.site.leads)

        def context() -> dict[str, Any]:
            head = self.head("归档", url, "按年月浏览全部文章")
            return {"head": head, "years": views, "chart": chart, "total": total}

        key = self.key(url, views, chart, total)
        return self.page(
            url, "archives", "archives.html", key, self.newest(self.site.leads), context
        )

    def timeline(self, members: Sequence[int]) -> tuple[Tick, ...]:
        """Mentions per month, newest first, each bar a share of the busiest month."""
        months: dict[tuple[int, int], int] = {}
        for i in members:
            local = self.site.articles[i].date.astimezone(self.config.tz)
            months[(local.year, local.month)] = months.get((local.year, local.month), 0) + 1
        most = max(months.values(), default=1)
        return tuple(Tick(f"{y}年{m}月", n, round(100 * n / most)) for (y, m), n in months.items())

    def document_pages(self) -> Iterator[Page]:
        """A page per cited document: the articles citing it, newest first, and when they did."""
        trail = (Link("文件", self.urls.href(self.urls.documents())),)
        for group in self.site.documents:
            shown = label(group.name)
            yield from self.list_pages(
                self.document_urls[group.name],
                "document",
                shown,
                group.articles,
                trail=trail,
                description=f"提及{shown}的 {len(group.articles)} 篇文章",
                timeline=self.timeline(group.articles),
            )

    def source_pages(self) -> Iterator[Page]:
        """A page per source (来源 or feed) with its articles, and its Atom feed."""
        trail = (Link("来源", self.urls.href(self.urls.sources())),)
        for group in self.site.sources:
            url = self.source_urls[group.name]
            feed_url = self.source_feeds[group.name]
            feeds = (Link(f"{group.name} 的 Atom 订阅", self.urls.href(feed_url)),)
            yield from self.list_pages(
                url,
                "source",
                group.name,
                group.articles,
                trail=trail,
                description=f"来源“{group.name}”的 {len(group.articles)} 篇文章",
                feeds=feeds,
            )
            title = f"{group.name} | {self.config.title}"
            yield feed(self, feed_url, title, url, group.articles)

    def names_pages(
        self, first: str, kind: str, heading: str, groups: tuple[Group, ...], urls: dict[str, str]
    ) -> Iterator[Page]:
        """The index of documents or of sources, most articles first, NAMES_PER_PAGE a page."""
        links = tuple(
            CountedLink(
                label(g.name) if kind == "documents" else g.name,
                self.urls.href(urls[g.name]),
                len(g.articles),
            )
            for g in groups
        )
        total = max(1, -(-len(links) // NAMES_PER_PAGE))
        for n in range(1, total + 1):
            url = self.urls.page(first, n)
            window = slice((n - 1) * NAMES_PER_PAGE, n * NAMES_PER_PAGE)
            shown = links[window]
            title = heading if n == 1 else f"{heading}（第 {n} 页）"

            def context(
                url: str = url, shown: tuple = shown, n: int = n, title: str = title
            ) -> dict[str, Any]:
                return {
                    "head": self.head(title, url, f"{heading}，共 {len(links)} 个"),
                    "kind": kind,
                    "heading": heading,
                    "links": shown,
                    "total": len(links),
                    "pagination": self.pagination(first, n, total),
                }

            key = self.key(url, kind, heading, shown, n, total)
            # An empty index (no article cites a document) is still linked: dated by the site.
            firsts = [g.articles[0] for g in groups[window]] or range(len(self.site.articles))
            newest = self.newest(firsts)
            yield self.page(url, kind, "names.html", key, newest, context)

    def not_found_page(self) -> Page:
        def context() -> dict[str, Any]:
            return {"head": replace(self.head("页面未找到", url), noindex=True)}

        url = self.urls.not_found()
        return self.page(url, "404", "404.html", self.key(url), None, context)

    def search_page(self) -> Page:
        """The search page: the results are the browser's work (search.js over sitegen.search's index)."""
        url = self.urls.search()
        head = replace(self.head("搜索", url, "全文搜索本站文章"), noindex=True)

        def context() -> dict[str, Any]:
            return {"head": head}

        return self.page(url, "search", "search.html", self.key(url, head), None, context)

    def fixed(self, url: str, kind: str, template: str, **context: Any) -> Page:
        """A page whose whole data is already at hand, so the data is its key."""
        return Page(url, kind, template, self.key(url, context), None, lambda: context)

    def all_pages(self) -> list[Page]:
        off = self.config.disable_kinds  # the indexes of kinds turned off are not made either
        pages = [
            *self.article_pages(),
            *self.home_pages(),
            *self.category_pages(),
            self.categories_page(),
            *self.tag_pages(),
            *([self.tags_page()] if self.site.tags else []),
            *self.date_pages(),
            self.archives_page(),
            *self.document_pages(),
            *(
                ()
                if "documents" in off
                else self.names_pages(
                    self.urls.documents(),
                    "documents",
                    "文章提及的文件",
                    self.site.documents,
                    self.document_urls,
                )
            ),
            *self.source_pages(),
            *(
                ()
                if "sources" in off
                else self.names_pages(
                    self.urls.sources(), "sources", "来源", self.site.sources, self.source_urls
                )
            ),
            self.not_found_page(),
            *([self.search_page()] if self.config.search.enabled else []),
            *feed_pages(self),
        ]
        return [*pages, *sitemap_pages(self, pages)]


def plan(
    site: Site,
    config: SiteConfig,
    *,
    body_of: BodyOf = _own_body,
    rendering: str = "",
) -> list[Page]:
    """Every page. `body_of` gives an article's body when its page is rendered (bodies may live on
    disk); `rendering` digests the templates and code, and salts every page key."""
    planner = Planner(site, config, body_of=body_of, rendering=rendering)
    return planner.all_pages()
