"""Bytes → files: the only stage that writes, and only inside the output folder.

Everything goes into a staging folder beside the output, which then takes the output's place in
one atomic exchange: a failed or killed build leaves the previous output exactly as it was.
Files whose bytes did not change are hard-linked from the previous output, so their mtimes stay.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from stat import S_ISREG

from sitegen.urls import UnsafePath, resolve_inside

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, bytes(a), _AT_FDCWD, bytes(b), _RENAME_EXCHANGE)
    return result == 0


def write_atomically(path: Path, data: bytes) -> None:
    """A reader sees the old file or the new one, never half of it (a new inode every time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _remove_file(root: Path, relative: PurePosixPath) -> None:
    """Remove a file and the folders it leaves empty, up to (not including) root."""
    path = _checked(root, relative)
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _stamped(path: Path, size: int, mtime_ns: int) -> bool:
    try:
        stat = path.lstat()
    except OSError:
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime_ns and S_ISREG(stat.st_mode)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _checked(root: Path, relative: PurePosixPath) -> Path:
    if relative.is_absolute() or ".." in relative.parts:
        raise UnsafePath(f"{relative} leaves the output folder")
    return resolve_inside(root, relative)


class InPlace:
    """Writes into a live output folder (the dev server's), file by file, skipping same bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.stats = WriteStats()

    def write(self, relative: PurePosixPath, data: bytes) -> None:
        destination = _checked(self.root, relative)
        if _same_bytes(destination, data):
            self.stats.unchanged += 1
            return
        write_atomically(destination, data)
        self.stats.written += 1

    def remove(self, relative: PurePosixPath) -> None:
        _remove_file(self.root, relative)

    def copy_static(self, relative: PurePosixPath, layers: list[Path]) -> None:
        """A changed static file: the topmost layer that still has it wins; none left, it goes."""
        present = [d / relative for d in layers if (d / relative).is_file()]
        if present:
            self.write(relative, present[-1].read_bytes())
        else:
            self.remove(relative)

    def replace_folder(self, relative: PurePosixPath, built: Path) -> None:
        """A folder made beside the output (the search index) takes `relative`'s place at once."""
        destination = _checked(self.root, relative)
        if destination.is_dir() and _exchange(built, destination):
            shutil.rmtree(built, ignore_errors=True)
            return
        shutil.rmtree(destination, ignore_errors=True)
        built.rename(destination)


class Staging:
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
        self.path.mkdir(exist_ok=True)
        self.stats = WriteStats()

    def _place(self, relative: PurePosixPath, make: Callable[[Path], None]) -> None:
        """Put a new inode at `relative`: never write into a file that may be linked to the live one."""
        destination = _checked(self.path, relative)
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.tmp")
        temporary.unlink(missing_ok=True)
        make(temporary)
        temporary.replace(destination)
        temporary.unlink(missing_ok=True)  # rename() does nothing when both names are one inode

    def write(self, relative: PurePosixPath, data: bytes) -> None:
        """Write one file; same bytes as the twin's or the live output's file mean no write at all."""
        if _same_bytes(self.path / relative, data):
            self.stats.unchanged += 1
            return
        previous = self.target / relative
        if _same_bytes(previous, data):
            self._place(relative, lambda temporary: os.link(previous, temporary))
            self.stats.unchanged += 1
            return
        self._place(relative, lambda temporary: temporary.write_bytes(data))
        self.stats.written += 1

    def holds(self, relative: PurePosixPath, size: int, mtime_ns: int) -> bool:
        """Whether the twin's file is still the one with this stamp."""
        return _stamped(self.path / relative, size, mtime_ns)

    def link_previous(self, relative: PurePosixPath, size: int, mtime_ns: int) -> bool:
        """Take the live output's file, if it is still the one with this stamp."""
        previous = self.target / relative
        if not _stamped(previous, size, mtime_ns):
            return False
        try:
            self._place(relative, lambda temporary: os.link(previous, temporary))
        except OSError:
            return False
        self.stats.unchanged += 1
        return True

    def link_previous_tree(self, relative: str) -> bool:
        """Take a whole folder of the live output (the search index) as it is."""
        previous = self.target / relative
        if not previous.is_dir():
            return False
        shutil.rmtree(self.path / relative, ignore_errors=True)
        shutil.copytree(previous, self.path / relative, copy_function=os.link)
        return True

    def copy_tree(self, source: Path) -> list[PurePosixPath]:
        """Copy a static folder verbatim (following symlinks, so nothing outside is linked in)."""
        copied = []
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if path.is_file() and not any(p.startswith(".") for p in relative.parts):
                copied.append(PurePosixPath(relative.as_posix()))
                self.write(copied[-1], path.read_bytes())
        return copied

    def prune(self, stale: set[PurePosixPath]) -> None:
        """Remove the twin's files the new output no longer has, and folders left empty."""
        for relative in stale:
            _remove_file(self.path, relative)

    def commit(self) -> None:
        """Exchange twin and output; the old output becomes the twin for the next build."""
        if not (self.target.exists() and _exchange(self.path, self.target)):
            if self.target.exists():
                shutil.rmtree(self.target)
            self.path.rename(self.target)
        self.close()

    def discard(self) -> None:
        """After a failure: the live output is untouched; the twin is rebuilt next time."""
        self.close()

    def close(self) -> None:
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()
