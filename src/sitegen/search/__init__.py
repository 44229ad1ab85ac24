"""Full-text search for a static site: a chunked inverted index of character bigrams.

tokens.py cuts text as search.js cuts a query, format.py is the index on disk (versioned),
writer.py writes and updates it in bounded memory (postings.py its shards of postings, from
scratch or in place), extract.py turns an Article into a record.
The build calls `writer.SearchIndex(state).update(folder, docs, text_of)`; theme/static/search.js reads it.
"""

import hashlib
from functools import cache
from pathlib import Path

from sitegen.search.doc import Doc
from sitegen.search.extract import doc_of, text_of

__all__ = ["Doc", "code_digest", "doc_of", "text_of"]


@cache
def code_digest() -> str:
    """The code that makes the index: a change to it makes the index anew. Here, not in writer.py,
    so a build with nothing to do can tell without importing numpy."""
    here = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(here.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()
