"""`sitegen images` against a real HTTP server on 127.0.0.1: what each kind of answer becomes in
the manifest and the store, resuming after kill -9, and a second run fetching nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from sitegen.images.manifest import read
from sitegen.images.picture import hash_of
from tests.conftest import SITEGEN, make_config, sitegen
from tests.picture_server import noisy_jpeg, picture_server, png, send, serves

PICTURE = png(120, 80)
OTHER = png(64, 48, (20, 120, 200))
PLACEHOLDER = png(140, 140, (240, 240, 240))
BIG = noisy_jpeg(400, 400)


def write_site(root: Path, urls: list[str], images: str = "") -> None:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(
        f'base_url = "https://example.org/archive/"\n[images]\n{images}', encoding="utf-8"
    )
    body = "".join(f'<p>图{i}：<img src="{url}" alt="图{i}"></p>' for i, url in enumerate(urls))
    (root / "content" / "pictures.md").write_text(
        f"---\ntitle: 有图的文章\ndate: 2024-05-01 10:00:00\n---\n<div>{body}<p>正文。</p></div>\n",
        encoding="utf-8",
    )


def refuse_referer(handler: BaseHTTPRequestHandler) -> None:
    if handler.headers.get("Referer"):
        send(handler, PLACEHOLDER)  # as WeChat does: a placeholder with status 200
    else:
        send(handler, OTHER)


def redirect(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(302)
    handler.send_header("Location", "/b.png")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(3)
    send(handler, PICTURE)


def no_length(handler: BaseHTTPRequestHandler) -> None:
    send(handler, BIG, "image/jpeg", length=False)
    handler.close_connection = True


ROUTES = {
    "/a.png": serves(PICTURE),
    "/b.png": serves(PICTURE),
    "/walled.png": refuse_referer,
    "/moved.png": redirect,
    "/slow.png": slow,
    "/page.png": serves(b"<!doctype html><title>x</title><p>not a picture</p>", "text/html"),
    "/big.jpg": serves(BIG, "image/jpeg"),
    "/big-stream.jpg": no_length,
    "/wechat.png": serves(PLACEHOLDER),
    "/forbidden.png": lambda h: send(h, b"no", "text/plain", 403),
}


def test_every_kind_of_answer_is_recorded_a_second_run_and_a_build_fetch_nothing(
    tmp_path: Path,
) -> None:
    with picture_server(ROUTES) as server:
        paths = [*ROUTES, "/missing.png"]
        urls = [server.url + path for path in paths]
        settings = (
            'timeout = 1\nretries = 1\nmax_size = "20 KB"\nper_host = 3\n'
            f'refused = ["{hash_of(PLACEHOLDER)}"]\n'
        )
        write_site(tmp_path, urls, settings)
        run = sitegen(tmp_path, "images")
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        pictures = read(make_config(tmp_path))
        status = {url.removeprefix(server.url): p.status for url, p in pictures.items()}
        assert status == {
            "/a.png": "kept",
            "/b.png": "kept",
            "/walled.png": "kept",
            "/moved.png": "kept",
            "/slow.png": "gone",
            "/missing.png": "gone",
            "/page.png": "not an image",
            "/big.jpg": "too large",
            "/big-stream.jpg": "too large",
            "/wechat.png": "refused",
            "/forbidden.png": "refused",
        }
        by_path = {url.removeprefix(server.url): p for url, p in pictures.items()}
        assert by_path["/slow.png"].detail == "timeout"
        assert by_path["/missing.png"].detail == "404"
        assert by_path["/big.jpg"].detail == "content-length"
        assert by_path["/big-stream.jpg"].detail == "over the cap"
        assert by_path["/a.png"].hash == by_path["/b.png"].hash == by_path["/moved.png"].hash
        assert (by_path["/a.png"].width, by_path["/a.png"].height) == (120, 80)
        assert by_path["/a.png"].type == "png" and by_path["/a.png"].fetched.endswith("Z")
        store = sorted(p.name for p in (tmp_path / "images" / "store").rglob("*") if p.is_file())
        assert store == sorted([f"{hash_of(PICTURE)}.png", f"{hash_of(OTHER)}.png"])
        assert server.referers == []
        assert server.hits["/slow.png"] == 2  # retried once, after a backoff
        assert "2 gone" in run.stdout and "4 kept" in run.stdout
        manifest = (tmp_path / "images" / "manifest.tsv").read_text(encoding="utf-8")
        assert manifest.splitlines()[1:] == sorted(manifest.splitlines()[1:])
        assert not (tmp_path / "images" / "manifest.tsv.partial").exists()

        hits = server.hits.copy()
        again = sitegen(tmp_path, "images")
        assert again.returncode == 0, again.stderr
        assert "nothing new" in again.stdout
        built = sitegen(tmp_path, "build")
        assert built.returncode == 0, built.stderr
        assert "11 linked to their originals, 4 kept in the store, 5 lost" in built.stdout
        assert server.hits == hits  # neither the second run nor the build fetched anything
        assert (tmp_path / "images" / "manifest.tsv").read_text(encoding="utf-8") == manifest
    assert sitegen(tmp_path, "clean").returncode == 0  # the store is no cache: clean leaves it
    assert (tmp_path / "images" / "manifest.tsv").read_text(encoding="utf-8") == manifest
    assert len([p for p in (tmp_path / "images" / "store").rglob("*") if p.is_file()]) == 2


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    pictures = {f"/p{i}.png": png(30 + i, 20, (i * 20, 90, 90)) for i in range(8)}
    routes = {path: serves(data, delay=0.4) for path, data in pictures.items()}
    with picture_server(routes) as server:
        write_site(tmp_path, [server.url + path for path in pictures], "per_host = 1\n")
        journal = tmp_path / "images" / "manifest.tsv.partial"
        running = subprocess.Popen(
            [str(SITEGEN), "images"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if journal.exists() and len(journal.read_text().splitlines()) >= 3:
                    break
                time.sleep(0.05)
        finally:
            os.killpg(running.pid, signal.SIGKILL)
            running.wait()
        done = read(make_config(tmp_path))
        assert 3 <= len(done) < len(pictures)
        assert all(p.kept for p in done.values())
        first = server.hits.copy()
        resumed = sitegen(tmp_path, "images")
        assert resumed.returncode == 0, resumed.stderr
        assert f"{len(done)} known before" in resumed.stdout
        for url in done:
            assert server.hits[url.removeprefix(server.url)] == first[url.removeprefix(server.url)]
        final = read(make_config(tmp_path))
        assert sorted(final) == sorted(server.url + path for path in pictures)
        assert all(p.kept for p in final.values())
        store = [p for p in (tmp_path / "images" / "store").rglob("*") if p.is_file()]
        assert len(store) == len(pictures)  # no half-written file left from the kill
