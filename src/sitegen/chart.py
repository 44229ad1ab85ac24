"""The archive page's chart: articles per month as SVG bars, laid out at build time."""

from __future__ import annotations

from sitegen.site import Site
from sitegen.urls import Urls
from sitegen.views import Bar, Chart

CHART_HEIGHT = 120
CHART_BAR = 8


def month_chart(site: Site, urls: Urls) -> Chart:
    """Articles per month as bars over whole years, empty months too, so that time reads evenly."""
    counts = {(m.year, m.month): len(m.articles) for m in site.months}
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
                    href=urls.href(urls.month(year, month)),
                )
            )
    summary = (
        f"每月文章数柱状图，{y0}年{m0}月至{y1}年{m1}月，共 {sum(counts.values())} 篇，"
        f"最多的一个月 {peak} 篇。"
    )
    return Chart(len(span) * CHART_BAR, CHART_HEIGHT, tuple(bars), tuple(labels), peak, summary)
