"""The archive page's chart: articles per month, one row of twelve months per year.

A single time axis over 20 years gives a phone 1.5 px per month and one busy month flattens the
rest; a row per year keeps every month a cell wide enough to tap (a twelfth of the width) at any
span, and the year labels never meet. Bar heights grow with the logarithm of the count, so a
month of 3 articles stays visible beside one of 500; each bar's label says its exact count.
"""

from __future__ import annotations

from math import log1p

from sitegen.site import Site
from sitegen.urls import Urls
from sitegen.views import Chart, ChartMonth, ChartYear

SMALLEST_BAR = 8  # percent of the row: a month with one article is still seen


def bar_height(count: int, peak: int) -> int:
    """Percent of the row's height: 0 for an empty month, else SMALLEST_BAR to 100 on a log scale."""
    if not count:
        return 0
    share = log1p(count) / log1p(peak)
    return round(SMALLEST_BAR + (100 - SMALLEST_BAR) * share)


def month_chart(site: Site, urls: Urls) -> Chart:
    """Every year from the newest to the oldest, every month of it, empty months too."""
    counts = {(m.year, m.month): len(m.articles) for m in site.months}
    if not counts:
        return Chart((), 0, "还没有文章。")
    (y0, m0), (y1, m1) = min(counts), max(counts)
    peak = max(counts.values())
    years = tuple(
        ChartYear(
            str(year),
            tuple(
                ChartMonth(
                    f"{year}年{month}月：{count} 篇",
                    urls.href(urls.month(year, month)) if count else "",
                    bar_height(count, peak),
                )
                for month in range(1, 13)
                for count in [counts.get((year, month), 0)]
            ),
        )
        for year in range(y1, y0 - 1, -1)
    )
    summary = (
        f"每月文章数，{y0}年{m0}月至{y1}年{m1}月，共 {sum(counts.values())} 篇，"
        f"最多的一个月 {peak} 篇。"
    )
    return Chart(years, peak, summary)
