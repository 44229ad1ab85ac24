"""Boilerplate that belongs to one feed source, one small rule set per source.

The cleaner applies every rule set whose markers occur in a raw body, so adding a source means adding
one `SourceRules` to `SOURCES`, not editing the cleaner. Selectors are a small CSS subset (`tag`,
`.class`, `#id`, `[attr]`, `[attr=v]`, `[attr*=v]`, `[attr^=v]`, comma lists) compiled to XPath
once, so each rule set costs one pass in C over the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

_COMPOUND = re.compile(r"(?P<tag>[a-z][a-z0-9]*|\*)?(?P<parts>(?:[.#][\w-]+|\[[^\]]+\])*)")
_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)(?:([*^]?=)\"?([^\]\"]*)\"?)?\]")


def _xpath_literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    return "concat(" + ', "\'", '.join(f"'{piece}'" for piece in value.split("'")) + ")"


def _compound_to_xpath(selector: str) -> str:
    match = _COMPOUND.fullmatch(selector.strip())
    if match is None or not selector.strip():
        raise ValueError(f"unsupported selector: {selector!r}")
    parts = list(_PART.finditer(match["parts"]))
    if "".join(part.group() for part in parts) != match["parts"]:
        raise ValueError(f"unsupported selector: {selector!r}")
    conditions = []
    for part in parts:
        kind, name, attr, op, value = part.groups()
        if kind == ".":
            padded = "concat(' ', normalize-space(@class), ' ')"
            # `@class and` first: the string building is skipped for the many elements without one
            conditions.append(f"@class and contains({padded}, {_xpath_literal(f' {name} ')})")
        elif kind == "#":
            conditions.append(f"@id={_xpath_literal(name)}")
        elif op is None:
            conditions.append(f"@{attr}")
        elif op == "=":
            conditions.append(f"@{attr}={_xpath_literal(value)}")
        elif op == "*=":
            conditions.append(f"contains(@{attr}, {_xpath_literal(value)})")
        else:
            conditions.append(f"starts-with(@{attr}, {_xpath_literal(value)})")
    predicate = f"[{' and '.join(conditions)}]" if conditions else ""
    return f"descendant::{match['tag'] or '*'}{predicate}"


def compile_selectors(selectors: tuple[str, ...]) -> etree.XPath | None:
    """One XPath for a list of selectors: lxml evaluates the union in a single C pass."""
    if not selectors:
        return None
    parts = [_compound_to_xpath(s) for group in selectors for s in group.split(",")]
    return etree.XPath(" | ".join(parts))


def _full_line(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.S) if patterns else None


@dataclass(frozen=True)
class Figure:
    """A wrapper that is really a figure: its image plus an optional caption element inside it."""

    wrapper: str
    caption: str


@dataclass(frozen=True)
class SourceRules:
    """What one source wraps around its articles, and how to take it off.

    Line patterns match the whole visible text of one paragraph (after trimming), never part of it,
    so that a phrase quoted inside an article cannot trigger them.
    """

    name: str
    # substrings of a raw body that show this source made it
    markers: tuple[str, ...]
    # the article itself, when the feed ships the whole page around it (with what follows it: a
    # stray end tag inside it pushes the rest of its text out of it)
    article: tuple[str, ...] = ()
    # page chrome, dropped with everything inside it
    drop: tuple[str, ...] = ()
    # elements that stand for <strong>
    bold: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    # paragraphs that are boilerplate wherever they stand
    drop_lines: tuple[str, ...] = ()
    # the first paragraph of a footer: it and everything after it go
    end_lines: tuple[str, ...] = ()
    # boilerplate only as the first paragraph (a print edition's dateline)
    first_lines: tuple[str, ...] = ()
    # image URLs (regexes, searched) that advertise rather than illustrate
    promo_images: tuple[str, ...] = ()
    # a paywall's notice: dropped, and the article is reported as cut short
    paywall_lines: tuple[str, ...] = ()

    def applies_to(self, body: str) -> bool:
        return any(marker in body for marker in self.markers)

    @cached_property
    def article_xpath(self) -> etree.XPath | None:
        return compile_selectors(self.article)

    @cached_property
    def drop_xpath(self) -> etree.XPath | None:
        return compile_selectors(self.drop)

    @cached_property
    def bold_xpath(self) -> etree.XPath | None:
        return compile_selectors(self.bold)

    @cached_property
    def figure_xpaths(self) -> tuple[tuple[etree.XPath, etree.XPath], ...]:
        return tuple(
            (compile_selectors((f.wrapper,)), compile_selectors((f.caption,))) for f in self.figures
        )

    @cached_property
    def drop_line(self) -> re.Pattern[str] | None:
        return _full_line(self.drop_lines)

    @cached_property
    def end_line(self) -> re.Pattern[str] | None:
        return _full_line(self.end_lines)

    @cached_property
    def first_line(self) -> re.Pattern[str] | None:
        return _full_line(self.first_lines)

    @cached_property
    def paywall_line(self) -> re.Pattern[str] | None:
        return _full_line(self.paywall_lines)


_DATELINE = r"\d{4}年\d{1,2}月\d{1,2}日(?:\s*星期[一二三四五六日天])?"

SINA = SourceRules(
    name="新浪财经",
    markers=("cms-style", "appendQr_wrap", "img_wrapper", "sinaimg.cn"),
    drop=(".appendQr_wrap",),
    bold=("font[cms-style*=Bold]", "p[cms-style*=Bold]"),
    figures=(Figure(wrapper="div.img_wrapper", caption=".img_descr"),),
    drop_lines=(r"海量资讯、精准解读，尽在新浪财经APP",),
    promo_images=(r"sinaimg\.cn/finance/cece9e13/20200514/343233024\.png",),
)

PEOPLES_DAILY = SourceRules(
    name="人民日报",
    markers=("people.com.cn", "人 民 网 版 权 所 有"),
    drop=("#go-top",),
    drop_lines=(r"人 民 网 版 权 所 有.*", r"Copyright ©.*people\.com\.cn.*"),
    first_lines=(_DATELINE,),
)

GUANGMING_DAILY = SourceRules(
    name="光明日报",
    markers=('id="articleContent"', "扫描二维码了解更多内容"),
    drop_lines=(r"扫描二维码了解更多内容",),
    first_lines=(_DATELINE,),
)

CCTV_NEWS = SourceRules(
    name="央视新闻",
    markers=("央视新闻",),
    # the credits, the submission address and the list of other titles close every article
    end_lines=(r"📮?\s*投稿邮箱\s*[：:].*", r"监制\s*[|/｜丨].{0,60}"),
    drop_lines=(r"©央视新闻", r"喜欢今天的内容，请点赞[!！]"),
)

TENCENT_TECH = SourceRules(
    name="腾讯科技",
    markers=("推荐阅读", "平台地址"),
    end_lines=(r"推荐阅读[：:]?",),
    drop_lines=(r"平台地址[：:].{0,200}",),
)

WECHAT_HEADER = SourceRules(
    name="微信公众号文章头 (差评, 极客公园)",
    markers=("原创",),
    # 原创 作者 日期 时间 地点: WeChat's byline, scraped as the first line of the text
    first_lines=(r"原创\s+.{1,40}?\s+\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}(?:\s+\S{1,8})?",),
)

EARTH_KNOWLEDGE = SourceRules(
    name="地球知识局",
    markers=("地球知识局",),
    drop_lines=(r"直接点击图片，阅读相关文章\s*▼",),
)

SSPAI = SourceRules(
    name="少数派",
    markers=("sspai", "少数派", "会员文章"),
    paywall_lines=(r"本文为会员文章，出自《[^》]{1,40}》，订阅后可阅读全文。",),
)

FEEDX = SourceRules(
    name="feedx (人民日报、光明日报、华尔街日报 feeds)",
    markers=("feedx.net", "feedx.site", "feedx.run"),
    drop_lines=(r"获取更多RSS[：:].*",),
)

WECHAT = SourceRules(
    name="微信公众号",
    markers=("rich_media_content", "js_content"),
    article=("#js_content", ".rich_media_content"),
    # jintiankansha's page after the article: 阅读原文's toolbar, 文章原文's link
    drop=(".rich_media_tool", ".media_tool_meta"),
    drop_lines=(r"点击上方蓝字\s*关注我们.{0,20}",),
    # jintiankansha's 1px read-tracking image, which the feed also offers as the head image
    promo_images=(r"jintiankansha\.me(?:%2F|/)rss_static",),
)

WECHAT2RSS = SourceRules(
    name="wechat2rss",
    markers=("跳转微信打开", "阅读原文"),
    drop_lines=(r"阅读原文", r"跳转微信打开"),
)

HUXIU = SourceRules(
    name="虎嗅",
    markers=("下载虎嗅APP",),
    drop_lines=(r"下载虎嗅APP.*",),
)

IFANR = SourceRules(
    name="爱范儿",
    markers=("ifanr",),
    end_lines=(r"#欢迎关注爱范儿官方微信公众号.*",),
    drop_lines=(r"相关阅读[：:].{1,80}",),  # a link to another story, between two of today's
)

ITHOME = SourceRules(
    name="IT之家",
    markers=("ithome.com", "IT之家"),
    drop=("span.card",),  # affiliate product cards (the inline affiliate links stay)
    drop_lines=(r".{0,12}无门槛红包.{0,40}",),
    end_lines=(r"相关阅读[：:]?",),  # the list of older stories closing the article
)

XINZHIYUAN = SourceRules(
    name="新智元",
    markers=("新智元",),
    end_lines=(r"秒追ASI",),
    drop_lines=(r"上下滑动查看",),  # the hint over a scrolling box the page does not have
)

WALLSTREETCN = SourceRules(
    name="华尔街见闻",
    markers=("华尔街见闻", "热闻推荐"),
    drop_lines=(r"本文来自华尔街见闻，欢迎下载APP.{0,20}", r"(?:热闻推荐|相关阅读)[：:].{1,80}"),
    end_lines=(r"⭐星标华尔街见闻.*", r"热闻推荐[：:]?", r"相关阅读[：:]?"),
)

GEEKPARK = SourceRules(
    name="极客公园",
    markers=("geekpark", "开始连接LinkStart"),
    drop_lines=(r"本文为极客公园原创文章.*", r".{0,60}扫描下方二维码添加极客小助手微信.{0,10}"),
    end_lines=(r"极客一问", r"热点视频", r"播客上新", r"更多阅读"),
)

GCORES = SourceRules(
    name="机核",
    markers=("gcores.com", "内嵌内容，请前往机核查看"),
    drop_lines=(r"<内嵌内容，请前往机核查看>",),
    end_lines=(r"\W{0,3}【关注我们】.*",),  # the podcast's contact block
)

CAIXIN_MEMBERS = SourceRules(
    name="财新网 (会员文章)",
    markers=("订阅即读全文",),
    paywall_lines=(r"新会员订阅即读全文。已订阅会员直接读。",),
    end_lines=(r"往期精选推荐",),  # a list of other titles
)

BBC = SourceRules(
    name="BBC中文",
    markers=("bbci.co.uk", "data-e2e"),
    drop=("[data-e2e=media-player]", "[data-e2e=media-loader__placeholder]"),
    drop_lines=(r"你的器材不支持播放多媒[體体]材料",),
)

CAIXIN = SourceRules(
    name="财新",
    markers=("caixin.com",),
    drop=("div.lanmu_textend",),
    figures=(Figure(wrapper="dl.media_pic", caption="dd"),),
    drop_lines=(r"《[^》]+》“财新mini\+”连载中，查看已更新内容", r"《[^》]+》点此优惠购买"),
)

MYDRIVERS = SourceRules(
    name="快科技",
    markers=("mydrivers.com",),
    drop=("p.end", "p.zhuanzai", "p.bqian", "a.jiucuo", ".page_article"),
    promo_images=(r"icons\.mydrivers\.com/news/end_article\.png",),
)

SOURCES: tuple[SourceRules, ...] = (
    SINA,
    PEOPLES_DAILY,
    GUANGMING_DAILY,
    CCTV_NEWS,
    TENCENT_TECH,
    WECHAT_HEADER,
    EARTH_KNOWLEDGE,
    SSPAI,
    CAIXIN_MEMBERS,
    FEEDX,
    WECHAT,
    WECHAT2RSS,
    HUXIU,
    IFANR,
    ITHOME,
    XINZHIYUAN,
    WALLSTREETCN,
    GEEKPARK,
    GCORES,
    BBC,
    CAIXIN,
    MYDRIVERS,
)


def rules_for(body: str) -> tuple[SourceRules, ...]:
    """The rule sets whose markers occur in this raw body (a few substring tests, no parsing)."""
    return tuple(rules for rules in SOURCES if rules.applies_to(body))
