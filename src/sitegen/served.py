"""What the dev server answers over HTTP: files of the output folder (never outside it), the
reload script added to its HTML pages, and the event stream that tells open tabs to reload.

The build never knows about the script: it is added here, as a page is sent (as MkDocs' livereload
and Hugo's livereloadinject do), so a served folder is byte for byte what `sitegen build` makes.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import re
import secrets
import socket
import socketserver
import sys
import threading
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, quote, unquote, unquote_to_bytes

from sitegen import __version__
from sitegen.names import unsafe_segment

EVENTS = "__sitegen/events"
COPIES = "__sitegen/images/"  # the picture store, when the site shows kept copies
SCRIPT = "livereload.js"
HISTORY = 64  # reloads remembered, to tell a reconnecting tab whether it missed one
HEARTBEAT_SECONDS = 15.0
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}
_TEXT_TYPES = frozenset(
    {"application/json", "application/xml", "application/manifest+json", "image/svg+xml"}
)


class ServeError(Exception):
    """The server cannot start (port in use, unknown host): one line for the user."""


def content_type(path: str) -> str:
    """The Content-Type for a file name; text types say charset=utf-8 (every page is UTF-8)."""
    suffix = PurePosixPath(path).suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    text = kind.startswith("text/") or kind in _TEXT_TYPES
    return f"{kind}; charset=utf-8" if text else kind


@dataclass(frozen=True)
class Answer:
    """What a request target maps to: a file, a redirect, the event stream, or nothing (404)."""

    kind: str
    target: str = ""


MISSING = Answer("missing")
EVENT_STREAM = Answer("events")
LIVE_SCRIPT = Answer("script")


def answer(raw: str, root: Path, base_path: str) -> Answer:
    """Map a raw request target onto a file under root; anything that could leave root is missing.

    `raw` is the target as http.server hands it over (bytes read as Latin-1), so both
    percent-encoded and raw UTF-8 Chinese paths decode to the same path.
    """
    path, _, query = raw.partition("#")[0].partition("?")
    if not path.startswith("/") or _ENCODED_SEPARATOR.search(path):
        return MISSING
    try:
        decoded = unquote_to_bytes(path.encode("latin-1")).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return MISSING
    inner = decoded.strip("/")
    if inner and any(unsafe_segment(part) for part in inner.split("/")):
        return MISSING
    if decoded == base_path + EVENTS:
        return EVENT_STREAM
    if decoded == base_path + SCRIPT:
        return LIVE_SCRIPT
    if not decoded.startswith(base_path):
        at_root = decoded in ("/", base_path.rstrip("/"))
        return Answer("redirect", quote(base_path)) if at_root else MISSING
    parts = decoded[len(base_path) :].split("/")
    folder = parts[-1] == ""
    if folder:
        parts.pop()
    if any(not part or part.startswith(".") for part in parts):
        return MISSING
    try:
        return _locate(root.resolve(), parts, folder, decoded, query)
    except (OSError, RuntimeError):
        return MISSING


def _locate(root: Path, parts: list[str], folder: bool, decoded: str, query: str) -> Answer:
    """The file itself, resolved: a symlink pointing out of root is as missing as no file."""
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):
        return MISSING
    if target.is_dir():
        if not folder:
            again = f"?{quote(query, safe='=&%+;,/:@')}" if query else ""
            return Answer("redirect", quote(decoded + "/") + again)
        target = (target / "index.html").resolve()
    elif folder:
        return MISSING
    if not target.is_relative_to(root) or not target.is_file():
        return MISSING
    return Answer("file", str(target))


@dataclass(frozen=True)
class Served:
    """What the HTTP side serves: the output folder, under base_url's path; with `live`, every
    HTML page gets the reload script; with `store`, the kept pictures under COPIES."""

    root: Path
    base_path: str
    live: bool = False
    store: Path | None = None

    def answer(self, raw: str) -> Answer:
        """What a request target maps to: a kept picture under COPIES, else as `answer` says."""
        if self.store is not None:
            found = answer(raw, self.store, self.base_path + COPIES)
            if found.kind == "file":
                return found
        return answer(raw, self.root, self.base_path)

    def page(self, data: bytes, path: str) -> bytes:
        """A file as sent: an HTML page of a watched site loads the reload script in its head."""
        if not self.live or not path.endswith(".html"):
            return data
        tag = f'<script src="{quote(self.base_path)}{SCRIPT}" defer></script>\n'
        return data.replace(b"</head>", tag.encode() + b"</head>", 1)


def live_script() -> bytes:
    return files("sitegen").joinpath(SCRIPT).read_bytes()


@dataclass(frozen=True)
class Event:
    """One rebuild's announcement: errors to show, or a reload of `pages` (hrefs; none: every page)."""

    generation: int
    errors: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()


