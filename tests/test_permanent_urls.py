"""Permanent URLs: the record of URLs given (urls.txt) keeps every published URL its owner's,
whatever arrives later, in whatever order, incrementally or from scratch; a moved file's old URL
and an alias redirect; a removed article leaves a notice."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest

from sitegen.cache import CACHE_DIR
from sitegen.config import SiteConfig
from sitegen.pipeline import build
from sitegen.url_record import RECORD_FILE

from .conftest import make_config, sitegen

BODY = "<p>国务院常务会议部署稳就业工作，强调加大政策支持力度，推动经济持续回升向好。</p>"


def write(
    root: Path, rel: str, title: str, body: str = BODY, date: str = "2022-03-14 16:58", **meta: str
) -> Path:
    """An article file as a crawler writes it (categories from its folders)."""
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = "".join(f"{key}: {value}\n" for key, value in meta.items())
    folders = "".join(f"  - {name}\n" for name in Path(rel).parent.parts)
    text = f"---\ntitle: '{title}'\ndate: {date}\ncategories:\n{folders}{extra}---\n{body}"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> SiteConfig:
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/archive/"\n')
    return make_config(tmp_path, base_url="https://example.org/archive/")


def pages(config: SiteConfig) -> dict[str, str]:
    """Every article page's title → its URL (from its canonical link), and every feed id."""
    found = {}
    for path in config.output_path.glob("20*/**/index.html"):
        doc = lxml.html.parse(str(path)).getroot()
        if doc.find(".//article") is not None:
            canonical = unquote(doc.xpath("//link[@rel='canonical']/@href")[0])
            found[canonical] = doc.findtext(".//h1").strip()
    return found


def feed_ids(config: SiteConfig) -> set[str]:
    text = (config.output_path / "atom.xml").read_text(encoding="utf-8")
    return set(re.findall(r"<entry>.*?<id>(.*?)</id>", text, re.DOTALL))


def from_scratch(config: SiteConfig) -> None:
    """What a fresh clone has: the content and the record, no output, no cache."""
    shutil.rmtree(config.output_path)
    shutil.rmtree(config.root / CACHE_DIR)
    build(config)


@pytest.mark.parametrize("folder", ["a-first", "z-last"])
@pytest.mark.parametrize("scratch", [False, True])
def test_a_copy_arriving_later_takes_the_suffix_never_the_published_url(
    site: SiteConfig, folder: str, scratch: bool
) -> None:
    write(site.root, "m/财经/100万吨国家钾肥储备投放保春耕.md", "100万吨国家钾肥储备投放保春耕")
    build(site)
    published, ids = pages(site), feed_ids(site)
    assert len(published) == 1 and len(ids) == 1
    write(
        site.root,
        f"{folder}/另一个源/100万吨国家钾肥储备投放保春耕.md",
        "100万吨国家钾肥储备投放保春耕",
        date="2022-03-15 09:00",  # another feed's copy, a day later
    )
    from_scratch(site) if scratch else build(site)
    now = pages(site)
    assert len(now) == 2 and set(published) < set(now)  # the published URL stays, a new one added
    assert ids <= feed_ids(site)  # the copy is listed once, under the published one
    record = (site.root / RECORD_FILE).read_text(encoding="utf-8")
    assert record.count("\tarticle\t") == 2 and "\tcategory\t" in record


def test_without_a_record_two_derived_slugs_that_meet_both_get_a_hash(site: SiteConfig) -> None:
    """The first build's rule (unchanged: the real corpus keeps every URL it had)."""
    write(site.root, "a/同题.md", "同题")
    write(site.root, "b/同题.md", "同题")
    build(site)
    assert all("/同题-" in url for url in pages(site))


def test_a_category_or_tag_that_would_collide_changes_no_existing_url(site: SiteConfig) -> None:
    write(site.root, "新闻/Policy/一.md", "一", tags="[AI]")
    build(site)
    policy = site.output_path / "categories/新闻/Policy/index.html"
    tag = site.output_path / "tags/ai/index.html"
    assert policy.is_file() and tag.is_file()
    write(site.root, "新闻/policy/二.md", "二", tags="[ai]")
    from_scratch(site)
    assert policy.is_file() and tag.is_file()
    assert "二" not in policy.read_text() and "一" in tag.read_text()
    folders = [p.name for p in (site.output_path / "categories/新闻").iterdir() if p.is_dir()]
    assert sorted(folders)[0] == "Policy" and sorted(folders)[1].startswith("policy-")
    assert len(list((site.output_path / "tags").glob("ai-*/index.html"))) == 1


