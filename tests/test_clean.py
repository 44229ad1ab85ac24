"""Unit and property tests of body cleaning: one small fixture per rule, the two seeds, hostile input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sitegen.content.clean import CleanBody, clean_body, make_summary
from sitegen.content.elements import is_promo_image
from sitegen.content.markup import is_html_body
from sitegen.content.sources import SINA, compile_selectors, rules_for

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
SEEDS = Path(__file__).resolve().parents[1] / "content"
_FRONT_MATTER = re.compile(r"\A\s*---\n.*?\n---\n", re.S)
QR_PROMO = "https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png"


def words(text: str) -> list[str]:
    return text.split()


def fixture(name: str) -> CleanBody:
    return clean_body((FIXTURES / name).read_text(encoding="utf-8"))


def seed_body(stem: str) -> str:
    [path] = SEEDS.glob(f"{stem}_*.txt")
    return _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)


def elements(html: str) -> list[etree._Element]:
    root = etree.fromstring(f"<div>{html}</div>", etree.HTMLParser())
    return list(root.iter())


# --- the seeds ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_000() -> CleanBody:
    return clean_body(seed_body("000"))


@pytest.fixture(scope="module")
def seed_001() -> CleanBody:
    return clean_body(seed_body("001"))


def test_seed_000_lifts_source_and_editor(seed_000: CleanBody) -> None:
    assert seed_000.source == "工业和信息化部办公厅"
    assert seed_000.editor == "李墨轩"
    assert seed_000.original_title == ""


def test_seed_001_lifts_source_inside_font_editor_and_original_title(seed_001: CleanBody) -> None:
    assert seed_001.source == "工业和信息化部规划司、办公厅"
    assert seed_001.editor == "李墨轩"
    assert seed_001.original_title == (
        "工业和信息化部党组召开扩大会议 传达学习习近平总书记重要讲话和中央经济工作会议精神"
    )


@pytest.mark.parametrize("seed", ["seed_000", "seed_001"])
def test_seeds_keep_no_boilerplate(seed: str, request: pytest.FixtureRequest) -> None:
    body: CleanBody = request.getfixturevalue(seed)
    gone = (
        "海量资讯 appendQr 343233024.png <style <!-- 来源： 责任编辑 原标题 <font cms-style class="
    )
    for fragment in words(gone + " <pre <code"):
        assert fragment not in body.html
    assert "\u3000" not in body.html
    assert body.html.startswith(("<p>", "<figure>"))
    assert "3月14日" in body.text or "12月13日" in body.text


def test_seed_001_image_becomes_figure_without_empty_caption(seed_001: CleanBody) -> None:
    assert seed_001.html.startswith(
        '<figure><img src="https://n.sinaimg.cn/finance/crawl/5/w550h255/20211213/'
        '0058-dc900eb463cb38f35d86c350fe08a635.jpg" alt="" loading="lazy" '
        'referrerpolicy="no-referrer"></figure><p>12月13日'
    )
    assert "<figcaption" not in seed_001.html
    assert seed_001.first_image.endswith("0058-dc900eb463cb38f35d86c350fe08a635.jpg")


def test_seed_000_has_no_image_once_the_qr_promo_is_gone(seed_000: CleanBody) -> None:
    assert seed_000.first_image == ""
    assert "<img" not in seed_000.html


def test_seed_text_is_one_paragraph_a_line(seed_000: CleanBody) -> None:
    lines = seed_000.text.split("\n")
    assert len(lines) == 5
    assert lines[-1] == "工业和信息化部机关各司局主要负责同志参加学习。"


# --- detection -----------------------------------------------------------------------------------


def test_raw_html_bodies_are_detected_as_html() -> None:
    assert is_html_body(seed_body("000"))
    assert is_html_body("<!-- note --><p>x</p>")
    assert is_html_body("\n<div>   \n纯文本\n</div>\n            ")


def test_markdown_and_plain_text_are_not_html() -> None:
    assert not is_html_body((FIXTURES / "markdown_with_inline_html.md").read_text())
    assert not is_html_body("## 标题\n\n正文")
    assert not is_html_body("<p>inline html</p>\n\n---\n\n[查看原文](https://a.example/)")
    assert not is_html_body("只是一段文字。")


def test_markdown_line_syntax_counts_on_the_first_line_and_on_later_ones() -> None:
    assert clean_body("- 第一项\n- 第二项").html == "<ul> <li>第一项</li> <li>第二项</li> </ul>"
    assert clean_body("# 标题\n正文").html == "<h2>标题</h2><p>正文</p>"
    assert clean_body("正文\n   ## 小标题\n下文").html == "<p>正文</p><h2>小标题</h2><p>下文</p>"
    assert clean_body("正文 `代码` 结束").html == "<p>正文 <code>代码</code> 结束</p>"
    assert is_html_body("<p>x</p>\n    ***")  # four spaces: not a rule
    assert not is_html_body("<p>x</p>\n   ***")


def test_a_charset_in_the_body_does_not_change_how_it_is_read() -> None:
    for meta in (
        '<meta charset="gbk">',
        '<meta http-equiv="Content-Type" content="charset=latin1">',
    ):
        assert clean_body(f"{meta}<p>中文 é ☃</p>").html == "<p>中文 é ☃</p>"


def test_raw_html_is_not_turned_into_code_blocks() -> None:
    body = "<div>\n    <p>缩进四格的段落。</p>\n\n        <p>缩进八格的段落。</p>\n</div>"
    html = clean_body(body).html
    assert html == "<p>缩进四格的段落。</p><p>缩进八格的段落。</p>"


def test_markdown_with_inline_html_renders_headings_links_and_rules() -> None:
    body = fixture("markdown_with_inline_html.md")
    assert body.html.startswith("<h2>新闻摘要</h2><p>本期节目主要内容：</p>")
    assert "<h3>【领航中国】共护一江水 万里长江焕发新活力</h3>" in body.html
    assert "<p><strong>央视网消息</strong>（新闻联播）：长江是中华民族的母亲河" in body.html
    assert (
        '<a href="https://tv.cctv.com/2022/09/24/VIDE1.shtml" rel="noopener noreferrer">查看原文</a>'
        in body.html
    )
    assert body.html.count("<hr>") == 1  # the closing rule separates nothing
    assert "<pre" not in body.html and "<code" not in body.html


def test_markdown_can_be_forced_either_way() -> None:
    assert clean_body("**粗体**", markdown=True).html == "<p><strong>粗体</strong></p>"
    assert clean_body("<p>**原样**</p>", markdown=False).html == "<p>**原样**</p>"


def test_plain_text_in_the_pipeline_wrapper_becomes_paragraphs() -> None:
    body = fixture("plain_text_body.html")
    assert body.html.count("<p>") == 2
    assert body.text.split("\n")[1].startswith("“十四五”时期")


def test_bare_plain_text_splits_on_newlines() -> None:
    body = clean_body("第一段。\n第二段。\n\n第三段。")
    assert body.html == "<p>第一段。</p><p>第二段。</p><p>第三段。</p>"


def test_loose_text_beside_blocks_becomes_paragraphs() -> None:
    body = clean_body(
        "<div>多年以来，<strong>性能</strong>大幅提升。<br>\n <p>第二段。</p>尾巴。</div>"
    )
    assert (
        body.html == "<p>多年以来，<strong>性能</strong>大幅提升。</p><p>第二段。</p><p>尾巴。</p>"
    )


def test_empty_bodies_give_an_empty_result() -> None:
    for body in ("", "   \n", "<div>   \n  \n</div>", "<!-- only a comment -->", "<p> </p>"):
        assert clean_body(body) == CleanBody("", "", "", "", "", ())


# --- Sina ----------------------------------------------------------------------------------------


def test_sina_qr_promo_comments_and_style_are_dropped() -> None:
    body = fixture("sina_qr_promo.html")
    assert (
        body.html
        == "<p>内蒙古自治区纪委监委日前公布的信息显示，已累计为国家挽回经济损失523.88亿元。</p>"
    )
    assert body.first_image == ""


def test_editor_work_code_is_not_part_of_the_name() -> None:
    assert fixture("sina_qr_promo.html").editor == "刘万里"


def test_img_wrapper_becomes_figure_with_caption_only_when_described() -> None:
    body = fixture("sina_img_wrapper_caption.html")
    figures = re.findall(r"<figure>.*?</figure>", body.html)
    assert len(figures) == 2
    assert figures[0].endswith(
        "<figcaption>资料图：中山大学2022届毕业典礼。陈楚红 摄</figcaption></figure>"
    )
    assert "<figcaption" not in figures[1]
    assert body.original_title == "1-7月国企利润总额同比增92.1%"


def test_bold_cms_style_means_strong_and_other_fonts_unwrap() -> None:
    body = fixture("sina_font_bold.html")
    assert body.html == (
        "<p><strong>初入职场的“梦碎”</strong></p>"
        "<p>她出生于2000年，<strong>毕业于上海某大学的园林专业</strong>，去年7月来到这家设计公司实习。</p>"
    )
    assert body.source == "健康广东"


def test_promo_images() -> None:
    assert is_promo_image(QR_PROMO)
    assert is_promo_image("http://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png")
    assert is_promo_image("https://icons.mydrivers.com/news/end_article.png")
    assert is_promo_image("https://example.com/static/qrcode_app.png")
    assert is_promo_image(
        "https://images.weserv.nl/?url=http%3A%2F%2Fwww.jintiankansha.me%2Frss_static%2F18664%2Fx"
    )
    assert not is_promo_image(
        "https://n.sinaimg.cn/finance/crawl/5/w550h255/20211213/0058-dc90.jpg"
    )
    assert not is_promo_image("")


# --- other sources -------------------------------------------------------------------------------


def test_renmin_dateline_footer_and_feedx_promo_are_dropped() -> None:
    body = fixture("renmin_footer.html")
    assert body.text.split("\n") == [
        "新华社河内1月30日电 （记者邹学冕、刘颍）1月29日至30日，习近平总书记特使、中联部部长刘海星访问越南。",
        "刘海星向苏林转交习近平总书记的贺信。",
    ]
    assert "<hr>" not in body.html and "<br>" not in body.html


def test_dateline_is_dropped_only_as_the_first_paragraph() -> None:
    body = clean_body("<div><p>正文。</p><p>2026年01月31日</p>人 民 网 版 权 所 有</div>")
    assert body.text == "正文。\n2026年01月31日"


def test_wechat_article_is_the_js_content_element() -> None:
    body = fixture("wechat_js_content.html")
    assert body.source == "央视新闻微信公众号（ID：cctvnewscenter）"
    for gone in words("文章原文 阅读原文 平台地址 jintiankansha.me%2Frss_static mp4 本文来源"):
        assert gone not in body.html
    assert "<li><p><strong>打破一刀切</strong>，14到16周岁" in body.html
    assert (
        body.first_image == "https://images.weserv.nl/?url=http%3A%2F%2Fmmbiz.qpic.cn%2Fbanner.png"
    )


def test_huxiu_app_promo_is_dropped() -> None:
    body = fixture("huxiu_app_promo.html")
    assert "虎嗅APP" not in body.html
    assert body.text.endswith("写下新的草蛇灰线。")
    assert "<br" not in body.html


def test_footer_marker_drops_everything_after_it() -> None:
    body = fixture("ifanr_wechat_footer.html")
    assert body.text == "《星河入梦》定档春节\n韩延执导的新片《星河入梦》已官宣定档今年春节。"
    assert "ifanr.com/1653469" not in body.html


def test_kuaikeji_footer_and_editor() -> None:
    body = fixture("kuaikeji_editor_footer.html")
    assert body.editor == "万南"
    for gone in ("end_article", "如需转载", "文章纠错", "话题标签", "javascript"):
        assert gone not in body.html


def test_caixin_media_pic_is_a_figure_and_promos_go() -> None:
    body = fixture("caixin_media_pic.html")
    assert (
        '<figure><img src="https://img.caixin.com/2026-01-30/176976731491436_840_560.jpg" alt="" '
        'loading="lazy" referrerpolicy="no-referrer">'
        "<figcaption>2025年12月11日，江西宜春，高安大观楼。图：视觉中国</figcaption></figure>"
    ) in body.html
    for gone in ("财新mini+", "点此优惠购买", "财新数据库"):
        assert gone not in body.html


def test_trailing_editor_sentence_is_lifted() -> None:
    body = clean_body("<div><p>投资服务实体经济达5.4万亿元。责任编辑：秦艺。</p></div>")
    assert (body.text, body.editor) == ("投资服务实体经济达5.4万亿元。", "秦艺")


def test_picture_credits_and_captions_are_not_lifted_as_source() -> None:
    html = "<div><p>图片来源：界面图库</p><figure><img src='a.jpg'><figcaption>来源：公告</figcaption></figure></div>"
    body = clean_body(html)
    assert body.source == ""
    assert "图片来源：界面图库" in body.text and "来源：公告" in body.text


def test_a_phrase_quoted_inside_a_paragraph_is_not_boilerplate() -> None:
    body = clean_body("<p>他说，“下载虎嗅APP”这句话随处可见。</p><p>2026年01月31日 星期六</p>")
    assert body.text == "他说，“下载虎嗅APP”这句话随处可见。\n2026年01月31日 星期六"


def test_rules_are_chosen_by_markers_in_the_raw_body() -> None:
    assert SINA in rules_for(seed_body("000"))
    assert rules_for("<p>无名来源</p>") == ()


def test_selector_subset_compiles_to_xpath() -> None:
    root = etree.fromstring(
        '<div><p class="a b" id="x" data-e2e="media-player">1</p><font cms-style="strong-Bold">2</font>'
        '<span class="ab">3</span></div>',
        etree.HTMLParser(),
    )
    found = compile_selectors(("p.b#x[data-e2e=media-player]", "font[cms-style*=Bold], span.a"))
    assert [e.text for e in found(root)] == ["1", "2"]
    with pytest.raises(ValueError, match="unsupported selector"):
        compile_selectors(("div > p",))


# --- generic rules -------------------------------------------------------------------------------


def test_hostile_markup_is_sanitized() -> None:
    body = fixture("hostile_markup.html")
    html = body.html
    gone = (
        "<script <iframe <object <form <input <button <meta onclick onerror javascript: data:image"
    )
    for fragment in words(gone + " class= style= id= <h1"):
        assert fragment not in html
    assert html.startswith("<h2>标题</h2><p>正文")
    assert "链接" in body.text


def test_stray_page_markup_goes_and_the_text_after_it_stays() -> None:
    body = fixture("stray_page_markup.html")
    for kept in (
        "第一段", "第二段", "第三段", "中国政府网", "列表第一项", "列表第二项", "第四段",
        "政策链接", "第五段", "编号第一项",
    ):  # fmt: skip
        assert kept in body.text
    assert '<a href="https://www.gov.cn/zhengce/"' in body.html
    assert "<ul><li>列表第一项" in body.html
    assert "<ol><li>编号第一项" in body.html
    for gone in ("<body", "<html", "<base", "<meta", "<form", "<input", "<button", "<svg", "<math"):
        assert gone not in body.html
    for gone in ("onload", "evil.example", "提交", "图形里的字", "<mi>"):
        assert gone not in body.html


def test_images_are_lazy_and_send_no_referrer() -> None:
    html = fixture("hostile_markup.html").html
    images = re.findall(r"<img [^>]*>", html)
    assert images == [
        '<img src="https://img.example.com/lazy.jpg" alt="" loading="lazy" referrerpolicy="no-referrer">',
    ]


def test_links_get_https_and_rel() -> None:
    html = fixture("hostile_markup.html").html
    assert '<a href="https://example.com/a" rel="noopener noreferrer">外链</a>' in html


def test_relative_urls_of_the_scraped_site_are_dropped_and_bare_hosts_get_https() -> None:
    body = clean_body(
        '<p><a href="weibo.com/kaikazemi913">微博</a> <a href="6">注6</a> <a href="#n1">注</a>'
        '<img src="pic/1.png"><img src="www.example.com/2.png"></p>'
    )
    assert (
        '<a href="https://weibo.com/kaikazemi913" rel="noopener noreferrer">微博</a>' in body.html
    )
    assert "注6" in body.text and 'href="6"' not in body.html and 'href="#n1"' not in body.html
    assert "pic/1.png" not in body.html
    assert 'src="https://www.example.com/2.png"' in body.html


def test_hexo_braces_zero_width_and_indents_are_cleaned() -> None:
    text = fixture("hostile_markup.html").text.split("\n")
    assert text[-3:] == ["{{ hexo }}零宽字符", "光明日报的全角缩进", "不换行空格缩进"]


def test_indent_after_line_break_is_stripped() -> None:
    assert clean_body("<p>　　第一行<br>　　第二行</p>").html == "<p>第一行<br>第二行</p>"


def test_emoji_joiners_survive() -> None:
    assert clean_body("<p>👨\u200d⚕️医生</p>").text == "👨\u200d⚕️医生"


def test_tables_keep_spans_and_lose_styles() -> None:
    body = clean_body(
        '<table style="x"><tr><td colspan="2" class="c" width="9">甲</td></tr></table>'
    )
    assert body.html == '<table><tbody><tr><td colspan="2">甲</td></tr></tbody></table>'


def test_text_joins_paragraphs_with_newlines() -> None:
    body = clean_body("<h2>小标题</h2><p>一。</p><ul><li>二</li><li>三</li></ul><p>四<br>五</p>")
    assert body.text == "小标题\n一。\n二\n三\n四\n五"


def test_control_characters_and_surrogates_do_not_break_parsing() -> None:
    body = clean_body("<p>a\x00b\x0bc\ud800d</p>")
    assert body.text == "abcd"


# --- summaries -----------------------------------------------------------------------------------


def test_summary_of_short_text_is_the_text() -> None:
    assert make_summary("一句话。\n第二句。") == "一句话。 第二句。"


def test_summary_ends_at_the_last_sentence_end_within_the_limit() -> None:
    text = "第一句话说完了。" * 10 + "最后一句很长" * 10
    summary = make_summary(text, limit=50)
    assert summary == "第一句话说完了。" * 6
    assert len(summary) <= 50


def test_summary_without_a_late_sentence_end_is_cut_with_an_ellipsis() -> None:
    summary = make_summary("没有句号的一段很长的文字" * 20, limit=30)
    assert len(summary) == 30 and summary.endswith("…")
    assert make_summary("短。" + "长" * 200, limit=30).endswith("…")


def test_summary_keeps_closing_quotes_with_the_sentence() -> None:
    text = "他说：“这是第一句话，说得很长很长很长很长。”" + "后面" * 60
    assert make_summary(text, limit=40) == "他说：“这是第一句话，说得很长很长很长很长。”"


# --- properties ----------------------------------------------------------------------------------

_TAGS = words(
    "p div span a img script iframe style object embed svg math form input font section table td"
    " h1 ul li figure noscript template textarea title base meta link video"
)
_ATTRIBUTES = [
    'onerror="alert(1)"',
    "onclick=steal()",
    "ONLOAD='x()'",
    'href="javascript:alert(1)"',
    'href=" JaVaScRiPt:alert(1)"',
    'href="java&#x09;script:alert(1)"',
    'src="javascript:alert(1)"',
    'data-src="//img.example/a.png"',
    'src="//img.example/b.png"',
    'style="display:none"',
    'class="img_wrapper"',
    'cms-style="strong-Bold"',
    'href="https://ok.example/"',
    'src="data:text/html;base64,PHNjcmlwdD4="',
    'formaction="javascript:x"',
    "width=1",
]
_TEXTS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "　　来源：某部",
            "责任编辑：某人",
            "原标题：某题",
            "&#123;",
            "&lt;script&gt;",
            "<!--",
            "-->",
            "<![CDATA[x]]>",
            "</div>",
            "<",
            "&",
            "\n\n",
            "## 标题\n",
            "javascript:",
            "海量资讯、精准解读，尽在新浪财经APP",
        ]
    ),
)


@st.composite
def _element(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(_TAGS))
    attributes = " ".join(draw(st.lists(st.sampled_from(_ATTRIBUTES), max_size=3)))
    inner = "".join(draw(st.lists(children, max_size=4)))
    closing = draw(st.sampled_from([f"</{tag}>", "", "</p>"]))
    return f"<{tag} {attributes}>{inner}{closing}"


_MARKUP = st.recursive(
    _TEXTS | st.builds("<!--{}-->".format, st.text(max_size=10)),
    lambda children: _element(children),
    max_leaves=25,
)
_EVENT_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.I)
_JAVASCRIPT_IN_TAG = re.compile(r"<[^>]*javascript:", re.I)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MARKUP, max_size=6).map("".join), st.sampled_from([None, True, False]))
def test_any_markup_cleans_to_safe_html(markup: str, markdown: bool | None) -> None:
    body = clean_body(markup, markdown=markdown)
    assert isinstance(body, CleanBody)
    html = body.html
    assert "<script" not in html.lower()
    assert not _EVENT_HANDLER.search(html)
    assert not _JAVASCRIPT_IN_TAG.search(html)
    for element in elements(html):
        assert element.tag not in {"script", "iframe", "style", "object", "embed", "form", "meta"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on")
            assert not value.strip().lower().startswith(("javascript:", "data:"))
        if element.tag == "img":
            assert element.get("referrerpolicy") == "no-referrer"
            assert element.get("loading") == "lazy"
    assert "　　" not in html


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=10, max_value=200))
def test_summary_never_exceeds_its_limit(text: str, limit: int) -> None:
    summary = make_summary(text, limit)
    assert len(summary) <= limit
    assert summary == " ".join(text.split()) or summary.endswith(
        ("…", "。", "！", "？", "!", "?", "”", "’", "」", "』", "）", ")")
    )


def test_a_heading_repeating_the_title_is_dropped() -> None:
    body = clean_body("<h1>英国首相辞职</h1><p>正文。</p>", title="英国首相辞职")
    assert body.html == "<p>正文。</p>"
    assert clean_body("<h1>另一个标题</h1><p>正文。</p>", title="英国首相辞职").html.startswith(
        "<h2>"
    )


# --- accessible markup (axe-core's rule names) -------------------------------------------------


def test_headings_start_at_h2_and_never_skip_a_level() -> None:
    html = clean_body(
        "<h3>一</h3><p>正文一。</p><h5>一之一</h5><p>正文二。</p><h4>一之二</h4><p>正文三。</p>"
        "<h1>二</h1><p>正文四。</p><h6>二之一</h6><p>正文五。</p>"
    ).html
    levels = [(e.tag, e.text) for e in elements(html) if re.fullmatch(r"h\d", e.tag)]
    assert levels == [
        ("h2", "一"),
        ("h3", "一之一"),
        ("h3", "一之二"),
        ("h2", "二"),
        ("h3", "二之一"),
    ]


def test_empty_headings_go_and_a_heading_holding_only_an_image_is_a_paragraph() -> None:
    html = clean_body(
        '<h2> </h2><p>正文。</p><h3><img src="https://example.com/a.jpg"></h3><h2>小标题</h2>'
    ).html
    tags = [e.tag for e in elements(html)]
    assert tags.count("h2") == 1 and "h3" not in tags
    assert '<p><img src="https://example.com/a.jpg"' in html


def test_a_link_around_an_image_without_alt_gets_a_name() -> None:
    titled = clean_body(
        '<p><a href="https://a.example/x" title="专题"><img src="https://a.example/1.jpg"></a></p>'
    )
    assert 'alt="专题"' in titled.html
    bare = clean_body(
        '<p><a href="https://b.example/y"><img src="https://a.example/1.jpg" alt=""></a></p>'
    )
    assert 'alt="链接：b.example"' in bare.html
    described = clean_body(
        '<p><a href="https://b.example/y"><img src="https://a.example/1.jpg" alt="地图"></a></p>'
    )
    assert 'alt="地图"' in described.html and "链接" not in described.html


def test_a_definition_list_without_definitions_becomes_paragraphs() -> None:
    html = clean_body(
        '<dl><dt><a href="https://c.example/1">中药注射剂大考</a></dt><dd> </dd></dl>'
    ).html
    assert "<dl" not in html and "<dt" not in html
    assert '<p><a href="https://c.example/1"' in html
    kept = clean_body("<dl><dt>术语</dt><dd>释义</dd></dl>").html
    assert kept == "<dl><dt>术语</dt><dd>释义</dd></dl>"


def test_pre_inside_pre_is_flattened_and_pre_is_reachable_by_keyboard() -> None:
    html = clean_body(
        '<pre class="x"><pre>apt install fail2ban</pre>\nsystemctl enable fail2ban</pre>'
    ).html
    assert html.count("<pre") == 1
    assert html == '<pre tabindex="0">apt install fail2ban\nsystemctl enable fail2ban</pre>'
    assert 'tabindex="5"' not in clean_body('<p tabindex="5">x</p><pre tabindex="5">y</pre>').html


def test_a_wechat_code_snippet_is_one_pre_of_lines() -> None:
    html = clean_body(
        '<pre><span><section class="code-snippet__fix"><ul class="code-snippet__line-index">'
        '<li></li><li></li></ul><pre class="code-snippet__js"><code><span>[0] 系统提示词</span></code>'
        "<code><span>[1] 项目上下文</span></code></pre></section></span></pre><p>后文。</p>"
    ).html
    assert html == (
        '<pre tabindex="0"><code>[0] 系统提示词</code>\n<code>[1] 项目上下文</code></pre><p>后文。</p>'
    )


def test_a_heading_wrapped_around_blocks_is_no_heading() -> None:
    html = clean_body(
        "<h3><section><p>第一段。</p><p>第二段。</p></section></h3><h2>小标题</h2><p>正文。</p>"
    ).html
    assert html == "<p>第一段。</p><p>第二段。</p><h2>小标题</h2><p>正文。</p>"


def test_a_stray_end_tag_in_a_wechat_article_keeps_the_text_after_it() -> None:
    page = (FIXTURES / "wechat_js_content.html").read_text()
    stray = page.replace("</p><ul", "</p></div></section><p>被提前关闭之后的段落。</p><ul", 1)
    assert stray != page
    body = clean_body(stray)
    assert "被提前关闭之后的段落。" in body.text
    assert "打破一刀切" in body.text and body.source.startswith("央视新闻微信公众号")
    for gone in words("文章原文 阅读原文 平台地址 jintiankansha.me%2Frss_static mp4"):
        assert gone not in body.html


@pytest.mark.parametrize(
    ("body", "markdown"),
    [
        (
            "<p>国家统计局发布一季度主要数据。</p>\n<!-- more -->\n"
            "<table><tr><th>指标</th></tr><tr><td>GDP</td></tr></table>\n<p>详细数据见后。</p>",
            None,
        ),
        ("第一段，开头。\n\n<!-- more -->\n\n第二段。\n\n第三段。", True),
        ("第一段，开头<!--more-->，仍是第一段。\n\n第二段。", True),
        ("<div><p>一</p><p>二</p><!-- MORE --><p>三</p></div>", None),
        ("<p>没有分隔。</p><p>第二段。</p>", None),
    ],
)
def test_the_excerpt_mark_is_found_in_one_cleaning(body: str, markdown: bool | None) -> None:
    """The body cleaned once: its html as if the mark were not there (the parser drops comments),
    and its lead the text the part before the mark has when cleaned alone."""
    cleaned = clean_body(body, markdown=markdown)
    assert "\ue000" not in cleaned.html + cleaned.text + cleaned.lead
    unmarked = re.sub(r"<!--\s*more\s*-->", "", body, flags=re.IGNORECASE)
    assert cleaned.html == clean_body(unmarked, markdown=markdown).html
    assert cleaned.text == clean_body(unmarked, markdown=markdown).text
    found = re.search(r"<!--\s*more\s*-->", body, flags=re.IGNORECASE)
    before = clean_body(body[: found.start()], markdown=markdown).text if found else cleaned.text
    assert " ".join(cleaned.lead.split()) == " ".join(before.split())
