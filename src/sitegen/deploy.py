"""`sitegen deploy`: a fresh build, committed to a gh-pages branch with ghp-import, then pushed.

Every check that can refuse runs before the build, and the build runs before anything is committed,
so a refusal or a failed build leaves the branch exactly as it was.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import ghp_import

from sitegen import __version__, url_record
from sitegen.cache import CACHE_DIR
from sitegen.config import SiteConfig
from sitegen.errors import ConfigError
from sitegen.holding import Holding
from sitegen.pipeline import Report, build
from sitegen.size import human, measure
from sitegen.url_record import RECORD_FILE

_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$"
)
# Hosts no published site lives on: RFC 2606's reserved names, and the one `sitegen init` writes.
_PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org", "example.github.io")
_RESERVED_TLDS = ("example", "test", "invalid", "localhost")


class DeployError(Exception):
    """Why publishing stopped, worded for the user (and what, if anything, was done)."""


@dataclass(frozen=True)
class DeployOptions:
    """How `sitegen deploy` publishes (its options, made in one place by the command), the same
    for one site (deploy) and for an archive in parts (sitegen.deploy_parts): the remote and
    branch, the commit message (None: the page count and source commit), whether to push,
    processes, whether uncommitted changes may be published, and what is held back."""

    remote: str = "origin"
    branch: str = "gh-pages"
    message: str | None = None
    push: bool = True
    jobs: int | None = None
    allow_dirty: bool = False
    holding: Holding | None = None


@dataclass(frozen=True)
class Published:
    commit: str
    branch: str
    remote: str
    pushed: bool
    report: Report
    changed: bool = True  # False: the build equals what the branch holds, so nothing was added
    dirty: tuple[str, ...] = ()  # the site's uncommitted files, published with --allow-dirty


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


def fetch_branch(repo: Path, remote: str, branch: str, tracking: str = "") -> None:
    """ghp-import builds on <remote>/<branch> (or `tracking`): bring that up to date so the push
    fast-forwards."""
    ref = f"refs/heads/{branch}"
    listed = git(repo, "ls-remote", "--heads", remote, ref)
    if listed.returncode != 0:
        raise DeployError(f"cannot reach remote {remote!r}: {_said(listed)}")
    if listed.stdout.strip():
        tracking = tracking or f"refs/remotes/{remote}/{branch}"
        fetched = git(repo, "fetch", "--quiet", remote, f"+{ref}:{tracking}")
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
            f"the output is {human(size.bytes)} as uploaded (a tar of {size.files} files), over "
            "[publish] size_limit "
            f"({human(limit)}), so nothing was committed. GitHub Pages publishes at most 1 GB per "
            "site: publish to a host with a higher limit (and raise size_limit in site.toml), or "
            "split the archive into one site per span of years (README: Past 1 GB)"
        )


def check_base_url(base_url: str) -> None:
    """A local address or a placeholder domain in base_url would publish a site whose every link
    and feed points nowhere: the usual sign of a site.toml never filled in."""
    host = (urlsplit(base_url).hostname or "").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
        local = address.is_loopback or address.is_unspecified or address.is_link_local
    except ValueError:
        local = host.rsplit(".", 1)[-1] in _RESERVED_TLDS
    placeholder = any(host == d or host.endswith(f".{d}") for d in _PLACEHOLDER_DOMAINS)
    if local or placeholder:
        raise ConfigError(
            "base_url",
            f"{base_url} is {'a local address' if local else 'a placeholder domain'}: the "
            "published links and feeds would point there. Set base_url in site.toml to where "
            "the site will live (e.g. https://USER.github.io/REPO/), or pass --base-url",
        )


def _made_by_builds(config: SiteConfig) -> tuple[Path, ...]:
    output = config.output_path
    return (
        output,
        output.parent / f".{output.name}.next",
        output.parent / f".{output.name}.lock",
        config.root / CACHE_DIR,
        config.root / RECORD_FILE,  # check_record judges it, after the build: by its URLs
    )


def uncommitted(repo: Path, config: SiteConfig) -> tuple[str, ...]:
    """The site's files that differ from HEAD (changed, staged or new), what builds make aside:
    a commit message naming HEAD as the source would otherwise name something not built."""
    folders = [p for p in (config.root, config.content_path.resolve()) if p.is_relative_to(repo)]
    if not folders:
        return ()
    status = git(repo, "status", "--porcelain", "-z", "--", *map(str, folders))
    if status.returncode != 0:
        raise DeployError(f"git status failed in {repo}: {_said(status)}")
    made = _made_by_builds(config)
    entries = iter(status.stdout.split("\0"))
    found = []
    for entry in entries:
        if not entry:
            continue
        if entry[0] in "RC":  # a rename or copy is followed by the path it came from
            next(entries, None)
        path = repo / entry[3:].rstrip("/")
        if not any(path == m or path.is_relative_to(m) for m in made):
            found.append(entry[3:])
    return tuple(found)


def check_clean(files: tuple[str, ...], allow_dirty: bool) -> None:
    if files and not allow_dirty:
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        raise DeployError(
            f"the site has uncommitted changes ({shown}): commit them first, so that the "
            "published site is the commit it names, or publish them anyway with --allow-dirty"
        )


def check_record(repo: Path, config: SiteConfig, allow_dirty: bool) -> None:
    """The URLs a build gave are published only once they are committed: a fresh clone (the
    Actions workflow, another machine) would otherwise give a published URL to another page. A
    body's new digest alone is no new URL."""
    path = config.root / RECORD_FILE
    if allow_dirty or not path.is_file() or not path.resolve().is_relative_to(repo):
        return
    committed = git(repo, "show", f"HEAD:{path.resolve().relative_to(repo).as_posix()}")
    now = url_record.parse(path.read_text(encoding="utf-8"), path)
    before = url_record.parse(committed.stdout, path) if committed.returncode == 0 else {}
    if url_record.owners(now) != url_record.owners(before):
        raise DeployError(
            f"this build gave URLs that {RECORD_FILE} does not hold in a commit yet: commit "
            f"{RECORD_FILE} (git add {RECORD_FILE} && git commit), then deploy again"
        )


