"""--jobs is what the caller says, whoever runs the build: a terminal's progress bar included."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.errors import ContentError, ContentErrors
from sitegen.parallel import apart
from sitegen.pipeline import PARALLEL_FROM, Progress, quiet
from sitegen.serve import DevServer

from .test_incremental import synthetic

SITEGEN = Path(sys.executable).parent / "sitegen"


def run_on_a_terminal(command: list[str], cwd: Path) -> str:
    """Run a command with a pseudo-terminal as its stdout and stderr (so rich draws its progress
    bar, in a thread of its own) and return all it printed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    process = subprocess.Popen(command, cwd=cwd, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closes once the process and its children are gone
            break
        if not data:
            break
        output += data
    os.close(leader)
    assert process.wait() == 0, output.decode(errors="replace")
    return output.decode("utf-8", errors="replace")


def test_a_build_on_a_terminal_renders_in_as_many_processes_as_jobs_says(tmp_path: Path) -> None:
    synthetic(tmp_path / "content", PARALLEL_FROM + 60)
    (tmp_path / "site.toml").write_text(
        'title = "终端"\nbase_url = "https://example.org/"\n[search]\nenabled = false\n',
        encoding="utf-8",
    )
    shown = run_on_a_terminal([str(SITEGEN), "build", "--jobs", "2"], tmp_path)
    assert "render" in shown, "the progress bar was drawn: the terminal was seen as one"
    processes = re.search(r"processes\s+(\d+) rendered pages", shown)
    assert processes is not None, shown
    assert processes.group(1) == "2"
    one = run_on_a_terminal([str(SITEGEN), "build", "--jobs", "1", "--no-cache"], tmp_path)
    assert re.search(r"processes\s+1 rendered pages", one), one


def test_the_dev_servers_first_build_uses_its_jobs_while_it_watches(tmp_path: Path) -> None:
    """Its file watcher is a thread of its own: that must not make the first build serial."""
    synthetic(tmp_path / "content", PARALLEL_FROM + 60)
    (tmp_path / "site.toml").write_text(
        'title = "服务"\nbase_url = "https://example.org/"\n[search]\nenabled = false\n',
        encoding="utf-8",
    )
    server = DevServer(tmp_path / "site.toml", port=0, watch=True, jobs=2)
    try:
        report = server.start()
    finally:
        server.stop()
    assert len(report.workers) == 2


_left: bytearray | None = None  # what a child's work leaves in its memory


def _leaves(size: int, progress: Progress) -> int:
    global _left
    _left = bytearray(size)
    progress("load", 1, 2)
    progress("load", 2, 2)
    return os.getpid()


def _fails(progress: Progress) -> None:
    raise ContentErrors([ContentError(Path("a.md"), 3, "bad")])


def test_apart_works_in_a_child_that_leaves_nothing_here() -> None:
    """An archive's parts are built so: each from this process's heap, not the last part's."""
    told: list[tuple[str, int, int]] = []
    pid = apart(_leaves, lambda *said: told.append(said), 1 << 20)
    assert pid != os.getpid()
    assert told == [("load", 1, 2), ("load", 2, 2)], "its progress is told here as it goes"
    assert _left is None, "what it made stayed in the child"
    with pytest.raises(ContentErrors) as caught:
        apart(_fails, quiet)
    assert [(e.path, e.line, e.message) for e in caught.value.errors] == [(Path("a.md"), 3, "bad")]
