"""`sitegen deploy`: a fresh build, committed to a gh-pages branch with ghp-import, then pushed.

Every check that can refuse runs before the build, and the build runs before anything is committed,
so a refusal or a failed build leaves the branch exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import ghp_import

from sitegen import __version__
from sitegen.build import Report, build
from sitegen.config import SiteConfig
from sitegen.errors import ConfigError
from sitegen.size import human, measure

_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$"
)


class DeployError(Exception):
    """Why publishing stopped, worded for the user (and what, if anything, was done)."""


@dataclass(frozen=True)
class Published:
    commit: str
    branch: str
    remote: str
    pushed: bool
    report: Report


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise DeployError("git is not installed (or not on PATH)") from None


def _said(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().removeprefix("fatal: ") or result.stdout.strip()


def repository(folder: Path) -> Path:
    """The top of the git work tree that holds the site: ghp-import runs git there."""
    if not folder.is_dir():
        raise DeployError(f"{folder} is not a folder")
    result = git(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise DeployError(
            f"{folder} is not inside a git repository: run `git init` and "
            "`git remote add origin URL` there first"
        )
    return Path(result.stdout.strip())


def check_branch(repo: Path, branch: str) -> None:
    """Refuse a bad name, and the branch checked out here: ghp-import would replace its files."""
    if git(repo, "check-ref-format", "--branch", branch).returncode != 0:
        raise DeployError(f"{branch!r} is not a valid branch name")
    current = git(repo, "symbolic-ref", "--quiet", "--short", "HEAD").stdout.strip()
    if current == branch:
        raise DeployError(
            f"{branch} is the branch checked out in {repo}: publishing to it would replace your "
            "sources with the built site; choose another with --branch"
        )


def check_identity(repo: Path) -> None:
    """ghp-import takes the committer from these, and commits with an empty one without them."""
    for env, key in (("GIT_COMMITTER_NAME", "user.name"), ("GIT_COMMITTER_EMAIL", "user.email")):
        if not os.environ.get(env) and not git(repo, "config", key).stdout.strip():
            raise DeployError(
                f"git does not know who commits: run `git config {key} ...` (or set {env})"
            )


def check_remote(repo: Path, remote: str) -> None:
    if git(repo, "remote", "get-url", remote).returncode != 0:
        known = ", ".join(git(repo, "remote").stdout.split()) or "none"
        raise DeployError(
            f"no git remote named {remote!r} in {repo} (remotes: {known}); add it with "
            f"`git remote add {remote} URL`, pick one with --remote, or commit locally with --no-push"
        )


def fetch_branch(repo: Path, remote: str, branch: str) -> None:
    """ghp-import builds on <remote>/<branch>: bring that up to date so the push fast-forwards."""
    ref = f"refs/heads/{branch}"
    listed = git(repo, "ls-remote", "--heads", remote, ref)
    if listed.returncode != 0:
        raise DeployError(f"cannot reach remote {remote!r}: {_said(listed)}")
    if listed.stdout.strip():
        fetched = git(repo, "fetch", "--quiet", remote, f"+{ref}:refs/remotes/{remote}/{branch}")
        if fetched.returncode != 0:
            raise DeployError(f"cannot fetch {branch} from {remote!r}: {_said(fetched)}")


def check_cname(cname: str) -> None:
    """GitHub wants a bare host name in CNAME: a scheme or a path there breaks the domain."""
    if cname and not _HOST.match(cname):
        raise ConfigError(
            "cname", f"must be a bare domain such as archive.example.org, got {cname!r}"
        )


def check_size(output: Path, limit: int) -> None:
    """Refuse an output the host would reject, before anything is committed."""
    size = measure(output)
    if size.bytes > limit:
        raise DeployError(
            f"the output is {human(size.bytes)} in {size.files} files, over [publish] size_limit "
            f"({human(limit)}), so nothing was committed. GitHub Pages publishes at most 1 GB per "
            "site: publish to a host with a higher limit (and raise size_limit in site.toml), or "
            "split the archive into one site per span of years (README: Past 1 GB)"
        )


def default_message(repo: Path, report: Report) -> str:
    pages = sum(report.pages.values())
    source = git(repo, "rev-parse", "--short", "HEAD")
    built_from = f" from {source.stdout.strip()}" if source.returncode == 0 else ""
    return f"Publish {pages} pages{built_from} (sitegen {__version__})"


def commit_output(
    repo: Path, output: Path, *, remote: str, branch: str, message: str, push: bool, cname: str
) -> str:
    """Commit the output as the branch's next commit (history kept), push it; return its id.

    ghp-import runs git in the current folder, so this changes it for the call: not thread-safe.
    """
    with contextlib.chdir(repo):
        try:
            ghp_import.ghp_import(
                str(output),
                mesg=message,
                remote=remote,
                branch=branch,
                push=push,
                nojekyll=True,
                cname=cname or None,
            )
        except ghp_import.GhpError as exc:
            raise DeployError(f"ghp-import: {exc.message}") from None
        except TypeError:
            # ghp-import 2.1.0 reports a failed `git fast-import` by writing bytes to sys.stdout.
            raise DeployError(
                f"git fast-import could not commit to {branch} (see git's message above)"
            ) from None
        except subprocess.CalledProcessError:
            raise DeployError(
                f"committed to the local {branch}, but `git push {remote} {branch}` failed "
                "(see git's message above), so nothing was published"
            ) from None
    return git(repo, "rev-parse", f"refs/heads/{branch}").stdout.strip()


def deploy(
    config: SiteConfig,
    *,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    push: bool = True,
    jobs: int | None = None,
) -> Published:
    """Check, build afresh into the output folder, commit it to `branch`, push it to `remote`.

    The remote is needed only to push: `push=False` commits to the local branch alone.
    """
    check_cname(config.cname)
    repo = repository(config.root)
    check_branch(repo, branch)
    check_identity(repo)
    if push:
        check_remote(repo, remote)
        fetch_branch(repo, remote, branch)
    report = build(config, jobs=jobs)
    output = report.output or config.output_path
    check_size(output, config.publish.size_limit)
    commit = commit_output(
        repo,
        output,
        remote=remote,
        branch=branch,
        message=message or default_message(repo, report),
        push=push,
        cname=config.cname,
    )
    return Published(commit, branch, remote, push, report)
