"""`sitegen serve --watch` of an archive in parts: every part on one local server at the path of
its address, links across parts and parts.json naming the local addresses; an edit in an old
part's span is served within a moment, and nothing is written to build/ or urls.txt."""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.url_record import RECORD_FILE

from .test_parts import ARTICLES, LATER, PARTS, SITE, write
from .test_serve import eventually, page, serving, shows


def test_serve_watch_serves_every_part_and_rebuilds_an_edited_one(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(SITE + PARTS, encoding="utf-8")
    write(tmp_path / "content", {**ARTICLES, **LATER})
    with serving(tmp_path, watch=True) as (server, rebuilt):
        address = server.url.removesuffix("/archive/")
        listing = json.loads(page(server, "/archive/parts.json").text)
        assert [part["url"] for part in listing["parts"]] == [
            f"{address}/archive/",
            f"{address}/archive-2023/",
            f"{address}/archive-2024/",
        ]
        assert shows(server, "/archive/2022/03/a1/", "文章a1")
        assert shows(server, "/archive-2023/2023/10/b3/", "文章b3")
        assert shows(server, "/archive-2024/2024/02/c1/", "文章c1")
        assert f'href="{address}/archive/"' in page(server, "/archive-2024/").text  # older part
        assert page(server, "/archive-2024/2023/10/b3/").status == 404  # each part its own
        counts = json.loads(page(server, "/archive-2023/part-counts/index.json").text)
        assert [year for year, _, _ in counts["years"]] == [2023]  # what other parts read
        assert page(server, "/archive-2024/parts.js").status == 200
        edited = tmp_path / "content/b3.md"
        text = edited.read_text(encoding="utf-8").replace("晚到的文章", "晚到的文章（改过了）")
        edited.write_text(text, encoding="utf-8")
        edit_served = lambda: shows(server, "/archive-2023/2023/10/b3/", "改过了")  # noqa: E731
        eventually(edit_served, "the edit served", timeout=60)  # all parts again, a busy machine
        # the edited part is served as soon as it is swapped in; the rebuild is reported once
        # every part has been looked at
        eventually(lambda: bool(rebuilt), "the rebuild reported", timeout=60)
        assert rebuilt[-1].ok
    assert not (tmp_path / "build").exists()
    assert not (tmp_path / RECORD_FILE).exists()
