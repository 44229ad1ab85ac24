"""The README shows what the program prints: its example of a new site's first build is run here
and compared line by line (only the seconds, never the same twice, are read as N)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

SITEGEN = Path(sys.executable).parent / "sitegen"
COMMAND = "$ sitegen init mysite && cd mysite && sitegen build"
_SECONDS = re.compile(r"\b\d+\.\d+ s\b")


def shown_in_readme() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split(f"```console\n{COMMAND}\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


def printed(folder: Path) -> list[str]:
    """What the two commands print, as on a terminal after them (lines without trailing spaces)."""
    lines = []
    for args, cwd in ((["init", "mysite"], folder), (["build"], folder / "mysite")):
        done = subprocess.run(
            [str(SITEGEN), *args], cwd=cwd, capture_output=True, text=True, check=True
        )
        lines += [line.rstrip() for line in done.stdout.splitlines()]
    return lines


def test_the_readme_shows_the_summary_as_printed(tmp_path: Path) -> None:
    actual = printed(tmp_path)
    shown = shown_in_readme()
    assert [_SECONDS.sub("N s", x) for x in shown] == [_SECONDS.sub("N s", x) for x in actual], (
        "README.md's example differs from what sitegen prints now:\n" + "\n".join(actual)
    )
