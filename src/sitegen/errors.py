"""The kinds of problem a user can cause, each carrying what they need to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class ContentError(Exception):
    """A problem in one content file: shown as `path:line: message`, never as a traceback.

    Not frozen: Python itself sets attributes (__traceback__) on exceptions as they propagate.
    """

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def __reduce__(self) -> tuple:
        return (type(self), (self.path, self.line, self.message))


@dataclass
class ConfigError(Exception):
    """A problem in site.toml or on the command line, naming the key at fault."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"config: {self.key}: {self.message}"


@dataclass(frozen=True)
class ContentWarning:
    """Something worth telling the editor that does not stop the build."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def in_order(errors: list[ContentError]) -> list[ContentError]:
    """Errors by file and line, as a person reads a list of them."""
    return sorted(errors, key=lambda e: (str(e.path), e.line))


class ContentErrors(Exception):
    """Every content error of one build, so that a user sees them all at once."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__(f"{len(errors)} content error(s)")
        self.errors = in_order(errors)

    def __reduce__(self) -> tuple:
        """Raised in a worker process (a cache entry gone at render time), it crosses back whole."""
        return (type(self), (self.errors,))


class TemplateProblem(Exception):
    """A template that fails to compile or render, located as `template:line: message` (here,
    not in render.py, so the CLI can name it without importing Jinja2)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message

    def __reduce__(self) -> tuple:
        return (type(self), (self.where, self.message))
