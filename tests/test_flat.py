"""flat: the crawlers' flat front matter read without YAML's constructor, always as YAML reads it."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content.flat import read_flat
from sitegen.content.load import _front_matter, decode, discover

from .conftest import corpus_or_skip


def yaml_reads(raw: str) -> object:
    """What the loader parse_source falls back to makes of it (an error is a value too)."""
    try:
        return yaml.load(raw, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        return error


def read_as_yaml(raw: str) -> bool:
    """Whether the fast path read it, and read it as YAML does (types and all: repr tells
    True from 'true', a date from a string, NaN from NaN)."""
    flat = read_flat(raw)
    assert flat is None or repr(flat) == repr(yaml_reads(raw)), raw
    return flat is not None


def test_the_crawlers_shape_is_read_with_its_types() -> None:
    raw = (
        "\ntitle: '「AI鏡子」正在改變視障人士看見自己的方式'\ncategories: \n - 新闻\n"
        " - BBC中文-主頁\nheadimg: ''\nauthor: BBC中文-主頁\ncomments: false\n"
        "date: Thu, 29 Jan 2026 00:09:22 GMT\nthumbnail: ''\n"
    )
    assert read_as_yaml(raw)
    assert read_flat(raw) == {
        "title": "「AI鏡子」正在改變視障人士看見自己的方式",
        "categories": ["新闻", "BBC中文-主頁"],
        "headimg": "",
        "author": "BBC中文-主頁",
        "comments": False,
        "date": "Thu, 29 Jan 2026 00:09:22 GMT",
        "thumbnail": "",
    }


def test_typed_and_quoted_values_are_as_yaml_reads_them() -> None:
    for raw in (
        "date: 2021-10-19 10:42:51\nweight: 3\nratio: 0.5\nnothing: ~\nopen: yes\n",
        "title: 'it''s'\nsub: \"say\"\nempty:\nlisted:\n- 1\n- null\n",
        "tags: \n  - a:b\n  - '#x'\nurl: https://example.org/a#b\n",
    ):
        assert read_as_yaml(raw)


def test_what_it_is_not_sure_of_goes_to_yaml() -> None:
    for raw in (
        "title: a # comment\n",  # a comment
        "title: a\n  continued\n",  # a plain scalar running on
        "title: a\ntitle: b\n",  # a key twice
        "title: &x a\nother: *x\n",  # anchors
        "title: >\n  folded\n",  # a block scalar
        "tags: [a, b]\n",  # flow
        'title: "tab\\tescaped"\n',  # an escape
        "title:\ta\n",  # a tab
        "title: a: b\n",  # YAML's error, not ours to judge
        "tags:\n - a\n  - b\n",  # items at two indentations
        "tags:\n - \n",  # an empty item
        "- a\n- b\n",  # not a mapping
    ):
        assert not read_as_yaml(raw)


_WORDS = st.sampled_from(
    [
        "新闻",
        "a",
        "true",
        "No",
        "null",
        "~",
        "3",
        "-1",
        "0x1F",
        "1_000",
        "2021-10-19",
        "2021-10-19 10:42:51",
        "2021-13-45",
        ".5",
        ".nan",
        "<<",
        "=",
        "http://x.org/a?b=c#d",
        "a:b",
        "a: b",
        "a #b",
        "a#b",
        "'",
        "''",
        '"',
        "\\",
        " ",
        "  ",
        "-",
        "- ",
        "?",
        ":",
        ",",
        "[",
        "{",
        "}",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "\t",
        "\u3000",
        "\ufeff",
        "\x85",
        "\u2028",
    ]
)
_VALUES = st.lists(_WORDS, max_size=4).map("".join)
_KEYS = st.sampled_from(["title", "tags", "date", "yes", "null", "_x", "a-b", "on", "Title"])


def _line(kind: str, key: str, value: str, indent: int) -> str:
    if kind == "key":
        return f"{key}:{value}"
    if kind == "item":
        return f"{' ' * indent}-{value}"
    return value


_LINES = st.lists(
    st.builds(
        _line,
        st.sampled_from(["key", "key", "item", "item", "other"]),
        _KEYS,
        st.one_of(_VALUES, _VALUES.map(" {}".format), _VALUES.map(" '{}'".format)),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=1500, deadline=None)
@given(_LINES)
def test_whatever_it_reads_yaml_reads_the_same(lines: list[str]) -> None:
    read_as_yaml("\n" + "\n".join(lines) + "\n")


def test_every_front_matter_of_the_real_corpus_is_read_as_yaml_reads_it() -> None:
    handler, read = _front_matter(), 0
    for _, path in discover(corpus_or_skip()):
        text = decode(path.read_bytes(), path)[0].lstrip("\n \t\ufeff")
        if handler.detect(text):
            read += read_as_yaml(handler.split(text)[0])
    assert read > 2500  # the fast path is taken, not only never wrong
