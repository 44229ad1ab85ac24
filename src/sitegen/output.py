"""Bytes → files: the only stage that writes, and only inside the output folder.

Everything goes into a staging folder beside the output, which then takes the output's place in
one atomic exchange: a failed or killed build leaves the previous output exactly as it was.
Files whose bytes did not change are hard-linked from the previous output, so their mtimes stay.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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


def _alive(pid: str) -> bool:
    """Whether the build that left a staging folder is still running (then it is not stale)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


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
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(destination)
        self.stats.written += 1

    def remove(self, relative: PurePosixPath) -> None:
        destination = _checked(self.root, relative)
        destination.unlink(missing_ok=True)
        parent = destination.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def copy_static(self, relative: PurePosixPath, layers: list[Path]) -> None:
        """A changed static file: the topmost layer that still has it wins; none left, it goes."""
        present = [d / relative for d in layers if (d / relative).is_file()]
        if present:
            self.write(relative, present[-1].read_bytes())
        else:
            self.remove(relative)


class Staging:
    """A folder that becomes the output on `commit`, or vanishes on `discard`."""

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.target.parent.glob(f".{self.target.name}.staging-*"):
            if not _alive(stale.name.rsplit("-", 1)[-1]):
                shutil.rmtree(stale, ignore_errors=True)
        self.path = self.target.parent / f".{self.target.name}.staging-{os.getpid()}"
        self.path.mkdir()
        self.stats = WriteStats()

    def write(self, relative: PurePosixPath, data: bytes) -> None:
        """Write one file, or link the previous output's file when its bytes are the same."""
        destination = _checked(self.path, relative)
        destination.parent.mkdir(parents=True, exist_ok=True)
        previous = self.target / relative
        if destination.exists():
            destination.unlink()
        if _same_bytes(previous, data):
            try:
                os.link(previous, destination)
                self.stats.unchanged += 1
                return
            except OSError:
                pass
        destination.write_bytes(data)
        self.stats.written += 1

    def copy_tree(self, source: Path) -> None:
        """Copy a static folder verbatim (following symlinks, so nothing outside is linked in)."""
        for path in sorted(source.rglob("*")):
            if path.is_file() and not any(
                p.startswith(".") for p in path.relative_to(source).parts
            ):
                self.write(PurePosixPath(path.relative_to(source).as_posix()), path.read_bytes())

    def commit(self) -> None:
        if self.target.exists() and _exchange(self.path, self.target):
            shutil.rmtree(self.path, ignore_errors=True)
            return
        old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
        if self.target.exists():
            self.target.rename(old)
        self.path.rename(self.target)
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
