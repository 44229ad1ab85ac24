"""The output's size as the host counts it (the tar GNU tar writes), in the build summary, and the
warning near `[publish] size_limit`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.size import human, measure

from .conftest import SEEDS

SITEGEN = Path(sys.executable).parent / "sitegen"
SITE_TOML = 'title = "档案"\nbase_url = "https://user.github.io/archive/"\n'


def build(site: Path, limit: str = "") -> subprocess.CompletedProcess[str]:
    extra = f"[publish]\nsize_limit = {limit}\n" if limit else ""
    (site / "site.toml").write_text(SITE_TOML + extra, encoding="utf-8")
    return subprocess.run(
        [str(SITEGEN), "build", "--jobs", "1"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tar_bytes(folder: Path) -> int:
    """What the Pages workflow uploads, written by GNU tar itself (upload-pages-artifact's flags)."""
    tar = subprocess.run(
        ["tar", "--dereference", "--hard-dereference", "-C", str(folder), "-cf", "-", "."],
        capture_output=True,
        check=True,
    )
    return len(tar.stdout)


@pytest.mark.skipif(not shutil.which("tar"), reason="no tar on this machine")
def test_the_size_is_the_tar_gnu_tar_writes_long_names_hard_links_and_empty_files_included(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    deep = out / "2026" / "01" / ("长" * 40) / ("名" * 30)  # paths past tar's 100-byte name field
    deep.mkdir(parents=True)
    (deep / "index.html").write_text("页" * 700, encoding="utf-8")
    (out / "empty.txt").write_text("", encoding="utf-8")
    (out / "block.bin").write_bytes(b"x" * 512)
    (out / ("a" * 99)).write_bytes(b"y" * 513)  # "./" + 99: one byte past the field
    (out / ("a" * 98)).write_bytes(b"z")  # exactly 100 with "./"
    os.link(deep / "index.html", out / "linked.html")  # stored twice in the tar
    for n in range(40):  # enough entries to pass one 10,240-byte record
        (out / "many" / str(n)).mkdir(parents=True)
    size = measure(out)
    assert size.bytes == tar_bytes(out)
    assert (size.files, size.folders) == (6, 45)
    assert size.file_bytes == 2 * 2100 + 512 + 513 + 1


@pytest.mark.skipif(not shutil.which("tar"), reason="no tar on this machine")
def test_the_summary_shows_the_upload_size_and_warns_past_80_percent_of_the_limit(
    tmp_path: Path,
) -> None:
    shutil.copytree(SEEDS, tmp_path / "content")
    plain = build(tmp_path)
    assert plain.returncode == 0, plain.stderr
    files = [p for p in (tmp_path / "build").rglob("*") if p.is_file()]
    content = sum(p.stat().st_size for p in files)
    total = tar_bytes(tmp_path / "build")
    shown = re.search(
        r"output\s+build: (.+?) to upload \(a tar of (\d+) files in \d+ folders; (.+?) of content",
        plain.stdout,
    )
    assert shown, plain.stdout
    assert (shown[1], int(shown[2]), shown[3]) == (human(total), len(files), human(content))
    assert "size_limit" not in plain.stderr

    near = build(tmp_path, str(int(total / 0.9)))
    assert near.returncode == 0, near.stderr
    assert "of [publish] size_limit" in near.stderr
    assert "90%" in near.stderr
    assert "sitegen deploy` refuses" in near.stderr

    roomy = build(tmp_path, str(int(total / 0.7)))
    assert "size_limit" not in roomy.stderr


@pytest.mark.skipif(not shutil.which("tar"), reason="no tar on this machine")
def test_a_build_counts_its_output_from_what_it_placed_as_a_walk_of_it_does(
    tmp_path: Path,
) -> None:
    """The summary's size comes from the pages and files the build stamped (and the search
    index's folder), not a walk of the whole tree: after a cold build, an edit, a removal, a
    build with nothing to do and one with search turned off, it is what the walk and tar say."""
    from sitegen.pipeline import build as build_site

    from .conftest import make_config

    shutil.copytree(SEEDS, tmp_path / "content")
    (tmp_path / "static" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "static" / "deep" / "er" / "file.txt").write_text("静态", encoding="utf-8")
    config = make_config(tmp_path, base_url="https://user.github.io/archive/")
    seeds = sorted((tmp_path / "content").iterdir())
    steps = [
        lambda: None,
        lambda: seeds[0].write_text(
            seeds[0].read_text(encoding="utf-8") + "\n<p>又一段。</p>\n", encoding="utf-8"
        ),
        lambda: seeds[1].unlink(),
        lambda: None,
    ]
    for step in steps:
        step()
        report = build_site(config, jobs=1)
        assert report.size is not None
        assert report.size == measure(tmp_path / "build")
        assert report.size.bytes == tar_bytes(tmp_path / "build")
    off = make_config(
        tmp_path, base_url="https://user.github.io/archive/", search={"enabled": False}
    )
    report = build_site(off, jobs=1)
    assert report.size == measure(tmp_path / "build")
    assert not (tmp_path / "build" / "search-index").exists()
