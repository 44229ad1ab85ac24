"""Readers during a rebuild (issue 28): while `serve --watch` rebuilds in place, every page a reader
loads is the old one or the new one, whole, and the server keeps answering a few hundred requests
in flight at once. A real server on 127.0.0.1, real client threads, real edits; loops bounded.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import quote

from .test_serve import SEED, SEED_URL, article, eventually, make_site, port_of, request, serving

READERS = 200
ROUNDS = 20  # requests a reader makes at most
EDITS = 2
NEW_FILE = "新闻/读者.md"  # an article in a folder of its own, made while the readers read
NEW_URL = "/2026/01/读者/"
_VERSION = re.compile(r"版本(\d)：(长*)。")


def fill(n: int) -> int:
    """Edit n's paragraph is long and short in turn, so the page's size changes with every edit."""
    return 4000 if n % 2 else 10


def version_text(n: int) -> str:
    return f"<p>版本{n}：{'长' * fill(n)}。</p>\n"


def problems(url: str, status: int, body: str) -> list[str]:
    """What is wrong with one answer: anything but a whole page (or, before it exists, the new
    article's 404), and on the edited page anything but one whole version of its paragraph."""
    if status == 404 and url == NEW_URL:
        return []
    if status != 200 or not body.rstrip().endswith("</html>"):
        return [f"{url}: {status}, {len(body)} characters ending {body[-40:]!r}"]
    if url != SEED_URL:
        return []
    found = _VERSION.findall(body)
    whole = [(n, text) for n, text in found if len(text) == fill(int(n))]
    return [] if len(found) <= 1 and whole == found else [f"{url}: versions {found!r}"]


def test_readers_get_the_old_page_or_the_new_one_whole_while_it_rebuilds(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    seed = site / "content" / SEED
    original = seed.read_text(encoding="utf-8")
    with serving(site) as (server, _):
        port = port_of(server)
        targets = [SEED_URL, "/", NEW_URL, SEED_URL]
        failures: list[str] = []
        answered = [0] * READERS
        done = threading.Event()
        start = threading.Barrier(READERS + 1)

        def reader(k: int) -> None:
            start.wait()
            for r in range(ROUNDS):
                url = targets[(k + r) % len(targets)]
                try:
                    response = request(port, quote(url))
                except OSError as error:
                    failures.append(f"{url}: {error!r}")
                    continue
                failures.extend(problems(url, response.status, response.body.decode("utf-8")))
                answered[k] += 1
                if done.wait(0.01):
                    return

        threads = [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
        for thread in threads:
            thread.start()
        start.wait()  # every reader sends its first request at once: a few hundred in flight
        for n in range(EDITS):
            seed.write_text(original + version_text(n), encoding="utf-8")
            eventually(
                lambda n=n: f"版本{n}：" in request(port, quote(SEED_URL)).body.decode(),
                f"edit {n} served",
                timeout=60,
            )
        (site / "content" / "新闻").mkdir()
        (site / "content" / NEW_FILE).write_text(
            article("读者", "2026-01-20 10:00", "读者在重建时读到的新文章。"), encoding="utf-8"
        )
        eventually(lambda: request(port, quote(NEW_URL)).status == 200, "new article", timeout=60)
        done.set()
        for thread in threads:
            thread.join(120)
        assert not failures, f"{len(failures)} bad answers, e.g. {failures[:5]}"
        assert all(answered), "every reader was answered"
        assert sum(answered) >= READERS
