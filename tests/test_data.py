"""The archive's data for download, on real builds of the documents fixture: the files parse, match
the pages, are all listed, keep a closed year's bytes when an article arrives, and go with the switch."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

import lxml.html
import pytest

from sitegen.pipeline import build

from .conftest import FIXTURES, make_config

CITES = FIXTURES / "documents" / "cites"
BASE = "https://archive.example.org/"


def site(root: Path, **values: object) -> Path:
    if not (root / "content").exists():
        shutil.copytree(CITES, root / "content")
    assert not build(make_config(root, base_url=BASE, **values)).errors
    return root / "build"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return site(tmp_path_factory.mktemp("data"))


def page_of(output: Path, iri: str) -> lxml.html.HtmlElement:
    path = iri.removeprefix(BASE.rstrip("/")).strip("/")
    return lxml.html.fromstring((output / path / "index.html").read_bytes())


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_articles_parse_as_json_lines_and_match_their_pages(output: Path) -> None:
    lines = gzip.decompress((output / "data" / "articles-2026.jsonl.gz").read_bytes()).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["date"][:10] for r in records] == ["2026-01-05", "2026-02-10", "2026-02-20"]
    for record in records:
        page = page_of(output, record["url"])
        assert page.xpath("string(//h1)") == record["title"]
        assert (
            page.xpath("string(//p[@class='article-meta']/span[starts-with(., '来源')])")
            == f"来源：{record['source']}"
        )
        shown = page.xpath("//p[@class='article-docs'][span='提及机构：']/a/text()")
        assert shown == record["authorities"]
    first = records[0]
    assert first["documents"] == [
        "直播电商监督管理办法",
        "国务院办公厅关于加强数字经济治理的意见",
        "国办发〔2018〕128号",
    ]
    assert first["story"] is None and first["categories"] == [["新闻", "人民日报"]]


def test_the_tables_parse_as_csv_and_match_their_pages(output: Path) -> None:
    documents = rows(output / "data" / "documents.csv")
    assert [d["name"] for d in documents] == [
        "直播电商监督管理办法",
        "国务院办公厅关于加强数字经济治理的意见",
    ]
    joined = documents[1]
    assert (joined["number"], joined["issuers"], joined["kind"], joined["year"]) == (
        "国办发〔2018〕128号",
        "国务院办公厅",
        "意见",
        "2018",
    )
    for document in documents:
        page = page_of(output, document["url"])
        assert len(page.xpath("//div[@class='cards']/*/a")) == int(document["articles"])
    bodies = rows(output / "data" / "authorities.csv")
    assert {b["name"] for b in bodies} == {"国务院办公厅", "国家市场监督管理总局"}
    for body in bodies:
        page = page_of(output, body["url"])
        assert page.xpath("string(//h1)") == body["name"]
        assert len(page.xpath("//div[@class='cards']/*/a")) == int(body["articles"])


def test_every_file_is_listed_described_and_small(output: Path) -> None:
    listing = json.loads((output / "data" / "files.json").read_text(encoding="utf-8"))
    listed = {f["url"].removeprefix(BASE + "data/") for f in listing["files"]}
    made = {p.name for p in (output / "data").iterdir()} - {"index.html", "files.json"}
    assert listing["schema"] == "1" and listed == made
    assert all(p.stat().st_size < 50_000_000 for p in (output / "data").iterdir())
    page = lxml.html.fromstring((output / "data" / "index.html").read_bytes())
    assert {h.rsplit("/", 1)[-1] for h in page.xpath("//ul[@class='names']//a/@href")} == made
    fields = page.xpath("//dl[@class='fields']//code/text()")
    assert {"url", "story", "documents", "authorities", "issuers", "aliases"} <= set(fields)
    assert "[DS/OL]" in page.xpath("string(//code[@class='citation'])")
    archives = lxml.html.fromstring((output / "archives" / "index.html").read_bytes())
    assert "/data/" in archives.xpath("//a/@href")


def test_a_closed_year_keeps_its_file_when_an_article_arrives(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CITES, content)
    old = content / "2026-01-05-livestream-rules.md"
    older = old.read_text(encoding="utf-8").replace("2026-01-05", "2025-12-30")
    (content / "2025-12-30-older.md").write_text(older.replace("title: ", "title: 旧闻 ", 1))
    output = site(tmp_path)
    closed = output / "data" / "articles-2025.jsonl.gz"
    before = (closed.read_bytes(), closed.stat().st_mtime_ns)
    (content / "2026-03-01-new.md").write_text(
        old.read_text(encoding="utf-8")
        .replace("2026-01-05", "2026-03-01")
        .replace("title: ", "title: 新 ", 1)
    )
    site(tmp_path)
    assert (closed.read_bytes(), closed.stat().st_mtime_ns) == before
    assert (
        len(gzip.decompress((output / "data" / "articles-2026.jsonl.gz").read_bytes()).splitlines())
        == 4
    )


def test_the_switch_turns_the_data_off(tmp_path: Path) -> None:
    output = site(tmp_path, data={"enabled": False})
    assert not (output / "data").exists()
    archives = lxml.html.fromstring((output / "archives" / "index.html").read_bytes())
    assert "/data/" not in archives.xpath("//a/@href")
