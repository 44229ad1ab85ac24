"""Crawler junk held back, never lost: error and challenge pages, placeholder bodies and items
dated beyond the build's now are not published, each is listed with its reason, and a flag or a
front-matter key publishes one anyway. Real files, the real command."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from .conftest import sitegen
from .sitecheck import tree_digest

REAL = "<p>国务院常务会议部署稳就业工作，强调加大政策支持力度，推动经济持续回升向好。</p>"
JUNK = {
    "钾肥储备投放.md": (
        "100万吨国家钾肥储备投放保春耕",
        "<h1>404 Not Found</h1><hr><center>nginx</center>",
    ),
    "拒绝访问.md": (
        "稳增长政策",
        "<h1>Access Denied</h1>You don't have permission to access this server."
        "<p>Reference #18.2f3e4017.1647247124.3a1b2c</p>",
    ),
    "页面没有找到.md": ("关于做好春耕工作的通知", "<p>页面没有找到 5秒后自动返回首页</p>"),
    "挑战.md": (
        "央行公告",
        "<p>Just a moment...</p><p>Checking your browser before accessing.</p>",
    ),
}


def write(site: Path, name: str, title: str, body: str, date: str = "2022-03-14 16:58") -> Path:
    path = site / "content" / name
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    write(tmp_path, "真文章.md", "真文章", REAL)
    for name, (title, body) in JUNK.items():
        write(tmp_path, name, title, body)
    write(tmp_path, "未来.md", "未来的文章", REAL.replace("稳就业", "稳外贸"), "2030-01-01 08:00")
    assert sitegen(tmp_path, "new", "新的标题").returncode == 0  # its untouched body
    return tmp_path


def test_junk_and_future_items_are_held_back_and_listed_with_their_reason(site: Path) -> None:
    result = sitegen(site, "build", "--now", "2026-12-01T00:00+08:00")
    assert result.returncode == 0, result.stderr
    said = result.stderr
    for name in set(JUNK) - {"挑战.md"}:
        assert f"held content/{name}: held back: its body is an error page" in said
    assert "content/挑战.md: held back: its body is a challenge page" in said
    assert "content/新的标题.md: held back: its body is a placeholder body" in said
    assert "content/未来.md: held back: dated 2030-01-01T08:00:00+08:00, beyond now" in said
    assert "6 (listed above; --publish-held publishes them)" in result.stdout
    output = site / "build"
    published = {p.parent.name for p in output.glob("20*/*/*/index.html")}
    assert published == {"真文章"}
    for listing in ("atom.xml", "sitemap-1.xml", "index.html"):
        text = unquote((output / listing).read_text(encoding="utf-8"))
        assert "真文章" in text and "钾肥" not in text and "未来的文章" not in text


def test_a_flag_or_a_front_matter_key_publishes_one_anyway(site: Path) -> None:
    path = site / "content" / "未来.md"
    path.write_text(path.read_text().replace("---\n", "---\nhold: false\n", 1), encoding="utf-8")
    assert sitegen(site, "build", "--now", "2026-12-01").returncode == 0
    assert (site / "build/2030/01/未来/index.html").is_file()
    assert not (site / "build/2022/03/拒绝访问/index.html").exists()
    assert sitegen(site, "build", "--now", "2026-12-01", "--publish-held").returncode == 0
    assert (site / "build/2022/03/拒绝访问/index.html").is_file()


def test_the_build_s_now_makes_a_build_from_scratch_reproducible(site: Path) -> None:
    """SOURCE_DATE_EPOCH (2030-01-02) is the build's now: the item of 2030-01-01 is due."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1893542400"}
    digests = []
    for _ in range(2):
        shutil.rmtree(site / "build", ignore_errors=True)
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        result = sitegen(site, "build", env=env)
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(site / "build"))
    assert digests[0] == digests[1]
    assert "2030/01/未来/index.html" in digests[0]
