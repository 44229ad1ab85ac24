"""A story's lead (the copy its lists and feeds show, whose URL is its feed entry id) never moves
once published: copies arriving later, with the same date or an earlier one, in either order,
one build each, and a build from scratch of the same content and urls.txt (the same bytes)."""

from __future__ import annotations

import filecmp
import gzip
import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from sitegen.config import SiteConfig
from sitegen.pipeline import build
from sitegen.url_record import RECORD_FILE, parse, write

from .test_permanent_urls import feed_ids, from_scratch, site
from .test_permanent_urls import write as write_article

__all__ = ["site"]  # the fixture

TITLE = "100万吨国家钾肥储备投放保春耕"
DATE = "2022-03-14 16:58"
# Three feeds' copies of one story, the same title and body, the same date.
COPIES = ("m/财经/钾肥储备.md", "a/新闻/钾肥储备.md", "z/快讯/钾肥储备.md")


def leads(config: SiteConfig) -> tuple[set[str], list[str]]:
    """The site feed's entry ids and the links of the home page's cards (the story once, at its
    lead), both as absolute IRIs; every copy's data record names that lead as its story."""
    out = config.output_path
    ids = {unquote(i) for i in feed_ids(config)}
    home = (out / "index.html").read_text(encoding="utf-8")
    at = config.origin + config.base_path  # the home page's address, its links' base
    cards = [urljoin(at, part.split('"', 1)[0]) for part in home.split('<h2><a href="')[1:]]
    with gzip.open(out / "data" / "articles-2022.jsonl.gz", "rt", encoding="utf-8") as data:
        stories = {json.loads(line)["story"] for line in data}
    assert stories in ({None}, set(cards)), stories  # alone, or every copy naming the lead
    return ids, cards


def same_tree(one: Path, other: Path) -> None:
    """Every file of both folders, byte for byte."""
    compared = filecmp.dircmp(one, other)
    assert not compared.left_only and not compared.right_only and not compared.funny_files
    _, mismatch, errors = filecmp.cmpfiles(one, other, compared.common_files, shallow=False)
    assert not mismatch and not errors, mismatch
    for sub in compared.common_dirs:
        same_tree(one / sub, other / sub)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 0, 2)])
def test_the_first_copy_published_stays_the_lead_whatever_comes_after(
    site: SiteConfig, order: tuple[int, ...], tmp_path: Path
) -> None:
    first = COPIES[order[0]]
    write_article(site.root, first, TITLE, date=DATE)
    build(site)
    published = leads(site)
    ids, cards = published
    assert len(cards) == 1 and ids == set(cards)
    for k in order[1:]:  # each copy in a build of its own
        write_article(site.root, COPIES[k], TITLE, date=DATE)
        build(site)
        assert leads(site) == published
    kept = tmp_path / "incremental"
    shutil.copytree(site.output_path, kept)
    record = (site.root / RECORD_FILE).read_text(encoding="utf-8")
    assert record.count("\tarticle\t") == 3
    from_scratch(site)  # the same content and record: the same lead, the same bytes
    assert leads(site) == published
    same_tree(kept, site.output_path)
    assert (site.root / RECORD_FILE).read_text(encoding="utf-8") == record


def test_copies_in_date_order_leave_the_record_unmarked(site: SiteConfig) -> None:
    """Only a copy placed against its date is marked; here the date order is the arrival's."""
    write_article(site.root, COPIES[1], TITLE, date=DATE)
    build(site)
    write_article(site.root, COPIES[0], TITLE, date="2022-03-15 09:00")
    build(site)
    record = (site.root / RECORD_FILE).read_text(encoding="utf-8")
    assert "after=" not in record and record.count("\tarticle\t") == 2


def test_an_earlier_dated_copy_arriving_later_does_not_take_the_lead(site: SiteConfig) -> None:
    write_article(site.root, COPIES[0], TITLE, date=DATE)
    build(site)
    published = leads(site)
    write_article(site.root, COPIES[1], TITLE, date="2022-03-13 08:00")  # a day before
    build(site)
    assert leads(site) == published
    record = (site.root / RECORD_FILE).read_text(encoding="utf-8")
    assert record.count("after=1") == 1
    from_scratch(site)
    assert leads(site) == published


def test_a_marked_line_reads_back_with_its_part(tmp_path: Path) -> None:
    text = (
        "/2022/03/a/\tarticle\td1\ta.md\tafter=2\n"
        "/2027/01/b/\tarticle\td2\tb.md\tp2027\tafter=1\n"
        "/2027/01/c/\tarticle\td3\tc.md\tp2027\n"
    )
    record = parse(text, tmp_path / RECORD_FILE)
    assert [(e.part, e.after) for e in record.values()] == [("", 2), ("p2027", 1), ("p2027", 0)]
    assert write(record).endswith(text)