def test_a_removed_article_leaves_a_notice_until_its_line_is_deleted(site: SiteConfig) -> None:
    gone = write(site.root, "m/撤回的文章.md", "撤回的文章")
    write(
        site.root,
        "m/留下的文章.md",
        "留下的文章",
        body="<p>另一篇文章，说的是别的事情，与前一篇无关。</p>",
    )
    build(site)
    page = site.output_path / "2022/03/撤回的文章/index.html"
    assert "撤回的文章" in page.read_text()
    gone.unlink()
    build(site)
    notice = page.read_text()
    assert "文章已撤回" in notice and 'content="noindex"' in notice
    for listing in ("atom.xml", "sitemap-1.xml", "index.html"):
        assert "撤回的文章" not in (site.output_path / listing).read_text()
    assert "撤回的文章" not in "".join(
        p.read_text(errors="replace") for p in (site.output_path / "search-index").rglob("*.json")
    )
    record = site.root / RECORD_FILE
    lines = record.read_text().splitlines(keepends=True)
    record.write_text("".join(line for line in lines if "撤回的文章" not in line))
    build(site)
    assert not page.exists()


def test_a_file_moved_with_its_body_redirects_from_its_old_url(site: SiteConfig) -> None:
    old = write(site.root, "m/旧名字.md", "标题")
    build(site)
    new = site.root / "content" / "n" / "新名字.md"
    new.parent.mkdir()
    old.rename(new)
    from_scratch(site)
    redirect = (site.output_path / "2022/03/旧名字/index.html").read_text()
    assert 'http-equiv="refresh"' in redirect and "/archive/2022/03/新名字/" in redirect
    assert "文章已撤回" not in redirect
    record = (site.root / RECORD_FILE).read_text()
    assert "旧名字.md" not in record and record.count("n/新名字.md") == 2


def test_aliases_redirect_and_a_taken_alias_is_an_error(site: SiteConfig) -> None:
    write(site.root, "m/文章.md", "文章", aliases="['/old/page.html', /2020/01/%E6%97%A7/]")
    build(site)
    for alias in ("old/page.html", "2020/01/旧/index.html"):
        doc = lxml.html.parse(str(site.output_path / alias)).getroot()
        assert doc.xpath("//link[@rel='canonical']/@href") == [
            "https://example.org/archive/2022/03/%E6%96%87%E7%AB%A0/"
        ]
        assert doc.xpath("//meta[@http-equiv='refresh']/@content") == [
            "0; url=/archive/2022/03/文章/"
        ]
    write(site.root, "m/另一篇.md", "另一篇", body="<p>别的内容。</p>", aliases="/2022/03/文章/")
    result = sitegen(site.root, "build")
    assert result.returncode == 1
    assert "另一篇.md:1: alias /2022/03/文章/ is the URL of m/文章.md" in result.stderr


def test_check_and_serve_read_the_record_but_only_build_writes_it(site: SiteConfig) -> None:
    write(site.root, "m/文章.md", "文章")
    assert sitegen(site.root, "check").returncode == 0
    assert not (site.root / RECORD_FILE).exists()
    assert sitegen(site.root, "build", "--drafts").returncode == 0
    assert not (site.root / RECORD_FILE).exists()
    assert sitegen(site.root, "build").returncode == 0
    assert "/2022/03/文章/\tarticle\t" in (site.root / RECORD_FILE).read_text()


def test_a_broken_record_is_an_error_naming_its_line(site: SiteConfig) -> None:
    write(site.root, "m/文章.md", "文章")
    (site.root / RECORD_FILE).write_text("# comment\n/2022/03/x/\tnonsense\n")
    result = sitegen(site.root, "build")
    assert (
        result.returncode == 1 and f"{RECORD_FILE}:2: not a line of the URL record" in result.stderr
    )
