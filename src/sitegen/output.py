"""Bytes → files: the only stage that writes, and only inside the output folder.

Everything goes into a staging folder beside the output, which then takes the output's place in
one atomic exchange: a failed or killed build leaves the previous output exactly as it was.
Files whose bytes did not change are hard-linked from the previous output, so their mtimes stay.

Paths inside a folder are relative POSIX strings (names.output_file makes them). Every folder on
the way to a file is either made here or checked once with lstat to be a real folder, never a
symlink, so nothing is ever written outside, without resolving each file's path.
"""

from __future__ import annotations

import fcntl
import os
import posixpath
import shutil
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from sitegen.names import UnsafePath, unsafe_segment
from sitegen.parallel import Background

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    import ctypes.util  # only a build that writes needs it

    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, bytes(a), _AT_FDCWD, bytes(b), _RENAME_EXCHANGE)
    return result == 0


def write_new(path: str, data: bytes) -> None:
    """Create a file that must not exist yet (one open, one write: the cheapest way to a file)."""
    descriptor = os.open(path, _NEW_FILE, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def write_atomically(path: Path, data: bytes) -> None:
    """A reader sees the old file or the new one, never half of it (a new inode every time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def checked(relative: str) -> str:
    """A relative path that stays inside its folder, or UnsafePath."""
    if any(unsafe_segment(part) for part in relative.split("/")):
        raise UnsafePath(f"{relative!r} leaves the output folder")
    return relative


def _stamped(path: str, size: int, mtime_ns: int) -> bool:
    try:
        stat = os.lstat(path)
    except OSError:
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime_ns and S_ISREG(stat.st_mode)


def all_stamped(root: Path, stamps: Iterable[tuple[str, int, int]]) -> bool:
    """Whether every file (relative path, size, mtime) is still there as stamped."""
    folder = root.resolve()
    return all(_stamped(f"{folder}/{path}", size, mtime_ns) for path, size, mtime_ns in stamps)


def static_files(source: Path) -> list[str]:
    """A static folder's files, as relative paths: dot-files and names no server could serve
    (control characters, backslashes) stay out."""
    found = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        hidden = any(p.startswith(".") or unsafe_segment(p) for p in relative.parts)
        if path.is_file() and not hidden:
            found.append(relative.as_posix())
    return found


@dataclass(frozen=True)
class Statics:
    """The static folders, each with its files (in copy order: a later folder's file wins), and
    every path they give the output: walked once a build, they shadow generated pages of the same
    path, and are copied."""

    folders: tuple[tuple[Path, tuple[str, ...]], ...]
    files: frozenset[str]


def static_listing(folders: list[Path]) -> Statics:
    listed = tuple((folder, tuple(static_files(folder))) for folder in folders)
    return Statics(listed, frozenset(path for _, found in listed for path in found))


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        stat = os.lstat(path)
        if not S_ISREG(stat.st_mode) or stat.st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


class _Folder:
    """A folder of ours: writes inside it go through folders checked or made here."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.stats = WriteStats()
        self._folders: dict[str, bool] = {"": False}

    def flush(self) -> None:
        """Every write asked for is done (writes here are done at once)."""

    def full(self, relative: str) -> str:
        return f"{self.root}/{checked(relative)}"

    def _folder(self, relative: str) -> bool:
        """Make sure the folder exists as a real folder; True if this call made it (so it is empty).

        A file or symlink where a folder must go is one of our stale outputs: it is removed.
        Threads may race to make one folder: the one that loses finds a folder there (False).
        """
        made = self._folders.get(relative)
        if made is not None:
            return made
        self._folder(posixpath.dirname(relative))
        full = f"{self.root}/{relative}"
        try:
            os.mkdir(full)
            made = True
        except FileExistsError:
            if not S_ISDIR(os.lstat(full).st_mode):
                os.unlink(full)
                os.mkdir(full)
                made = True
            else:
                made = False
        self._folders[relative] = made
        return made

    served = False
    """Whether readers may open its files at any moment (the dev server's folder): then even a
    new file is written aside and renamed into place, so nobody ever reads half of it."""

    def _place(self, relative: str, make: Callable[[str], None]) -> None:
        """Put a new inode at `relative` (never write into a file that may be linked elsewhere)."""
        destination = self.full(relative)
        if self._folder(posixpath.dirname(relative)) and not self.served:
            try:
                make(destination)
                return
            except FileExistsError:  # written twice in one build (a site file over the theme's)
                pass
        folder, name = posixpath.split(destination)
        temporary = f"{folder}/.{name}.{os.getpid()}.tmp"
        if os.path.lexists(temporary):
            os.unlink(temporary)
        make(temporary)
        os.replace(temporary, destination)
        if os.path.lexists(temporary):  # rename() does nothing when both names are one inode
            os.unlink(temporary)

    def remove(self, relative: str) -> None:
        """Remove a file and the folders it leaves empty, up to (not including) the root."""
        path = self.full(relative)
        parent = posixpath.dirname(relative)
        real_parent = os.path.realpath(posixpath.dirname(path))
        if not os.path.lexists(path) or not f"{real_parent}/".startswith(f"{self.root}/"):
            return
        os.unlink(path)
        while parent:
            try:
                os.rmdir(f"{self.root}/{parent}")
            except OSError:
                return
            self._folders.pop(parent, None)
            parent = posixpath.dirname(parent)


class InPlace(_Folder):
    """Writes into a live output folder (the dev server's), file by file, skipping same bytes:
    a reader gets the old file or the new one, whole."""

    served = True

    def write(self, relative: str, data: bytes) -> None:
        destination = self.full(relative)
        if _same_bytes(destination, data):
            self.stats.unchanged += 1
            return
        self._place(relative, lambda path: write_new(path, data))
        self.stats.written += 1

    def copy_static(self, relative: str, layers: list[Path]) -> None:
        """A changed static file: the topmost layer that still has it wins; none left, it goes."""
        present = [d / relative for d in layers if (d / relative).is_file()]
        if present:
            self.write(relative, present[-1].read_bytes())
        else:
            self.remove(relative)


def _remove_entry(entry: os.DirEntry[str]) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def _mirror(source: str, copy: str) -> None:
    """Make `copy` the same tree as `source`, its files hard links to source's: a file already
    linked (the same inode) stays, so only what changed since costs a syscall."""
    try:
        os.mkdir(copy)
    except FileExistsError:
        if not S_ISDIR(os.lstat(copy).st_mode):
            os.unlink(copy)
            os.mkdir(copy)
    with os.scandir(copy) as entries:
        held = {entry.name: entry for entry in entries}
    with os.scandir(source) as entries:
        for entry in entries:
            old = held.pop(entry.name, None)
            target = f"{copy}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if old is not None and not old.is_dir(follow_symlinks=False):
                    os.unlink(old.path)
                _mirror(entry.path, target)
                continue
            if old is not None:
                if not old.is_dir(follow_symlinks=False) and old.inode() == entry.inode():
                    continue
                _remove_entry(old)
            os.link(entry.path, target)
    for old in held.values():
        _remove_entry(old)


class Staging(_Folder):
    """The output's twin: a folder beside it, brought up to date in place, then exchanged with it.

    The twin holds what the build before last wrote, so a build rewrites only what differs, links
    unchanged files from the live output (same inode: their mtimes stay), and the exchange is one
    atomic rename. A failed or killed build never touches the live output; the caller tells whether
    the twin's contents can be trusted (its manifest survived), else it starts empty.
    """

    def __init__(self, target: Path, *, trusted: bool) -> None:
        self.target = target.resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.path = self.target.parent / f".{self.target.name}.next"
        self._lock = (self.target.parent / f".{self.target.name}.lock").open("a")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        if not trusted and self.path.exists():
            shutil.rmtree(self.path)
        fresh = not self.path.exists()
        self.path.mkdir(exist_ok=True)
        super().__init__(self.path)
        self._folders[""] = fresh
        self.previous = str(self.target)
        self._background = Background()

    def write(self, relative: str, data: bytes) -> None:
        """Write one page, by a thread of this process: `flush` waits for it. Only distinct
        paths come this way (pages), so no two writes of one file race."""
        destination = self.full(relative)
        self._background.submit(lambda: self._write(relative, destination, data))

    def flush(self) -> None:
        self._tally(self._background.wait())

    def _tally(self, written: list[bool]) -> None:
        """Count files by `_write`'s answers: written, or kept as they were."""
        self.stats.written += sum(written)
        self.stats.unchanged += len(written) - sum(written)

    def _write(self, relative: str, destination: str, data: bytes) -> bool:
        """Write one file (True), unless the twin's file or the live output's has the same bytes
        (False: no write at all, or a link to the live one)."""
        fresh = self._folders.get(posixpath.dirname(relative), False)
        if not fresh and _same_bytes(destination, data):
            return False
        previous = f"{self.previous}/{relative}"
        if _same_bytes(previous, data):
            self._place(relative, lambda path: os.link(previous, path))
            return False
        self._place(relative, lambda path: write_new(path, data))
        return True

    def holds(self, relative: str, size: int, mtime_ns: int) -> bool:
        """Whether the twin's file is still the one with this stamp (only looks: no check needed)."""
        self.flush()
        return _stamped(f"{self.root}/{relative}", size, mtime_ns)

    def link_previous(self, relative: str, size: int, mtime_ns: int) -> bool:
        """Take the live output's file, if it is still the one with this stamp."""
        self.flush()
        previous = f"{self.previous}/{checked(relative)}"
        if not _stamped(previous, size, mtime_ns):
            return False
        try:
            self._place(relative, lambda path: os.link(previous, path))
        except OSError:
            return False
        self.stats.unchanged += 1
        return True

    def stamp(self, relative: str) -> tuple[int, int]:
        """A written file's size and mtime, which the manifest keeps to know it again."""
        self.flush()
        stat = os.lstat(self.full(relative))
        return stat.st_size, stat.st_mtime_ns

    def link_previous_tree(self, relative: str) -> bool:
        """Take a whole folder of the live output (the search index) as it is."""
        self.flush()
        previous = self.target / checked(relative)
        if not previous.is_dir() or previous.is_symlink():
            return False
        _mirror(str(previous), f"{self.path}/{relative}")
        return True

    def copy_tree(self, source: Path, files: Iterable[str]) -> None:
        """Copy a static folder's files (`static_files`) verbatim (following symlinks, so nothing
        outside is linked in); at once, in order: a later folder's file replaces an earlier's."""
        self.flush()
        self._tally(
            [
                self._write(relative, self.full(relative), (source / relative).read_bytes())
                for relative in files
            ]
        )

    def prune(self, stale: set[str]) -> None:
        """Remove the twin's files the new output no longer has, and folders left empty."""
        self.flush()
        for relative in sorted(stale):
            self.remove(relative)

    def commit(self) -> None:
        """Exchange twin and output; the old output becomes the twin for the next build."""
        self.flush()
        if not (self.target.exists() and _exchange(self.path, self.target)):
            if self.target.exists():
                shutil.rmtree(self.target)
            self.path.rename(self.target)
        self.close()

    def discard(self) -> None:
        """After a failure: the live output is untouched; the twin is rebuilt next time."""
        with suppress(Exception):  # the failure is what the build reports, not a write's
            self.flush()
        self.close()

    def close(self) -> None:
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()
