"""`sitegen serve`: build into a private folder, serve it over HTTP, rebuild what changes.

Three kinds of thread share little: watchdog's observer only records changed paths; one worker
owns the Builder, so rebuilds never overlap; HTTP threads only read files under the output folder
and wait on the broadcast for the event stream that tells open pages to reload.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import re
import secrets
import shutil
import socket
import socketserver
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, quote, unquote, unquote_to_bytes

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from sitegen import __version__
from sitegen.build import Builder, Progress, Report
from sitegen.config import SiteConfig, load_config
from sitegen.errors import ConfigError, ContentError, ContentErrors
from sitegen.render import TemplateProblem

EVENTS = "__sitegen/events"
SCRIPT = "livereload.js"
NAMED_PAGES = 200  # a rebuild touching more pages than this reloads every tab
HISTORY = 64  # reloads remembered, to tell a reconnecting tab whether it missed one
QUIET_SECONDS = 0.1
LONGEST_WAIT_SECONDS = 2.0
HEARTBEAT_SECONDS = 15.0
_WRITES = frozenset({"created", "modified", "deleted", "moved", "closed"})
_LEFTOVERS = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part", "___jb_tmp___")
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")
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


def _silent(stage: str, done: int, total: int) -> None:
    """Rebuilds are summed up in one line; no progress bars while serving."""


def ignored(name: str) -> bool:
    """Dot-files, editor backups and swap files: an editor's save writes them, nobody reads them."""
    return name.startswith((".", "#")) or name.endswith(_LEFTOVERS) or name == "4913"


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
    if _CONTROL.search(decoded):
        return MISSING
    if decoded == base_path + EVENTS:
        return EVENT_STREAM
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
    """What the HTTP side serves: the output folder, under base_url's path."""

    root: Path
    base_path: str


class Broadcast:
    """The latest build state for every open event stream: a generation under a condition."""

    def __init__(self) -> None:
        self.instance = secrets.token_hex(4)
        self._condition = threading.Condition()
        self._generation = 0
        self._errors: tuple[str, ...] = ()
        self._pages: tuple[str, ...] = ()
        self._history: deque[tuple[str, ...]] = deque(maxlen=HISTORY)
        self._closed = False

    def publish(self, errors: tuple[str, ...], pages: tuple[str, ...] = ()) -> None:
        """A rebuild finished: no errors means reload (only tabs showing `pages`, if given),
        errors mean show them."""
        with self._condition:
            self._generation += 1
            self._errors = errors
            self._pages = pages
            self._history.append(tuple(_plain(p) for p in pages))
            self._condition.notify_all()

    def missed(self, seen: str, page: str) -> bool:
        """Whether a tab that last saw event `seen` and shows `page` is stale now: any reload
        since then that named its page or every page (or one too old to know) says it is."""
        instance, _, number = seen.partition("-")
        with self._condition:
            if instance != self.instance or not number.isdigit():
                return True
            since = self._generation - int(number)
            if since <= 0:
                return False
            if since > len(self._history) or self._errors:
                return True
            recent = list(self._history)[-since:]
        return any(not pages or _plain(page) in pages for pages in recent)

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def state(self) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
        with self._condition:
            return self._generation, self._errors, self._pages

    def next(
        self, seen: int, timeout: float
    ) -> tuple[int, tuple[str, ...], tuple[str, ...]] | None:
        """The state once it differs from `seen` (or unchanged after timeout); None when closing."""
        with self._condition:
            self._condition.wait_for(lambda: self._closed or self._generation != seen, timeout)
            return None if self._closed else (self._generation, self._errors, self._pages)

    def event_id(self, generation: int) -> str:
        """Unique per server run, so a tab reconnecting to a restarted server knows to reload."""
        return f"{self.instance}-{generation}"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], served: Served, broadcast: Broadcast) -> None:
        self.served = served
        self.broadcast = broadcast
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host, which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser closing a connection early is normal; anything else is a bug worth a trace."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
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
        found = answer(self.path, served.root, served.base_path)
        if found.kind == "redirect":
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", content_type("x.txt"), head, found.target)
        elif found.kind == "events" and not head:
            self._stream()
        elif found.kind == "file" and (data := _read(found.target)) is not None:
            self._send(HTTPStatus.OK, data, content_type(found.target), head)
        else:
            page = _read(str(served.root / "404.html"))
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
        """
        broadcast = self.server.broadcast
        generation, errors, _ = broadcast.state()
        current = broadcast.event_id(generation)
        query = parse_qs(self.path.partition("?")[2])
        seen = self.headers.get("Last-Event-ID") or query.get("seen", [""])[0]
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if errors:
            first = _event("error", errors)
        elif seen and broadcast.missed(seen, query.get("page", [""])[0]):
            first = _event("reload", ())
        else:
            first = ""
        try:
            self._write(f"retry: 1000\nid: {current}\n{first}\n")
            while (update := broadcast.next(generation, HEARTBEAT_SECONDS)) is not None:
                if update[0] == generation:
                    self._write(": keep-alive\n\n")
                    continue
                generation, errors, pages = update
                kind = "error" if errors else "reload"
                event = _event(kind, errors, pages)
                self._write(f"id: {broadcast.event_id(generation)}\n{event}\n")
        except OSError:
            return

    def _write(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8"))
        self.wfile.flush()


def _plain(href: str) -> str:
    """A page's path as the tab and the server both know it: decoded, without index.html."""
    return unquote(href).removesuffix("index.html")


