"""`sitegen serve`: build into a private folder, serve it over HTTP, rebuild what changes.

Three kinds of thread share little: watchdog's observer only records changed paths; the rebuild
thread goes through sitegen.live, whose lock guards the session; HTTP threads only read
files under the output folder, add the reload script to the HTML pages they serve (the build never
knows about it, as with MkDocs' livereload and Hugo's livereloadinject), and wait on the broadcast
for the event stream that tells open pages to reload.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from sitegen.config import SiteConfig, load_config
from sitegen.errors import (
    ConfigError,
    ContentError,
    ContentErrors,
    ContentWarning,
    TemplateProblem,
)
from sitegen.images.manifest import store_path
from sitegen.live import Live
from sitegen.names import ignored
from sitegen.pipeline import Progress, Report, Session, quiet
from sitegen.pipeline.changes import Changes, classify
from sitegen.serve_parts import LiveParts, parts_served, served_at
from sitegen.served import COPIES, Broadcast, HTTPServer, Served, bind
from sitegen.served import ServeError as ServeError  # the CLI reports it: part of this API

NAMED_PAGES = 200  # a rebuild touching more pages than this reloads every tab
QUIET_SECONDS = 0.1
LONGEST_WAIT_SECONDS = 2.0
_WRITES = frozenset({"created", "modified", "deleted", "moved", "closed"})


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
    warnings: tuple[ContentWarning, ...] = ()  # of the files just read
    held: tuple[ContentWarning, ...] = ()  # the files just read that are held back, and why

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problem


def content_files(changed: set[Path], content: Path) -> frozenset[Path]:
    """The changed files as a report names them: relative to content/ (where it really is)."""
    content = content.resolve()
    return frozenset(
        path.resolve().relative_to(content)
        for path in changed
        if path.resolve().is_relative_to(content)
    )


def problem_of(exc: Exception) -> str:
    """One line for the browser's overlay and the terminal, whatever stopped a rebuild."""
    if isinstance(exc, TemplateProblem):
        return f"template error: {exc}"
    if isinstance(exc, ConfigError):
        return f"config error: {exc.key}: {exc.message}"
    if isinstance(exc, OSError):
        return f"cannot rebuild: {exc}"
    return f"internal error (please report it): {type(exc).__name__}: {exc}"


def describe(error: ContentError, config: SiteConfig) -> str:
    """`path:line: message`, the path relative to the site's folder as the editor knows it."""
    path = error.path if error.path.is_absolute() else config.content_path / error.path
    try:
        shown = path.relative_to(config.root).as_posix()
    except ValueError:
        shown = str(path)
    return f"{shown}:{error.line}: {error.message}"


def copies_from(config: SiteConfig, url: str) -> SiteConfig:
    """A site showing kept copies of its pictures shows them from the server at `url` (its
    store, under COPIES) while served."""
    if config.images.publish != "copies":
        return config
    return replace(config, images=replace(config.images, base_url=url + COPIES))


