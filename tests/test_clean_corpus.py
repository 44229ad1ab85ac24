"""Body cleaning over the real corpus (../shared/corpus/real): nothing raises, no boilerplate is
left, and no sentence of article text is lost on the way.

The boilerplate list below is written out by hand, independently of `sources.py`, so that a rule that
eats real text shows up here as a lost sentence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment

from sitegen.content.clean import CleanBody, clean_body

from .conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPUS.is_dir(),
        reason=f"the real corpus is not there: {CORPUS} (../shared beside the repo)",
    ),
]

_FRONT_MATTER = re.compile(r"\A\n?---\n.*?\n---\n", re.S)
_MARKDOWN_MARKS = (
    (re.compile(r"^#{1,6}[ \t]+", re.M), ""),
    (re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),
    (re.compile(r"^-{3,}[ \t]*$", re.M), ""),
)
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_INLINE = ["span", "font", "strong", "b", "em", "i", "u", "a", "small", "sub", "sup", "time"]
_NOT_ARTICLE_TEXT = ["style", "script", "button", "svg", "video", "iframe", "noscript", "select"]

# Whole sentences that are boilerplate wherever they stand (promos, footers, copyright lines).
BOILERPLATE = (
    "海量资讯、精准解读，尽在新浪财经APP",
    "人 民 网 版 权 所 有",
    "Copyright © 1997-2026 by www.people.com.cn",
    "获取更多RSS",
    "https://feedx.",
    "下载虎嗅APP",
    "第一时间获取深度独到的商业科技资讯",
    "无门槛红包",
    "每天抽",
    "<内嵌内容，请前往机核查看>",
    "你的器材不支持播放多媒",
    "“财新mini+”连载中",
    "点此优惠购买",
    "可随时查阅宏观经济、股票债券、公司人物",
    "本文为极客公园原创文章",
    "如需转载请务必注明出处：快科技",
    "话题标签：",
    "平台地址：",
    "jintiankansha.me/t/",
    "点击上方蓝字",
    "本文来自华尔街见闻，欢迎下载APP",
    "扫描下方二维码添加极客小助手微信",
    "扫描二维码了解更多内容",
    "直接点击图片，阅读相关文章",
    "©央视新闻",
    "喜欢今天的内容，请点赞",
    "相关阅读：",
    "热闻推荐：",
    "上下滑动查看",
)
# A paywall's notice: not article text, and the page reports it instead.
PAYWALL = ("本文为会员文章，出自《", "新会员订阅即读全文")
# A footer begins at one of these lines; every sentence after it is boilerplate too.
FOOTER_STARTS = (
    "秒追ASI",
    "⭐星标华尔街见闻",
    "#欢迎关注爱范儿官方微信公众号",
    "极客一问",
    "热点视频",
    "播客上新",
    "更多阅读",
    "监制/",
    "监制 |",
    "监制|",
    "监制｜",
    "监制丨",
    "往期精选推荐",
)
# ... or is one of these lines, or holds one of these marks near its start
FOOTER_LINES = frozenset({"相关阅读", "相关阅读：", "推荐阅读", "热闻推荐", "热闻推荐："})
FOOTER_MARKS = ("【关注我们】", "投稿邮箱：")
# A print edition's page date, as the first line of the body.
DATELINE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日(\s*星期.)?")
# WeChat's byline (原创 作者 日期 时间 地点), as the first line of the body.
WECHAT_BYLINE = re.compile(r"原创\s.*\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}.*")
LEFT_OVER = ("海量资讯、精准解读", "责任编辑", "<style", "<!--", "　　", "<script", "<iframe")


@dataclass(frozen=True)
class Cleaned:
    path: Path
    raw: str
    is_markdown: bool
    has_front_matter: bool
    result: CleanBody | Exception


def _split(text: str) -> tuple[str, bool]:
    match = _FRONT_MATTER.match(text)
    return (text[match.end() :], True) if match else (text, False)


@pytest.fixture(scope="module")
def corpus() -> list[Cleaned]:
    cleaned = []
    for path in sorted(CORPUS.rglob("*.md")):
        body, has_front_matter = _split(path.read_text(encoding="utf-8"))
        try:
            result: CleanBody | Exception = clean_body(body)
        except Exception as exc:  # collected, so that one failure does not hide the others
            result = exc
        is_markdown = not has_front_matter
        cleaned.append(Cleaned(path, body, is_markdown, has_front_matter, result))
    assert len(cleaned) > 2000
    return cleaned


def _visible_lines(raw: str, is_markdown: bool) -> list[str]:
    if is_markdown:
        for pattern, replacement in _MARKDOWN_MARKS:
            raw = pattern.sub(replacement, raw)
    soup = BeautifulSoup(raw, "lxml")
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for element in soup(_NOT_ARTICLE_TEXT):
        element.decompose()
    for card in soup.select("span.card"):  # IT之家's affiliate product cards
        card.decompose()
    for inline in soup.find_all(_INLINE):  # one line per block, however many spans it is cut into
        inline.unwrap()
    soup.smooth()
    return [line.strip() for line in soup.get_text("\n").split("\n") if line.strip()]


def _article_sentences(lines: list[str]) -> list[str]:
    """The sentences of real article text: boilerplate, footers and a leading dateline left out."""
    if lines and (DATELINE.fullmatch(lines[0]) or WECHAT_BYLINE.fullmatch(lines[0])):
        lines = lines[1:]
    for index, line in enumerate(lines):
        if _is_footer_start(line):
            lines = lines[:index]
            break
    kept = "\n".join(line for line in lines if not _is_boilerplate(line))
    return [s for s in _SENTENCE_END.split(kept) if not _is_boilerplate(s)]


def _is_footer_start(line: str) -> bool:
    return (
        line.startswith(FOOTER_STARTS)
        or line in FOOTER_LINES
        or any(mark in line[:8] for mark in FOOTER_MARKS)
    )


def _is_boilerplate(text: str) -> bool:
    return any(phrase in text for phrase in (*BOILERPLATE, *PAYWALL))


def _is_lifted(sentence: str, body: CleanBody) -> bool:
    """A metadata line, or a piece of one that the source split over several text nodes."""
    squeezed = _squeeze(sentence)
    for prefix, value in (
        ("来源", body.source),
        ("原标题", body.original_title),
        ("责任编辑", body.editor),
    ):
        value = _squeeze(value)
        if value and (squeezed in value or (prefix in squeezed and value in squeezed)):
            return True
    return False


def _squeeze(text: str) -> str:
    return _INVISIBLE.sub("", text)


def test_cleaning_never_raises(corpus: list[Cleaned]) -> None:
    failures = [f"{c.path}: {c.result!r}" for c in corpus if isinstance(c.result, Exception)]
    assert not failures, "\n".join(failures)


def test_no_boilerplate_is_left(corpus: list[Cleaned]) -> None:
    left = [
        f"{c.path}: {marker}"
        for c in corpus
        if isinstance(c.result, CleanBody)
        for marker in LEFT_OVER
        if marker in c.result.html
    ]
    assert not left, "\n".join(left)


def test_images_are_lazy_no_referrer_and_attributes_are_clean(corpus: list[Cleaned]) -> None:
    bad = []
    for c in corpus:
        if not isinstance(c.result, CleanBody):
            continue
        for img in re.findall(r"<img [^>]*>", c.result.html):
            if 'referrerpolicy="no-referrer"' not in img or 'loading="lazy"' not in img:
                bad.append(f"{c.path}: {img[:120]}")
        if re.search(r"<[a-z0-9]+ [^>]*\s(?:class|style|id)=", c.result.html):
            bad.append(f"{c.path}: class/style/id attribute left")
    assert not bad, "\n".join(bad[:50])


def test_no_sentence_of_article_text_is_lost(corpus: list[Cleaned]) -> None:
    lost = []
    for c in corpus:
        if not isinstance(c.result, CleanBody):
            continue
        after = _squeeze(BeautifulSoup(c.result.html, "lxml").get_text()) if c.result.html else ""
        for sentence in _article_sentences(_visible_lines(c.raw, c.is_markdown)):
            squeezed = _squeeze(sentence)
            if len(squeezed) >= 10 and squeezed not in after and not _is_lifted(sentence, c.result):
                lost.append(f"{c.path.relative_to(CORPUS)}: {sentence.strip()[:80]}")
    assert not lost, f"{len(lost)} sentences lost, e.g.:\n" + "\n".join(lost[:40])


def test_metadata_is_lifted_where_the_body_carries_it(corpus: list[Cleaned]) -> None:
    """Every 责任编辑 line in the corpus becomes an editor; the seeds' shape (Sina) has them all."""
    sina = [c for c in corpus if "新浪财经" in c.path.parts and isinstance(c.result, CleanBody)]
    assert sina and all(c.result.editor for c in sina)
    with_line = [c for c in corpus if "责任编辑" in c.raw and isinstance(c.result, CleanBody)]
    assert all(c.result.editor for c in with_line)
    assert all(
        not c.result.first_image.endswith("343233024.png")
        for c in corpus
        if isinstance(c.result, CleanBody)
    )


