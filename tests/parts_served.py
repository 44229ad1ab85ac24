"""One real HTTP server on 127.0.0.1 for the browser tests of an archive in parts: the same
articles built as one site at /one/ and as test_parts' three parts at /archive/, /archive-2023/
and /archive-2024/, each folder at its base path as GitHub Pages serves each part's repository."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.config import load_config
from sitegen.pipeline import build, build_parts

from .test_parts import PARTS

# Each part's base path on the server and its folder under the parts' build
PARTS_AT = {"archive": "main", "archive-2023": "p2023", "archive-2024": "p2024"}


class Handler(SimpleHTTPRequestHandler):
    """Serves each folder at its base path."""

    def __init__(self, *args: object, roots: dict[str, Path], **kwargs: object) -> None:
        self.roots = roots
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        for base, folder in self.roots.items():
            if path.startswith(base):
                rest = unquote(urlsplit(path).path)[len(base) :]
                return str(folder / rest)
        return "/nonexistent"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test output is for failures."""


@contextmanager
def one_and_parts(root: Path, write_articles: Callable[[Path], None]) -> Iterator[tuple[str, Path]]:
    """Writes the articles under root, builds them both ways and serves them; yields the server's
    address and the parts' build folder (a part's folder by its name in PARTS_AT)."""
    write_articles(root / "content")
    roots: dict[str, Path] = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, roots=roots))
    address = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    one, parted = root / "one", root / "parted"
    for site, text in [(one, ""), (parted, PARTS.replace("https://user.github.io", address))]:
        site.mkdir()
        toml = f'title = "档案"\nbase_url = "{address}/{"one" if not text else "archive"}/"\n'
        (site / "site.toml").write_text(
            f'{toml}content_dir = "{root / "content"}"\n{text}', encoding="utf-8"
        )
        config = load_config(site / "site.toml")
        if text:
            build_parts(config, jobs=1)
        else:
            build(config, jobs=1)
    roots.update(
        {"/one/": one / "build", **{f"/{p}/": parted / "build" / n for p, n in PARTS_AT.items()}}
    )
    try:
        yield address, parted / "build"
    finally:
        server.shutdown()
        server.server_close()
