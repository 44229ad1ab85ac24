"""`sitegen init` and `sitegen new`: files written for the user to edit, never into build/."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from sitegen.config import SiteConfig
from sitegen.content.normalize import slugify

SITE_TOML = """\
# The site's configuration. Every key is optional; the README lists them all.
title = "我的政策新闻档案"
description = "政策新闻存档"
base_url = "https://example.github.io/archive/"
language = "zh-CN"
timezone = "Asia/Shanghai"
per_page = 20
"""

README = """\
# {name}

A site built with sitegen. Build it with `sitegen build` (output in build/), check it with
`sitegen check`, add an article with `sitegen new "标题" --category 金融/新浪财经`.
"""


def front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def new_article(config: SiteConfig, title: str, category: str | None, now: datetime) -> Path:
    """Write content/<slug>.md with title, date (now, site time zone) and categories filled in."""
    meta: dict = {"title": title, "date": now.strftime("%Y-%m-%d %H:%M:%S")}
    if category:
        meta["categories"] = [c.strip() for c in category.split("/") if c.strip()]
    meta["tags"] = []
    path = config.content_path / f"{slugify(title)}.md"
    if path.exists():
        raise FileExistsError(f"{path} already exists; choose another title")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front_matter(meta) + "\n在这里写正文（Markdown 或 HTML）。\n", encoding="utf-8")
    return path


def init_site(directory: Path) -> Path:
    """A new site folder; refuses a folder that already has files, so nothing is overwritten."""
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty; choose a new folder")
    (directory / "content").mkdir(parents=True, exist_ok=True)
    (directory / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    (directory / "README.md").write_text(README.format(name=directory.name), encoding="utf-8")
    (directory / ".gitignore").write_text("build/\n.sitegen-cache/\n", encoding="utf-8")
    example = {
        "title": "欢迎使用 sitegen",
        "date": "2022-03-14 16:58:44",
        "categories": ["示例", "入门"],
        "tags": ["sitegen"],
    }
    body = (
        "\n这是一篇示例文章。正文可以是 Markdown，也可以是从网页抓取的 HTML，"
        "sitegen 会清理其中的广告、样式和脚本。\n\n"
        '## 下一步\n\n- 运行 `sitegen new "标题"` 新建文章\n- 运行 `sitegen build` 生成网站\n'
    )
    (directory / "content" / "welcome.md").write_text(
        front_matter(example) + body, encoding="utf-8"
    )
    return directory
