"""Markup left open ends before the next paragraph, so it can never take the text after it.

A browser lets an unclosed `<iframe>`, `<textarea>`, `<script>`, `<style>`, `<noscript>`,
`<template>`, `<title>` or comment hold the rest of the page as its content, and libxml2 does the
same with media and embeds it knows no end for (`<embed>`, `<source>`, `<track>`, an `<audio>` or
`<video>` left open…); the cleaner drops all of those with their content, and with them every
paragraph after a piece of markup a 2008–2015 page left open. An archive keeps the text: here, on the
raw body, such an element that is not closed before another of its kind opens ends before the next
paragraph-level tag (a blank line too, in Markdown), a void one (embed, source, track, image) right after
its start tag (a `<plaintext>`, which nothing ends, loses its tag), and a quoted attribute value still open at a paragraph-level tag ends before it.
Closed ones are left exactly as they are (a closed script's `document.write("<p>…")` is script).

Written by hand: HTML5 parsers (html5lib, html5-parser, selectolax) do what a browser does, which is
to swallow; the rule "ends at the next paragraph" is ours. Regexes find the few places to look, so a
body without such markup costs one search.
"""

from __future__ import annotations

import re
from functools import cache

from sitegen.content.tree import BLOCKS, names

# Elements the cleaner drops with their content (elements.py, clean.py's sanitizer) that a browser
# or libxml2 can leave open to the end of the body.
_OPEN_ENDED = names(
    "script style iframe noscript template textarea title xmp plaintext noembed noframes"
    " object applet audio video canvas map select button frameset"
)
_VOID = names("embed source track image")  # void in HTML (image: img), held open by libxml2
# A start tag, read as libxml2 reads it: a quote opens a value only after "=", and one that never
# closes is a character (possessive: no backtracking, whatever the quotes).
_START = re.compile(
    r"<(?:("
    + "|".join(sorted(_OPEN_ENDED | _VOID))
    + r")(?=[\s/>])(?:[^>\"'=]++|=\s*+(?:\"[^\"]*+\"|'[^']*+')?+|[\"'=])*+>|!--|!|\?)",
    re.IGNORECASE,
)
_BLOCK_NAMES = "|".join(sorted(BLOCKS | {"br"}, key=len, reverse=True))
_BLOCK_TAG = rf"</?(?:{_BLOCK_NAMES})(?=[\s/>])"
_PARAGRAPH = re.compile(_BLOCK_TAG, re.IGNORECASE)
_PARAGRAPH_OR_BLANK_LINE = re.compile(rf"{_BLOCK_TAG}|\n[ \t]*\n", re.IGNORECASE)
_BLANK_LINE = r"\n[ \t]*\n"


@cache
def _open_quote(markdown: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A start tag whose last attribute's quoted value runs over a paragraph-level tag (or, in
    Markdown, a blank line), and a cheap test for a body that may hold one (a quoted value
    reaching a "<" or a blank line: rare)."""
    end = f"{_BLOCK_TAG}|{_BLANK_LINE}" if markdown else _BLOCK_TAG
    tag = re.compile(
        r"<[a-zA-Z][\w:-]*(?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'|[^\s\"'<>=`]+))?)*"
        rf"\s+[^\s\"'<>/=]+\s*=\s*([\"'])(?:(?!\1|{end})[^<]|(?!{end})<)*(?={end})",
        re.IGNORECASE,
    )
    reach = f"<|{_BLANK_LINE}" if markdown else "<"
    return tag, re.compile(rf"=\s*(?:\"[^\"<]*?|'[^'<]*?)(?:{reach})")


_BOGUS_END = re.compile("[<>]")
_TAG_GOES_ON = re.compile(r"\s*/?>|\s+[^\s\"'<>/=]+\s*(?:=|/?>|\s)")


def end_unclosed(html: str, markdown: bool = False) -> str:
    """The body with every element that would swallow what follows it ended: see the module."""
    open_quote, may_hold_one = _open_quote(markdown)
    if may_hold_one.search(html):
        html = open_quote.sub(_end_quote, html)
    edits = _edits(html, _PARAGRAPH_OR_BLANK_LINE if markdown else _PARAGRAPH)
    if not edits:
        return html
    pieces, done = [], 0
    for where, _, cut_to, text in sorted(edits):
        pieces += [html[done:where], text]
        done = max(done, cut_to)  # a cut and an insertion at one place: the cut holds
    return "".join(pieces) + html[done:]


def _edits(html: str, boundary: re.Pattern[str]) -> list[tuple[int, int, int, str]]:
    """What to change: (where, -order, end of what is cut there, text put there); at one place,
    what was opened last is ended first."""
    edits: list[tuple[int, int, int, str]] = []
    search = _Searches(html)
    at = 0
    while found := _START.search(html, at):
        kind = (found.group(1) or found.group()[1:]).lower()
        at = after = found.end()
        if kind in ("!", "?"):  # <![CDATA[, <?xml, <!DOCTYPE: libxml2 ends them at the next ">"
            bogus_end = _BOGUS_END.search(html, after)
            if bogus_end is None or bogus_end.group() == "<":
                where = bogus_end.start() if bogus_end else len(html)
                edits.append((where, -len(edits), where, ">"))
        elif kind == "plaintext":  # libxml2 never ends one: the tag goes, what follows is parsed
            edits.append((found.start(), -len(edits), after, ""))
        elif kind in _VOID or (kind != "!--" and found.group().endswith("/>")):
            if not _followed_by_end(html, kind, after):
                edits.append((after, -len(edits), after, f"</{kind}>"))
        else:
            close_tag, start_tag = _marks(kind)
            close, again = search(close_tag, after), search(start_tag, after)
            if close and (again is None or close.start() < again.start()):
                at = close.end()  # closed: what it holds is its own
                continue
            # open: it ends before the next paragraph, and what it spans is scanned on, so
            # that an element opened inside it ends there too, first
            stop = search(boundary, after)
            end = stop.start() if stop else len(html)
            edits.append((end, -len(edits), end, "-->" if kind == "!--" else f"</{kind}>"))
    return edits


class _Searches:
    """A pattern's next match from a place, each pattern's last match kept: the places only move
    forward, so a body with thousands of open elements is read once per pattern, not once each."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.found: dict[re.Pattern[str], re.Match[str] | None] = {}

    def __call__(self, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        if pattern in self.found:
            last = self.found[pattern]
            if last is None or last.start() >= start:
                return last
        found = self.found[pattern] = pattern.search(self.html, start)
        return found


def _end_quote(found: re.Match[str]) -> str:
    """The value and its tag ended before the paragraph-level tag, unless the quote closes later
    where its tag can go on (the value then holds markup, as a tooltip's title may)."""
    html, quote = found.string, found.group(1)
    closing = html.find(quote, found.end())
    at_tag = html.startswith("<", found.end())  # else a blank line: Markdown ends a tag there
    if at_tag and closing >= 0 and _TAG_GOES_ON.match(html, closing + 1):
        return found.group()
    return found.group() + quote + ">"


@cache
def _marks(kind: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What ends an element of this kind (its end tag, or `-->`) and what opens another one."""
    if kind == "!--":
        return re.compile("-->"), re.compile("<!--")
    return (
        re.compile(rf"</{kind}(?=[\s/>])[^>]*>?", re.IGNORECASE),
        re.compile(rf"<{kind}(?=[\s/>])", re.IGNORECASE),
    )


def _followed_by_end(html: str, kind: str, after: int) -> bool:
    """Whether a void or self-closed element's own end tag follows it at once."""
    return re.compile(rf"\s*</{kind}\s*>", re.IGNORECASE).match(html, after) is not None
