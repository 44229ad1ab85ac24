"""`sitegen images` on the real corpus's picture URLs, served by local servers with synthetic
pictures of realistic sizes; and what each way of publishing adds to the output per article.

The corpus is copied with every picture host rewritten to a local server of its own (one loopback
address per host, 127.0.0.k, so the per-host limit acts as it would on the web). Each URL gets a
distinct picture: one of a pool of photo-like JPEGs (noise, blurred; widths and shapes as news
pictures have them) and screenshots, made distinct by trailing bytes, so the store holds one file
per URL as it would. Then, each a `sitegen` command as a user runs it: `images` (link), a second
`images` (nothing new), `build` without and with the manifest, with thumbnails, with copies.

    python benchmarks/images_bench.py [--corpus ../shared/corpus/real] [--work DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
SITEGEN = Path(sys.executable).parent / "sitegen"
PORT = 18631
_URL = re.compile(r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})(?=[/?])", re.I)
_PICTURE = re.compile(
    r"""(?:<img\b[^>]*?\b(?:src|data-src|data-original)\s*=\s*["']|^(?:headimg|thumbnail):\s*'?)"""
    r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})(?=[/?])",
    re.I | re.M,
)


def pool(seed: int = 7) -> list[bytes]:
    """Pictures of the sizes news pages carry: photos 640-1280 px wide as JPEG q80, a few tall
    infographics and PNG screenshots, a few small icons."""
    rng = random.Random(seed)
    made = []
    shapes = [(640, 427), (800, 533), (1080, 720), (1280, 720), (1080, 1440), (1000, 563)]
    for i in range(48):
        width, height = rng.choice(shapes)
        noise = Image.effect_noise((width // 6, height // 6), rng.randint(30, 70))
        photo = noise.convert("RGB").resize((width, height), Image.Resampling.BICUBIC)
        photo = photo.filter(ImageFilter.GaussianBlur(1.2))
        data = io.BytesIO()
        if i % 8 == 7:  # a screenshot: flat colours, PNG
            photo.quantize(16).save(data, "PNG")
        else:
            photo.save(data, "JPEG", quality=80)
        made.append(data.getvalue())
    for i in range(4):
        data = io.BytesIO()
        Image.new("RGB", (72, 72), (40 * i, 120, 200)).save(data, "PNG")
        made.append(data.getvalue())
    return made


def serve(hosts: list[str], pictures: list[bytes]) -> list[ThreadingHTTPServer]:
    """One server per host on 127.0.0.k:PORT; a path's picture is chosen by its hash."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            digest = hashlib.sha256(self.path.encode()).digest()
            body = pictures[int.from_bytes(digest[:4]) % len(pictures)] + digest
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    servers = []
    for address in hosts:
        server = ThreadingHTTPServer((address, PORT), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def local_copy(corpus: Path, site: Path) -> list[str]:
    """The corpus with every picture host made local (127.0.k.j, one each); the addresses."""
    files = [p for p in sorted(corpus.rglob("*")) if p.is_file()]
    texts = {p: p.read_text(encoding="utf-8", errors="surrogateescape") for p in files}
    found = sorted({m[1].lower() for text in texts.values() for m in _PICTURE.finditer(text)})
    hosts = {host: f"127.0.{k // 250}.{k % 250 + 2}" for k, host in enumerate(found)}

    def local(match: re.Match[str]) -> str:
        host = match[1].lower()
        address = hosts.get(host)
        return f"http://{address}:{PORT}/{host}" if address else match[0]

    for path, text in texts.items():
        target = site / "content" / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_URL.sub(local, text), encoding="utf-8", errors="surrogateescape")
    return list(hosts.values())


def run(site: Path, *args: str) -> dict[str, float | str]:
    """A sitegen command: its wall and user CPU seconds (children included) and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(SITEGEN), *args], cwd=site, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"sitegen {' '.join(args)} failed:\n{done.stderr}")
    return {
        "wall": round(time.perf_counter() - started, 1),
        "user": round(after.ru_utime - before.ru_utime, 1),
        "stdout": done.stdout,
    }


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def configure(site: Path, images: str) -> None:
    (site / "site.toml").write_text(
        f'base_url = "https://example.github.io/sitegen/"\n[images]\n{images}', encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared/corpus/real")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "images")
    options = parser.parse_args()
    site = options.work
    if not options.corpus.is_dir():
        raise SystemExit(f"no corpus at {options.corpus}: give --corpus")
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    hosts = local_copy(options.corpus, site)
    servers = serve(hosts, pool())
    results: dict[str, object] = {"hosts": len(hosts)}
    configure(site, "")
    results["build without manifest"] = run(site, "build", "-o", "out-plain")
    results["images"] = run(site, "images")
    results["images again"] = run(site, "images")
    results["build link"] = run(site, "build", "-o", "out-link")
    configure(site, 'publish = "thumbnails"\n')
    results["images thumbnails"] = run(site, "images")
    results["build thumbnails"] = run(site, "build", "-o", "out-thumbs")
    configure(site, 'publish = "copies"\nbase_url = "https://pictures.example.org/archive/"\n')
    results["build copies"] = run(site, "build", "-o", "out-copies")
    for server in servers:
        server.shutdown()
    store = site / "images" / "store"
    results["store bytes"] = size(store)
    results["store files"] = sum(1 for p in store.rglob("*") if p.is_file())
    results["manifest bytes"] = (site / "images" / "manifest.tsv").stat().st_size
    results["thumbs bytes"] = size(site / "images" / "public")
    for name in ("plain", "link", "thumbs", "copies"):
        results[f"output {name}"] = size(site / f"out-{name}")
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
