"""An archive in parts (sitegen.parts): declared in site.toml, each part built into its folder,
no published URL moved, an edit in one span changing that part's files only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.errors import ConfigError
from sitegen.pages.across import hashed
from sitegen.size import measure
from sitegen.url_record import RECORD_FILE

from .conftest import sitegen
from .sitecheck import html_files, internal_targets, parse, resolve

SITE = 'title = "档案"\nbase_url = "https://user.github.io/archive/"\n'
PARTS = """
[[parts]]
name = "main"
to = 2023-08-31

[[parts]]
name = "p2023"
from = 2023-09-01
to = 2023-12-31
base_url = "https://user.github.io/archive-2023/"

[[parts]]
name = "p2024"
from = "2024-01-01"
base_url = "https://user.github.io/archive-2024"
"""
ARTICLES = {
    "a1": ("2022-03-01", "金融", "稳增长 政策 发布"),
    "a2": ("2022-09-01", "经济", "财政 支出 稳增长"),
    "b1": ("2023-04-01", "金融", "货币 政策 稳增长"),
    "b2": ("2023-08-01", "经济", "就业 政策"),
}
LATER = {
    "b3": ("2023-10-01", "金融", "稳增长 晚到的文章"),
    "c1": ("2024-02-01", "金融", "稳增长 新规 出台"),
    "c2": ("2024-06-01", "经济", "专项债 稳增长"),
}


def write(content: Path, articles: dict[str, tuple[str, str, str]]) -> None:
    content.mkdir(exist_ok=True)
    for name, (day, category, text) in articles.items():
        (content / f"{name}.md").write_text(
            f"---\ntitle: 文章{name}\ndate: {day}\ncategories: [{category}]\ntags: [两会]\n---\n\n"
            f"{text}，这是{name}的正文。\n",
            encoding="utf-8",
        )


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.endswith(".next") for part in p.parts)
    }


def build(root: Path) -> None:
    result = sitegen(root, "build")
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site published whole (2022 to August 2023), then declared as three parts, the front
    door's span holding what it published, with newer articles."""
    root = tmp_path_factory.mktemp("parts")
    (root / "site.toml").write_text(SITE, encoding="utf-8")
    write(root / "content", ARTICLES)
    build(root)
    (root / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(root / "content", LATER)
    build(root)
    return root


def test_each_part_is_built_into_its_folder_and_nothing_else_stays(archive: Path) -> None:
    output = archive / "build"
    shown = sorted(p.name for p in output.iterdir() if not p.name.startswith("."))
    assert shown == ["main", "p2023", "p2024"]
    for name in shown:
        assert (output / name / "index.html").is_file()
        assert (output / name / "sitemap.xml").is_file()


def test_published_articles_stay_on_the_front_door_and_new_ones_go_by_date(archive: Path) -> None:
    output = archive / "build"
    for article in ("2022/03/a1", "2022/09/a2", "2023/04/b1", "2023/08/b2"):
        assert (output / "main" / article / "index.html").is_file(), article
    assert (output / "p2023" / "2023/10/b3/index.html").is_file()
    assert not (output / "main" / "2023/10/b3").exists()
    assert (output / "p2024" / "2024/02/c1/index.html").is_file()
    assert (output / "p2024" / "2024/06/c2/index.html").is_file()
    assert not (output / "p2023" / "2023/04/b1").exists()
    record = (archive / RECORD_FILE).read_text(encoding="utf-8")
    assert "\tb3.md\tp2023\n" in record
    assert "\tc1.md\tp2024\n" in record
    assert "\tb1.md\n" in record  # the front door's lines are as they were


def test_parts_json_lists_every_part_on_the_front_door(archive: Path) -> None:
    listing = json.loads((archive / "build/main/parts.json").read_text(encoding="utf-8"))
    assert listing["parts"] == [
        {
            "name": "main",
            "from": None,
            "to": "2023-08-31",
            "url": "https://user.github.io/archive/",
        },
        {
            "name": "p2023",
            "from": "2023-09-01",
            "to": "2023-12-31",
            "url": "https://user.github.io/archive-2023/",
        },
        {
            "name": "p2024",
            "from": "2024-01-01",
            "to": None,
            "url": "https://user.github.io/archive-2024/",
        },
    ]
    assert not (archive / "build/p2023/parts.json").exists()


def test_a_closed_parts_search_index_has_no_tail_and_the_open_one_has(archive: Path) -> None:
    """A part with an end grows no more: a query would fetch its tail's files for nothing."""
    tails = {}
    for name in ("main", "p2023", "p2024"):
        folder = archive / "build" / name / "search-index"
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        tails[name] = (index["tail"] == index["docs"], (folder / "t").exists())
    assert tails == {"main": (True, False), "p2023": (True, False), "p2024": (False, True)}


def test_each_part_links_under_its_own_address(archive: Path) -> None:
    page = parse(archive / "build/p2024/2024/02/c1/index.html")  # its links resolved
    assert page.xpath("//body/header/a/@href") == ["/archive-2024/"]
    sitemap = (archive / "build/p2024/sitemap-1.xml").read_text(encoding="utf-8")
    assert "https://user.github.io/archive-2024/2024/02/c1/" in sitemap
    assert "2023/10/b3" not in sitemap


def summaries(root: Path) -> dict[str, dict[str, object]]:
    """`sitegen build --json`: each part's summary, by the folder it was built into."""
    result = sitegen(root, "build", "--json")
    assert result.returncode == 0, result.stderr + result.stdout
    decoder, text, found = json.JSONDecoder(), result.stdout.strip(), {}
    while text:
        data, end = decoder.raw_decode(text)
        found[Path(data["output"]).name] = data
        text = text[end:].strip()
    return found


def test_an_edit_in_an_old_span_changes_only_that_parts_files(tmp_path: Path) -> None:
    """An older part's build has nothing to do (its inputs are its own files and its share of
    urls.txt); a newer one plans again (it links the older parts' copies and related articles,
    sitegen.older) but writes nothing, its pages' keys unchanged."""
    (tmp_path / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(tmp_path / "content", {**ARTICLES, **LATER})
    build(tmp_path)
    before = {name: files(tmp_path / "build" / name) for name in ("main", "p2023", "p2024")}
    edited = tmp_path / "content/b3.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    built = summaries(tmp_path)
    after = {name: files(tmp_path / "build" / name) for name in ("main", "p2023", "p2024")}
    assert after["main"] == before["main"]
    assert after["p2024"] == before["p2024"]
    changed = {f for f in after["p2023"] if after["p2023"][f] != before["p2023"].get(f)}
    assert "2023/10/b3/index.html" in changed
    assert {name: s["up_to_date"] for name, s in built.items()} == {
        "main": True,
        "p2023": False,
        "p2024": False,
    }
    assert built["p2024"]["written"] == 0


def test_an_edit_in_the_newest_part_leaves_the_closed_ones_with_nothing_to_do(
    tmp_path: Path,
) -> None:
    """An edited article, and a new one with a category and a tag no part had, in the open
    part: only its build plans anything (the names' new lines in urls.txt are not the closed
    parts' inputs: their own names' lines are)."""
    (tmp_path / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(tmp_path / "content", {**ARTICLES, **LATER})
    build(tmp_path)
    edited = tmp_path / "content/c2.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    (tmp_path / "content/c3.md").write_text(
        "---\ntitle: 文章c3\ndate: 2024-07-01\ncategories: [新领域]\ntags: [新标签]\n---\n\n又一篇。\n",
        encoding="utf-8",
    )
    built = summaries(tmp_path)
    record = (tmp_path / RECORD_FILE).read_text(encoding="utf-8")
    assert "\tcategory\t新领域\n" in record and "\ttag\t新标签\n" in record
    assert [built[name]["up_to_date"] for name in ("main", "p2023", "p2024")] == [
        True,
        True,
        False,
    ]
    assert built["p2024"]["articles"] == 3
    assert (tmp_path / "build/p2024/2024/07/c3/index.html").is_file()
    again = summaries(tmp_path)  # the record as the open part left it: still nothing to do
    assert [again[name]["up_to_date"] for name in ("main", "p2023", "p2024")] == [True] * 3


def test_each_part_reads_only_its_own_files(tmp_path: Path) -> None:
    """A part's build loads the files of its span (and those urls.txt places in it) only: a
    draft, a file held back and a file with a warning are each counted by their part alone."""
    (tmp_path / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(tmp_path / "content", {**ARTICLES, **LATER})
    (tmp_path / "content/draft.md").write_text(
        "---\ntitle: 草稿\ndate: 2024-03-01\ndraft: true\n---\n\n草稿正文。\n", encoding="utf-8"
    )
    (tmp_path / "content/odd.md").write_text(
        "---\ntitle: 旧闻\ndate: 2023-11-01\nimage: javascript:alert(1)\n---\n\n正文。\n",
        encoding="utf-8",
    )
    built = summaries(tmp_path)
    assert {name: s["drafts"] for name, s in built.items()} == {"main": 0, "p2023": 0, "p2024": 1}
    warned = {name: [w["path"] for w in s["warnings"]] for name, s in built.items()}  # type: ignore[union-attr]
    assert warned["main"] == warned["p2024"] == []
    assert [Path(path).name for path in warned["p2023"]] == ["odd.md"]
    assert {name: s["articles"] for name, s in built.items()} == {"main": 4, "p2023": 2, "p2024": 2}


def test_adding_a_part_moves_no_published_url(tmp_path: Path) -> None:
    """Two parts, the second open-ended; closing it before what it published is refused, naming
    the article; closed after it, with a third part declared, nothing published moves."""
    two = PARTS.split('[[parts]]\nname = "p2024"')[0].replace("to = 2023-12-31\n", "")
    (tmp_path / "site.toml").write_text(SITE + two, encoding="utf-8")
    write(tmp_path / "content", {**ARTICLES, **LATER})
    build(tmp_path)
    assert (tmp_path / "build/p2023/2024/02/c1/index.html").is_file()
    record = (tmp_path / RECORD_FILE).read_text(encoding="utf-8")
    (tmp_path / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    refused = sitegen(tmp_path, "build")
    assert refused.returncode == 1
    assert "c1.md:1: published in part 'p2023' (urls.txt) but dated 2024-02-01" in refused.stderr
    assert "widen part 'p2023'" in refused.stderr
    closed = PARTS.replace("to = 2023-12-31", "to = 2024-06-30").replace(
        'from = "2024-01-01"', 'from = "2024-07-01"'
    )
    (tmp_path / "site.toml").write_text(SITE + closed, encoding="utf-8")
    write(tmp_path / "content", {"c3": ("2024-09-01", "金融", "新的一年")})
    build(tmp_path)
    assert (tmp_path / "build/p2023/2024/02/c1/index.html").is_file()
    assert (tmp_path / "build/p2024/2024/09/c3/index.html").is_file()
    assert not (tmp_path / "build/p2024/2024/02/c1").exists()
    kept = (tmp_path / RECORD_FILE).read_text(encoding="utf-8")
    assert set(record.splitlines()) <= set(kept.splitlines())


@pytest.mark.parametrize(
    ("parts", "line", "says"),
    [
        ('[[parts]]\nname = "Main"\n', 5, "parts[1].name: must be a short folder name"),
        ('[[parts]]\nname = "a"\nto = 2022-12-31\n[[parts]]\nname = "b"\n', 7, "parts[2].from"),
        (
            '[[parts]]\nname = "a"\nto = 2022-12-31\n[[parts]]\nname = "b"\nfrom = 2022-06-01\n'
            'base_url = "https://x.github.io/b/"\n',
            9,
            "never overlap",
        ),
        (
            '[[parts]]\nname = "a"\nto = 2022-12-31\n[[parts]]\nname = "b"\nfrom = 2023-01-01\n',
            7,
            "parts[2].base_url: every part after the first needs its own address",
        ),
        ('[[parts]]\nname = "a"\nbase_url = "https://other.example/"\n', 6, "front door"),
        ('[[parts]]\nname = "a"\nfrom = "2022-13-01"\n', 6, "must be a date"),
        ('[[parts]]\nname = "a"\nremotes = "x"\n', 6, "unknown key"),
    ],
)
def test_a_bad_part_is_an_error_naming_site_toml_and_the_line(
    tmp_path: Path, parts: str, line: int, says: str
) -> None:
    (tmp_path / "site.toml").write_text(SITE + "\n" + parts, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "site.toml")
    assert f"site.toml:{line}:" in str(caught.value)
    assert says in str(caught.value)


def test_a_bad_part_is_reported_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(SITE + '\n[[parts]]\nname = "../x"\n', encoding="utf-8")
    write(tmp_path / "content", ARTICLES)
    result = sitegen(tmp_path, "build")
    assert result.returncode != 0
    assert "site.toml:5: parts[1].name" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "build").exists()


def test_an_article_in_no_span_is_an_error_naming_its_file(tmp_path: Path) -> None:
    toml = SITE + '\n[[parts]]\nname = "main"\nfrom = 2023-01-01\n'
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    write(tmp_path / "content", ARTICLES)
    result = sitegen(tmp_path, "build")
    assert result.returncode != 0
    assert "a1.md:1: dated 2022-03-01, in no part's span" in result.stderr


def test_every_link_resolves_across_parts(archive: Path) -> None:
    """Every page's links land on a file of some part (the footer links older parts), and every
    part but the front door links the front door."""
    roots = {
        "/archive/": archive / "build/main",
        "/archive-2023/": archive / "build/p2023",
        "/archive-2024/": archive / "build/p2024",
    }
    for base, folder in roots.items():
        for path in html_files(folder):
            page = parse(path)
            targets = list(internal_targets(page, "https://user.github.io"))
            for target in targets:
                assert any(resolve(f, b, target) for b, f in roots.items()), (path, target)
            if base != "/archive/" and page.find(".//footer") is not None:
                assert "/archive/" in targets, path


ROOTS = {"main": "/archive/", "p2023": "/archive-2023/", "p2024": "/archive-2024/"}


def held(folder: Path, key: str) -> int:
    """How many articles of the list whose page is `key` a part's part-counts/ says it holds
    (sitegen.pages.across), read as parts.js reads it."""
    bits = json.loads((folder / "part-counts/index.json").read_bytes())["bits"]
    h = hashed(key)
    data = (folder / f"part-counts/{h >> (48 - bits):x}.bin").read_bytes()
    assert data[0] == 1
    entries = {data[i : i + 6]: data[i + 6 : i + 10] for i in range(1, len(data), 10)}
    return int.from_bytes(entries.get(h.to_bytes(6, "big"), b"\0"), "big")


def test_each_part_counts_its_lists_for_the_others_and_every_link_they_make_resolves(
    archive: Path,
) -> None:
    """Every list page asking the other parts (its data-key) is counted in its own part as the
    page counts it; in each other part, a count where that part has the page, none where it has
    not: parts.js links a part's page of the list only where the part counts it. The archive's
    years and months in part-counts/index.json are each a page of their part, counted as it
    says."""
    asked: dict[str, dict[str, int]] = {}
    for name in ROOTS:
        folder = archive / "build" / name
        for path in html_files(folder):
            page = parse(path)
            for more in page.xpath("//main//p[@data-key]"):
                # without JavaScript: this part's, it says, and parts.json lists every part
                assert more.xpath("a/@href") == ["https://user.github.io/archive/parts.json"]
                if "data-archive" not in more.attrib:
                    said = page.find_class("list-stats")[0].text_content()  # the first: its own
                    asked.setdefault(more.get("data-key"), {})[name] = int(said.split()[1])
    assert {"/categories/金融/", "/tags/两会/", "/archives/2023/", "/archives/2023/10/"} <= set(
        asked
    )
    assert asked["/archives/2023/"] == {"main": 2, "p2023": 1}
    for key, counts in asked.items():
        for name, base in ROOTS.items():
            folder = archive / "build" / name
            assert held(folder, key) == counts.get(name, 0), (name, key)
            assert bool(resolve(folder, base, base + key[1:])) == (name in counts), (name, key)
    for name, base in ROOTS.items():
        folder = archive / "build" / name
        index = json.loads((folder / "part-counts/index.json").read_bytes())
        for _, year_path, months in index["years"]:
            assert resolve(folder, base, base + year_path[1:]), (name, year_path)
            for _, month_path, count in months:
                assert held(folder, month_path) == count > 0, (name, month_path)
                assert resolve(folder, base, base + month_path[1:]), (name, month_path)
    assert [row[0] for row in index["years"]] == [2024]  # p2024's


def test_without_parts_nothing_is_counted_for_other_parts(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(SITE, encoding="utf-8")
    write(tmp_path / "content", ARTICLES)
    build(tmp_path)
    assert not (tmp_path / "build/part-counts").exists()
    assert not (tmp_path / "build/parts.js").exists()
    for path in html_files(tmp_path / "build"):
        assert "parts" not in path.read_text(encoding="utf-8"), path


def test_a_tiny_size_limit_proposes_the_next_span_and_fails_naming_the_part(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(tmp_path / "content", {**ARTICLES, **LATER})
    build(tmp_path)
    sizes = {name: measure(tmp_path / "build" / name).bytes for name in ("main", "p2023", "p2024")}
    near = f"\n[publish]\nsize_limit = {int(max(sizes.values()) / 0.9)}\n"
    (tmp_path / "site.toml").write_text(SITE + PARTS + near, encoding="utf-8")
    warned = sitegen(tmp_path, "build", "--now", "2025-01-15T12:00:00+08:00")
    assert warned.returncode == 0, warned.stderr
    assert "of [publish] size_limit" in warned.stderr
    tiny = '\n[publish]\nsize_limit = "1 KB"\n'
    (tmp_path / "site.toml").write_text(SITE + PARTS + tiny, encoding="utf-8")
    record, built = (tmp_path / RECORD_FILE).read_bytes(), files(tmp_path / "build")
    write(
        tmp_path / "content",
        {"b5": ("2023-11-01", "新类", "晚到"), "c3": ("2024-07-01", "金融", "新")},
    )
    failed = sitegen(tmp_path, "build", "--now", "2025-01-15T12:00:00+08:00")
    assert failed.returncode == 1
    said = " ".join(failed.stderr.split())
    for name in ("main", "p2023", "p2024"):
        assert f"part {name!r} is" in said
    assert "over [publish] size_limit (1.0 KB)" in said
    assert "nothing of it was kept" in said
    # a build past the limit publishes nothing: not its output, not its URLs' record
    assert (tmp_path / RECORD_FILE).read_bytes() == record
    assert files(tmp_path / "build") == built
    assert "close part 'p2024' (to = 2025-01-15)" in said
    assert 'name = "p20250116", from = 2025-01-16' in said
    assert "Traceback" not in failed.stderr


def test_check_and_list_read_every_part(tmp_path: Path) -> None:
    """`sitegen check` checks each part as its build reads it, naming every part's errors at
    once; `sitegen list` gives each article the URL of its part."""
    (tmp_path / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(tmp_path / "content", {**ARTICLES, **LATER})
    listed = sitegen(tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    urls = {line.split(",")[0]: line.rsplit(",", 1)[1] for line in listed.stdout.splitlines()[1:]}
    assert urls["a1.md"] == "https://user.github.io/archive/2022/03/a1/"
    assert urls["b3.md"] == "https://user.github.io/archive-2023/2023/10/b3/"
    assert urls["c2.md"] == "https://user.github.io/archive-2024/2024/06/c2/"
    checked = sitegen(tmp_path, "check")
    assert checked.returncode == 0, checked.stderr
    assert "7 articles, no errors" in checked.stdout
    for name, day in (("bad1", "2022-05-01"), ("bad2", "2024-05-01")):
        (tmp_path / f"content/{name}.md").write_text(
            f"---\ndate: {day}\n---\n\n没有标题。\n", encoding="utf-8"
        )
    checked = sitegen(tmp_path, "check")
    assert checked.returncode == 1
    assert "bad1.md" in checked.stderr and "bad2.md" in checked.stderr
    assert "Traceback" not in checked.stderr
