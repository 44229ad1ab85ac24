"""Shared test helpers: where the fixtures, the seeds and the shared corpus are."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import SiteConfig, parse_config

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SEEDS = REPO / "content"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "real"


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); it lives beside the repository")
    return CORPUS


def make_config(root: Path, **values: object) -> SiteConfig:
    return parse_config(dict(values), root)
