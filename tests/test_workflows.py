"""The GitHub Actions workflows (this repository's and the one `sitegen init` writes), checked with
actionlint: syntax, expressions, the inputs of the actions named and whether their versions are
current (it flags a version whose runtime GitHub deprecated)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.scaffold import init_site

from .conftest import REPO

ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which(
    "actionlint"
)
needs_actionlint = pytest.mark.skipif(
    ACTIONLINT is None, reason="actionlint is not installed (the test extra installs it)"
)


def workflows(folder: Path) -> list[Path]:
    return sorted((folder / ".github" / "workflows").glob("*.yml"))


def actionlint(files: list[Path]) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT is not None
    return subprocess.run(
        [ACTIONLINT, "-oneline", "-no-color", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


@needs_actionlint
def test_the_workflows_pass_actionlint(tmp_path: Path) -> None:
    site = init_site(tmp_path / "mysite")
    files = workflows(REPO) + workflows(site)
    assert {f.name for f in files} >= {"pages.yml", "tests.yml", "release.yml"}
    checked = actionlint(files)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@needs_actionlint
def test_actionlint_flags_an_old_action_version(tmp_path: Path) -> None:
    """The check above would catch a version GitHub deprecated: the one these workflows used."""
    old = tmp_path / "old.yml"
    pages = (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    old.write_text(pages.replace("actions/checkout@v7", "actions/checkout@v4"), encoding="utf-8")
    checked = actionlint([old])
    assert checked.returncode == 1
    assert "actions/checkout@v4" in checked.stdout and "deprecated" in checked.stdout
