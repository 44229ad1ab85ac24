"""Every error in one run: a file's own (bad YAML, an unsafe slug), two articles on one URL and an
article on a generated page's URL are listed together by `check` and `build`; `--skip-bad` skips
each of those articles, saying why. The real CLI on tests/fixtures/sites/every_error."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html

from .conftest import FIXTURES, sitegen

ERRORS = [
    "error content/broken_yaml.md:",  # the line: where the YAML problem is found
    "error content/same_slug_second.md:1: same URL /same/ as same_slug_first.md",
    "error content/slug_on_the_archives_page.md:1: its URL /archives/ is the site's archives page",
    "error content/unsafe_slug.md:4: unsafe slug 'what?'",
]


def listed(stderr: str) -> list[str]:
    """The error lines, each cut to the length of the one expected in its place."""
    found = [line for line in stderr.splitlines() if line.startswith("error ")]
    return [line[: len(want)] for line, want in zip(found, ERRORS, strict=False)] + found[4:]


def test_check_and_build_list_every_error_at_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "sites/every_error", site)
    for command in (["check"], ["build"]):
        result = sitegen(site, *command)
        assert result.returncode == 1, result.stderr
        assert listed(result.stderr) == ERRORS
        assert "4 error(s)" in result.stderr
    assert not (site / "build").exists()


def test_skip_bad_skips_every_kind_of_bad_article_saying_why(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "sites/every_error", site)
    result = sitegen(site, "build", "--skip-bad")
    assert result.returncode == 0, result.stderr
    assert "skipped 4 file(s) with errors (--skip-bad)" in result.stderr
    assert listed(result.stderr) == ERRORS
    assert "use --skip-bad" not in result.stderr and "with --skip-bad." not in result.stderr
    build = site / "build"
    archive = lxml.html.parse(build / "archives/index.html").findtext(".//title")
    assert archive is not None and archive.startswith("归档")  # the archive, not the article
    same = lxml.html.parse(build / "same/index.html").findtext(".//h1")
    assert same == "先占了这个 slug"
    assert (build / "good/index.html").is_file() and not (build / "what?").exists()
    again = sitegen(
        site, "build", "--skip-bad"
    )  # nothing changed: the same files skipped, said again
    assert again.returncode == 0 and listed(again.stderr) == ERRORS