class Broadcast:
    """The rebuilds announced so far, for every open event stream: a log under a condition.

    A stream sends every event after the last one it sent, not only the newest: the edited
    article's reload and the rest's come a moment apart, and a stream whose thread woke after
    both must still tell the tab showing that article.
    """

    def __init__(self) -> None:
        self.instance = secrets.token_hex(4)
        self._condition = threading.Condition()
        self._latest = Event(0)
        self._history: deque[Event] = deque(maxlen=HISTORY)
        self._closed = False

    def publish(self, errors: tuple[str, ...], pages: tuple[str, ...] = ()) -> None:
        """A rebuild finished: no errors means reload (only tabs showing `pages`, if given),
        errors mean show them."""
        with self._condition:
            self._latest = Event(self._latest.generation + 1, errors, pages)
            self._history.append(self._latest)
            self._condition.notify_all()

    def missed(self, seen: str, page: str) -> bool:
        """Whether a tab that last saw event `seen` and shows `page` is stale now: any reload
        since then that named its page or every page (or one too old to know) says it is."""
        instance, _, number = seen.partition("-")
        if instance != self.instance or not number.isdigit():
            return True
        with self._condition:
            if self._latest.errors:
                return True
            events = self._since(int(number))
        return any(not e.pages or _plain(page) in map(_plain, e.pages) for e in events)

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def latest(self) -> Event:
        with self._condition:
            return self._latest

    def after(self, seen: int, timeout: float) -> tuple[Event, ...] | None:
        """Every event after generation `seen`, once there is one (none after timeout); None
        when closing."""
        with self._condition:
            self._condition.wait_for(
                lambda: self._closed or self._latest.generation != seen, timeout
            )
            return None if self._closed else self._since(seen)

    def _since(self, seen: int) -> tuple[Event, ...]:
        """The events after `seen`; those too old to remember stand as one reload of every page
        (or the errors showing now). The caller holds the condition."""
        latest = self._latest
        if latest.generation <= seen:
            return ()
        if latest.generation - seen > len(self._history):
            return (Event(latest.generation, latest.errors),)
        return tuple(e for e in self._history if e.generation > seen)

    def event_id(self, generation: int) -> str:
        """Unique per server run, so a tab reconnecting to a restarted server knows to reload."""
        return f"{self.instance}-{generation}"


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # connections waiting to be accepted: socketserver's 5 drops the rest of a burst (a page and
    # its assets in many tabs, a link checker), whose clients then wait for TCP to retry
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], served: Served, broadcast: Broadcast) -> None:
        self.served = served
        self.broadcast = broadcast
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host, which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser closing a connection early is normal; anything else is a bug worth a trace."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _HTTPServer6(HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: HTTPServer
    server_version = f"sitegen/{__version__}"
    protocol_version = "HTTP/1.1"
    timeout = 120

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal is for rebuilds and errors."""

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        served = self.server.served
        found = served.answer(self.path)
        if found.kind == "redirect":
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", content_type("x.txt"), head, found.target)
        elif found.kind == "events" and not head:
            self._stream()
        elif found.kind == "script" and served.live:
            self._send(HTTPStatus.OK, live_script(), content_type(SCRIPT), head)
        elif found.kind == "file" and (data := _read(found.target)) is not None:
            self._send(
                HTTPStatus.OK, served.page(data, found.target), content_type(found.target), head
            )
        else:
            page = _read(str(served.root / "404.html"))
            if page is not None:
                page = served.page(page, "404.html")
            body, name = (page, "404.html") if page is not None else (b"404 Not Found", "404.txt")
            self._send(HTTPStatus.NOT_FOUND, body, content_type(name), head)

    def _send(
        self, status: HTTPStatus, body: bytes, kind: str, head: bool, location: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _stream(self) -> None:
        """Server-sent events: `reload` after a good rebuild, `error` with the messages after a bad one.

        A client says which state it last saw (Last-Event-ID on reconnecting, `?seen=` after the
        script reloaded the page); a different state now means its page is stale: reload at once.
        Then every event is sent, in order, however late this thread wakes.
        """
        broadcast = self.server.broadcast
        latest = broadcast.latest()
        query = parse_qs(self.path.partition("?")[2])
        seen = self.headers.get("Last-Event-ID") or query.get("seen", [""])[0]
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if latest.errors:
            first = _event(latest)
        elif seen and broadcast.missed(seen, query.get("page", [""])[0]):
            first = _event(Event(latest.generation))
        else:
            first = ""
        generation = latest.generation
        try:
            self._write(f"retry: 1000\nid: {broadcast.event_id(generation)}\n{first}\n")
            while (events := broadcast.after(generation, HEARTBEAT_SECONDS)) is not None:
                if not events:
                    self._write(": keep-alive\n\n")
                for event in events:
                    generation = event.generation
                    self._write(f"id: {broadcast.event_id(generation)}\n{_event(event)}\n")
        except OSError:
            return

    def _write(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8"))
        self.wfile.flush()


def _plain(href: str) -> str:
    """A page's path as the tab and the server both know it: decoded, without index.html."""
    return unquote(href).removesuffix("index.html")


def _event(event: Event) -> str:
    """One server-sent event: `error` with the messages, or `reload` naming the pages (hrefs) it
    narrows to."""
    kind = "error" if event.errors else "reload"
    data = json.dumps(
        {"errors": list(event.errors), "pages": list(event.pages)}, ensure_ascii=False
    )
    return f"event: {kind}\ndata: {data}\n"


def _read(path: str) -> bytes | None:
    """A file's bytes, or None when it vanished (a rebuild removing it as it is asked for)."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def bind(host: str, port: int, served: Served, broadcast: Broadcast) -> HTTPServer:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"cannot serve on host {host!r}: {exc}") from None
    kind = _HTTPServer6 if family == socket.AF_INET6 else HTTPServer
    try:
        return kind((host, port), served, broadcast)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use: stop the other server, "
                "or choose another port with --port (--port 0 picks a free one)"
            ) from None
        raise ServeError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