def _event(kind: str, errors: tuple[str, ...], pages: tuple[str, ...] = ()) -> str:
    """One server-sent event; `pages` (hrefs) narrows a reload to the tabs showing them."""
    data = json.dumps({"errors": list(errors), "pages": list(pages)}, ensure_ascii=False)
    return f"event: {kind}\ndata: {data}\n"


def _read(path: str) -> bytes | None:
    """A file's bytes, or None when it vanished (a rebuild removing it as it is asked for)."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _bind(host: str, port: int, served: Served, broadcast: Broadcast) -> _HTTPServer:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"cannot serve on host {host!r}: {exc}") from None
    kind = _HTTPServer6 if family == socket.AF_INET6 else _HTTPServer
    try:
        return kind((host, port), served, broadcast)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use: stop the other server, "
                "or choose another port with --port (--port 0 picks a free one)"
            ) from None
        raise ServeError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


class _Changes:
    """Changed paths, handed over once the file system has been quiet for a moment.

    An editor's save (temp file, rename) or a crawler dropping hundreds of files becomes one
    rebuild; a stream that never pauses is still taken every LONGEST_WAIT_SECONDS.
    """

    def __init__(self, quiet: float) -> None:
        self.quiet = quiet
        self._condition = threading.Condition()
        self._paths: set[Path] = set()
        self._first = self._last = 0.0
        self._closed = False

    def add(self, paths: set[Path]) -> None:
        with self._condition:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths |= paths
            self._last = now
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def take(self) -> set[Path] | None:
        """The next batch of changes; None once closed."""
        with self._condition:
            self._condition.wait_for(lambda: self._paths or self._closed)
            while not self._closed:
                due = min(self._last + self.quiet, self._first + LONGEST_WAIT_SECONDS)
                if time.monotonic() >= due:
                    break
                self._condition.wait(due - time.monotonic())
            if self._closed:
                return None
            taken, self._paths = self._paths, set()
            return taken


class _Listener(FileSystemEventHandler):
    def __init__(self, relevant: Callable[[Path], bool], changes: _Changes) -> None:
        self.relevant = relevant
        self.changes = changes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _WRITES or (
            event.is_directory and event.event_type == "modified"
        ):
            return
        named = (event.src_path, getattr(event, "dest_path", ""))
        paths = {Path(os.fsdecode(p)) for p in named if p}
        found = {p for p in paths if not ignored(p.name) and self.relevant(p)}
        if found:
            self.changes.add(found)


@dataclass(frozen=True)
class Rebuilt:
    """One rebuild after changes: the terminal's summary line, the browser's event, tests' signal."""

    changed: tuple[Path, ...]
    seconds: float
    rendered: int = 0
    written: int = 0
    full: bool = False
    errors: tuple[ContentError, ...] = ()
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problem


