"""`sitegen serve --watch` for real: HTTP on 127.0.0.1, real files, watchdog, the event stream.

Every check polls with a deadline; after each change the served folder must equal a clean build.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner

from sitegen.cache import CACHE_DIR
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.pipeline import build
from sitegen.render import THEME
from sitegen.serve import DevServer, Rebuilt, ServeError
from sitegen.served import HISTORY, Broadcast, Event

from .conftest import SEEDS, start_serve

T = TypeVar("T")
SEED = "000_f847cc9c3667cd96.txt"
SEED_URL = "/2022/03/000_f847cc9c3667cd96/"
OTHER_URL = "/2021/12/001_c31c58ede6f3a8cb/"
CATEGORY = "/categories/金融/新浪财经/"
# How long a test waits before it calls the server hung: a guard, not a timing. stop() alone may
# wait 5 s for the watcher and 10 s for a rebuild in flight; a loaded machine (load 8-10 on 2 cores)
# made 10 s too short for Ctrl-C to a whole `sitegen serve --watch`.
DEADLINE = 30.0


def article(title: str, date: str, text: str) -> str:
    return (
        f"---\ntitle: '{title}'\ncategories:\n - 金融\n - 新浪财经\ndate: {date}\n---\n\n"
        f"<p>　　{text}</p>\n"
    )


def make_site(
    root: Path, *, title: str = "测试档案", base_url: str = "https://example.org/"
) -> Path:
    """The seeds plus the site's own templates/ (a copy of base.html) and static/."""
    shutil.copytree(SEEDS, root / "content")
    (root / "templates").mkdir()
    shutil.copy(THEME / "templates" / "base.html", root / "templates" / "base.html")
    (root / "static").mkdir()
    (root / "static" / "extra.css").write_text("/* v1 */\n", encoding="utf-8")
    write_config(root, title=title, base_url=base_url)
    return root


