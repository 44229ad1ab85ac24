"""The `sitegen` command's guard rails, run as a person runs it: the real CLI in a real folder.

Each refusal must name what to fix and write nothing: no output, no cache, no lock, no folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SITEGEN = Path(sys.executable).parent / "sitegen"


def sitegen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SITEGEN), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def everything_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize(
    "command",
    [
        ["build"],
        ["check"],
        ["serve", "--port", "0"],
        ["deploy", "--no-push"],
        ["clean"],
        ["new", "标题"],
    ],
)
def test_outside_a_site_folder_every_command_refuses_and_writes_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not a site\n", encoding="utf-8")
    result = sitegen(tmp_path, *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"there is no {tmp_path.resolve() / 'site.toml'}" in " ".join(result.stderr.split())
    assert "sitegen init DIR" in result.stderr
    assert "Traceback" not in result.stderr
    assert everything_under(tmp_path) == {"notes.txt"}


def test_a_missing_config_file_is_an_error_and_its_folder_is_not_made(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "site.toml"
    result = sitegen(tmp_path, "build", "--config", str(missing))
    assert result.returncode == 2
    assert f"there is no {missing}" in " ".join(result.stderr.split())
    assert not (tmp_path / "nowhere").exists()
    assert everything_under(tmp_path) == set()