def check_articles(report: Report, config: SiteConfig) -> None:
    if not report.articles:
        raise DeployError(
            f"the site has no articles (none found in {config.content_path}, or all are drafts): "
            "publishing it would replace the live site with an empty one"
        )


def default_message(repo: Path, report: Report, dirty: bool = False) -> str:
    pages = sum(report.pages.values())
    source = git(repo, "rev-parse", "--short", "HEAD")
    built_from = f" from {source.stdout.strip()}" if source.returncode == 0 else ""
    if dirty:
        built_from += " with uncommitted changes" if built_from else " from uncommitted files"
    return f"Publish {pages} pages{built_from} (sitegen {__version__})"


def commit_output(
    repo: Path,
    output: Path,
    *,
    remote: str,
    branch: str,
    message: str,
    push: bool,
    cname: str,
    tracking: str = "",
    target: str = "",
) -> tuple[str, bool, bool]:
    """Commit the output as the branch's next commit (history kept), push it; a build equal to
    what the branch holds adds no commit. Returns the branch's commit, whether it is new, and
    whether it was pushed.

    ghp-import streams the files to `git fast-import`, which commits whatever it was given when its
    input ends, so a deploy killed halfway would leave half a site on the branch it writes: it
    writes a branch of its own (`sitegen-deploy/<branch>`, started where the branch would be), and
    the branch moves to the finished commit in one atomic `git update-ref`. Killed at any moment,
    the branch holds its last good commit or the new one, whole.

    ghp-import runs git in the current folder, so this changes it for the call: not thread-safe.
    `tracking`: where the remote's branch was fetched to, `target`: its name there (a part of an
    archive pushes its own local branch to its repository's gh-pages).
    """
    staged = f"sitegen-deploy/{branch}"
    tracking = tracking or f"refs/remotes/{remote}/{branch}"
    start = _resolve(repo, tracking) or _resolve(repo, f"refs/heads/{branch}")
    if start:
        git(repo, "update-ref", f"refs/heads/{staged}", start)
    else:
        git(repo, "update-ref", "-d", f"refs/heads/{staged}")
    with contextlib.chdir(repo):
        try:
            ghp_import.ghp_import(
                str(output),
                mesg=message,
                remote=remote,
                branch=staged,
                push=False,
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
    commit, changed = _undo_if_unchanged(repo, staged)
    moved = git(
        repo, "update-ref", f"refs/heads/{branch}", commit, _resolve(repo, f"refs/heads/{branch}")
    )
    if moved.returncode != 0:
        raise DeployError(f"cannot move {branch} to the new commit: {_said(moved)}")
    git(repo, "update-ref", "-d", f"refs/heads/{staged}")
    tracked = _resolve(repo, tracking)
    if not push or (not changed and tracked == commit):
        return commit, changed, False
    pushed = git(repo, "push", "--quiet", remote, f"{branch}:{target or branch}")
    if pushed.returncode != 0:
        raise DeployError(
            f"committed to the local {branch}, but `git push {remote} {branch}` failed, so "
            f"nothing was published: {_said(pushed)}"
        )
    git(repo, "update-ref", tracking, commit)  # what the remote holds now
    return commit, changed, True


def _resolve(repo: Path, ref: str) -> str:
    """The commit a ref names, or "" when there is no such ref."""
    return git(repo, "rev-parse", "--verify", "--quiet", ref).stdout.strip()


def _undo_if_unchanged(repo: Path, branch: str) -> tuple[str, bool]:
    """The branch's commit, and whether its newest commit changed any file; one that did not is
    taken back, so that the branch stays at its parent."""
    ref = f"refs/heads/{branch}"
    found = git(repo, "rev-parse", ref, f"{ref}^{{tree}}", f"{ref}~1", f"{ref}~1^{{tree}}")
    if found.returncode != 0:  # the branch's first commit
        return git(repo, "rev-parse", ref).stdout.strip(), True
    commit, tree, parent, parent_tree = found.stdout.split()
    if tree != parent_tree:
        return commit, True
    git(repo, "update-ref", ref, parent, commit)
    return parent, False


def deploy(config: SiteConfig, options: DeployOptions) -> Published:
    """Check, build afresh into the output folder, commit it to the branch, push it to the remote.

    The remote is needed only to push: `push=False` commits to the local branch alone.
    """
    remote, branch, push = options.remote, options.branch, options.push
    check_cname(config.cname)
    check_base_url(config.base_url)
    repo = repository(config.root)
    check_branch(repo, branch)
    check_identity(repo)
    if push:
        check_remote(repo, remote)
    dirty = uncommitted(repo, config)
    check_clean(dirty, options.allow_dirty)
    if push:
        fetch_branch(repo, remote, branch)
    report = build(config, jobs=options.jobs, holding=options.holding)
    check_articles(report, config)
    check_record(repo, config, options.allow_dirty)
    output = report.output or config.output_path
    check_size(output, config.publish.size_limit)
    commit, changed, pushed = commit_output(
        repo,
        output,
        remote=remote,
        branch=branch,
        message=options.message or default_message(repo, report, bool(dirty)),
        push=push,
        cname=config.cname,
    )
    return Published(commit, branch, remote, pushed, report, changed, dirty)
