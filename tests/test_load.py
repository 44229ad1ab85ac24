"""load: files → Source (discovery, decoding, front matter with line numbers)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.content.load import discover, load_file
from sitegen.errors import ContentError, ContentWarning
from sitegen.models import Source

from .conftest import FIXTURES, SEEDS

LOAD = FIXTURES / "load"


def load(name: str) -> Source | ContentWarning:
    return load_file(LOAD / name, LOAD)


def test_seed_starts_with_a_blank_line_and_keeps_its_body_line() -> None:
    source = load_file(SEEDS / "001_c31c58ede6f3a8cb.txt", SEEDS)
    assert isinstance(source, Source)
    assert source.meta["title"] == "工信部：全力稳定工业经济增长，保持制造业占比基本稳定"
    assert source.meta["date"] == "Mon, 13 Dec 2021 07:34:10 GMT"
    assert source.meta_lines["date"] == 11
    lines = (SEEDS / "001_c31c58ede6f3a8cb.txt").read_text(encoding="utf-8").split("\n")
    assert lines[source.body_line - 1 :][:2] == ["", "<div>   "]


def test_gbk_file_is_decoded_with_a_warning_naming_the_encoding() -> None:
    source = load("gbk_encoded.md")
    assert isinstance(source, Source)
    assert source.meta["title"] == "国务院常务会议部署稳增长措施"
    assert "GB18030" in source.warnings[0]


def test_bom_and_crlf_are_removed() -> None:
    source = load("utf8_bom_crlf.md")
    assert isinstance(source, Source)
    assert source.meta["author"] == "新浪财经"
    assert "\r" not in source.body
    assert source.warnings == ()


def test_markdown_without_front_matter_takes_title_and_date_from_heading_and_name() -> None:
    source = load("20220924.md")
    assert isinstance(source, Source)
    assert source.meta == {"title": "《新闻联播》 (20220924)", "date": "2022-09-24"}
    assert "《新闻联播》 (20220924)" not in source.body
    assert "---" in source.body


def test_file_without_front_matter_or_derivable_date_is_skipped_with_a_warning() -> None:
    skipped = load("notes_without_front_matter.md")
    assert isinstance(skipped, ContentWarning)
    assert "skipped" in skipped.message


def test_a_binary_file_is_skipped_with_a_warning_naming_it() -> None:
    skipped = load("binary.md")
    assert isinstance(skipped, ContentWarning)
    assert skipped.path == LOAD / "binary.md"
    assert "skipped: a binary file" in skipped.message


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("bad_yaml.md", 3, "while scanning a quoted scalar"),
        ("bad_yaml.md", 3, "is a quote left open here?"),
        ("tab_indented_yaml.md", 5, "indented with a tab"),
        ("unclosed_front_matter.md", 1, "never closed"),
    ],
)
def test_unreadable_files_are_content_errors_at_the_line_where_the_problem_starts(
    name: str, line: int, words: str
) -> None:
    with pytest.raises(ContentError) as caught:
        load(name)
    assert caught.value.path == LOAD / name
    assert caught.value.line == line
    assert words in caught.value.message


def test_discover_ignores_dot_files_backups_and_other_types(tmp_path: Path) -> None:
    for name in ["a.md", "b.txt", "c.html", "d.htm", "e.markdown", "deep/er/f.md", "_整顿职场_.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    for name in [
        ".hidden.md",
        "a.md~",
        ".a.md.swp",
        "image.png",
        ".git/config.md",
        "x.md.swp",
        "#a.md#",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [relative for relative, _ in discover(tmp_path)]
    assert found == [
        "_整顿职场_.md",
        "a.md",
        "b.txt",
        "c.html",
        "d.htm",
        "deep/er/f.md",
        "e.markdown",
    ]


def test_discover_on_a_missing_folder_finds_nothing(tmp_path: Path) -> None:
    assert list(discover(tmp_path / "nope")) == []


def test_file_names_with_quotes_spaces_and_percent_load(tmp_path: Path) -> None:
    name = '"倒查20年"，挽回损失 523亿％！ .md'
    shutil.copy(LOAD / "utf8_bom_crlf.md", tmp_path / name)
    source = load_file(tmp_path / name, tmp_path)
    assert isinstance(source, Source)
    assert source.rel_path == name
