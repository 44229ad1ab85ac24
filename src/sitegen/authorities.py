"""The bodies that issue policy (data/authorities.tsv) and where a text names them. Pure.

A body is found by its name, an alias or a former name (工信部 = 工业和信息化部, 银保监会 →
国家金融监督管理总局), longest name first, so 国务院办公厅 is not also 国务院. A name is not the
body when another country's comes before it (美国国务院, 俄外交部), when a place comes before it
(北京市发改委 is Beijing's, not the national commission) or when 部门 follows (财政部门: finance
departments in general). A document number names its issuer by its prefix (国办发〔2018〕128号 →
国务院办公厅), a title by its first words (国务院关于… → 国务院). The matcher is one regular
expression shaped as a trie of the names, so a text is scanned once whatever the table's length;
written here because the names are a few hundred and no maintained package matches
leftmost-longest over Chinese without word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

TABLE = "authorities.tsv"


@dataclass(frozen=True)
class Authority:
    """One body: the name it signs with, its group, its other names and its numbers' prefixes."""

    name: str
    group: str
    aliases: tuple[str, ...]
    former: tuple[str, ...]
    prefixes: tuple[str, ...]


def _names(cell: str) -> tuple[str, ...]:
    return tuple(n for n in cell.split("、") if n)


@cache
def table() -> tuple[Authority, ...]:
    """The curated table, in its order (central bodies first, then the provinces)."""
    text = resources.files("sitegen").joinpath("data", TABLE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    found = []
    for line in lines[1:]:  # the first is the header
        name, group, aliases, former, prefixes = line.split("\t")
        found.append(Authority(name, group, _names(aliases), _names(former), _names(prefixes)))
    return tuple(found)


@cache
def by_name() -> dict[str, Authority]:
    """Every name, alias and former name → its body."""
    return {n: a for a in table() for n in (a.name, *a.aliases, *a.former)}


def _trie(words: list[str]) -> str:
    """A pattern matching any of `words`, longest first at each position, as a trie of them."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


@cache
def _matcher() -> re.Pattern[str]:
    return re.compile(_trie(list(by_name())))


# Another country's or region's body: 美国国务院, 俄外交部, 两国外交部 (but 中国外交部 is ours).
_FOREIGN = re.compile(
    r"(?:(?<!中)国|日本|俄罗斯|印度|欧盟|澳大利亚|加拿大|乌克兰|以色列|伊朗|台湾|越南|新加坡|巴西|"
    r"墨西哥|意大利|西班牙|土耳其|沙特|菲律宾|泰国|印尼|巴基斯坦|埃及|南非|荷兰|瑞士|瑞典|波兰|"
    r"朝鲜|叙利亚|阿富汗|委内瑞拉|古巴|丹麦|挪威|芬兰|比利时|匈牙利|希腊|阿根廷|智利|新西兰|"
    r"马来西亚|缅甸|柬埔寨|老挝|蒙古|哈萨克斯坦|香港|澳门|特区|[美英法德俄韩朝印澳乌以伊台欧越菲泰])"
    r"[“\"「『]?$"
)
# A local body of the same name: 北京市发改委, 省卫健委, 深圳发改委.
_LOCAL = re.compile(
    r"(?:[省市县区州盟旗]|地方|各地|北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|"
    r"山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆|深圳|"
    r"广州|杭州|南京|武汉|成都|西安|苏州|厦门|青岛|大连|宁波|沈阳|长沙|郑州|济南|合肥|福州|昆明|"
    r"哈尔滨|长春|石家庄|太原|南昌|南宁|贵阳|兰州|海口|拉萨|银川|西宁|乌鲁木齐|呼和浩特|雄安)$"
)
_LOOK_BEHIND = 6


@dataclass(frozen=True)
class Mention:
    """One place a text names a body: the body's name, the words written and where."""

    name: str
    written: str
    start: int


def mentions(text: str) -> list[Mention]:
    """Every place `text` names a body of the table, in order."""
    found = []
    for match in _matcher().finditer(text):
        before = text[max(0, match.start() - _LOOK_BEHIND) : match.start()]
        if _FOREIGN.search(before) or _LOCAL.search(before) or text.startswith("门", match.end()):
            continue
        found.append(Mention(by_name()[match[0]].name, match[0], match.start()))
    return found


def named(text: str) -> tuple[str, ...]:
    """The bodies `text` names, each once, in order of first mention."""
    return tuple(dict.fromkeys(m.name for m in mentions(text)))


def of_number(number: str) -> str:
    """The body a document number's prefix names (国办发〔2018〕128号 → 国务院办公厅), or ""."""
    best = ""
    owner = ""
    for authority in table():
        for prefix in authority.prefixes:
            if number.startswith(prefix) and len(prefix) > len(best):
                best, owner = prefix, authority.name
    return owner


_LEADING = re.compile(r"[、\s]*")


def of_title(title: str) -> tuple[str, ...]:
    """The bodies a title opens with, before 关于 (国务院办公厅关于… → 国务院办公厅; 国家发展改革委
    国家能源局关于… → both)."""
    found: list[str] = []
    at = 0
    while match := _matcher().match(title, at):
        found.append(by_name()[match[0]].name)
        at = _LEADING.match(title, match.end()).end()  # type: ignore[union-attr]
    return tuple(found) if found and title.startswith("关于", at) else ()
