"""`sitegen list` (as `hugo list`) and `--json` for build and check, parsed as a CI would."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sitegen.cli.summary import KIND_NAMES

from .conftest import sitegen

REAL = "<p>国务院常务会议部署稳就业工作，强调加大政策支持力度。</p>"


def test_list_and_json_are_machine_readable(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/a/"\n', encoding="utf-8")
    files = {
        "正文.md": ("正文", "2022-03-14", REAL, ""),
        "草稿.md": ("草稿", "2022-03-15", REAL.replace("稳就业", "稳外贸"), "draft: true\n"),
        "未来.md": ("未来", "2030-01-01", REAL.replace("稳就业", "稳物价"), ""),
        "错误页.md": ("错误页", "2022-03-16", "<h1>404 Not Found</h1><p>nginx</p>", ""),
    }
    for name, (title, date, body, extra) in files.items():
        text = f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"
        (content / name).write_text(text, encoding="utf-8")
    now = ("--now", "2026-12-01")

    def listed(kind: str) -> list[dict[str, str]]:
        result = sitegen(tmp_path, "list", kind, *now)
        assert result.returncode == 0, result.stderr
        return list(csv.DictReader(io.StringIO(result.stdout)))

    assert [row["path"] for row in listed("drafts")] == ["草稿.md"]
    assert [row["path"] for row in listed("future")] == ["未来.md"]
    held = {row["path"]: row["held"] for row in listed("held")}
    assert held == {
        "未来.md": "held back: dated 2030-01-01T00:00:00+08:00, beyond now",
        "错误页.md": "held back: its body is an error page",
    }
    every = listed("all")
    assert len(every) == 4 and {"https://example.org/a/2022/03/正文/"} <= {
        row["url"].replace("%E6%AD%A3%E6%96%87", "正文") for row in every
    }

    built = sitegen(tmp_path, "build", "--json", *now)
    assert built.returncode == 0, built.stderr
    report = json.loads(built.stdout)
    assert report["ok"] and report["articles"] == 1 and report["drafts"] == 1
    assert {h["path"] for h in report["held"]} == {"未来.md", "错误页.md"}
    assert report["pages"]["article"] == 1 and report["upload_bytes"] > 0

    (content / "坏.md").write_text("---\ntitle: 坏\n---\n正文\n", encoding="utf-8")
    checked = sitegen(tmp_path, "check", "--json", *now)
    assert checked.returncode == 1
    failed = json.loads(checked.stdout)
    assert not failed["ok"] and failed["errors"][0]["path"].endswith("坏.md")
    assert "missing date" in failed["errors"][0]["message"]


def test_the_summary_names_every_kind_of_page(tmp_path: Path) -> None:
    """Every kind of page a build counts has its name in the summary (none printed raw)."""
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/a/"\n', encoding="utf-8")
    cites = "<p>国务院办公厅印发《关于加快发展保障性租赁住房的意见》（国办发〔2021〕22号），部署工作。</p>"
    for name, extra in (("一", "tags: [住房]\naliases: [/old/一/]\n"), ("二", "")):
        text = f"---\ntitle: {name}\ndate: 2022-03-14\n{extra}---\n{cites}{REAL}{name}\n"
        (content / f"{name}.md").write_text(text, encoding="utf-8")
    built = sitegen(tmp_path, "build", "--json", "--output", "json-build")
    assert built.returncode == 0, built.stderr
    kinds = json.loads(built.stdout)["pages"]
    assert {"alias", "redirect", "document", "authority", "source", "data", "tag"} <= kinds.keys()
    shown = sitegen(tmp_path, "build")
    assert shown.returncode == 0, shown.stderr
    names = {
        line.strip().rsplit(None, 1)[0]
        for line in shown.stdout.splitlines()
        if line.startswith("    ") and line.strip()[-1].isdigit()
    }
    assert names == {KIND_NAMES[kind] for kind in kinds}
