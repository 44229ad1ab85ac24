"""Installed as a user installs it: a fresh clone of this repository, `pip install`ed into a new
virtual environment that sees nothing of this one, gives a `sitegen` command that builds a site.
And `sitegen init` writes the requirement that installs the sitegen it ran as."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from sitegen import __version__, provenance

from .conftest import REPO

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout


@needs_git
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_a_fresh_clone_installs_into_a_clean_venv_and_builds(tmp_path: Path) -> None:
    """What the README's `pipx install` does: a clone's committed files only, its dependencies
    from the package index (pip's cache where it has them), no editable path, no .venv of ours."""
    clone, venv = tmp_path / "clone", tmp_path / "venv"
    run("git", "clone", "--quiet", REPO, clone)
    run(sys.executable, "-m", "venv", venv)  # without --system-site-packages: sees none of ours
    bin_ = venv / "bin"
    # --no-compile: byte-compiling numpy's and scipy's files would be two thirds of the install
    run(bin_ / "python", "-m", "pip", "install", "--quiet", "--no-compile", clone)
    shutil.rmtree(clone)  # the installed command needs nothing of the clone
    assert "Usage: sitegen" in run(bin_ / "sitegen", "--help")
    assert run(bin_ / "sitegen", "--version").split()[-1] == __version__
    shown = run(bin_ / "python", "-m", "pip", "show", provenance.DISTRIBUTION)
    assert f"Version: {__version__}" in shown
    run(bin_ / "sitegen", "init", "mysite", cwd=tmp_path)
    built = run(bin_ / "sitegen", "build", cwd=tmp_path / "mysite")
    assert ["articles", "1"] in [line.split() for line in built.splitlines()]
    output = tmp_path / "mysite" / "build"
    # the example article and the stylesheet: the theme's templates and files are in the wheel
    assert len(list(output.glob("2022/03/*.html"))) == 1  # a file, as init's site.toml says
    assert (output / "index.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert any(output.rglob("*.css"))


def test_the_version_has_one_source() -> None:
    assert version(provenance.DISTRIBUTION) == __version__


def test_a_requirement_from_the_installers_record() -> None:
    released = f"{provenance.DISTRIBUTION}=={__version__}"
    assert provenance.from_record(None) == released  # from an index: the same version from it
    vcs = {
        "url": "https://github.com/someone/sitegen.git",
        "vcs_info": {"vcs": "git", "commit_id": "c0ffee"},
    }
    assert provenance.from_record(vcs) == (
        f"{provenance.DISTRIBUTION} @ git+https://github.com/someone/sitegen.git@c0ffee"
    )
    wheel = {"url": "https://example.org/dist/w.whl", "archive_info": {}}
    assert (
        provenance.from_record(wheel)
        == f"{provenance.DISTRIBUTION} @ https://example.org/dist/w.whl"
    )


@pytest.mark.parametrize(
    ("remote", "public"),
    [
        ("git@github.com:someone/sitegen.git", "https://github.com/someone/sitegen.git"),
        ("https://token@github.com/someone/sitegen.git", "https://github.com/someone/sitegen.git"),
        ("ssh://git@github.com/someone/sitegen.git", "https://github.com/someone/sitegen.git"),
        ("/srv/git/sitegen.git", None),
        ("file:///srv/git/sitegen.git", None),
    ],
)
def test_a_remote_as_a_runner_can_fetch_it(remote: str, public: str | None) -> None:
    assert provenance.public_url(remote) == public


@needs_git
def test_a_checkout_gives_its_remote_and_commit_once_pushed(tmp_path: Path) -> None:
    """Installed from a folder (make build's `pip install -e .`): its origin and the commit, when
    origin has that commit; an unpushed commit gives the released version instead."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    env.update(
        GIT_AUTHOR_NAME="a",
        GIT_AUTHOR_EMAIL="a@b.c",
        GIT_COMMITTER_NAME="a",
        GIT_COMMITTER_EMAIL="a@b.c",
    )

    def git(cwd: Path, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    origin, checkout = tmp_path / "origin.git", tmp_path / "checkout"
    git(tmp_path, "init", "--quiet", "--bare", str(origin))
    git(tmp_path, "clone", "--quiet", str(origin), str(checkout))
    (checkout / "README.md").write_text("sitegen\n", encoding="utf-8")
    git(checkout, "add", "README.md")
    git(checkout, "commit", "--quiet", "-m", "first")
    git(checkout, "push", "--quiet", "origin", "HEAD")
    git(checkout, "fetch", "--quiet")
    git(checkout, "remote", "set-url", "origin", "git@github.com:someone/sitegen.git")
    record = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    commit = git(checkout, "rev-parse", "HEAD")
    assert provenance.from_record(record) == (
        f"{provenance.DISTRIBUTION} @ git+https://github.com/someone/sitegen.git@{commit}"
    )
    git(checkout, "commit", "--quiet", "--allow-empty", "-m", "not pushed")
    assert provenance.from_record(record) == f"{provenance.DISTRIBUTION}=={__version__}"
