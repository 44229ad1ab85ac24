"""Documents as records and the issuing bodies: on sentences, on a real build of the documents
fixture (whose 《国务院办公厅关于加强数字经济治理的意见》 is written with its number) and on the
real corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest

from sitegen import authorities
from sitegen.content.clean import clean_body
from sitegen.content.load import load_data, read_file
from sitegen.documents import citations
from sitegen.pipeline import build

from .conftest import FIXTURES, checked_rows, corpus_or_skip, make_config
from .sitecheck import parse

CITES = FIXTURES / "documents" / "cites"
SAMPLE = FIXTURES / "authorities" / "precision_sample.tsv"
TITLE = "国务院办公厅关于加强数字经济治理的意见"
NUMBER = "国办发〔2018〕128号"
RULES = "/2026/01/2026-01-05-livestream-rules/"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("records")
    shutil.copytree(CITES, root / "content")
    assert not build(make_config(root, base_url="https://archive.example.org/")).errors
    return root / "build"


def page(output: Path, url: str) -> lxml.html.HtmlElement:
    return parse(output / url.strip("/") / "index.html")


def fields(element: lxml.html.HtmlElement) -> dict[str, str]:
    terms = element.xpath("//section[@class='record']//dt")
    return {dt.text_content(): dt.getnext().text_content() for dt in terms}


def test_a_body_is_found_by_its_name_an_alias_or_a_former_name_and_not_abroad() -> None:
    text = (
        "工信部和国家发展改革委、发改委、银保监会、国家金融监督管理总局与国务院办公厅；"
        "美国国务院、俄外交部、北京市发改委、地方国资委和财政部门不是。"
    )
    assert authorities.named(text) == (
        "工业和信息化部",
        "国家发展和改革委员会",
        "国家金融监督管理总局",
        "国务院办公厅",
    )


def test_a_body_is_found_from_a_number_and_from_a_title() -> None:
    assert authorities.of_number(NUMBER) == "国务院办公厅"
    assert authorities.of_number("国发〔2020〕5号") == "国务院"
    assert authorities.of_number("工信部联科〔2022〕1号") == "工业和信息化部"
    assert authorities.of_number("沪财发〔2020〕18号") == ""  # a city's bureau: not in the table
    assert authorities.of_title("国务院关于进一步做好稳就业工作的意见") == ("国务院",)
    assert authorities.of_title("国家发展改革委 国家能源局关于完善价格机制的通知") == (
        "国家发展和改革委员会",
        "国家能源局",
    )
    assert authorities.of_title("国务院新闻办公室发布会实录") == ()  # no 关于: not an issuer


def test_a_citation_joins_the_number_and_says_who_issued_it_and_when() -> None:
    text = (
        "记者28日从民政部获悉：民政部、财政部近日联合印发《关于进一步健全完善临时救助制度的意见》"
        "（民发〔2025〕3号），自2026年3月1日起施行。"
        "国发〔2020〕5号《国务院关于进一步做好稳就业工作的意见》2020年3月18日印发。"
    )
    first, second, number, _ = citations(text)  # titles, then numbers (as `cited`)
    assert (first.number, number.name) == ("民发〔2025〕3号", "民发〔2025〕3号")
    assert first.issuers == ("民政部", "财政部")
    assert first.dates == (("施行", "2026-03-01"),)
    assert first.sentence.startswith("记者28日从民政部获悉") and first.sentence.endswith("施行。")
    assert (second.number, second.issuers) == ("国发〔2020〕5号", ("国务院",))
    assert second.dates == (("印发", "2020-03-18"),)


def test_a_title_and_its_number_are_one_record_and_the_number_leads_to_it(output: Path) -> None:
    number = page(output, f"/documents/{NUMBER}/")
    target = f"/documents/{TITLE}/"
    assert number.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={target}"]
    assert number.xpath("//link[@rel='canonical']/@href") == [
        f"https://archive.example.org{target}"  # an IRI, as the page's links
    ]
    assert number.xpath("//main//a/@href") == [target]
    index = page(output, "/documents/")
    assert index.xpath("//ul[@class='names']//a/@href").count(target) == 1
    assert f"/documents/{NUMBER}/" not in index.xpath("//a/@href")
    article = page(output, RULES)
    assert article.xpath("//p[@class='article-docs'][1]/a/@href").count(target) == 1


def test_a_document_page_shows_its_fields_with_their_sources_and_each_citing_sentence(
    output: Path,
) -> None:
    doc = page(output, f"/documents/{TITLE}/")
    assert fields(doc) == {
        "名称": f"《{TITLE}》",
        "发文字号": NUMBER,
        "发文机关": "国务院办公厅（据标题）",
        "文种": "意见",
    }
    assert doc.xpath("//dd/a/@href") == ["/authorities/国务院办公厅/"]
    quotes = doc.xpath("//blockquote[@class='cited']/text()")
    assert len(quotes) == 1 and f"《{TITLE}》（{NUMBER}）" in quotes[0]
    assert doc.xpath("//div[@class='cards']//h2/a/@href") == [RULES]


def test_the_documents_index_is_read_by_kind_by_year_and_by_body(output: Path) -> None:
    index = page(output, "/documents/")
    chips = index.xpath("//nav[@class='chips']//a/@href")
    assert "/documents/kind/意见/" in chips and "/documents/year/2018/" in chips
    assert "/authorities/" in index.xpath("//a/@href")
    kind = page(output, "/documents/kind/意见/")
    assert kind.xpath("//ul[@class='names']//a/@href") == [f"/documents/{TITLE}/"]
    year = page(output, "/documents/year/2018/")
    assert year.xpath("//ul[@class='names']//a/@href") == [f"/documents/{TITLE}/"]


def test_a_body_page_lists_its_documents_and_the_articles_naming_it(output: Path) -> None:
    body = page(output, "/authorities/国务院办公厅/")
    assert body.xpath("//section[@class='record']//ul/li/a/@href") == [f"/documents/{TITLE}/"]
    assert body.xpath("//div[@class='cards']//h2/a/@href") == [RULES]
    assert body.xpath("//ol[@class='timeline']/li/span[1]/text()") == ["2026年1月"]
    regulator = page(output, "/authorities/国家市场监督管理总局/")
    assert fields(regulator)["又称"] == "市场监管总局；国家市场监管总局"
    assert "/authorities/国务院办公厅/" in page(output, RULES).xpath("//a/@href")


def test_every_name_finds_one_body() -> None:
    names = [n for a in authorities.table() for n in (a.name, *a.aliases, *a.former)]
    assert len(names) == len(set(names))


def _text(corpus: Path, rel_path: str) -> str:
    source = load_data(corpus / rel_path, rel_path, read_file(corpus / rel_path))
    title = str(source.meta.get("title", ""))
    return f"{title}\n{clean_body(source.body, markdown=None, title=title).text}"


def test_precision_of_the_hand_checked_sample_of_bodies_named_in_the_real_corpus() -> None:
    """Each mention checked right is still found in its sentence; 95 of 100 at least are right."""
    corpus = corpus_or_skip()
    rows = checked_rows(SAMPLE)
    assert len(rows) == 100
    for rel_path, body, written, sentence, verdict, _ in rows:
        text = _text(corpus, rel_path)
        found = {(m.name, m.written) for m in authorities.mentions(sentence)}
        assert sentence in text and ((body, written) in found or verdict == "0"), rel_path
    assert sum(row[4] == "1" for row in rows) >= 95


def test_a_title_and_number_of_the_real_corpus_are_joined() -> None:
    corpus = corpus_or_skip()
    rel_path = next(
        str(p.relative_to(corpus))
        for p in corpus.rglob("*.md")
        if "金规〔2024〕26号" in _text_of(p)
    )
    found = {c.name: c for c in citations(_text(corpus, rel_path))}
    assert found["小额贷款公司监督管理暂行办法"].number == "金规〔2024〕26号"
    assert authorities.of_number("金规〔2024〕26号") == "国家金融监督管理总局"


def _text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def test_a_later_mention_may_carry_the_number() -> None:
    text = "上海：延长《关于本市开展试点若干问题的通知》有效期\n根据《关于本市开展试点若干问题的通知》（沪财发〔2020〕18号）第六条"
    first = citations(text)[0]
    assert (first.number, first.sentence) == (
        "沪财发〔2020〕18号",
        "上海：延长《关于本市开展试点若干问题的通知》有效期",
    )
