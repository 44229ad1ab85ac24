"""A real HTTP server on 127.0.0.1 serving pictures the way image hosts do, for the tests of
`sitegen images` and of pages showing kept, gone and thumbnail pictures."""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

Route = Callable[[BaseHTTPRequestHandler], None]


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(data, "PNG")
    return data.getvalue()


def noisy_jpeg(width: int, height: int, seed: int = 0) -> bytes:
    """A photo-like JPEG (noise blurred), of a realistic size in bytes for its pixels."""
    noise = Image.effect_noise((max(1, width // 4), max(1, height // 4)), 40 + seed % 30)
    picture = noise.convert("RGB").resize((width, height), Image.Resampling.BICUBIC)
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=80)
    return data.getvalue()


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    kind: str = "image/png",
    status: int = 200,
    length: bool = True,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout, the cap)
        handler.close_connection = True


class PictureServer:
    """Routes by path; every request is counted, and its headers kept."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.referers: list[str] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server.lock:
                    server.hits[self.path] += 1
                    if self.headers.get("Referer"):
                        server.referers.append(self.path)
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    send(self, b"not found", "text/plain", 404)
                else:
                    route(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@contextmanager
def picture_server(routes: dict[str, Route]) -> Iterator[PictureServer]:
    server = PictureServer(routes)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def serves(body: bytes, kind: str = "image/png", delay: float = 0.0) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        if delay:
            time.sleep(delay)
        send(handler, body, kind)

    return route
