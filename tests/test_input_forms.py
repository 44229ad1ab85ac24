"""Input as crawlers and Hexo write it: the Chinese date forms, Hexo's `_drafts/`, zero-width
characters in titles; 原文链接 and 更新于 shown where known. Real files through the real command."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from .conftest import sitegen

DATES = {
    "中文日期时间.md": ("2022年3月14日 16:58", "2022/03/中文日期时间", "2022年3月14日 16:58"),
    "中文日期.md": ("2022年3月14日", "2022/03/中文日期", "2022年3月14日"),
    "斜杠日期.md": ("2022/3/14", "2022/03/斜杠日期", "2022年3月14日"),
    "点号日期.md": ("2022.03.14", "2022/03/点号日期", "2022年3月14日"),
}


def test_chinese_dates_hexo_drafts_and_zero_width_titles(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "_drafts").mkdir(parents=True)
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    for name, (date, _, _) in DATES.items():
        body = f"<p>{name}的正文，说的是春耕备耕工作进展。</p>"
        (content / name).write_text(f"---\ntitle: {name}\ndate: {date}\n---\n{body}\n", "utf-8")
    (content / "_drafts" / "草稿.md").write_text(
        "---\ntitle: 草稿\ndate: 2022-03-14\n---\n<p>还没写完的文章。</p>\n", encoding="utf-8"
    )
    (content / "零宽.md").write_text(
        "---\ntitle: 零\u200b宽\u200d标题\ndate: 2022-03-14\n---\n<p>标题里有零宽字符。</p>\n",
        encoding="utf-8",
    )
    (content / "更新.md").write_text(
        "---\ntitle: 更新过的文章\ndate: 2022-03-14 09:00\nupdated: 2022-03-15 10:30\n"
        "link: https://www.gov.cn/zhengce/content/2022-03/14/content_1.htm\n---\n<p>正文。</p>\n",
        encoding="utf-8",
    )
    result = sitegen(tmp_path, "build")
    assert result.returncode == 0, result.stderr
    assert "drafts left out    1" in " ".join(result.stdout.split("  ")) or "1 (add --drafts" in (
        result.stdout
    )
    output = tmp_path / "build"
    for _, folder, shown in DATES.values():
        page = lxml.html.parse(str(output / folder / "index.html")).getroot()
        assert shown in page.text_content()
    assert not list(output.glob("**/草稿/index.html"))
    page = lxml.html.parse(str(output / "2022/03/零宽/index.html")).getroot()
    assert page.findtext(".//h1").strip() == "零宽标题"
    meta = lxml.html.parse(str(output / "2022/03/更新/index.html")).find(
        ".//p[@class='article-meta']"
    )
    assert "更新于：2022年3月15日 10:30" in meta.text_content()
    assert meta.xpath(".//a[text()='原文链接']/@href") == [
        "https://www.gov.cn/zhengce/content/2022-03/14/content_1.htm"
    ]
    drafts = sitegen(tmp_path, "build", "--drafts")
    assert drafts.returncode == 0 and (output / "2022/03/草稿/index.html").is_file()
