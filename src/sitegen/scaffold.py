"""`sitegen init` and `sitegen new`: files written for the user to edit, never into build/."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import yaml

from sitegen import provenance, url_record
from sitegen.config import SiteConfig, load_config
from sitegen.content.junk import NEW_ARTICLE_BODY
from sitegen.content.normalize import clean_text, slugify
from sitegen.errors import ConfigError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

SITE_TOML = """\
# The site's configuration. Every key is optional; the README lists them all.
title = "我的政策新闻档案"
description = "政策新闻存档"
base_url = "https://example.github.io/archive/"
language = "zh-CN"
timezone = "Asia/Shanghai"
# Cards on a list page: 100, not the 50 of a site without the key (its URLs are published: keep
# it): half the list pages, ~85 B an article less of what Pages counts at 100,000 articles.
per_page = 100
# Related articles under each article: 2, not the 3 of a site without the key (190 B an article
# less of what Pages counts on real-shaped articles).
related = 2
# cname = "archive.example.org"   # a custom domain for GitHub Pages (then base_url on it too)
# disable_kinds = ["sources"]     # pages not made (and not linked): documents, sources, tags

# Each article a file, 2026/01/slug.html (GitHub Pages serves it at /2026/01/slug too), not a
# folder: about 600 B less an article of what Pages counts; the sitemap's parts gzipped (crawlers
# read them as they are; 250 B less an article); a slug made from a long file name cut to 40 bytes
# (about 11 Chinese characters) with a hash: a slug is written ~9 times (its page's canonical link,
# others' related links, lists, the sitemap), 220 B an article less than 85 bytes on real titles,
# and `./2026/01/<slug>.html` fits a tar header. Their URLs are published: keep all three.
[permalinks]
article = "/{year}/{month}/{slug}.html"
sitemap_part = "/sitemap-{n}.xml.gz"
slug_max_bytes = 40
"""

README = """\
# {name}

A site built with sitegen. Install it with `pip install -r requirements.txt`, build it with
`sitegen build` (output in build/), check it with `sitegen check`, add an article with
`sitegen new "标题" --category 金融/新浪财经`.

## Publishing

- On every push to the default branch, `.github/workflows/pages.yml` builds the site for the
  repository's Pages address and publishes it (Settings → Pages → Source: GitHub Actions). It
  installs what `requirements.txt` names: the sitegen that wrote this site.
- Or from your machine: `sitegen deploy` builds afresh, commits build/ to the `gh-pages` branch
  and pushes it (Settings → Pages → Source: Deploy from a branch, `gh-pages`).
