"""normalize: Source → Article (dates, Hexo categories, slugs, metadata), on plain values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content.load import load_file, parse_source
from sitegen.content.normalize import category_paths, normalize, parse_date, slugify, tag_names
from sitegen.errors import ContentError
from sitegen.models import Article, Source

from .conftest import FIXTURES, SEEDS

BEIJING = ZoneInfo("Asia/Shanghai")


def source(meta: dict, body: str = "<p>正文</p>", rel_path: str = "a/b.md") -> Source:
    return Source(Path(rel_path), rel_path, "digest", meta, body, 5, True, dict.fromkeys(meta, 2))


def test_rfc1123_date_late_in_the_evening_gmt_is_the_next_day_in_beijing() -> None:
    moment = parse_date("Fri, 31 Dec 2021 18:00:00 GMT", BEIJING)
    assert moment.tzinfo is not None
    assert moment.astimezone(BEIJING).date() == date(2022, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-03-14T16:58:44+08:00", datetime(2022, 3, 14, 8, 58, 44, tzinfo=UTC)),
        ("2022-03-14T08:58:44Z", datetime(2022, 3, 14, 8, 58, 44, tzinfo=UTC)),
        ("2022-03-14 16:58:44", datetime(2022, 3, 14, 16, 58, 44, tzinfo=BEIJING)),
        ("2022-03-14 16:58", datetime(2022, 3, 14, 16, 58, tzinfo=BEIJING)),
        (datetime(2022, 3, 14, 16, 58), datetime(2022, 3, 14, 16, 58, tzinfo=BEIJING)),
        (date(2022, 3, 14), datetime(2022, 3, 14, tzinfo=BEIJING)),
        (
            datetime(2022, 3, 14, 8, 58, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2022, 3, 14, 13, 58, tzinfo=UTC),
        ),
    ],
)
def test_every_date_form_becomes_an_aware_datetime(value: object, expected: datetime) -> None:
    parsed = parse_date(value, BEIJING)
    assert parsed == expected
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("value", ["昨天", "", "32/13/2022", 20220314, None])
def test_unreadable_dates_raise(value: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        parse_date(value, BEIJING)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["金融", "新浪财经", "新浪财经－国內"], (("金融", "新浪财经", "新浪财经－国內"),)),
        ([["金融", "新浪财经"], ["政策"]], (("金融", "新浪财经"), ("政策",))),
        ([["金融", "新浪财经"], "政策"], (("金融", "新浪财经"), ("政策",))),
        ("金融", (("金融",),)),
        ([], ()),
        (None, ()),
        (["", " 金融 ", None], (("金融",),)),
        ([["a"], ["a"]], (("a",),)),
    ],
)
def test_categories_follow_hexo(value: object, expected: tuple) -> None:
    assert category_paths(value) == expected


def test_tags_are_flat() -> None:
    assert tag_names(["稳增长", ["专精特新"], "", None]) == ("稳增长", "专精特新")
    assert tag_names("稳增长") == ("稳增长",)


def test_slugs_are_one_safe_bounded_segment_and_stable() -> None:
    long_name = "极" * 120
    assert slugify('"倒查20年"，挽回损失523亿！') == "倒查20年-挽回损失523亿"
    assert slugify("1-7月国企利润总额同比增921%") == "1-7月国企利润总额同比增921"
    assert len(slugify(long_name)) <= 70
    assert slugify(long_name) == slugify(long_name)
    assert slugify(long_name) != slugify(long_name + "a")
    assert slugify("！！！") != ""


@given(st.text(min_size=1, max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_file_stem_gives_a_safe_path_segment(stem: str) -> None:
    slug = slugify(stem)
    assert slug and slug not in (".", "..")
    assert "/" not in slug and "\\" not in slug and "\x00" not in slug
    assert len(slug.encode("utf-8")) <= 255


def test_seed_article_has_clean_metadata() -> None:
    loaded = load_file(SEEDS / "000_f847cc9c3667cd96.txt", SEEDS)
    assert isinstance(loaded, Source)
    article = normalize(loaded, BEIJING)
    assert (
        article.title
        == "工业和信息化部党组召开扩大会议传达学习习近平总书记重要讲话精神和全国两会精神"
    )
    assert article.categories == (("金融", "新浪财经", "新浪财经－国內"),)
    assert article.date.astimezone(BEIJING) == datetime(2022, 3, 14, 16, 58, 44, tzinfo=BEIJING)
    assert article.author == "新浪财经"
    assert article.editor == "李墨轩"
    assert article.source == "工业和信息化部办公厅"
    assert "343233024.png" not in article.image, "the Sina QR promo is never the head image"
    assert article.slug == "000_f847cc9c3667cd96"


def test_title_whitespace_entities_and_zero_width_are_cleaned() -> None:
    article = normalize(
        source({"title": "\u200b 14版 -  广告 &#123;&#123;x&#125;&#125; ", "date": "2022-03-14"}),
        BEIJING,
    )
    assert article.title == "14版 - 广告 {{x}}"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing_date.md", "missing date"),
        ("unparseable_date.md", "'昨天下午'"),
        ("missing_title.md", "missing title"),
        ("unsafe_slug.md", "unsafe slug"),
    ],
)
def test_content_errors_name_the_file_the_line_and_quote_the_value(name: str, words: str) -> None:
    loaded = load_file(FIXTURES / "load" / name, FIXTURES / "load")
    assert isinstance(loaded, Source)
    with pytest.raises(ContentError) as caught:
        normalize(loaded, BEIJING)
    assert caught.value.path.name == name
    assert caught.value.line in (1, 2, 3, 4)
    assert words in caught.value.message


def test_draft_and_published_false_are_drafts() -> None:
    assert normalize(source({"title": "t", "date": "2022-03-14", "draft": True}), BEIJING).draft
    assert normalize(
        source({"title": "t", "date": "2022-03-14", "published": False}), BEIJING
    ).draft
    assert not normalize(source({"title": "t", "date": "2022-03-14"}), BEIJING).draft


front_matter_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30) | st.dates() | st.datetimes(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.dictionaries(
        st.sampled_from(
            ["title", "date", "categories", "tags", "slug", "headimg", "author", "draft", "updated"]
        ),
        front_matter_values,
    ),
    st.text(max_size=400),
)
@settings(max_examples=300, deadline=None)
def test_any_front_matter_gives_an_article_or_a_content_error(meta: dict, body: str) -> None:
    try:
        article = normalize(source(meta, body), BEIJING)
    except ContentError as error:
        assert error.message
        return
    assert isinstance(article, Article)
    assert "<script" not in article.body_html.lower()


@given(st.text(max_size=600))
@settings(max_examples=300, deadline=None)
def test_any_text_file_loads_to_a_source_a_warning_or_a_content_error(text: str) -> None:
    try:
        parse_source(text, Path("x.md"), "x.md")
    except ContentError as error:
        assert error.line >= 1


def test_an_article_whose_body_cleans_to_nothing_is_kept_with_a_warning() -> None:
    article = normalize(
        source({"title": "01版 - 要闻", "date": "2026-01-30"}, body="<div>   \n</div>"), BEIJING
    )
    assert article.body_html == ""
    assert any("empty" in w for w in article.warnings)


HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("key", ["headimg", "thumbnail", "image", "cover", "banner", "link"])
@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_front_matter_url_of_another_scheme_is_left_out_with_a_warning_naming_the_key(
    key: str, url: str
) -> None:
    article = normalize(source({"title": "标题", "date": "2026-01-30", key: url}), BEIJING)
    assert article.image == "" and article.link == ""
    assert any(w.startswith(f"{key}: ") and "left out" in w for w in article.warnings)


@pytest.mark.parametrize(
    "url",
    [
        "https://n.sinaimg.cn/a.jpg",
        "http://n.sinaimg.cn/a.jpg",
        "//n.sinaimg.cn/a.jpg",  # as Sina writes them
        "/images/a.jpg",
        "images/a.jpg",
    ],
)
def test_http_protocol_relative_and_relative_image_urls_are_used(url: str) -> None:
    article = normalize(source({"title": "标题", "date": "2026-01-30", "headimg": url}), BEIJING)
    assert article.image == url
    assert not article.warnings


def test_a_hostile_head_image_falls_back_to_the_next_key() -> None:
    meta = {"title": "标题", "date": "2026-01-30", "headimg": "javascript:x", "thumbnail": "/a.jpg"}
    assert normalize(source(meta), BEIJING).image == "/a.jpg"
