"""Shared test helpers: where the fixtures, the seeds and the shared corpus are."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from sitegen.config import SiteConfig, parse_config

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SEEDS = REPO / "content"
SHARED = Path(os.environ.get("SITEGEN_SHARED", REPO.parent / "shared"))  # beside the repository
CORPUS = SHARED / "corpus" / "real"
CHROMIUM = Path("/usr/bin/chromium")
SITEGEN = Path(sys.executable).parent / "sitegen"


def sitegen(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The `sitegen` command, run as a person runs it, in `cwd` (with `env`, if given)."""
    return subprocess.run(
        [str(SITEGEN), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def _interruptible() -> None:
    """Ctrl-C's signal as a terminal's foreground command has it. Tests run as a background job
    (`make test &`, nohup) inherit SIGINT ignored, for a shell without job control ignores it in
    what it starts in the background; the server would then never see the tests' Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_serve(cwd: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """`sitegen serve ARGS` started as a person starts it in a terminal, in `cwd`, and the
    address it prints; the caller stops it."""
    process = subprocess.Popen(
        [str(SITEGEN), "serve", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    assert process.stdout is not None
    line = next((x for x in process.stdout if x.startswith("serving ")), "")
    return process, line.split()[1]


@contextmanager
def served(root: Path) -> Iterator[str]:
    """The site in `root` (its site.toml and content/) built and served on 127.0.0.1, under
    base_url's path as GitHub Pages publishes it; yields its address."""
    from sitegen.serve import DevServer  # here: most tests never serve

    server = DevServer(root / "site.toml", port=0, watch=False)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); it lives beside the repository")
    return CORPUS


def checked_rows(sample: Path) -> list[list[str]]:
    """The rows of a hand-checked sample (tab-separated, `#` lines are its header)."""
    lines = sample.read_text(encoding="utf-8").splitlines()
    return [row for row in csv.reader(lines, delimiter="\t") if row and not row[0].startswith("#")]


def make_config(root: Path, **values: object) -> SiteConfig:
    return parse_config(dict(values), root)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--headless", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; a script error on it fails the test."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert not errors, errors
