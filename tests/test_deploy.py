"""`sitegen deploy` against real git repositories, `sitegen clean`, and the Pages workflows.

Each test gets its own HOME and committer, so nothing depends on (or touches) the machine's git
configuration, and a ceiling so git never finds a repository above the test's folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
import yaml

from sitegen import provenance
from sitegen.scaffold import init_site
from sitegen.url_record import RECORD_FILE

from .conftest import REPO, SEEDS
from .test_incremental import synthetic
from .test_parts import ARTICLES, LATER, PARTS, SITE, write

SITEGEN = Path(sys.executable).parent / "sitegen"
CNAME = "archive.example.org"
SITE_TOML = f'title = "档案"\nbase_url = "https://user.github.io/archive"\ncname = "{CNAME}"\n'
ARTICLE = "2022/03/000_f847cc9c3667cd96/index.html"
PAGES_ACTIONS = {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    values = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    values.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CEILING_DIRECTORIES=str(tmp_path),
        GIT_AUTHOR_NAME="Archive Bot",
        GIT_AUTHOR_EMAIL="bot@archive.example.org",
        GIT_COMMITTER_NAME="Archive Bot",
        GIT_COMMITTER_EMAIL="bot@archive.example.org",
    )
    return values


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def sitegen(site: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SITEGEN), *args], cwd=site, env=env, capture_output=True, text=True, timeout=120
    )


def tree(repo: Path, env: dict[str, str], ref: str = "gh-pages") -> set[str]:
    return set(git(repo, env, "ls-tree", "-r", "-z", "--name-only", ref).split("\0")) - {""}


def commits(repo: Path, env: dict[str, str], ref: str = "gh-pages") -> int:
    return int(git(repo, env, "rev-list", "--count", ref))


def has_branch(repo: Path, env: dict[str, str], branch: str = "gh-pages") -> bool:
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        cwd=repo,
        env=env,
        capture_output=True,
    )
    return result.returncode == 0


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SEEDS, site / "content")
    shutil.copy(REPO / RECORD_FILE, site / RECORD_FILE)  # the URLs the seeds were given
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    (site / ".gitignore").write_text("build/\n.build.*\n.sitegen-cache/\n", encoding="utf-8")
    return site


def commit_all(repo: Path, env: dict[str, str], message: str = "sources") -> None:
    git(repo, env, "add", "--all")
    git(repo, env, "commit", "--quiet", "-m", message)


@pytest.fixture
def site(tmp_path: Path, env: dict[str, str]) -> Path:
    """A committed site in a git repository whose `origin` is a real bare repository beside it."""
    bare = tmp_path / "remote.git"
    git(tmp_path, env, "init", "--quiet", "--bare", str(bare))
    folder = make_site(tmp_path)
    git(folder, env, "init", "--quiet", "-b", "main")
    git(folder, env, "remote", "add", "origin", str(bare))
    commit_all(folder, env)
    return folder


def built_files(output: Path) -> set[str]:
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}


def test_deploy_commits_every_page_then_adds_one_commit_per_deploy(
    site: Path, env: dict[str, str]
) -> None:
    bare = site.parent / "remote.git"
    result = sitegen(site, env, "deploy")
    assert result.returncode == 0, result.stderr
    files = tree(bare, env)
    assert files == built_files(site / "build") | {".nojekyll", "CNAME"}
    assert {ARTICLE, "2021/12/001_c31c58ede6f3a8cb/index.html", "index.html"} <= files
    assert {"atom.xml", "sitemap.xml", "robots.txt", "404.html"} <= files
    assert git(bare, env, "show", "gh-pages:CNAME").strip() == CNAME
    assert git(bare, env, "show", "gh-pages:.nojekyll") == ""
    assert commits(bare, env) == 1
    first = git(bare, env, "rev-parse", "gh-pages").strip()
    assert first.startswith(result.stdout.split("published ", 1)[1][:12])
    assert "branch gh-pages, pushed to origin" in result.stdout
    assert "https://user.github.io/archive/" in git(bare, env, "show", "gh-pages:atom.xml")
    assert f"not on the custom domain {CNAME}" in result.stderr

    seed = site / "content" / "000_f847cc9c3667cd96.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\n<p>部署之后新增的一段文字。</p>\n", encoding="utf-8"
    )
    commit_all(site, env, "一段新文字")
    again = sitegen(site, env, "deploy", "--message", "第二次发布")
    assert again.returncode == 0, again.stderr
    assert commits(bare, env) == 2
    assert git(bare, env, "rev-parse", "gh-pages~1").strip() == first
    assert git(bare, env, "log", "-1", "--format=%s%n%an", "gh-pages").split("\n")[:2] == [
        "第二次发布",
        "Archive Bot",
    ]
    assert "部署之后新增的一段文字" in git(bare, env, "show", f"gh-pages:{ARTICLE}")
    # the record holds the edited body's digest (so that a later move is known), no new URL
    changed = git(site, env, "status", "--porcelain", "--untracked-files=no")
    assert changed.split() == ["M", RECORD_FILE]


def test_deploy_builds_on_a_branch_another_machine_moved(site: Path, env: dict[str, str]) -> None:
    bare = site.parent / "remote.git"
    assert sitegen(site, env, "deploy").returncode == 0
    other = site.parent / "other"
    git(site.parent, env, "clone", "--quiet", "--branch", "gh-pages", str(bare), str(other))
    (other / "extra.txt").write_text("from elsewhere\n", encoding="utf-8")
    git(other, env, "add", "extra.txt")
    git(other, env, "commit", "--quiet", "-m", "elsewhere")
    git(other, env, "push", "--quiet", "origin", "gh-pages")
    elsewhere = git(other, env, "rev-parse", "HEAD").strip()

    result = sitegen(site, env, "deploy")
    assert result.returncode == 0, result.stderr
    assert commits(bare, env) == 3
    assert git(bare, env, "rev-parse", "gh-pages~1").strip() == elsewhere
    assert "extra.txt" not in tree(bare, env), "the branch holds exactly the new build"


def test_no_push_commits_locally_only(site: Path, env: dict[str, str]) -> None:
    bare = site.parent / "remote.git"
    preview = "https://preview.archive-bot.net/pr-7"
    result = sitegen(site, env, "deploy", "--no-push", "--base-url", preview)
    assert result.returncode == 0, result.stderr
    assert "not pushed (--no-push)" in result.stdout
    assert has_branch(site, env)
    assert not has_branch(bare, env)
    assert ARTICLE in tree(site, env)
    assert f"{preview}/{ARTICLE.removesuffix('index.html')}" in git(
        site, env, "show", "gh-pages:atom.xml"
    )


def test_no_push_needs_no_remote(tmp_path: Path, env: dict[str, str]) -> None:
    site = make_site(tmp_path)
    git(site, env, "init", "--quiet", "-b", "main")
    commit_all(site, env)
    result = sitegen(site, env, "deploy", "--no-push")
    assert result.returncode == 0, result.stderr
    assert commits(site, env) == 1


def test_refuses_outside_a_git_repository_before_building(
    tmp_path: Path, env: dict[str, str]
) -> None:
    site = make_site(tmp_path)
    result = sitegen(site, env, "deploy")
    assert result.returncode == 1
    assert "is not inside a git repository" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / "build").exists()


@pytest.mark.parametrize("remote", ["origin", "upstream"])
def test_refuses_a_missing_remote_before_building(
    tmp_path: Path, env: dict[str, str], remote: str
) -> None:
    site = make_site(tmp_path)
    git(site, env, "init", "--quiet", "-b", "main")
    if remote != "origin":
        git(site, env, "remote", "add", "origin", str(tmp_path / "elsewhere.git"))
    result = sitegen(site, env, "deploy", "--remote", remote)
    assert result.returncode == 1
    assert f"no git remote named '{remote}'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / "build").exists()
    assert not has_branch(site, env)


def test_a_broken_article_stops_the_deploy_and_leaves_the_branch(
    site: Path, env: dict[str, str]
) -> None:
    bare = site.parent / "remote.git"
    assert sitegen(site, env, "deploy").returncode == 0
    before = git(bare, env, "rev-parse", "gh-pages"), git(site, env, "rev-parse", "gh-pages")
    (site / "content" / "broken.md").write_text(
        "---\ntitle: [不完整的\ndate: 2023-01-01\n---\n正文\n", encoding="utf-8"
    )
    commit_all(site, env, "a broken article")
    result = sitegen(site, env, "deploy")
    assert result.returncode == 1
    assert "broken.md:" in result.stderr
    assert "nothing was committed to gh-pages" in result.stderr
    assert "Traceback" not in result.stderr
    assert (git(bare, env, "rev-parse", "gh-pages"), git(site, env, "rev-parse", "gh-pages")) == (
        before
    )


def test_an_output_over_size_limit_is_refused_and_nothing_is_committed(
    site: Path, env: dict[str, str]
) -> None:
    bare = site.parent / "remote.git"
    (site / "site.toml").write_text(
        SITE_TOML + '[publish]\nsize_limit = "20 KB"\n', encoding="utf-8"
    )
    commit_all(site, env, "size limit")
    result = sitegen(site, env, "deploy")
    assert result.returncode == 1
    assert "over [publish] size_limit (20.0 KB), so nothing was committed" in result.stderr
    assert "a host with a higher limit" in result.stderr
    assert "Traceback" not in result.stderr
    assert not has_branch(site, env)
    assert not has_branch(bare, env)

    (site / "site.toml").write_text(SITE_TOML + "[publish]\nsize_limit = 100_000_000\n", "utf-8")
    commit_all(site, env, "size limit raised")
    assert sitegen(site, env, "deploy").returncode == 0
    assert commits(bare, env) == 1


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8000/",
        "http://localhost:4000/archive/",
        "http://[::1]:8000/",
        "https://www.example.com/",
        "https://archive.test/",
    ],
)
def test_refuses_a_local_or_placeholder_base_url_before_building(
    site: Path, env: dict[str, str], base_url: str
) -> None:
    (site / "site.toml").write_text(f'base_url = "{base_url}"\n', encoding="utf-8")
    commit_all(site, env, "base_url")
    result = sitegen(site, env, "deploy")
    assert result.returncode == 2
    assert "base_url" in result.stderr
    assert "Set base_url in site.toml" in " ".join(result.stderr.split())
    assert not (site / "build").exists()
    assert not has_branch(site, env)


def test_refuses_the_placeholder_sitegen_init_writes_until_base_url_is_set(
    tmp_path: Path, env: dict[str, str]
) -> None:
    site = tmp_path / "mysite"
    assert sitegen(tmp_path, env, "init", str(site)).returncode == 0
    git(site, env, "init", "--quiet", "-b", "main")
    commit_all(site, env)
    refused = sitegen(site, env, "deploy", "--no-push")
    assert refused.returncode == 2
    assert "https://example.github.io/archive/ is a placeholder domain" in " ".join(
        refused.stderr.split()
    )
    assert not has_branch(site, env)
    published = sitegen(site, env, "deploy", "--no-push", "--base-url", "https://user.github.io/a/")
    assert published.returncode == 0, published.stderr
    assert commits(site, env) == 1


def test_refuses_a_site_with_no_articles(tmp_path: Path, env: dict[str, str]) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "草稿.md").write_text(
        "---\ntitle: 还没写完\ndate: 2023-01-01\ndraft: true\n---\n正文\n", encoding="utf-8"
    )
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    git(site, env, "init", "--quiet", "-b", "main")
    commit_all(site, env)
    result = sitegen(site, env, "deploy", "--no-push")
    assert result.returncode == 1
    assert "the site has no articles" in result.stderr
    assert "Traceback" not in result.stderr
    assert not has_branch(site, env)


def test_uncommitted_changes_are_refused_or_published_saying_so(
    site: Path, env: dict[str, str]
) -> None:
    bare = site.parent / "remote.git"
    seed = site / "content" / "000_f847cc9c3667cd96.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n<p>未提交的一段。</p>\n", "utf-8")
    (site / "content" / "new.md").write_text("---\ntitle: 新\ndate: 2023-01-01\n---\n正文\n")
    refused = sitegen(site, env, "deploy")
    assert refused.returncode == 1
    said = " ".join(refused.stderr.split())
    assert "uncommitted changes (content/000_f847cc9c3667cd96.txt, content/new.md)" in said
    assert "--allow-dirty" in said
    assert not has_branch(bare, env)
    assert not (site / "build").exists()

    source = git(site, env, "rev-parse", "--short", "HEAD").strip()
    allowed = sitegen(site, env, "deploy", "--allow-dirty")
    assert allowed.returncode == 0, allowed.stderr
    assert "built with 2 uncommitted file(s)" in allowed.stderr
    subject = git(bare, env, "log", "-1", "--format=%s", "gh-pages").strip()
    assert f"from {source} with uncommitted changes" in subject
    assert "未提交的一段" in git(bare, env, "show", f"gh-pages:{ARTICLE}")


def test_a_deploy_with_nothing_changed_adds_no_commit(site: Path, env: dict[str, str]) -> None:
    bare = site.parent / "remote.git"
    git(site, env, "rm", "--quiet", ".gitignore")  # what builds make is never an uncommitted change
    git(site, env, "commit", "--quiet", "-m", "no .gitignore")
    local = sitegen(site, env, "deploy", "--no-push")
    assert local.returncode == 0, local.stderr
    first = git(site, env, "rev-parse", "gh-pages").strip()
    pushed = sitegen(site, env, "deploy")  # same build: no new commit, but the remote gets it
    assert pushed.returncode == 0, pushed.stderr
    assert "pushed to origin" in pushed.stdout
    assert git(bare, env, "rev-parse", "gh-pages").strip() == first
    again = sitegen(site, env, "deploy")
    assert again.returncode == 0, again.stderr
    assert "nothing changed: gh-pages already holds this build" in again.stdout
    assert commits(bare, env) == commits(site, env) == 1


def test_refuses_the_checked_out_branch_and_an_unknown_committer(
    site: Path, env: dict[str, str]
) -> None:
    onto_sources = sitegen(site, env, "deploy", "--branch", "main")
    assert onto_sources.returncode == 1
    assert "is the branch checked out" in onto_sources.stderr
    anonymous = {k: v for k, v in env.items() if not k.startswith("GIT_COMMITTER")}
    nobody = sitegen(site, anonymous, "deploy")
    assert nobody.returncode == 1
    assert "git does not know who commits" in nobody.stderr
    assert not has_branch(site, env)
    assert not (site / "build").exists()


def test_a_cname_with_a_scheme_is_a_config_error(site: Path, env: dict[str, str]) -> None:
    (site / "site.toml").write_text(
        SITE_TOML.replace(f'"{CNAME}"', f'"https://{CNAME}/"'), encoding="utf-8"
    )
    result = sitegen(site, env, "deploy")
    assert result.returncode == 2
    assert "cname" in result.stderr
    assert not has_branch(site, env)


def test_clean_removes_output_and_cache_only(site: Path, env: dict[str, str]) -> None:
    assert sitegen(site, env, "build").returncode == 0
    assert (site / ".sitegen-cache").is_dir()
    result = sitegen(site, env, "clean")
    assert result.returncode == 0, result.stderr
    assert not (site / "build").exists()
    assert not (site / ".sitegen-cache").exists()
    assert not (site / ".build.next").exists()
    assert (site / "content" / "000_f847cc9c3667cd96.txt").is_file()
    assert sitegen(site, env, "clean").stdout.strip() == "nothing to remove"
    (site / "site.toml").write_text('output_dir = "."\n', encoding="utf-8")
    refused = sitegen(site, env, "clean")
    assert refused.returncode == 2
    assert (site / "content").is_dir()


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def check_pages_workflow(workflow: dict) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"] is None  # every branch starts it, the build job runs on the default one
    assert "workflow_dispatch" in triggers
    condition = "github.ref_name == github.event.repository.default_branch"
    first = next(iter(workflow["jobs"].values()))  # every other job needs it: `build` or `plan`
    assert first["if"] == condition
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"] == "pages"
    used = {
        s["uses"].split("@")[0]
        for job in workflow["jobs"]
        for s in steps(workflow, job)
        if "uses" in s
    }
    assert used >= PAGES_ACTIONS | {"actions/checkout", "actions/setup-python"}
    build = steps(workflow, "build")
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in build]
    configure = names.index("actions/configure-pages")
    upload = names.index("actions/upload-pages-artifact")
    assert build[configure]["id"] == "pages"
    assert build[upload]["with"]["path"] == "build"
    build_step = next(s for s in build if "build" in s.get("run", ""))
    assert configure < build.index(build_step) < upload
    assert build_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    cache = build[names.index("actions/cache")]
    assert names.index("actions/cache") < build.index(build_step)
    assert cache["with"]["path"].split() == [".sitegen-cache", "build"]
    assert cache["with"]["key"] == cache["with"]["restore-keys"] + "${{ github.sha }}"
    tar = "tar --dereference --hard-dereference -C build -cf - . | wc -c"
    size_check = next(s for s in build if tar in s.get("run", ""))
    assert build.index(build_step) < build.index(size_check) < upload
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert steps(workflow, "deploy")[0]["uses"].startswith("actions/deploy-pages@")
    assert steps(workflow, "deploy")[0]["id"] == "deployment"


def test_this_repositorys_workflow_builds_with_make_for_the_pages_address() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    check_pages_workflow(workflow)
    assert any(s.get("run") == "make build" for s in steps(workflow, "build"))
    if shutil.which("make"):
        dry = subprocess.run(
            ["make", "-n", "build", "BASE_URL=https://user.github.io/sitegen"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        assert 'sitegen build --base-url "https://user.github.io/sitegen"' in dry.stdout


def test_init_writes_a_workflow_and_the_requirements_it_installs(tmp_path: Path) -> None:
    site = init_site(tmp_path / "mysite")
    workflow = yaml.safe_load((site / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    check_pages_workflow(workflow)
    runs = [s.get("run", "") for s in steps(workflow, "build")]
    assert "pip install -r requirements.txt" in runs
    assert 'sitegen build --base-url "$BASE_URL"' in runs
    requirement = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert requirement == provenance.requirement()  # what installed this sitegen, no placeholder
    assert requirement.startswith(provenance.DISTRIBUTION)
    assert "## Publishing" in (site / "README.md").read_text(encoding="utf-8")


def test_deploy_refuses_until_the_urls_a_build_gave_are_committed(
    site: Path, env: dict[str, str]
) -> None:
    bare = site.parent / "remote.git"
    (site / "content" / "新文章.md").write_text("---\ntitle: 新文章\ndate: 2023-01-01\n---\n正文\n")
    commit_all(site, env, "一篇新文章")
    refused = sitegen(site, env, "deploy")
    assert refused.returncode == 1
    assert f"commit {RECORD_FILE}" in " ".join(refused.stderr.split())
    assert not has_branch(bare, env)
    assert "/2023/01/新文章/\tarticle\t" in (site / RECORD_FILE).read_text(encoding="utf-8")
    commit_all(site, env, "the URLs given")
    published = sitegen(site, env, "deploy")
    assert published.returncode == 0, published.stderr
    assert "2023/01/新文章/index.html" in tree(bare, env)


def test_the_workflow_commits_the_urls_a_build_gave_back(site: Path, env: dict[str, str]) -> None:
    """The step of the Pages workflow `sitegen init` writes, run as Actions runs it (bash, in the
    checkout, after the build): the new record is pushed to the branch that was built."""
    workflow = yaml.safe_load(
        init_site(site.parent / "fresh")
        .joinpath(".github/workflows/pages.yml")
        .read_text(encoding="utf-8")
    )
    assert workflow["permissions"]["contents"] == "write"
    step = next(s for s in steps(workflow, "build") if "git add urls.txt" in s.get("run", ""))
    bare = site.parent / "remote.git"
    git(site, env, "push", "--quiet", "origin", "main")
    (site / "content" / "新文章.md").write_text("---\ntitle: 新文章\ndate: 2023-01-01\n---\n正文\n")
    commit_all(site, env, "一篇新文章")
    assert sitegen(site, env, "build").returncode == 0
    run = {**env, "GITHUB_REF_NAME": "main"}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=site, env=run, check=True)
    assert "/2023/01/新文章/" in git(bare, env, "show", f"main:{RECORD_FILE}")
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=site, env=run, check=True)
    assert commits(bare, env, "main") == 3  # sources, the article, the record: nothing again


# Killed at any moment (issue 28): the real command SIGKILLed at several points, git's own processes
# left to finish what they were doing, as they do when their parent dies.
Seen = Callable[[Path, list[str]], bool]


def descendants(pid: int) -> list[str]:
    """The command lines of a process's descendants."""
    found: list[str] = []
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:  # it has just ended
        return found
    for child in children:
        with contextlib.suppress(psutil.Error):
            found.append(" ".join(child.cmdline()))
    return found