- A custom domain: `cname = "archive.example.org"` in site.toml, and base_url on that domain.
- An archive in parts (`[[parts]]` in site.toml): the workflow builds a job per part and pushes
  each part after the first to its own repository, with the secret `SITEGEN_PARTS_TOKEN` (a
  fine-grained token that may write those repositories' contents): see sitegen's README, "An
  archive in parts".
- Size: GitHub Pages publishes at most 1 GB, counted as the tar of build/ that is uploaded.
  `sitegen build` shows that size and warns past 80% of `[publish] size_limit` (default "1 GB");
  `sitegen deploy` refuses more. The workflow keeps
  `.sitegen-cache/` and build/ between runs, so a push that adds an article renders only what changed.
"""

REQUIREMENTS = """\
# What `pip install -r requirements.txt` installs, here and in .github/workflows/pages.yml: the
# sitegen that wrote this site (`sitegen init` read where it was installed from). Pin another
# version, commit or wheel on this line to build with that one.
{requirement}
"""

# The action versions are the newest majors actionlint knows (tests/test_workflows.py runs it).
PAGES_WORKFLOW = """\
# Builds the site and publishes it with GitHub Pages on every push to the default branch.
# Enable it once: Settings → Pages → Build and deployment → Source: "GitHub Actions".
# An archive in parts (site.toml's [[parts]]) is built a part per job (`parts` below): the front
# door is published here, every other part pushed to the gh-pages branch of its own repository
# (its `remote`). That push needs one secret: a fine-grained personal access token with
# "Contents: Read and write" on the parts' repositories, saved in this repository as
# SITEGEN_PARTS_TOKEN (Settings → Secrets and variables → Actions). sitegen's README, "An
# archive in parts", says how, step by step.
name: Publish to GitHub Pages

on:
  push:
  workflow_dispatch:

permissions:
  contents: write  # to commit urls.txt back
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  plan:
    # Pushes to other branches start the workflow (`on:` cannot name the default branch) and stop here.
    if: github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    outputs:
      parts: ${{ steps.parts.outputs.parts }}
    steps:
      - uses: actions/checkout@v7
        with:
          sparse-checkout: site.toml
          sparse-checkout-cone-mode: false
      - name: Read the parts site.toml declares (none for a site in one piece)
        id: parts
        shell: python3 {0}
        run: |
          import json, os, re, sys, tomllib
          with open("site.toml", "rb") as file:
              declared = tomllib.load(file).get("parts", [])
          legs = []
          for i, part in enumerate(declared):
              remote = part.get("remote", "")
              found = re.search(r"github[.]com[:/]([^/]+/[^/]+?)(?:[.]git)?/?$", remote)
              if i and not found:
                  sys.exit(f"part {part['name']!r}: remote must name its GitHub repository "
                           f"(git@github.com:USER/REPO.git), got {remote!r}")
              repository = found[1] if i and found else ""
              legs.append({"name": part["name"], "front": i == 0, "repository": repository})
          with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
              print(f"parts={json.dumps(legs) if legs else ''}", file=out)

  build:
    needs: plan
    if: needs.plan.outputs.parts == ''
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v7
      - uses: actions/setup-python@v7
        with:
          python-version: "3.11"
          cache: pip
      - name: Install sitegen
        run: pip install -r requirements.txt
      - name: Find the Pages address
        id: pages
        uses: actions/configure-pages@v6
      # sitegen's cache (normalized articles, page manifests) and the last output, kept between
      # runs: a push that adds one article restores the newest by prefix and renders only what
      # changed. (A checkout gives every file a new mtime: each is digested again, ~1 s per 10,000.)
      - name: Restore sitegen's cache and the last output
        uses: actions/cache@v6
        with:
          path: |
            .sitegen-cache
            build
          key: sitegen-${{ hashFiles('requirements.txt') }}-${{ github.sha }}
          restore-keys: sitegen-${{ hashFiles('requirements.txt') }}-
      - name: Build
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: sitegen build --base-url "$BASE_URL"
      # The URLs this build gave (urls.txt) are committed back, so the next build, from a fresh
      # checkout, gives no published URL to another page.
      - name: Commit the record of URLs given
        run: |
          git add urls.txt
          if ! git diff --cached --quiet; then
            git -c user.name="github-actions[bot]" \
                -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
                commit --quiet -m "urls.txt: the URLs this build gave"
            git push --quiet origin "HEAD:${GITHUB_REF_NAME}"
          fi
      - name: Stop before uploading what Pages would not publish (a tar over 1 GB)
        run: |
          # upload-pages-artifact uploads this tar of build/: its bytes are what Pages counts
          size=$(tar --dereference --hard-dereference -C build -cf - . | wc -c)
          if [ "$size" -gt 1000000000 ]; then
            echo "::error::the upload (a tar of build/) is $size bytes, over GitHub Pages' 1 GB: see README, Past 1 GB"
            exit 1
          fi
      - uses: actions/upload-pages-artifact@v5
        with:
          path: build

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Publish
        id: deployment
        uses: actions/deploy-pages@v5

  # An archive in parts: a job per part, each on a runner of its own with a cache of its own, one
  # after another (each takes the record of URLs, urls.txt, as the one before left it).
  parts:
    needs: plan
    if: needs.plan.outputs.parts != ''
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 1
      matrix:
        part: ${{ fromJSON(needs.plan.outputs.parts) }}
    env:
      PART: ${{ matrix.part.name }}
      REPOSITORY: ${{ matrix.part.repository }}
    steps:
      - name: Stop without the secret that pushes to the parts' repositories
        if: ${{ !matrix.part.front }}
        env:
          TOKEN: ${{ secrets.SITEGEN_PARTS_TOKEN }}
        run: |
          if [ -z "$TOKEN" ]; then
            echo "::error::part $PART is pushed to $REPOSITORY: add the secret SITEGEN_PARTS_TOKEN (see the top of this file)"
            exit 1
          fi
      - uses: actions/checkout@v7
      - uses: actions/setup-python@v7
        with:
          python-version: "3.11"
          cache: pip
      - name: Install sitegen
        run: pip install -r requirements.txt
      - name: Find the front door's Pages address
        id: pages
        uses: actions/configure-pages@v6
      - name: Restore this part's cache and its last output
        uses: actions/cache@v6
        with:
          path: |
            .sitegen-cache
            build/${{ matrix.part.name }}
          key: sitegen-${{ matrix.part.name }}-${{ hashFiles('requirements.txt') }}-${{ github.sha }}
          restore-keys: sitegen-${{ matrix.part.name }}-${{ hashFiles('requirements.txt') }}-
      - name: Take the record of URLs as the part before left it
        run: |
          git fetch --quiet origin "$GITHUB_REF_NAME"
          git checkout FETCH_HEAD -- urls.txt
      - name: Take the older parts' shelves (their articles' copies and related ones link there)
        if: ${{ !matrix.part.front }}
        uses: actions/download-artifact@v7
        with:
          pattern: shelf-*
          path: .sitegen-cache
          merge-multiple: true
      - name: Build this part
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: sitegen build --part "$PART" --base-url "$BASE_URL"
      - name: Keep this part's shelf for the newer parts' jobs
        uses: actions/upload-artifact@v6
        with:
          name: shelf-${{ matrix.part.name }}
          path: .sitegen-cache/shelf-${{ matrix.part.name }}.pickle
          retention-days: 1
      - name: Commit the record of URLs given
        run: |
          git reset --quiet FETCH_HEAD  # the branch as it is now: the commit changes urls.txt only
          git add urls.txt
          if ! git diff --cached --quiet; then
            bot="github-actions[bot]"
            git -c user.name="$bot" -c user.email="41898282+$bot@users.noreply.github.com" commit --quiet -m "urls.txt: the URLs part $PART gave"
            git push --quiet origin "HEAD:${GITHUB_REF_NAME}"
          fi
      - name: Stop before uploading what Pages would not publish (a tar over 1 GB)
        run: |
          size=$(tar --dereference --hard-dereference -C "build/$PART" -cf - . | wc -c)
          if [ "$size" -gt 1000000000 ]; then
            echo "::error::part $PART (a tar of build/$PART) is $size bytes, over GitHub Pages' 1 GB: close it and declare the next (README: An archive in parts)"
            exit 1
          fi
      - if: matrix.part.front
        uses: actions/upload-pages-artifact@v5
        with:
          path: build/${{ matrix.part.name }}
      - name: Push this part to its repository's gh-pages (one commit, the build as it is)
        if: ${{ !matrix.part.front }}
        uses: peaceiris/actions-gh-pages@v4
        with:
          personal_token: ${{ secrets.SITEGEN_PARTS_TOKEN }}
          external_repository: ${{ matrix.part.repository }}
          publish_branch: gh-pages
          publish_dir: build/${{ matrix.part.name }}
          force_orphan: true
          user_name: "github-actions[bot]"
          user_email: "41898282+github-actions[bot]@users.noreply.github.com"

  deploy-front-door:
    needs: parts
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Publish the front door
        id: deployment
        uses: actions/deploy-pages@v5
