"""The GitHub Actions workflows (this repository's and the one `sitegen init` writes), checked with
actionlint: syntax, expressions, the inputs of the actions named and whether their versions are
current (it flags a version whose runtime GitHub deprecated)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.scaffold import init_site

from .conftest import REPO, sitegen
from .test_parts import ARTICLES, LATER, PARTS, SITE, write

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


def steps_of(site: Path, job: str) -> dict[str, dict[str, Any]]:
    """The steps of a job of the workflow `sitegen init` wrote, by name."""
    text = (site / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(text)["jobs"][job]["steps"]
    return {step["name"]: step for step in steps if "name" in step}


def run_step(step: dict[str, Any], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A step's script run as the runner runs it: python for the plan, bash for the rest."""
    shell = ["python3", "-c"] if step.get("shell", "").startswith("python") else ["bash", "-ec"]
    environ = {**os.environ, **step.get("env", {}), **env}
    return subprocess.run(
        [*shell, step["run"]], cwd=cwd, env=environ, capture_output=True, text=True, check=False
    )


def test_the_plan_job_reads_the_parts_site_toml_declares(tmp_path: Path) -> None:
    """Its matrix: a leg per part, the front door first, every other with its repository."""
    site = init_site(tmp_path / "mysite")
    (plan,) = (s for n, s in steps_of(site, "plan").items() if n.startswith("Read the parts"))

    def legs() -> str:
        output = tmp_path / "github_output"
        output.write_text("", encoding="utf-8")
        ran = run_step(plan, site, GITHUB_OUTPUT=str(output))
        assert ran.returncode == 0, ran.stderr
        return output.read_text(encoding="utf-8").strip().removeprefix("parts=")

    assert legs() == ""  # a site in one piece: the `build` job, as before
    declared = PARTS.replace(
        'base_url = "https://user.github.io/archive-2023/"',
        'base_url = "https://user.github.io/archive-2023/"\nremote = "git@github.com:user/archive-2023.git"',
    ).replace(
        'base_url = "https://user.github.io/archive-2024"',
        'base_url = "https://user.github.io/archive-2024"\nremote = "https://github.com/user/archive-2024"',
    )
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + declared, encoding="utf-8")
    assert json.loads(legs()) == [
        {"name": "main", "front": True, "repository": ""},
        {"name": "p2023", "front": False, "repository": "user/archive-2023"},
        {"name": "p2024", "front": False, "repository": "user/archive-2024"},
    ]
    toml.write_text(toml.read_text(encoding="utf-8").replace("https://github.com/", "x:"))
    refused = run_step(plan, site, GITHUB_OUTPUT=str(tmp_path / "github_output"))
    assert refused.returncode != 0 and "part 'p2024': remote must name" in refused.stderr


def test_each_leg_builds_its_part_and_commits_only_the_record(tmp_path: Path) -> None:
    """Two legs of the matrix, one after another, on clones of a local bare repository: each
    takes the record as the leg before pushed it, builds its part alone (`--part`), and commits
    urls.txt alone onto the branch as it is, even when the branch moved meanwhile."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git = ("git", "-c", "user.name=t", "-c", "user.email=t@example.org")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    site = init_site(work)
    (work / "content" / "welcome.md").unlink()
    (work / "urls.txt").write_text("", encoding="utf-8")
    (work / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(work / "content", {**ARTICLES, **LATER})
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-qm", "site")):
        subprocess.run([*git, *args], cwd=work, check=True)
    subprocess.run(["git", "push", "-q", str(origin), "main"], cwd=work, check=True)
    steps = steps_of(site, "parts")
    take, commit = (
        steps["Take the record of URLs as the part before left it"],
        steps["Commit the record of URLs given"],
    )
    env = {"GITHUB_REF_NAME": "main", "GIT_AUTHOR_NAME": "t", "GIT_COMMITTER_NAME": "t"}
    for n, part in enumerate(("main", "p2023")):
        leg = tmp_path / f"leg-{part}"
        subprocess.run(["git", "clone", "-q", str(origin), str(leg)], check=True)
        if n:  # the branch moves on (the next push) while this leg runs
            subprocess.run(["git", "reset", "-q", "--hard", "HEAD~1"], cwd=leg, check=True)
        assert run_step(take, leg, **env).returncode == 0
        built = sitegen(leg, "build", "--part", part)
        assert built.returncode == 0, built.stderr
        assert [p.name for p in (leg / "build").iterdir() if not p.name.startswith(".")] == [part]
        committed = run_step(commit, leg, **env, PART=part)
        assert committed.returncode == 0, committed.stderr
        changed = subprocess.run(
            ["git", "show", "--name-only", "--format=", "HEAD"],
            cwd=leg,
            capture_output=True,
            text=True,
            check=True,
        )
        assert changed.stdout.split() == ["urls.txt"]
    record = subprocess.run(
        ["git", "show", "main:urls.txt"], cwd=origin, capture_output=True, text=True, check=True
    ).stdout
    assert "\tp2023\n" in record and "/2022/03/" in record  # both legs' URLs, in the order run
    wrong = sitegen(work, "build", "--part", "nope")
    assert wrong.returncode == 2 and "--part" in wrong.stderr and "p2023" in wrong.stderr
