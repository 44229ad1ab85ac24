"""A fast start: the command, and a build with nothing to do, import only what they use.

numpy, scipy, pypinyin, OpenCC, Jinja2, httpx and Pillow take most of a second to import;
`sitegen --help`, `new` and a build that finds nothing changed use none of them. Checked by the modules a real process
holds, not by its time (the machine's load would make a timing flaky).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import SEEDS, sitegen

HEAVY = ("numpy", "scipy", "pypinyin", "opencc", "jinja2", "lxml", "yaml", "httpx", "PIL")
# And what only a pool of processes, a build that writes or `serve --open` use (~15 ms together).
HEAVY += ("multiprocessing", "ctypes", "webbrowser")

# Runs `code`, then prints which of HEAVY the process imported.
PROBE = """
import sys
{code}
print("heavy:", " ".join(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def heavy_imported(cwd: Path, code: str) -> tuple[list[str], str]:
    probe = PROBE.format(code=code, heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("heavy:"), result.stdout
    return last.removeprefix("heavy:").split(), result.stdout


def test_importing_the_command_imports_no_heavy_library(tmp_path: Path) -> None:
    found, _ = heavy_imported(tmp_path, "import sitegen.cli")
    assert found == []


def test_importing_the_command_imports_none_of_the_build(tmp_path: Path) -> None:
    """Each command imports the pipeline where it runs: `sitegen --help` never pays for it
    (it was three fifths of the command's import)."""
    code = "import sys, sitegen.cli\nprint(*sorted(m for m in sys.modules if m.startswith(BUILD)))"
    build = ("sitegen.pipeline", "sitegen.pages", "sitegen.site", "sitegen.search")
    result = subprocess.run(
        [sys.executable, "-c", f"BUILD = {build!r}\n{code}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


def test_help_and_new_import_no_heavy_library_of_the_build(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text('title = "档案"\n', encoding="utf-8")
    run = "from sitegen.cli import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass"
    found, shown = heavy_imported(tmp_path, run.format(args=["--help"]))
    assert "sitegen build" in shown
    assert found == []
    found, shown = heavy_imported(tmp_path, run.format(args=["new", "标题"]))
    assert len(list((tmp_path / "content").glob("*.md"))) == 1
    assert not {"numpy", "scipy", "pypinyin", "opencc", "jinja2", "lxml"} & set(found)


def test_a_build_with_nothing_to_do_imports_no_heavy_library(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "content")
    (tmp_path / "site.toml").write_text('title = "档案"\n', encoding="utf-8")
    first = sitegen(tmp_path, "build")
    assert first.returncode == 0, first.stderr
    run = "from sitegen.cli import main\ntry:\n    main(['build'])\nexcept SystemExit:\n    pass"
    found, shown = heavy_imported(tmp_path, run)
    assert "nothing changed" in shown
    assert found == []


def test_check_after_a_build_imports_no_heavy_library(tmp_path: Path) -> None:
    """`check` looks for errors, not for stories nor related articles: no numpy, no scipy."""
    shutil.copytree(SEEDS, tmp_path / "content")
    (tmp_path / "site.toml").write_text('title = "档案"\n', encoding="utf-8")
    assert sitegen(tmp_path, "build").returncode == 0
    run = "from sitegen.cli import main\ntry:\n    main(['check'])\nexcept SystemExit:\n    pass"
    found, shown = heavy_imported(tmp_path, run)
    assert "no errors" in shown
    assert found == []


def test_names_already_collated_are_not_converted_again(tmp_path: Path) -> None:
    """The pinyin of category names is kept in the cache: a build after an edit that names
    nothing new does not load pypinyin's dictionaries, and lists the categories as before."""
    shutil.copytree(SEEDS, tmp_path / "content")
    (tmp_path / "site.toml").write_text('title = "档案"\n', encoding="utf-8")
    assert sitegen(tmp_path, "build").returncode == 0
    tree = (tmp_path / "build" / "categories" / "index.html").read_bytes()
    article = sorted((tmp_path / "content").rglob("*.*"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n\n又一段。\n", encoding="utf-8")
    run = "from sitegen.cli import main\ntry:\n    main(['build'])\nexcept SystemExit:\n    pass"
    found, shown = heavy_imported(tmp_path, run)
    assert "nothing changed" not in shown
    assert "pypinyin" not in found
    assert (tmp_path / "build" / "categories" / "index.html").read_bytes() == tree