"""


def front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _category_path(category: str) -> list[str]:
    """`金融/新浪财经` → its levels; a level that is `.`, `..` or holds control characters is
    refused here rather than breaking the next build."""
    levels = [level.strip() for level in category.split("/") if level.strip()]
    for level in levels:
        if level in (".", "..") or _CONTROL.search(level):
            raise ConfigError(
                "--category",
                f"{category!r}: a level may not be {level!r}; levels are names separated by /, "
                "e.g. 金融/新浪财经",
            )
    return levels


def _write_free(folder: Path, stem: str, text: str) -> Path:
    """Write `stem.md`, or `stem-1.md`, `stem-2.md`… when taken, as Hexo does; never overwrite."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = 0
    while True:
        path = folder / (f"{stem}-{taken}.md" if taken else f"{stem}.md")
        try:
            with path.open("x", encoding="utf-8") as file:
                file.write(text)
        except FileExistsError:
            taken += 1
            continue
        return path


def new_article(config: SiteConfig, title: str, category: str | None, now: datetime) -> Path:
    """Write content/<slug>.md with title, date (now, site time zone) and categories filled in."""
    title = clean_text(title).strip()
    if not title:
        raise ConfigError("TITLE", 'must not be empty: sitegen new "文章标题"')
    meta: dict = {"title": title, "date": now.strftime("%Y-%m-%d %H:%M:%S")}
    if category:
        meta["categories"] = _category_path(category)
    meta["tags"] = []
    body = front_matter(meta) + f"\n{NEW_ARTICLE_BODY}\n"
    return _write_free(config.content_path, slugify(title), body)


def init_site(directory: Path) -> Path:
    """A new site folder, ready to publish; refuses a folder that has files, so nothing is overwritten."""
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty; choose a new folder")
    (directory / "content").mkdir(parents=True, exist_ok=True)
    (directory / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    (directory / "README.md").write_text(README.format(name=directory.name), encoding="utf-8")
    (directory / ".gitignore").write_text(
        "build/\n.build.next/\n.build.lock\n.sitegen-cache/\nimages/store/\n", encoding="utf-8"
    )
    requirements = REQUIREMENTS.format(requirement=provenance.requirement())
    (directory / "requirements.txt").write_text(requirements, encoding="utf-8")
    workflows = directory / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "pages.yml").write_text(PAGES_WORKFLOW, encoding="utf-8")
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
    _record_urls(directory)
    return directory


def _record_urls(directory: Path) -> None:
    """The record of the URLs the example gets (urls.txt), so that the first commit holds it
    and the first deploy publishes URLs already committed."""
    from sitegen.pipeline import prepare  # here: only init needs the pipeline

    sites, _ = prepare(
        load_config(directory / "site.toml"), drafts=False, skip_bad=False, jobs=1, cache=False
    )
    url_record.save(directory, sites[0].record, url_record.read_text(directory))
