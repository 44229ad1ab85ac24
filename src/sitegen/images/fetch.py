"""`sitegen images`: every picture URL not in the manifest yet, fetched once into the store.

Polite by construction: at most `per_host` connections to a host at a time (each host has its
own workers, so a slow host never holds up the others), no Referer header (hosts that check it
refuse any other site's), a timeout, retries with exponential backoff for what may pass (time
outs, lost connections, 429 and 5xx), and a size cap checked while the body streams in.
httpx does the HTTP (the client's choice; its async client does this in one thread).

Each result goes to the journal as it comes (manifest.py), each kept picture to the store under
its hash, written whole or not at all: an interrupted run loses nothing it had finished.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from sitegen import __version__
from sitegen.config import Images
from sitegen.images.manifest import GONE, KEPT, NOT_IMAGE, REFUSED, TOO_LARGE, Picture
from sitegen.images.picture import KNOWN_PLACEHOLDERS, hash_of, identify

USER_AGENT = f"sitegen/{__version__} (archiving the pictures of an archived article)"
_BACKOFF = 0.5  # seconds before the first retry; doubled each time
_REFUSING = {401, 403, 451}
_PASSING = {408, 425, 429, 500, 502, 503, 504}
Found = Callable[[Picture], None]


class _Again(Exception):
    """A failure that may pass: try again after a while (the detail says what it was)."""


@dataclass(frozen=True)
class Fetcher:
    """What fetching needs: the settings, the store, and the hashes of placeholders."""

    settings: Images
    store: Path

    @property
    def placeholders(self) -> frozenset[str]:
        return KNOWN_PLACEHOLDERS | frozenset(self.settings.refused)

    def run(self, urls: Iterable[str], found: Found) -> None:
        """Fetch every URL, telling `found` each result as it comes."""
        asyncio.run(self._all(list(urls), found))

    async def _all(self, urls: list[str], found: Found) -> None:
        by_host: dict[str, list[str]] = defaultdict(list)
        for url in urls:
            by_host[urlsplit(url).netloc.lower()].append(url)
        timeout = httpx.Timeout(self.settings.timeout)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
        async with httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept": "image/*,*/*;q=0.5"},
            timeout=timeout,
            limits=limits,
            follow_redirects=True,
            max_redirects=5,
            trust_env=False,
        ) as client:
            workers = []
            for queue in by_host.values():
                for _ in range(min(self.settings.per_host, len(queue))):
                    workers.append(self._work(client, queue, found))
            await asyncio.gather(*workers)

    async def _work(self, client: httpx.AsyncClient, queue: list[str], found: Found) -> None:
        while queue:
            url = queue.pop()
            picture = await self._one(client, url)
            found(replace(picture, fetched=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))

    async def _one(self, client: httpx.AsyncClient, url: str) -> Picture:
        """One URL, tried again while its failure may pass; what it was, at the end."""
        detail = ""
        for attempt in range(self.settings.retries + 1):
            if attempt:
                await asyncio.sleep(_BACKOFF * 2 ** (attempt - 1))
            try:
                return await self._get(client, url)
            except _Again as again:
                detail = str(again)
            except httpx.TimeoutException:
                detail = "timeout"
            except httpx.TooManyRedirects:
                return Picture(url, GONE, detail="too many redirects")
            except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                detail = type(exc).__name__
        return Picture(url, GONE, detail=detail)

    async def _get(self, client: httpx.AsyncClient, url: str) -> Picture:
        cap = self.settings.max_size
        async with client.stream("GET", url) as response:
            status = response.status_code
            if status in _PASSING:
                raise _Again(str(status))
            if status in _REFUSING:
                return Picture(url, REFUSED, detail=str(status))
            if status != 200:
                return Picture(url, GONE, detail=str(status))
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                return Picture(url, TOO_LARGE, bytes=int(declared), detail="content-length")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    return Picture(url, TOO_LARGE, bytes=size, detail="over the cap")
                chunks.append(chunk)
        return self._keep(url, b"".join(chunks), response.headers.get("content-type", ""))

    def _keep(self, url: str, data: bytes, content_type: str) -> Picture:
        digest = hash_of(data)
        if digest in self.placeholders:
            return Picture(url, REFUSED, digest, bytes=len(data), detail="placeholder")
        what = identify(data)
        if what.too_large:
            return Picture(url, TOO_LARGE, digest, bytes=len(data), detail="pixels")
        if not what.type:
            detail = content_type.split(";")[0].strip() or "unknown"
            return Picture(url, NOT_IMAGE, digest, bytes=len(data), detail=detail)
        picture = Picture(url, KEPT, digest, what.type, len(data), what.width, what.height)
        _store(self.store / picture.stored_as, data)
        return picture


def _store(path: Path, data: bytes) -> None:
    """A picture's bytes under their hash, once: whole or not at all."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