def write_config(root: Path, *, title: str, base_url: str) -> None:
    """Search stays off: these tests are about pages (test_search covers rebuilding the index)."""
    (root / "site.toml").write_text(
        f'title = "{title}"\nbase_url = "{base_url}"\n\n[search]\nenabled = false\n',
        encoding="utf-8",
    )


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(port: int, target: str | bytes, method: str = "GET") -> Response:
    """A raw HTTP request, so that targets go out exactly as written (`..`, raw UTF-8)."""
    raw = target if isinstance(target, bytes) else target.encode("utf-8")
    with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE) as sock:
        sock.sendall(
            method.encode() + b" " + raw + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return Response(int(status_line.split()[1]), headers, body)


def eventually(check: Callable[[], T], what: str, timeout: float = DEADLINE) -> T:
    """Poll until check() is truthy; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, f"not within {timeout} s: {what}"
            return result
        time.sleep(0.02)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file and folder of an output (folders as b'/')."""
    return {
        p.relative_to(root).as_posix(): (b"/" if p.is_dir() else p.read_bytes())
        for p in root.rglob("*")
    }


def assert_equals_clean_build(server: DevServer, site: Path, scratch: Path) -> None:
    """The incremental output must be byte for byte what a clean build makes."""
    shutil.rmtree(scratch, ignore_errors=True)
    build(load_config(site / "site.toml"), scratch, keeps_record=False)  # as serve: it only reads
    clean = snapshot(scratch)
    eventually(lambda: snapshot(server.output) == clean, "served output equals a clean build")


@contextmanager
def serving(site: Path, **options: object) -> Iterator[tuple[DevServer, list[Rebuilt]]]:
    rebuilt: list[Rebuilt] = []
    server = DevServer(site / "site.toml", port=0, on_rebuild=rebuilt.append, **options)  # type: ignore[arg-type]
    server.start()
    try:
        yield server, rebuilt
    finally:
        server.stop()


def port_of(server: DevServer) -> int:
    return int(server.url.rsplit(":", 1)[1].split("/", 1)[0])


def page(server: DevServer, url: str) -> Response:
    return request(port_of(server), quote(url))


def shows(server: DevServer, url: str, text: str) -> bool:
    response = page(server, url)
    return response.status == 200 and text in response.text


class EventStream:
    """A client of the server-sent event stream, reading whole events."""

    def __init__(self, server: DevServer, last_event_id: str = "") -> None:
        self.sock = socket.create_connection(("127.0.0.1", port_of(server)), timeout=DEADLINE)
        extra = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id else ""
        path = server.url.split(str(port_of(server)), 1)[1] + "__sitegen/events"
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n{extra}\r\n".encode())
        self.lines = self.sock.makefile("rb")
        status = self.lines.readline()
        assert b" 200 " in status
        headers = b"".join(iter(self.lines.readline, b"\r\n"))
        assert b"text/event-stream; charset=utf-8" in headers

    def next(self) -> tuple[str, list[str]]:
        """The next named event and its messages (comments and id-only blocks are skipped);
        `pages` keeps the pages it named."""
        fields: dict[str, str] = {}
        for raw in self.lines:
            line = raw.decode("utf-8").rstrip("\n")
            if not line and "event" in fields:
                data = json.loads(fields["data"])
                self.pages = data["pages"]
                return fields["event"], data["errors"]
            if line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value
        raise AssertionError("the event stream closed")

    def close(self) -> None:
        self.lines.close()
        self.sock.close()


def test_serves_pages_with_types_folders_and_404(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    with serving(site, watch=True) as (server, _):
        port = port_of(server)
        home = request(port, "/")
        assert home.status == 200
        assert home.headers["content-type"] == "text/html; charset=utf-8"
        assert int(home.headers["content-length"]) == len(home.body)
        assert '<script src="/livereload.js" defer></script>' in home.text
        assert "工信部" in request(port, OTHER_URL).text
        encoded = request(port, quote(CATEGORY))
        raw = request(port, CATEGORY)
        assert encoded.status == raw.status == 200
        assert encoded.body == raw.body
        assert "新浪财经" in raw.text
        folder = request(port, quote(CATEGORY.rstrip("/")) + "?x=1")
        assert folder.status == 301
        assert folder.headers["location"] == quote(CATEGORY) + "?x=1"
        missing = request(port, "/no/such/page/")
        assert missing.status == 404
        script = b'<script src="/livereload.js" defer></script>\n'
        assert script in missing.body, "served pages load the reload script; files on disk do not"
        assert missing.body.replace(script, b"") == (server.output / "404.html").read_bytes()
        assert missing.headers["content-type"] == "text/html; charset=utf-8"
        types = {
            "/style.css": "text/css; charset=utf-8",
            "/livereload.js": "text/javascript; charset=utf-8",
            "/atom.xml": "application/xml; charset=utf-8",
            "/robots.txt": "text/plain; charset=utf-8",
        }
        for url, kind in types.items():
            response = request(port, url)
            assert (response.status, response.headers["content-type"]) == (200, kind), url
        head = request(port, "/", method="HEAD")
        assert (head.status, head.body) == (200, b"")
        assert head.headers["content-length"] == home.headers["content-length"]


def test_no_request_reads_outside_the_output(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    with serving(site, watch=False) as (server, _):
        port = port_of(server)
        secret = server.output.parent / "site.toml"
        secret.write_text("SECRET", encoding="utf-8")
        (server.output / "leak.txt").symlink_to(secret)
        (server.output / "leakdir").symlink_to(server.output.parent, target_is_directory=True)
        probes: list[str | bytes] = [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/..%2fsite.toml",
            "/..%2Fsite.toml",
            "/..%5csite.toml",
            "/..\\site.toml",
            "/2022/../../site.toml",
            "//etc/passwd",
            "/etc/passwd",
            "/%00",
            "/index.html%00.txt",
            "/.%2e/site.toml",
            "/leak.txt",
            "/leakdir/site.toml",
            "/%ff%fe",
            b"/\xff../site.toml",
            "http://127.0.0.1/../site.toml",
        ]
        for target in probes:
            response = request(port, target)
            assert response.status == 404, target
            assert b"SECRET" not in response.body, target
        home = request(port, "/index.html")
        assert home.status == 200
        assert "livereload.js" not in home.text, "no watching, no page script"


def test_serves_under_the_base_url_path(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", base_url="https://user.github.io/archive/")
    with serving(site, watch=True) as (server, _):
        port = port_of(server)
        assert server.url.endswith("/archive/")
        for target in ("/", "/archive"):
            response = request(port, target)
            assert (response.status, response.headers["location"]) == (301, "/archive/")
        home = request(port, "/archive/")
        assert home.status == 200
        assert 'href="style.css"' in home.text  # relative to /archive/
        assert request(port, "/archive/style.css").status == 200
        assert '<script src="/archive/livereload.js" defer></script>' in home.text
        assert request(port, "/archive/livereload.js").status == 200
        assert request(port, quote("/archive" + CATEGORY)).status == 200
        assert request(port, "/archive" + SEED_URL).status == 200
        assert request(port, SEED_URL).status == 404
        stream = EventStream(server)
        stream.close()


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match="already in use"):
            DevServer(site / "site.toml", port=port).start()
        result = CliRunner().invoke(
            main, ["serve", "--config", str(site / "site.toml"), "--port", str(port)]
        )
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "Traceback" not in result.output


def test_article_edits_match_a_clean_build(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    content = site / "content"
    with serving(site) as (server, rebuilt):
        text = (content / SEED).read_text(encoding="utf-8")
        (content / SEED).write_text(text.replace("3月14日下午", "3月14日傍晚"), encoding="utf-8")
        eventually(lambda: shows(server, SEED_URL, "3月14日傍晚"), "the edit is served")
        assert_equals_clean_build(server, site, tmp_path / "clean")
        done = eventually(lambda: rebuilt and rebuilt[-1], "the rebuild is reported")
        assert done.ok
        assert done.rendered < 18, "only the pages showing the article, not all 18"

        (content / "fresh.txt").write_text(
            article("新发布的政策文章", "2023-05-06 10:00:00", "新文章的正文。"), encoding="utf-8"
        )
        eventually(lambda: shows(server, "/2023/05/fresh/", "新文章的正文"), "a new article")
        eventually(lambda: shows(server, "/", "新发布的政策文章"), "the home page lists it")
        assert_equals_clean_build(server, site, tmp_path / "clean")

        (content / "fresh.txt").rename(content / "renamed.txt")
        eventually(lambda: shows(server, "/2023/05/renamed/", "新文章的正文"), "the new name")
        eventually(lambda: page(server, "/2023/05/fresh/").status == 404, "the old name is gone")
        assert_equals_clean_build(server, site, tmp_path / "clean")

        (content / "renamed.txt").unlink()
        eventually(lambda: page(server, "/2023/05/renamed/").status == 404, "deleted is gone")
        eventually(
            lambda: "新发布的政策文章" not in page(server, "/").text, "and off the home page"
        )
        assert_equals_clean_build(server, site, tmp_path / "clean")


def test_folders_and_bursts_of_articles(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    content = site / "content"
    with serving(site) as (server, rebuilt):
        drop = tmp_path / "drop"
        drop.mkdir()
        for n in range(60):
            (drop / f"batch-{n:02d}.txt").write_text(
                article(f"批量文章 {n}", f"2020-01-{n % 28 + 1:02d} 09:00:00", f"第 {n} 篇。"),
                encoding="utf-8",
            )
        drop.rename(content / "batch")
        eventually(lambda: shows(server, "/2020/01/batch-59/", "第 59 篇"), "a dropped folder")
        assert_equals_clean_build(server, site, tmp_path / "clean")
        assert len(rebuilt) <= 2, "one burst, one rebuild"

        (content / "batch").rename(tmp_path / "moved-away")
        eventually(lambda: page(server, "/2020/01/batch-00/").status == 404, "a folder moved out")
        assert_equals_clean_build(server, site, tmp_path / "clean")

        count = len(rebuilt)
        for name in (".#fresh.txt", "fresh.txt~", ".fresh.txt.swp", "4913", "notes.txt.tmp"):
            (content / name).write_text("---\ntitle: [broken\n", encoding="utf-8")
        time.sleep(0.5)
        assert len(rebuilt) == count, "editor leftovers trigger nothing"


def test_template_static_and_config_changes_match_a_clean_build(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    with serving(site) as (server, rebuilt):
        base = site / "templates" / "base.html"
        base.write_text(
            base.read_text(encoding="utf-8").replace(
                "</footer>", '<p class="marker">TEMPLATE-MARK</p>\n</footer>'
            ),
            encoding="utf-8",
        )
        pages = ["/", SEED_URL, OTHER_URL, CATEGORY, "/archives/", "/no/such/page/"]
        for url in pages:
            eventually(lambda url=url: "TEMPLATE-MARK" in page(server, url).text, f"mark on {url}")
        assert_equals_clean_build(server, site, tmp_path / "clean")

        (site / "static" / "extra.css").write_text("/* v2 */\n", encoding="utf-8")
        (site / "static" / "added.js").write_text("// added\n", encoding="utf-8")
        eventually(lambda: page(server, "/extra.css").body == b"/* v2 */\n", "static edit")
        eventually(lambda: page(server, "/added.js").status == 200, "static addition")
        assert page(server, "/added.js").headers["content-type"] == "text/javascript; charset=utf-8"
        assert_equals_clean_build(server, site, tmp_path / "clean")

        write_config(site, title="改名后的档案", base_url="https://example.org/")
        for url in ("/", SEED_URL):
            eventually(lambda url=url: shows(server, url, "改名后的档案"), f"new title on {url}")
        eventually(lambda: rebuilt[-1].full, "a config change rebuilds every page")
        assert_equals_clean_build(server, site, tmp_path / "clean")

        write_config(site, title="改名后的档案", base_url="https://user.github.io/archive/")
        eventually(lambda: page(server, "/").headers.get("location") == "/archive/", "new path")
        assert shows(server, "/archive" + SEED_URL, "改名后的档案")
        assert_equals_clean_build(server, site, tmp_path / "clean")


def test_a_broken_article_keeps_the_last_good_site_and_streams_the_error(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    path = site / "content" / SEED
    good = path.read_text(encoding="utf-8")
    with serving(site) as (server, rebuilt):
        stream = EventStream(server)
        before = page(server, SEED_URL).body
        path.write_text(good.replace("title: '", "title: ['", 1), encoding="utf-8")
        kind, errors = stream.next()
        assert kind == "error"
        assert re.fullmatch(rf"content/{SEED}:\d+: front matter is not valid YAML: .+", errors[0])
        assert page(server, SEED_URL).body == before
        assert not rebuilt[-1].ok

        late = EventStream(server)
        assert late.next() == (kind, errors), "a client connecting while broken hears at once"
        late.close()

        path.write_text(good.replace("3月14日下午", "3月14日夜里"), encoding="utf-8")
        assert stream.next() == ("reload", [])
        assert shows(server, SEED_URL, "3月14日夜里")
        assert_equals_clean_build(server, site, tmp_path / "clean")
        stream.close()

        stale = EventStream(server, last_event_id="from-another-run-0")
        assert stale.next() == ("reload", []), "a tab of an earlier server run reloads"
        stale.close()


def test_an_edited_article_is_rendered_and_announced_before_the_rest(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    path = site / "content" / SEED
    with serving(site) as (server, rebuilt):
        stream = EventStream(server)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("3月14日下午", "3月14日夜里"), encoding="utf-8")
        assert stream.next() == ("reload", [])
        assert [unquote(p) for p in stream.pages] == [SEED_URL], "its own page first, alone"
        assert shows(server, SEED_URL, "3月14日夜里")
        assert stream.next() == ("reload", [])
        assert SEED_URL not in [unquote(p) for p in stream.pages], "not rendered twice"
        assert [r.ok for r in rebuilt] == [True]
        assert_equals_clean_build(server, site, tmp_path / "clean")
        stream.close()


def test_a_stream_that_wakes_late_still_sends_every_event(tmp_path: Path) -> None:
    """The edited article's reload and the rest's, published a moment apart, are two events even
    when the stream's thread wakes only after both: the first alone names the tab's page."""
    site = make_site(tmp_path / "site")
    with serving(site) as (server, _):
        stream = EventStream(server)
        server.broadcast.publish((), (quote(SEED_URL),))
        server.broadcast.publish((), (OTHER_URL, "/"))
        assert stream.next() == ("reload", [])
        assert [unquote(p) for p in stream.pages] == [SEED_URL]
        assert stream.next() == ("reload", [])
        assert stream.pages == [OTHER_URL, "/"]
        stream.close()


def test_the_broadcast_hands_a_stream_every_event_it_has_not_sent() -> None:
    broadcast = Broadcast()
    broadcast.publish((), ("/a/",))
    broadcast.publish(("content/x.txt:1: bad",))
    broadcast.publish((), ("/b/",))
    assert broadcast.after(0, 0) == (
        Event(1, (), ("/a/",)),
        Event(2, ("content/x.txt:1: bad",)),
        Event(3, (), ("/b/",)),
    )
    assert broadcast.after(2, 0) == (Event(3, (), ("/b/",)),)
    assert broadcast.after(3, 0) == (), "nothing new: a keep-alive"
    for _ in range(HISTORY):
        broadcast.publish((), ("/",))
    latest = broadcast.latest().generation
    assert broadcast.after(0, 0) == (Event(latest),), "too long ago to know: every page reloads"
    broadcast.close()
    assert broadcast.after(latest, 0) is None


def test_a_reconnecting_tab_reloads_only_if_it_missed_its_page() -> None:
    broadcast = Broadcast()
    before = broadcast.event_id(broadcast.latest().generation)
    broadcast.publish((), ("/2022/03/%E7%A8%B3/",))
    broadcast.publish((), ("/", "/page/2/"))
    assert broadcast.missed(before, "/2022/03/稳/index.html")
    assert broadcast.missed(before, "/")
    assert not broadcast.missed(before, "/archives/")
    latest = broadcast.event_id(broadcast.latest().generation)
    assert not broadcast.missed(latest, "/")
    broadcast.publish((), ())
    assert broadcast.missed(latest, "/archives/"), "a reload of every page"
    assert broadcast.missed("another-run-3", "/archives/")
    for _ in range(HISTORY + 1):
        broadcast.publish((), ("/",))
    assert broadcast.missed(latest, "/archives/"), "too long ago to know"


def test_a_broken_template_recovers_without_losing_deletions(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    base = site / "templates" / "base.html"
    good = base.read_text(encoding="utf-8")
    with serving(site) as (server, rebuilt):
        base.write_text(good.replace("</footer>", "{{ nothing_here }}</footer>"), encoding="utf-8")
        eventually(lambda: rebuilt and "template error" in rebuilt[-1].problem, "template error")
        (site / "content" / SEED).unlink()
        eventually(lambda: len(rebuilt) >= 2 and not rebuilt[-1].ok, "still broken")
        assert page(server, SEED_URL).status == 200, "the last good site stays"
        base.write_text(good, encoding="utf-8")
        eventually(lambda: page(server, SEED_URL).status == 404, "the deletion lands")
        assert_equals_clean_build(server, site, tmp_path / "clean")


def test_the_command_serves_and_stops_cleanly(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    process, url = start_serve(site, "--watch", "-p", "0")
    try:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        assert request(port, "/").status == 200
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=DEADLINE)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopping" in stdout


def test_a_cache_cleaned_while_serving_is_shown_and_the_next_change_recovers(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    base = site / "templates" / "base.html"
    with serving(site) as (server, rebuilt):
        stream = EventStream(server)
        shutil.rmtree(site / CACHE_DIR / "articles")
        base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        kind, errors = stream.next()
        assert kind == "error"
        assert all("cached body vanished" in error for error in errors), errors
        assert page(server, SEED_URL).status == 200, "the last good site stays"
        path = site / "content" / SEED
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("3月14日下午", "3月14日夜里"), encoding="utf-8")
        event = stream.next()
        assert event[0] == "reload", event
        assert shows(server, SEED_URL, "3月14日夜里")
        assert rebuilt[-1].ok
        assert_equals_clean_build(server, site, tmp_path / "clean")
        stream.close()


def test_watch_prints_the_warnings_of_the_files_it_just_read(tmp_path: Path) -> None:
    """As `sitegen build` does, after each rebuild: a file saved in GBK is named with its warning,
    once; the next change, to another file, does not repeat it."""
    site = make_site(tmp_path / "site")
    process, _ = start_serve(site, "--watch", "-p", "0")
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        gbk = article(
            "国标编码的文章",
            "2022-05-01 10:00:00",
            "这篇文章以国标编码保存，编辑器没有改成统一码。",
        )
        (site / "content" / "gbk.md").write_bytes(gbk.encode("gb18030"))
        eventually(lambda: any("gbk.md changed" in x for x in lines), "the rebuild's line")
        (site / "content" / "utf8.md").write_text(
            article("统一码的文章", "2022-06-01 10:00:00", "正文。"), encoding="utf-8"
        )
        eventually(lambda: any("utf8.md changed" in x for x in lines), "the second rebuild's line")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=DEADLINE)
    finally:
        process.kill()
    warned = re.findall(r"warning content/gbk\.md:1: decoded as \S+, not UTF-8", stderr)
    assert len(warned) == 1, stderr
    assert "utf8.md" not in stderr
