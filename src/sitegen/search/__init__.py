"""Full-text search for a static site: a chunked inverted index of character bigrams.

tokens.py cuts text as search.js cuts a query, format.py is the index on disk (versioned),
writer.py writes and updates it in bounded memory (postings.py its shards of postings, from
scratch or in place), extract.py turns an Article into a record.
The build calls `writer.SearchIndex(state).update(folder, docs, text_of)`; theme/static/search.js
reads it. Text is folded by sitegen.folding. This file imports nothing: a module that needs one
part of search (tokens, the format) loads only that part.
"""