# Lines that recur across many articles of one source and are real: credits, picture credits,
# numbered section heads, a weekly's table of contents, Readhub's list of the media it cites.
RECURRING_REAL = re.compile(
    r"\d{2}|[·\s]+|▼"
    r"|(?:编辑|美编|撰文|撰稿|摄影|作者|文|图|记者|监制|主编|封面|特约编译)\s*[|｜丨/：:\s].{0,30}|.{0,6}对本文亦有贡献"
    r"|.{0,3}(?:圖像來源|图片来源|头图来源|图片、资料来源|图片来自|AI图片|（图：).{0,30}"
    r"|.{0,40}/The New York Times|新智元报道|参考资料：|地球知识局|.*不代表地球知识局立场"
    r"|媒体报道|事件追踪|下面是今天的其他大新闻|\*以上内容不构成投资建议.*"
    r"|.{1,30}(?:Economy|Supplement|First Page|Cover Story|Opinion|Finance|Business|Affairs|Society"
    r"|Tech|Planning)|周刊导播|\[视频\].*|……"
    # 新闻联播's transcripts: the programme's parts, the story that ran for weeks, the source link
    r"|新闻摘要|详细新闻|本期节目主要内容：|央视网消息（新闻联播）：|查看原文"
    r"|(?:\d{1,2}\.)?(?:国内联播快讯|国际联播快讯|国家卫生健康委通报最新疫情"
    r"|中央宣讲团在各地宣讲党的二十大精神)[；：]?"
    # 地球知识局's stubs that only point at a cover image: the whole article is this line
    r"|点击下方封面图即可查看"
)
READHUB_MEDIA = re.compile(r".{1,12}")  # the names of the media a Readhub story cites


def test_no_line_recurs_across_a_source_unless_it_is_real_text(corpus: list[Cleaned]) -> None:
    """A line that recurs in a tenth of one source's articles (at least 3) is boilerplate unless it
    is on the reviewed list above: a new source's boilerplate shows up here, with no new code."""
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    articles: Counter[str] = Counter()
    for c in corpus:
        if isinstance(c.result, CleanBody):
            parts = c.path.relative_to(CORPUS).parts  # collection/category/source/feed/file
            source = parts[2] if len(parts) > 3 else parts[0]
            articles[source] += 1
            by_source[source].update(set(c.result.text.split("\n")))
    recurring = [
        f"{source}: {line[:80]} ({count} of {articles[source]})"
        for source, lines in sorted(by_source.items())
        for line, count in lines.items()
        if count >= max(3, articles[source] / 10)
        and not RECURRING_REAL.fullmatch(line)
        and not (source.startswith("Readhub") and READHUB_MEDIA.fullmatch(line))
    ]
    assert len(by_source) > 20
    assert not recurring, f"{len(recurring)} recurring lines:\n" + "\n".join(recurring)
