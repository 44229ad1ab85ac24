"""The output's size in the build summary, and the warning near `[publish] size_limit`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_the_summary_shows_the_outputs_size_and_warns_past_80_percent_of_the_limit(
    tmp_path: Path,
) -> None:
    shutil.copytree(SEEDS, tmp_path / "content")
    plain = build(tmp_path)
    assert plain.returncode == 0, plain.stderr
    files = [p for p in (tmp_path / "build").rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    shown = re.search(r"output\s+build: ([\d.]+) KB in (\d+) files", plain.stdout)
    assert shown, plain.stdout
    assert float(shown[1]) == round(total / 1000, 1)
    assert int(shown[2]) == len(files)
    assert "size_limit" not in plain.stderr

    near = build(tmp_path, str(int(total / 0.9)))
    assert near.returncode == 0, near.stderr
    assert "of [publish] size_limit" in near.stderr
    assert "90%" in near.stderr
    assert "sitegen deploy` refuses" in near.stderr

    roomy = build(tmp_path, str(int(total / 0.7)))
    assert "size_limit" not in roomy.stderr
