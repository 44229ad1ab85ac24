"""Article text → the documents it cites: laws, regulations, plans and policy papers. Pure.

Two kinds of mention: a title in 《…》 whose ending names a kind of document (条例, 办法, 意见, 规划…),
and a document number (国办发〔2018〕128号). Newspapers, programmes and books in 《》 (《人民日报》,
《新闻联播》, 《孙子兵法》) end otherwise, or are on the short stop list; a bare 《意见》 or 《方案》 is
an abbreviation of a title named earlier, not a name, and is left out. Hand-written rather than a
library: no maintained package knows Chinese document titles, and the rule is a dozen lines.
Normalizing calls `cited` so the result is cached with the article.
"""

from __future__ import annotations

import re

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
_TRAILER = re.compile(r"(?:[（(][^（）()]{1,20}[）)])+$")  # （试行）, （2022年版）, （征求意见稿）
_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*((?:19|20)\d\d)\s*[〕\]］】)）]\s*(\d{1,4})\s*号"
)
# Words that may run into a number's issuer from the sentence before it (根据国办发…).
_LEAD = re.compile(
    r"^(?:根据|依据|按照|参照|印发|转发|执行|落实|贯彻|见|和|及|与|的|于|以|文号|为)+"
)
_SPACE = re.compile(r"\s+")


def is_document(title: str) -> bool:
    """Whether a title in 《》 names a document: it ends in a kind, and is more than the kind."""
    name = _TRAILER.sub("", title).strip()
    if name in NOT_DOCUMENTS or name.endswith(NOT_LAWS):
        return False
    for kind in KINDS:
        if name.endswith(kind):
            stem = name[: -len(kind)].rstrip("“”\"' ")
            return len(stem) >= 2 and stem not in GENERIC
    return False


def label(name: str) -> str:
    """How a page shows a document: a title in 《》, a number as it is."""
    return name if _NUMBER.fullmatch(name) else f"《{name}》"


def _number(match: re.Match[str]) -> str | None:
    issuer = _LEAD.sub("", match[1])
    return f"{issuer}〔{match[2]}〕{int(match[3])}号" if issuer else None


def cited(text: str) -> tuple[str, ...]:
    """The documents `text` names, each once, in order of first mention: titles as written (inner
    spaces collapsed), numbers in the standard form 发〔2018〕128号."""
    names = [_SPACE.sub(" ", m[1].strip()) for m in _TITLE.finditer(text)]
    found = [name for name in names if is_document(name)]
    found += [n for m in _NUMBER.finditer(text) if (n := _number(m))]
    return tuple(dict.fromkeys(found))
