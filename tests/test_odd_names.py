"""Category names a feed or a crawler makes (`新闻/国内`, `..`, markup, quotes, `?#%`) are shown as
written and given a safe URL segment; only an explicit unsafe `slug:` is an error, at its line.
Two names differing only in case (`Policy`, `policy`) get folders that differ in more than case.
Run as a person runs it: the real CLI on the files of tests/fixtures/sites/odd_names."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html

from sitegen.names import good_segment
from sitegen.url_record import RECORD_FILE

from .conftest import FIXTURES, sitegen

MARKUP = '<b>"要闻"</b>'
NAMES = ["新闻/国内", "新闻-国内", "..", MARKUP, "问答?#100%", "Policy", "policy"]


def test_odd_category_names_get_safe_urls_and_only_an_unsafe_slug_is_an_error(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "sites/odd_names", site)
    for command in (["check"], ["build"]):
        failed = sitegen(site, *command)
        assert failed.returncode == 1, failed.stderr
        errors = [line for line in failed.stderr.splitlines() if line.startswith("error ")]
        assert errors == [
            "error content/unsafe_explicit_slug.md:5: unsafe slug '../etc': a slug is one URL "
            'segment, without / \\ < > : " | ? * # % or control characters and without a dot '
            "or space at either end"
        ]
    assert not (site / "build").exists()

    built = sitegen(site, "build", "--skip-bad")
    assert built.returncode == 0, built.stderr
    pages = sorted((site / "build/categories").glob("*/index.html"))
    headings = {lxml.html.parse(page).findtext(".//h1"): page.parent.name for page in pages}
    assert sorted(headings) == sorted(NAMES)  # each name its own page, shown as written
    segments = list(headings.values())
    assert len(set(segments)) == len(NAMES) and all(map(good_segment, segments))
    # Distinct also where case is not (a clone on macOS or Windows): one folder each.
    assert len({segment.casefold() for segment in segments}) == len(NAMES)
    assert headings["新闻-国内"] == "新闻-国内"  # a good segment is the name itself
    assert headings["新闻/国内"].startswith("新闻-国内-")  # readable, and not 新闻-国内's
    assert headings["问答?#100%"].startswith("问答-100-")
    outside = {p.name for p in tmp_path.iterdir()} | {p.name for p in site.iterdir()}
    made = {"build", ".sitegen-cache", ".build.lock", RECORD_FILE}
    assert outside == {"site", "site.toml", "content", *made}

    article = site / "build/2022/03/dots_and_markup_in_categories/index.html"
    links = lxml.html.parse(article).xpath("//a[@href]")
    shown = {a.text_content(): a.get("href") for a in links}
    assert shown[MARKUP] == f"/categories/{headings[MARKUP]}/"
