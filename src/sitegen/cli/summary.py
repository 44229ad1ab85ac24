"""The one-screen summary a build ends with."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sitegen.cli.console import out, relative
from sitegen.kinds import KINDS
from sitegen.size import OutputSize, human

if TYPE_CHECKING:
    from rich.table import Table

    from sitegen.pipeline import Report

# How the summary names each kind of page (Report.pages counts them by Page.kind); each kind of
# grouping (sitegen.kinds: tags, documents, issuing bodies, sources) as its names' lists and index.
KIND_NAMES = {
    "article": "articles",
    "home": "home pages",
    "category": "category lists",
    "categories": "category index",
    **{kind.one: f"{kind.one} lists" for kind in KINDS},
    **{kind.name: f"{kind.one} index" for kind in KINDS},
    "month": "month lists",
    "year": "year overviews",
    "archives": "archive",
    "search": "search page",
    "404": "not-found page",
    "feed": "Atom feeds",
    "sitemap": "sitemaps",
    "robots": "robots.txt",
    "data": "data files",
    "parts": "parts list",
    "alias": "redirects (old URLs, aliases)",
    "redirect": "document redirects",
    "withdrawn": "withdrawal notices",
}


def _left_out(table: Table, report: Report) -> None:
    """What the build did not publish, and what it warned of."""
    if report.drafts:
        table.add_row("drafts left out", f"{report.drafts} (add --drafts to include)")
    if report.held:
        table.add_row(
            "held back", f"{len(report.held)} (listed above; --publish-held publishes them)"
        )
    table.add_row("skipped", str(len(report.skipped)))
    table.add_row("warnings", str(len(report.warnings)))


def two_columns(title: str) -> Table:
    """A one-screen summary's table: two columns, no header, no box, the title on the left."""
    from rich.table import Table  # imported here: `check` and `new` show no table

    return Table(title=title, show_header=False, box=None, padding=(0, 2), title_justify="left")


def summary(report: Report, title: str, size: OutputSize | None = None, pictures: str = "") -> None:
    """One screen, in English as every other message: pages by kind add up to the pages line,
    and files written and unchanged add up to the pages and static files."""
    table = two_columns(title)
    table.add_row("articles", str(report.articles))
    pages = sum(report.pages.values())
    table.add_row(
        "pages", f"{pages}, all up to date: nothing changed" if report.up_to_date else str(pages)
    )
    for kind, count in sorted(report.pages.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(f"  {KIND_NAMES.get(kind, kind)}", str(count))
    if report.pages and not report.up_to_date:
        files = report.written + report.unchanged
        table.add_row(
            "written",
            f"{report.written} of {files} files (pages and static files), "
            f"{report.unchanged} unchanged",
        )
    if report.workers:
        table.add_row("processes", f"{len(report.workers)} rendered pages")
    _left_out(table, report)
    if report.shadowed:
        shown = ", ".join(report.shadowed)
        table.add_row("static files win", f"{shown} (the site's own file, not the generated one)")
    if report.output:
        where = relative(report.output)
        if size:
            where += (
                f": {human(size.bytes)} to upload (a tar of {size.files} files in "
                f"{size.folders} folders; {human(size.file_bytes)} of content)"
            )
        table.add_row("output", where)
    if pictures:
        table.add_row("pictures", pictures)
    if report.search:
        found = report.search
        table.add_row(
            "search index",
            f"{found.docs} articles, {found.bytes / 1e6:.1f} MB, "
            f"{len(found.written)} files written, {found.seconds:.1f} s",
        )
    table.add_row("time", f"{report.seconds:.2f} s")
    out.print(table)


def _problems(found: list[Any]) -> list[dict[str, Any]]:
    return [{"path": str(p.path), "line": p.line, "message": p.message} for p in found]


def as_json(report: Report, size: OutputSize | None = None, errors: Sequence[Any] = ()) -> str:
    """The summary for machines (CI): what the table says, and every warning, file held back,
    file skipped and error in full."""
    data = {
        "ok": not errors,
        "articles": report.articles,
        "pages": dict(sorted(report.pages.items())),
        "up_to_date": report.up_to_date,
        "written": report.written,
        "unchanged": report.unchanged,
        "drafts": report.drafts,
        "held": [{"path": str(h.path), "reason": h.message} for h in report.held],
        "warnings": _problems(report.warnings),
        "skipped": _problems(report.skipped),
        "errors": _problems(list(errors)),
        "output": str(report.output) if report.output else None,
        "upload_bytes": size.bytes if size else None,
        "seconds": round(report.seconds, 3),
    }
    return json.dumps(data, ensure_ascii=False, indent=1)
