"""The bench's real-shaped corpus (benchmarks/real_corpus.py): the same (count, seed) writes the same
bytes, and the archive it writes has the real one's lengths, feeds and reprints."""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sitegen.content.load import parse_source
from sitegen.models import Source

from .conftest import REPO, corpus_or_skip

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def real_corpus() -> ModuleType:
    """The module, loaded once: it reads the real corpus once per process."""
    corpus_or_skip()
    path = REPO / "benchmarks" / "real_corpus.py"
    spec = importlib.util.spec_from_file_location("bench_real_corpus", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_the_same_count_and_seed_write_the_same_bytes_and_a_later_first_continues(
    tmp_path: Path, real_corpus: ModuleType
) -> None:
    module = real_corpus
    one = module.write(100, tmp_path / "one")
    two = module.write(100, tmp_path / "two")
    assert [p.name for p in one] == [p.name for p in two]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two, strict=True))
    later = module.write(10, tmp_path / "later", first=90)
    assert [p.read_bytes() for p in later] == [p.read_bytes() for p in one[90:]]
    other = module.write(100, tmp_path / "other", seed=2)
    assert sum(a.read_bytes() == b.read_bytes() for a, b in zip(one, other, strict=True)) == 0


def test_the_articles_are_shaped_like_the_real_ones_with_about_3_percent_reprints(
    tmp_path: Path, real_corpus: ModuleType
) -> None:
    module = real_corpus
    written = module.write(1000, tmp_path)
    real = [p.stat().st_size for p in module.corpus_dir().rglob("*.md")]
    sizes = [p.stat().st_size for p in written]
    assert abs(statistics.mean(sizes) / statistics.mean(real) - 1) < 0.15
    assert abs(statistics.median(sizes) / statistics.median(real) - 1) < 0.15
    sources = [parse_source(p.read_text("utf-8"), p, p.name) for p in written]
    assert all(isinstance(s, Source) for s in sources)
    assert all(s.meta["title"] and len(s.meta["categories"]) == 3 for s in sources)
    feeds = {tuple(s.meta["categories"]) for s in sources}
    assert len(feeds) >= 35  # the real corpus has 41 feeds
    bodies = [s.body for s in sources if isinstance(s, Source)]
    copies = len(bodies) - len(set(bodies))  # reprints, and a few short items alike by chance
    assert 0.02 * len(bodies) < copies < 0.06 * len(bodies)
