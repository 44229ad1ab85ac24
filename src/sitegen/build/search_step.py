"""The build's one meeting point with search: records taken from rendered pages, and the index
made from them as one more part of the output.

Everything the build knows about search is here, so another search engine changes this file only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.output import InPlace
from sitegen.urls import SEARCH_FOLDER

if TYPE_CHECKING:
    from sitegen.search import Record, SearchStats

Records = dict[str, "Record"]


def add_record(records: Records, data: bytes, url: str) -> None:
    """Keep what the search index takes from a rendered page, if the theme marks it for indexing."""
    from sitegen.search import extract  # here: only a site with search needs it

    record = extract(data, url)
    if record is not None:
        records[url] = record


def records_digest(records: Records) -> str:
    """What a search index was built from: the records and the code that writes the index."""
    from sitegen import search  # here: only a site with search needs it

    digest = hashlib.blake2b(Path(search.__file__).read_bytes(), digest_size=16)
    digest.update(repr(sorted(records.items())).encode())
    return digest.hexdigest()


def index_into(records: Records, folder: Path) -> SearchStats:
    """The whole index, written into `folder` (inside a staging tree)."""
    from sitegen.search import index_records  # here: only a site with search needs it

    shutil.rmtree(folder, ignore_errors=True)
    return index_records(records.values(), folder)


def reindex_in_place(output: Path, records: Records) -> SearchStats:
    """Pagefind cannot update an index: build a whole new one beside the output, swap it in."""
    fresh = output.parent / f".{output.name}.{SEARCH_FOLDER}-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        stats = index_into(records, fresh)
        InPlace(output).replace_folder(SEARCH_FOLDER, fresh)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return stats