def working_in(folder: Path) -> bool:
    """Whether any process still works in the folder (git's orphans finishing after a kill)."""
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if Path(process.cwd()).is_relative_to(folder):
                return True
    return False


POINTS: dict[str, Seen] = {
    "building": lambda site, children: (site / ".build.next").exists(),
    "streaming files to git fast-import": lambda site, children: any(
        "fast-import" in c for c in children
    ),
    "pushing": lambda site, children: any("push" in c or "pack-objects" in c for c in children),
}


def killed_at(site: Path, env: dict[str, str], seen: Seen) -> bool:
    """Start a deploy, SIGKILL it the moment `seen` holds; whether that moment came."""
    process = subprocess.Popen(
        [str(SITEGEN), "deploy"],
        cwd=site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    caught = False
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if seen(site, descendants(process.pid)):
            os.kill(process.pid, signal.SIGKILL)
            caught = True
            break
        time.sleep(0.002)
    process.wait()
    for _ in range(1000):  # git's own processes end by themselves once their input ends
        if not working_in(site.parent):
            break
        time.sleep(0.01)
    return caught


def tree_of(repo: Path, env: dict[str, str]) -> str:
    return git(repo, env, "rev-parse", "gh-pages^{tree}").strip()


def test_a_deploy_killed_at_any_point_leaves_the_branch_at_its_last_good_commit(
    tmp_path: Path, env: dict[str, str]
) -> None:
    bare = tmp_path / "remote.git"
    git(tmp_path, env, "init", "--quiet", "--bare", str(bare))
    site = make_site(tmp_path)
    synthetic(site / "content" / "more", 12)  # files enough that streaming them takes a while
    assert sitegen(site, env, "build").returncode == 0  # the URLs they get, committed with them
    git(site, env, "init", "--quiet", "-b", "main")
    git(site, env, "remote", "add", "origin", str(bare))
    commit_all(site, env)
    first = subprocess.run([str(SITEGEN), "deploy"], cwd=site, env=env, capture_output=True)
    assert first.returncode == 0, first.stderr
    good = tree_of(site, env)
    seed = site / "content" / "000_f847cc9c3667cd96.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\n<p>杀不死的一段。</p>\n", encoding="utf-8"
    )
    commit_all(site, env, "one more paragraph")

    seen_trees: dict[str, tuple[str, str]] = {}
    caught = {}
    for point, seen in POINTS.items():
        caught[point] = killed_at(site, env, seen)
        seen_trees[point] = (tree_of(site, env), tree_of(bare, env))
    finished = subprocess.run([str(SITEGEN), "deploy"], cwd=site, env=env, capture_output=True)
    assert finished.returncode == 0, finished.stderr
    new = tree_of(site, env)
    assert tree_of(bare, env) == new != good
    assert caught["building"] and caught["streaming files to git fast-import"], caught
    for point, (local, remote) in seen_trees.items():
        assert local in (good, new), f"killed while {point}: the local branch holds half a site"
        assert remote in (good, new), f"killed while {point}: the remote holds half a site"
    assert "杀不死的一段" in git(
        bare, env, "show", "gh-pages:2022/03/000_f847cc9c3667cd96/index.html"
    )