def address(httpd: HTTPServer) -> str:
    """http://host:port of a bound server (with the port picked when asked for port 0)."""
    host, port = httpd.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else str(host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def served(config: SiteConfig, output: Path, live: bool) -> Served:
    """What the HTTP side answers: the output under base_url's path (each part's, in parts)."""
    if config.parts:
        return parts_served(config, output, live)
    store = store_path(config) if config.images.publish == "copies" else None
    return Served(output, config.base_path, live=live, store=store)


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
        self.config_path, self.config = config_path, load_config(config_path)
        self.host, self.port = host, port
        self.watch, self.drafts, self.jobs = watch, drafts, jobs
        self.on_rebuild, self.broadcast = on_rebuild, Broadcast()
        self._changes = _Changes(quiet)
        self._pending: set[Path] = set()
        self._workdir: Path | None = None
        self._observer = Observer()
        self._watches: dict[tuple[Path, bool], ObservedWatch] = {}
        self._layout: frozenset[Path] = frozenset()
        self._trees: tuple[Path, ...] = ()
        self._threads: list[threading.Thread] = []
        self._httpd: HTTPServer | None = None
        self._stopped, self._closing = threading.Event(), False
        self.live: Live | LiveParts | None = None

    @property
    def output(self) -> Path:
        """The private folder served, from start() until stop()."""
        assert self._workdir is not None
        return self._workdir / "site"

    @property
    def url(self) -> str:
        """The address actually served (with the port picked when asked for port 0)."""
        assert self._httpd is not None
        return address(self._httpd) + self.config.base_path

    def start(self, progress: Progress = quiet) -> Report:
        """Bind, build, serve; raises ServeError, ConfigError, ContentErrors or TemplateProblem."""
        self._workdir = Path(tempfile.mkdtemp(prefix="sitegen-serve-"))
        try:
            self._httpd = bind(
                self.host, self.port, served(self.config, self.output, self.watch), self.broadcast
            )
            if self.watch:
                self._watch(self.config)
                self._observer.start()
            self.live = self._live(self.config)
            report = self.live.build(progress)
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

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=f"sitegen-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _live(self, config: SiteConfig) -> Live | LiveParts:
        """Its session; an archive in parts: all its parts, at this server (sitegen.serve_parts)."""
        if not config.parts:
            return Live(self._session(config))
        return LiveParts(served_at(config, self.url), self.output, self.drafts, self.jobs)

    def _session(self, config: SiteConfig) -> Session:
        config = copies_from(config, self.url)
        return Session(config, self.output, drafts=self.drafts, jobs=self.jobs, keeps_record=False)

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
            try:
                self._apply(changed)
            except Exception as exc:  # the rebuild thread outlives anything, and says what
                self.broadcast.publish((problem_of(exc),))

    def _attempt(self, changes: Changes) -> tuple[Report, tuple[ContentError, ...], str]:
        """One rebuild: its report, or the content errors or the one problem that stopped it."""
        assert self.live is not None
        try:
            if changes.config:
                return self._reconfigure(changes), (), ""
            return self.live.update(changes, on_edited=self._edited), (), ""
        except ContentErrors as exc:
            return Report(), tuple(exc.errors), ""
        except Exception as exc:  # shown in the browser; the next change tries again
            return Report(), (), problem_of(exc)

    def _apply(self, changed: set[Path]) -> None:
        """One rebuild; on failure the last good site stays and the changes are retried next time."""
        assert self.live is not None
        started = time.perf_counter()
        changed = self.live.expand(changed | self._pending)
        if not changed:
            return
        changes = classify(changed, self.config, self._layout)
        report, errors, problem = self._attempt(changes)
        read = content_files(changed, self.config.content_path)
        rebuilt = Rebuilt(
            changed=tuple(sorted(changed)),
            seconds=time.perf_counter() - started,
            rendered=report.rendered,
            written=report.written,
            full=changes.config,
            errors=errors,
            problem=problem,
            warnings=tuple(w for w in report.warnings if w.path in read),
            held=tuple(h for h in report.held if h.path in read),
        )
        self._pending = set() if rebuilt.ok else changed
        self.on_rebuild(rebuilt)
        messages = (*(describe(e, self.config) for e in errors), *([problem] if problem else []))
        touched = report.touched
        showing_errors = bool(self.broadcast.latest().errors)
        if messages or showing_errors or touched is None or len(touched) > NAMED_PAGES:
            self.broadcast.publish(messages)
        elif touched:
            self.broadcast.publish((), touched)

    def _edited(self, pages: tuple[str, ...]) -> None:
        """Articles edited in place are already rendered: their tabs reload before the rest is done."""
        self.broadcast.publish((), pages)

    def _reconfigure(self, changes: Changes) -> Report:
        """site.toml (or a whole folder) changed: a new Session, reusing the normalized articles
        when they cannot differ (same content folder and time zone)."""
        assert self.live is not None
        config = load_config(self.config_path)
        if config.parts or isinstance(self.live, LiveParts):
            self.live = self._live(config)
            report = self.live.build(quiet)
        else:
            report = self.live.reconfigure(self._session(config), changes)
        self.config = config
        assert self._httpd is not None
        self._httpd.served = served(self.config, self.output, self.watch)
        if self.watch:
            self._watch(config)
        return report
