"""`sitegen deploy` of an archive in parts (sitegen.parts): each part its own site, pushed to its
own repository's gh-pages; a part whose build equals what its branch holds is skipped.

The checks of one site's deploy run first for every part (a part without a remote is refused
before anything is built), then one build of all parts, then a commit per part: the front door
on the local `gh-pages`, another part on `gh-pages-<name>`, each pushed to its remote's
`gh-pages`. What a remote's branch held is fetched to `refs/sitegen/<name>/<branch>`, so that a
remote given as an address (no named git remote) works as well as a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.deploy import (
    DeployError,
    DeployOptions,
    check_articles,
    check_base_url,
    check_branch,
    check_clean,
    check_cname,
    check_identity,
    check_record,
    commit_output,
    default_message,
    fetch_branch,
    repository,
    uncommitted,
)
from sitegen.parts import Part, part_config, part_output
from sitegen.pipeline import Report, build_parts


@dataclass(frozen=True)
class PartPublished:
    """One part's deploy: its branch's commit, whether it is new, whether it was pushed."""

    part: Part
    remote: str
    branch: str
    commit: str
    changed: bool
    pushed: bool
    report: Report


def remote_of(part: Part, front: bool, remote: str) -> str:
    """A part's remote: its own (site.toml); the front door's may be --remote's (origin)."""
    if part.remote or front:
        return part.remote or remote
    raise DeployError(
        f'part {part.name!r} has no remote: add `remote = "URL"` (its own repository, e.g. '
        f"git@github.com:USER/archive-{part.name}.git) to its [[parts]] in site.toml; nothing "
        "was built or committed"
    )


def deploy_parts(config: SiteConfig, options: DeployOptions) -> list[PartPublished]:
    """Check every part, build them all afresh, commit each changed one and push it."""
    remote, branch, push = options.remote, options.branch, options.push
    check_cname(config.cname)
    remotes = [remote_of(p, i == 0, remote) for i, p in enumerate(config.parts)]
    branches = [branch if i == 0 else f"{branch}-{p.name}" for i, p in enumerate(config.parts)]
    tracking = [f"refs/sitegen/{p.name}/{branch}" for p in config.parts]
    for part in config.parts:
        check_base_url(part_config(config, part).base_url)
    repo = repository(config.root)
    for local in branches:
        check_branch(repo, local)
    check_identity(repo)
    dirty = uncommitted(repo, config)
    check_clean(dirty, options.allow_dirty)
    if push:
        for where, ref in zip(remotes, tracking, strict=True):
            fetch_branch(repo, where, branch, ref)
    built = build_parts(config, jobs=options.jobs, holding=options.holding)
    check_articles(Report(articles=sum(report.articles for _, report in built)), config)
    check_record(repo, config, options.allow_dirty)
    if refused := [report.refused for _, report in built if report.refused]:
        raise DeployError(f"{'; '.join(refused)}. Nothing was committed.")
    published = []
    for (part, report), where, local, ref in zip(built, remotes, branches, tracking, strict=True):
        commit, changed, pushed = commit_output(
            repo,
            part_output(config.output_path, part),
            remote=where,
            branch=local,
            message=options.message or default_message(repo, report, bool(dirty)),
            push=push,
            cname=config.cname if part is config.parts[0] else "",
            tracking=ref,
            target=branch,
        )
        published.append(PartPublished(part, where, local, commit, changed, pushed, report))
    return published