def describe(error: ContentError, config: SiteConfig) -> str:
    """`path:line: message`, the path relative to the site's folder as the editor knows it."""
    path = error.path if error.path.is_absolute() else config.content_path / error.path
    try:
        shown = path.relative_to(config.root).as_posix()
    except ValueError:
        shown = str(path)
    return f"{shown}:{error.line}: {error.message}"


class DevServer:
    """Build once into a temporary folder, serve it, and with `watch` rebuild on every change.

    `start()` binds the port first (a port in use fails before a long build), builds, then serves
    from background threads; `stop()` ends everything and removes the folder. The CLI and the
    tests use it alike.
    """

    def __init__(
        self,
        config_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        watch: bool = True,
        drafts: bool = False,
        jobs: int | None = None,
        on_rebuild: Callable[[Rebuilt], None] = lambda rebuilt: None,
        quiet: float = QUIET_SECONDS,
    ) -> None:
        self.config_path = config_path
        self.config = load_config(config_path)
        self.host, self.port = host, port
        self.watch = watch
        self.drafts = drafts
        self.jobs = jobs
        self.on_rebuild = on_rebuild
        self.broadcast = Broadcast()
        self._changes = _Changes(quiet)
        self._pending: set[Path] = set()
        self._workdir: Path | None = None
        self._observer = Observer()
        self._watches: dict[tuple[Path, bool], ObservedWatch] = {}
        self._layout: frozenset[Path] = frozenset()
        self._trees: tuple[Path, ...] = ()
        self._threads: list[threading.Thread] = []
        self._httpd: _HTTPServer | None = None
        self._stopped = threading.Event()
        self._closing = False
        self.builder: Builder | None = None

    @property
    def output(self) -> Path:
        """The private folder served, from start() until stop()."""
        assert self._workdir is not None
        return self._workdir / "site"

    @property
    def url(self) -> str:
        """The address actually served (with the port picked when asked for port 0)."""
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}{self.config.base_path}"

    def start(self, progress: Progress = _silent) -> Report:
        """Bind, build, serve; raises ServeError, ConfigError, ContentErrors or TemplateProblem."""
        self._workdir = Path(tempfile.mkdtemp(prefix="sitegen-serve-"))
        try:
            self._httpd = _bind(
                self.host, self.port, Served(self.output, self.config.base_path), self.broadcast
            )
            if self.watch:
                self._watch(self.config)
                self._observer.start()
            self.builder = self._new_builder(self.config, progress)
            report = self.builder.build()
            self.builder.progress = _silent
            self._install_script()
            self._spawn(partial(self._httpd.serve_forever, poll_interval=0.1), "http")
            if self.watch:
                self._spawn(self._work, "rebuild")
        except BaseException:
            self.stop()
            raise
        return report

    def wait(self) -> None:
        """Block until stop(); Ctrl-C interrupts it with KeyboardInterrupt."""
        self._stopped.wait()

    def stop(self) -> None:
        """Stop watching, finish the running rebuild, close the streams and the port, clean up."""
        if self._stopped.is_set():
            return
        self._closing = True
        self._changes.close()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(5)
        self.broadcast.close()
        for thread in self._threads:
            if thread.name == "sitegen-http" and self._httpd is not None:
                self._httpd.shutdown()
            thread.join(10)
        if self._httpd is not None:
            self._httpd.server_close()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
        self._stopped.set()

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=f"sitegen-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _new_builder(self, config: SiteConfig, progress: Progress = _silent) -> Builder:
        return Builder(
            config,
            self.output,
            drafts=self.drafts,
            jobs=self.jobs,
            live_reload=self.watch,
            progress=progress,
        )

    def _install_script(self) -> None:
        """The page script lives only in the served folder, never in the theme or a real build."""
        if self.watch:
            script = files("sitegen").joinpath(SCRIPT).read_bytes()
            (self.output / SCRIPT).write_bytes(script)

    def _watch(self, config: SiteConfig) -> None:
        """Watch content/, templates/ and static/ where they really are, and site.toml's folder."""
        root = config.root
        places = [config.content_path, root / "templates", root / "static"]
        before = set(self._trees)
        self._trees = tuple(p.resolve() for p in places if p.is_dir())
        self._layout = frozenset({root / self.config_path.name, *places})
        wanted = {(root, False), *((tree, True) for tree in self._trees)}
        for key in set(self._watches) - wanted:
            self._observer.unschedule(self._watches.pop(key))
        listener = _Listener(self._relevant, self._changes)
        for path, recursive in wanted - set(self._watches):
            self._watches[(path, recursive)] = self._observer.schedule(
                listener, str(path), recursive=recursive
            )
        if before and (appeared := set(self._trees) - before):
            # Files written into a new folder before its watch began sent no event: look again.
            self._changes.add(appeared)

    def _relevant(self, path: Path) -> bool:
        return path in self._layout or any(path.is_relative_to(tree) for tree in self._trees)

    def _work(self) -> None:
        while (changed := self._changes.take()) is not None:
            self._apply(changed)

    def _apply(self, changed: set[Path]) -> None:
        """One rebuild; on failure the last good site stays and the changes are retried next time."""
        assert self.builder is not None
        started = time.perf_counter()
        changed = self._expand(changed | self._pending)
        if not changed:
            return
        full = any(p in self._layout for p in changed)
        errors: tuple[ContentError, ...] = ()
        problem = ""
        report = Report()
        try:
            report = (
                self._reconfigure(changed)
                if full
                else self.builder.rebuild(changed, on_edited=self._edited)
            )
        except ContentErrors as exc:
            errors = tuple(exc.errors)
        except TemplateProblem as exc:
            problem = f"template error: {exc}"
        except ConfigError as exc:
            problem = f"config error: {exc.key}: {exc.message}"
        except OSError as exc:
            problem = f"cannot rebuild: {exc}"
        rebuilt = Rebuilt(
            changed=tuple(sorted(changed)),
            seconds=time.perf_counter() - started,
            rendered=sum(report.pages.values()),
            written=report.written,
            full=full,
            errors=errors,
            problem=problem,
        )
        self._pending = set() if rebuilt.ok else changed
        self.on_rebuild(rebuilt)
        messages = (*(describe(e, self.config) for e in errors), *([problem] if problem else []))
        touched = report.touched
        showing_errors = bool(self.broadcast.state()[1])
        if messages or showing_errors or touched is None or len(touched) > NAMED_PAGES:
            self.broadcast.publish(messages)
        elif touched:
            self.broadcast.publish((), touched)

    def _edited(self, pages: tuple[str, ...]) -> None:
        """Articles edited in place are already rendered: their tabs reload before the rest is done."""
        self.broadcast.publish((), pages)

    def _expand(self, changed: set[Path]) -> set[Path]:
        """A folder moved or deleted at once stands for the articles it held and holds; a
        content path that neither exists nor held an article (a tool's temp file) is dropped."""
        assert self.builder is not None
        content = self.builder.config.content_path.resolve()
        known = self.builder.outcomes
        found = set(changed)
        for path in changed:
            if not path.is_relative_to(content) or path in known or path.is_file():
                continue
            held = {k for k in known if k.is_relative_to(path)}
            if path.is_dir():
                held.update(p for p in path.rglob("*") if p.is_file())
            elif not held:
                found.discard(path)
            found |= held
        return found

    def _reconfigure(self, changed: set[Path]) -> Report:
        """site.toml (or a whole folder) changed: a new Builder, reusing the normalized articles
        when they cannot differ (same content folder and time zone)."""
        assert self.builder is not None
        config = load_config(self.config_path)
        old = self.builder.config
        builder = self._new_builder(config)
        if (config.content_path, config.timezone) == (old.content_path, old.timezone):
            builder.outcomes = dict(self.builder.outcomes)
            builder.renormalize(changed)
            report = builder.build(reuse=True)
        else:
            report = builder.build()
        self.builder, self.config = builder, config
        self._install_script()
        assert self._httpd is not None
        self._httpd.served = Served(self.output, config.base_path)
        if self.watch:
            self._watch(config)
        return report
