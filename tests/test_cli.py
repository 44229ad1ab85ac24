"""The `sitegen` command's guard rails, run as a person runs it: the real CLI in a real folder.

Each refusal must name what to fix and write nothing: no output, no cache, no lock, no folder.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin
from urllib.request import urlopen

import pytest

from sitegen.cli.console import SCREENFUL

from .conftest import FIXTURES, REPO, SEEDS, sitegen, start_serve


def everything_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize(
    "command",
    [
        ["build"],
        ["check"],
        ["serve", "--port", "0"],
        ["deploy", "--no-push"],
        ["clean"],
        ["new", "标题"],
    ],
)
def test_outside_a_site_folder_every_command_refuses_and_writes_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not a site\n", encoding="utf-8")
    result = sitegen(tmp_path, *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"there is no {tmp_path.resolve() / 'site.toml'}" in " ".join(result.stderr.split())
    assert "sitegen init DIR" in result.stderr
    assert "Traceback" not in result.stderr
    assert everything_under(tmp_path) == {"notes.txt"}


def test_a_missing_config_file_is_an_error_and_its_folder_is_not_made(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "site.toml"
    result = sitegen(tmp_path, "build", "--config", str(missing))
    assert result.returncode == 2
    assert f"there is no {missing}" in " ".join(result.stderr.split())
    assert not (tmp_path / "nowhere").exists()
    assert everything_under(tmp_path) == set()


def make_site(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder / "content")
    (folder / "site.toml").write_text('title = "档案"\n', encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `folder`, with its size and mtime: what a write would change."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


def test_check_writes_nothing_cold_or_warm(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    before = snapshot(site)
    cold = sitegen(site, "check")
    assert cold.returncode == 0, cold.stderr
    assert "ok" in cold.stdout
    assert snapshot(site) == before

    assert sitegen(site, "build").returncode == 0
    cache = site / ".sitegen-cache"
    [entry, *_] = sorted(p for p in (cache / "articles").rglob("*") if p.is_file())
    entry.write_bytes(b"not a cache entry")  # a warm build would delete and rewrite it
    seed = next((site / "content").glob("000_*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8") + "\n<p>新增一段。</p>\n", encoding="utf-8")
    before = snapshot(site)
    warm = sitegen(site, "check")
    assert warm.returncode == 0, warm.stderr
    assert "2 articles, no errors" in warm.stdout
    assert snapshot(site) == before


def test_a_binary_file_in_content_is_skipped_with_a_warning_naming_it(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    shutil.copy(FIXTURES / "load" / "binary.md", site / "content" / "封面图.md")
    result = sitegen(site, "build")
    assert result.returncode == 0, result.stderr
    assert "content/封面图.md:1: skipped: a binary file" in " ".join(result.stderr.split())
    assert (site / "build" / "index.html").is_file()


def test_yaml_errors_point_where_the_problem_starts(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    for name in ("bad_yaml.md", "tab_indented_yaml.md"):
        shutil.copy(FIXTURES / "load" / name, site / "content" / name)
    result = sitegen(site, "check")
    assert result.returncode == 1
    errors = " ".join(result.stderr.split())
    assert (
        "content/bad_yaml.md:3: front matter is not valid YAML: while scanning a quoted" in errors
    )
    assert "found unexpected end of stream (line 6); is a quote left open here?" in errors
    assert "content/tab_indented_yaml.md:5: front matter is indented with a tab" in errors


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["new", ""], "TITLE: must not be empty"),
        (["new", "   "], "TITLE: must not be empty"),
        (["new", "标题", "--category", "../etc"], "a level may not be '..'"),
        (["new", "标题", "--category", "金融/./新浪"], "a level may not be '.'"),
    ],
)
def test_new_refuses_an_empty_title_and_a_category_that_climbs(
    tmp_path: Path, args: list[str], says: str
) -> None:
    site = make_site(tmp_path / "site")
    before = snapshot(site)
    result = sitegen(site, *args)
    assert result.returncode == 2
    assert says in " ".join(result.stderr.split())
    assert snapshot(site) == before


def test_new_gives_a_taken_name_a_number_as_hexo_does_and_every_article_builds(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    made = [sitegen(site, "new", "国务院：稳增长", "-c", "政策/国务院") for _ in range(3)]
    assert [r.returncode for r in made] == [0, 0, 0]
    assert [r.stdout.split()[-1] for r in made] == [
        "content/国务院-稳增长.md",
        "content/国务院-稳增长-1.md",
        "content/国务院-稳增长-2.md",
    ]
    checked = sitegen(site, "check")
    assert checked.returncode == 0, checked.stderr
    # their bodies are the placeholder `new` writes: held back until written, or published anyway
    assert "2 articles, no errors, 0 warning(s), 3 held back" in checked.stdout
    anyway = sitegen(site, "check", "--publish-held")
    assert "5 articles, no errors" in anyway.stdout


def quickstart() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return " ".join(readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0].split())


def test_the_readme_quickstart_says_to_serve_and_the_address_it_gives_works(
    tmp_path: Path,
) -> None:
    said = quickstart()
    assert "run `make serve` and open the address it prints" in said
    assert "Open `build/index.html`" not in said
    site = tmp_path / "site"
    shutil.copytree(SEEDS, site / "content")
    shutil.copy(REPO / "site.toml", site / "site.toml")
    serving, address = start_serve(site, "--port", "0")
    try:
        assert address.startswith("http://127.0.0.1:") and address.endswith("/sitegen/")
        home = fetch(address)
        hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', home)
        articles = re.findall(r'href="((?:/sitegen/)?\d{4}/\d{2}/[^"]+/)"', home)  # or relative
        assert hrefs and articles
        for href in (hrefs[0], articles[0]):
            fetch(urljoin(address, href))
    finally:
        serving.terminate()
        serving.communicate(timeout=60)


def fetch(url: str) -> str:
    with urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read().decode("utf-8")


def test_a_sites_own_static_file_wins_over_the_generated_one_and_the_summary_says_so(
    tmp_path: Path,
) -> None:
    shutil.copytree(SEEDS, tmp_path / "content")
    (tmp_path / "site.toml").write_text('base_url = "https://user.github.io/a/"\n', "utf-8")
    own = "User-agent: *\nDisallow: /\n"
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "robots.txt").write_text(own, encoding="utf-8")
    first = sitegen(tmp_path, "build")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "build" / "robots.txt").read_text(encoding="utf-8") == own
    assert re.search(r"static files win\s+robots\.txt", first.stdout)
    (tmp_path / "content" / "new.md").write_text("---\ntitle: 新\ndate: 2023-01-01\n---\n正文\n")
    again = sitegen(tmp_path, "build")  # an incremental build keeps the site's file too
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "build" / "robots.txt").read_text(encoding="utf-8") == own
    (tmp_path / "static" / "robots.txt").unlink()
    generated = sitegen(tmp_path, "build")
    assert generated.returncode == 0, generated.stderr
    assert "Sitemap:" in (tmp_path / "build" / "robots.txt").read_text(encoding="utf-8")
    assert "static files win" not in generated.stdout


def test_a_javascript_head_image_is_left_out_of_the_page_with_a_warning_naming_file_and_key(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    (site / "content" / "坏图.md").write_text(
        "---\ntitle: 坏图\ndate: 2026-01-30 10:00\nheadimg: 'javascript:alert(1)'\n"
        "thumbnail: 'data:text/html,<script>alert(1)</script>'\n---\n<p>正文一段。</p>\n",
        encoding="utf-8",
    )
    result = sitegen(site, "build")
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert "content/坏图.md:1: headimg: 'javascript:alert(1)'" in said
    assert "content/坏图.md:1: thumbnail: 'data:text/html," in said
    built = "".join(p.read_text(encoding="utf-8") for p in (site / "build").rglob("*.html"))
    assert "javascript:" not in built and "data:text/html" not in built


def test_thousands_of_errors_show_a_screenful_and_a_count_and_json_lists_every_one(
    tmp_path: Path,
) -> None:
    """A list of errors is cut after a screenful (25,063 once scrolled every line away)."""
    site = make_site(tmp_path / "site")
    for n in range(SCREENFUL + 7):
        (site / "content" / f"bad{n:02}.md").write_text("---\ntitle: [\n---\n正文\n", "utf-8")
    result = sitegen(site, "check")
    assert result.returncode == 1
    shown = [line for line in result.stderr.splitlines() if line.startswith("error content/bad")]
    assert len(shown) == SCREENFUL
    assert "… and 7 more error(s) (`sitegen check --json` lists every one)" in result.stderr
    assert f"{SCREENFUL + 7} error(s): nothing was written" in result.stderr
    listed = json.loads(sitegen(site, "check", "--json").stdout)
    assert len(listed["errors"]) == SCREENFUL + 7