# An archive in parts (sitegen.parts): a bare repository per part.

PART_NAMES = ("main", "p2023", "p2024")


def part_heads(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """Each part's repository's gh-pages commit ("" before its first deploy)."""
    found = {}
    for name in PART_NAMES:
        bare = tmp_path / f"{name}.git"
        listed = git(bare, env, "for-each-ref", "--format=%(objectname)", "refs/heads/gh-pages")
        found[name] = listed.strip()
    return found


def make_parted_site(
    tmp_path: Path, env: dict[str, str], remotes: tuple[str, ...] = PART_NAMES
) -> Path:
    """A committed site declared in three parts, built once (its URL record committed), and a
    bare repository per part, each named as its part's remote in site.toml."""
    site = tmp_path / "site"
    site.mkdir()
    declared = PARTS
    for name in PART_NAMES:
        git(tmp_path, env, "init", "--quiet", "--bare", str(tmp_path / f"{name}.git"))
    for name in remotes:
        declared = declared.replace(
            f'name = "{name}"\n', f'name = "{name}"\nremote = "{tmp_path / name}.git"\n'
        )
    (site / "site.toml").write_text(SITE + declared, encoding="utf-8")
    (site / ".gitignore").write_text("build/\n.build.*\n.sitegen-cache/\n", encoding="utf-8")
    write(site / "content", {**ARTICLES, **LATER})
    git(site, env, "init", "--quiet", "-b", "main")
    built = sitegen(site, env, "build")
    assert built.returncode == 0, built.stderr
    commit_all(site, env)
    return site


def test_deploy_pushes_each_part_to_its_repository_then_only_changed_ones(
    tmp_path: Path, env: dict[str, str]
) -> None:
    site = make_parted_site(tmp_path, env)
    result = sitegen(site, env, "deploy")
    assert result.returncode == 0, result.stderr
    first = part_heads(tmp_path, env)
    assert all(first.values()), first
    files = git(tmp_path / "p2024.git", env, "ls-tree", "-r", "--name-only", "gh-pages")
    assert "2024/02/c1/index.html" in files.split()
    assert "2022/03/a1/index.html" not in files.split()
    assert "parts.json" in git(tmp_path / "main.git", env, "ls-tree", "--name-only", "gh-pages")
    edited = site / "content/b3.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    built = sitegen(site, env, "build")
    assert built.returncode == 0, built.stderr
    commit_all(site, env, "edit b3")
    again = sitegen(site, env, "deploy")
    assert again.returncode == 0, again.stderr
    second = part_heads(tmp_path, env)
    assert second["p2023"] != first["p2023"]
    assert second["main"] == first["main"]
    assert second["p2024"] == first["p2024"]
    assert "part main: unchanged, skipped" in again.stdout
    assert "part p2023: published" in again.stdout
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[publish]\nsize_limit = "1 KB"\n', "utf-8")
    commit_all(site, env, "a tiny limit")
    refused = sitegen(site, env, "deploy")
    assert refused.returncode == 1
    assert "part 'p2024' is" in " ".join(refused.stderr.split())
    assert "Nothing was committed" in refused.stderr
    assert part_heads(tmp_path, env) == second


def test_a_part_without_a_remote_is_refused_before_anything_is_built(
    tmp_path: Path, env: dict[str, str]
) -> None:
    site = make_parted_site(tmp_path, env, remotes=("main", "p2023"))
    result = sitegen(site, env, "deploy")
    assert result.returncode == 1
    assert "part 'p2024' has no remote" in result.stderr
    assert "Traceback" not in result.stderr
    assert part_heads(tmp_path, env) == dict.fromkeys(PART_NAMES, "")
