"""Article text → the documents it cites: laws, regulations, plans and policy papers. Pure.

Two kinds of mention: a title in 《…》 whose ending names a kind of document (条例, 办法, 意见, 规划…),
and a document number (国办发〔2018〕128号). Newspapers, programmes and books in 《》 (《人民日报》,
《新闻联播》, 《孙子兵法》) end otherwise, or are on the short stop list; a bare 《意见》 or 《方案》 is
an abbreviation of a title named earlier, not a name, and is left out. Hand-written rather than a
library: no maintained package knows Chinese document titles, and the rule is a dozen lines.
Normalizing calls `cited` and `citations` so the result is cached with the article.

What an article says of each document (`citations`): the sentence first citing it; the number
written with a title, in brackets right after it or just before it (《…》（国办发〔2018〕128号）),
which makes the two one document; who issued it, from the title's first words (国务院关于…) or
the clause before an issuing verb (民政部、财政部印发《…》); and the dates the sentence gives
(2025年12月30日印发, 自2026年3月1日起施行), only when the sentence cites no other document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sitegen import authorities
from sitegen.models import Citation

# Endings, longest first where one ends another (行动计划 before a bare 计划, which names films).
KINDS = (
    "条例", "办法", "规定", "意见", "通知", "决定", "规划", "纲要", "方案", "报告", "规则", "细则",
    "指引", "指南", "决议", "公约", "协定", "章程", "建议", "公告", "通告", "批复", "目录", "清单",
    "措施", "纲领", "条约", "准则", "白皮书", "议定书", "法典", "修正案", "公报", "标准", "要点",
    "行动计划", "工作计划", "发展计划", "法",
)  # fmt: skip
# Words before a kind that make a generic abbreviation (《实施方案》) rather than a name.
GENERIC = frozenset((
    "实施", "工作", "行动", "操作", "调研", "评价", "指导", "若干", "管理", "研究", "可行性研究",
    "专项", "总体", "年度", "发展", "相关", "有关", "上述", "这份", "该", "新", "原", "暂行", "试行",
    "具体", "配套", "整改", "中期", "监督",
))  # fmt: skip
# A title ending in one of these is a method, an art or a game, not a law (法 is the riskiest kind).
NOT_LAWS = (
    "方法", "做法", "说法", "看法", "想法", "手法", "算法", "疗法", "书法", "语法", "写法", "笔法",
    "技法", "心法", "兵法", "魔法", "剑法", "刀法", "功法", "戏法", "玩法", "打法", "用法", "章法",
    "家法", "秘法", "佛法", "大法", "活法", "吃法", "画法",
)  # fmt: skip
# Titles with a document's ending that name something else: games, shows, books.
NOT_DOCUMENTS = frozenset(
    ("南极计划", "宏图计划", "复仇计划", "星际计划", "年度报告", "工作报告", "研究报告")
)
_TITLE = re.compile(r"《([^《》\n]{2,80})》")
TRAILER = re.compile(r"(?:[（(][^（）()]{1,20}[）)])+$")  # （试行）, （2022年版）, （征求意见稿）
_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*((?:19|20)\d\d)\s*[〕\]］】)）]\s*(\d{1,4})\s*号"
)
# What every number holds: a year in brackets. A text without one (most) is not searched for numbers,
# a search that backtracks over up to ten characters at every Chinese character.
_BRACKETED_YEAR = re.compile(r"[〔\[［【(（]\s*(?:19|20)\d\d\s*[〕\]］】)）]")
# Words that may run into a number's issuer from the sentence before it (根据国办发…).
_LEAD = re.compile(
    r"^(?:根据|依据|按照|参照|印发|转发|执行|落实|贯彻|见|和|及|与|的|于|以|文号|为)+"
)
_SPACE = re.compile(r"\s+")


def is_document(title: str) -> bool:
    """Whether a title in 《》 names a document: it ends in a kind, and is more than the kind."""
    name = TRAILER.sub("", title).strip()
    if name in NOT_DOCUMENTS or name.endswith(NOT_LAWS):
        return False
    for kind in KINDS:
        if name.endswith(kind):
            stem = name[: -len(kind)].rstrip("“”\"' ")
            return len(stem) >= 2 and stem not in GENERIC
    return False


def number_year(name: str) -> int:
    """The year a document number carries (国办发〔2018〕128号 → 2018), else 0."""
    match = _NUMBER.fullmatch(name)
    return int(match[2]) if match else 0


def label(name: str) -> str:
    """How a page shows a document: a title in 《》, a number as it is."""
    return name if _NUMBER.fullmatch(name) else f"《{name}》"


def _numbers(text: str) -> Iterator[re.Match[str]]:
    return _NUMBER.finditer(text) if _BRACKETED_YEAR.search(text) else iter(())


def _number(match: re.Match[str]) -> str | None:
    issuer = _LEAD.sub("", match[1])
    return f"{issuer}〔{match[2]}〕{int(match[3])}号" if issuer else None


def _mentions(text: str) -> list[tuple[str, re.Match[str]]]:
    """Every mention of a document, with its match, in order of position."""
    found = [(_SPACE.sub(" ", m[1].strip()), m) for m in _TITLE.finditer(text) if is_document(m[1])]
    found += [(n, m) for m in _numbers(text) if (n := _number(m))]
    return sorted(found, key=lambda item: item[1].start())


def cited(text: str) -> tuple[str, ...]:
    """The documents `text` names, each once, in order of first mention: titles as written (inner
    spaces collapsed), numbers in the standard form 发〔2018〕128号."""
    names = [_SPACE.sub(" ", m[1].strip()) for m in _TITLE.finditer(text)]
    found = [name for name in names if is_document(name)]
    found += [n for m in _numbers(text) if (n := _number(m))]
    return tuple(dict.fromkeys(found))


_SENTENCE_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?\n]")
_ISSUING = re.compile(r"(?:联合|共同)?(?:印发|发布|出台|公布|下发|颁布|制定|修订)了?$")
_NUMBER_AFTER = re.compile(r"\s*[（(]\s*$")
_DATE = r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日"
_DATES = (
    ("印发", re.compile(_DATE + r"(?:印发|签发|成文)")),
    ("发布", re.compile(_DATE + r"(?:正式)?(?:发布|公布)")),
    ("施行", re.compile(_DATE + r"起(?:正式)?(?:施行|实施|执行|生效)")),
)
SENTENCE_MOST = 160  # characters of a citing sentence kept, around the mention


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], cut to SENTENCE_MOST characters around it."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    first = before[-1] if before else 0
    after = _SENTENCE_END.search(text, end)
    last = after.end() if after else len(text)
    first = max(first, min(start, last - SENTENCE_MOST))
    return _SPACE.sub(" ", text[first : min(last, first + SENTENCE_MOST)]).strip()


def _joined(text: str, match: re.Match[str], numbers: list[tuple[str, re.Match[str]]]) -> str:
    """The number written with the title `match`: in brackets right after it, or just before."""
    for name, number in numbers:
        between = text[match.end() : number.start()]
        if number.start() >= match.end() and _NUMBER_AFTER.fullmatch(between):
            return name
        gap = text[number.end() : match.start()]
        if number.end() <= match.start() and re.fullmatch(r"\s*[）)]?\s*", gap):
            return name
    return ""


def _issuers(text: str, name: str, match: re.Match[str]) -> tuple[str, ...]:
    """Who issued a document, as the article says: its number's prefix, its title's first
    words, or the bodies named in the clause before an issuing verb (民政部、财政部印发《…》)."""
    if _NUMBER.fullmatch(name):
        owner = authorities.of_number(name)
        return (owner,) if owner else ()
    if from_title := authorities.of_title(name):
        return from_title
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, match.start())]
    clause = text[ends[-1] if ends else 0 : match.start()]
    return authorities.named(clause) if _ISSUING.search(clause) else ()


def _dates(sentence: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (label, f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}")
        for label, pattern in _DATES
        for m in pattern.finditer(sentence)
    )


def citations(text: str) -> tuple[Citation, ...]:
    """What `text` says of each document it cites, in the order of `cited`."""
    found = _mentions(text)
    numbers = [(n, m) for n, m in found if m.re is _NUMBER]
    each: dict[str, list[re.Match[str]]] = {}
    for name, match in found:
        each.setdefault(name, []).append(match)
    made = {}
    for name, matches in each.items():
        match = matches[0]
        sentence = _sentence(text, match.start(), match.end())
        joined = (_joined(text, m, numbers) for m in matches if m.re is _TITLE)
        number = next((n for n in joined if n), "")  # any mention may carry it, not only the first
        alone = len({n for n, _ in _mentions(sentence)} - {name, number}) == 0
        made[name] = Citation(
            name,
            sentence,
            number,
            _issuers(text, name, match),
            _dates(sentence) if alone else (),
        )
    return tuple(made[name] for name in cited(text))
