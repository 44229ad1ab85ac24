"""Where this sitegen came from, as the requirement line a site's workflow installs: `sitegen init`
writes it into requirements.txt, so the workflow runs without editing whenever it can be known.

The installer's own record says it (PEP 610's direct_url.json): a git URL and commit; an archive's
URL; a local folder, whose git remote (made an https URL) and commit are used when the commit is
on that remote; otherwise (installed from PyPI, or a folder with no usable remote) the distribution
and version, as PyPI serves them."""

from __future__ import annotations

import json
import re
import subprocess
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from sitegen import __version__

DISTRIBUTION = "zhengce-sitegen"

# `git@github.com:owner/repo.git`: scp-like syntax, which pip cannot read and a CI runner has no key for
_SCP_LIKE = re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>[^/].*)$")


def requirement() -> str:
    """The line for requirements.txt that installs this sitegen on another machine."""
    try:
        record = distribution(DISTRIBUTION).read_text("direct_url.json")
    except PackageNotFoundError:  # run from a source folder on sys.path, not installed
        record = None
    return from_record(json.loads(record) if record else None)


def from_record(record: dict | None) -> str:
    """The requirement for one PEP 610 record (None: installed from an index)."""
    released = f"{DISTRIBUTION}=={__version__}"
    if not record:
        return released
    url = record.get("url", "")
    vcs = record.get("vcs_info")
    if vcs:
        return f"{DISTRIBUTION} @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    if not url.startswith("file:"):
        return f"{DISTRIBUTION} @ {url}"
    checkout = _published_checkout(Path(unquote(urlsplit(url).path)))
    return f"{DISTRIBUTION} @ git+{checkout[0]}@{checkout[1]}" if checkout else released


def public_url(remote: str) -> str | None:
    """A remote's URL as a CI runner can fetch it: https, without credentials; None for a local
    path or file URL (nothing another machine can reach)."""
    scp = _SCP_LIKE.match(remote)
    if scp:
        return f"https://{scp['host']}/{scp['path']}"
    parts = urlsplit(remote)
    if parts.scheme in ("https", "http") and parts.hostname:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit(("https", host, parts.path, "", ""))
    if parts.scheme == "ssh" and parts.hostname:
        return urlunsplit(("https", parts.hostname, parts.path, "", ""))
    return None


def _git(folder: Path, *args: str) -> str:
    """git's answer, or "" where git or the folder's repository is not there."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _published_checkout(folder: Path) -> tuple[str, str] | None:
    """(remote URL, commit) of a git checkout whose commit its remote `origin` already has."""
    url = public_url(_git(folder, "remote", "get-url", "origin"))
    commit = _git(folder, "rev-parse", "HEAD")
    if not url or not commit or not _git(folder, "branch", "--remotes", "--contains", commit):
        return None
    return url, commit
