"""Markup left open ends before the next paragraph, so it can never take the text after it.

A browser lets an unclosed `<iframe>`, `<textarea>`, `<script>`, `<style>`, `<noscript>`,
`<template>`, `<title>` or comment hold the rest of the page as its content, and libxml2 does the
same with media and embeds it knows no end for (`<embed>`, `<source>`, `<track>`, an `<audio>` or
`<video>` left open…); the cleaner drops all of those with their content, and with them every
paragraph after a piece of markup a 2008–2015 page left open. An archive keeps the text: here, on the
raw body, such an element that is not closed before another of its kind opens ends before the next
paragraph-level tag (a blank line too, in Markdown), a void one (embed, source, track, image) right after
its start tag (a `<plaintext>`, which nothing ends, loses its tag), and a start tag still open
at a paragraph-level tag (in a quoted value or not) ends before it.
Closed ones are left exactly as they are (a closed script's `document.write("<p>…")` is script).

Written by hand: HTML5 parsers (html5lib, html5-parser, selectolax) do what a browser does, which is
to swallow; the rule "ends at the next paragraph" is ours. Regexes find the few places to look, so a
body without such markup costs one search.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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
_BLANK_LINE = r"\n[ \t]*\n"
_PARAGRAPH = re.compile(_BLOCK_TAG, re.IGNORECASE)
_PARAGRAPH_OR_BLANK_LINE = re.compile(rf"{_BLOCK_TAG}|{_BLANK_LINE}", re.IGNORECASE)


# One step through a start tag as libxml2 reads it: a quote opens a value only after "=".
_TAG_NAME = re.compile(r"<[a-zA-Z][\w:-]*")
_TAG_STEP = re.compile(r"[^>\"'=]++|=\s*+([\"'])?|[\"'>]")


def _may_run_over(reach: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A start tag, or a quoted value, that reaches `reach` before its end: rare, so most bodies
    pass. Two searches, each from its one first character, cost less than one for either."""
    return (
        re.compile(rf"<[a-zA-Z][^<>]*?(?:{reach})"),
        re.compile(rf"=\s*(?:\"[^\"<]*?|'[^'<]*?)(?:{reach})"),
    )


_MAY_RUN_OVER = {  # by markdown; reaching only "<", possessive runs read a body in one pass
    False: (re.compile(r"<[a-zA-Z][^<>]*+<"), re.compile(r"=\s*+(?:\"[^\"<]*+|'[^'<]*+)<")),
    True: _may_run_over(f"<|{_BLANK_LINE}"),
}


_BOGUS_END = re.compile("[<>]")
_TAG_GOES_ON = re.compile(r"\s*/?>|\s+[^\s\"'<>/=]+\s*(?:=|/?>|\s)")


def end_unclosed(html: str, markdown: bool = False) -> str:
    """The body with every element that would swallow what follows it ended: see the module."""
    boundary = _PARAGRAPH_OR_BLANK_LINE if markdown else _PARAGRAPH
    inside_tags: list[tuple[int, int]] = []
    if any(pattern.search(html) for pattern in _MAY_RUN_OVER[markdown]):
        html, inside_tags = _read_tags(html, boundary)
    edits = _edits(html, boundary, inside_tags)
    if not edits:
        return html
    pieces, done = [], 0
    for where, _, cut_to, text in sorted(edits):
        pieces += [html[done:where], text]
        done = max(done, cut_to)  # a cut and an insertion at one place: the cut holds
    return "".join(pieces) + html[done:]


def _edits(
    html: str, boundary: re.Pattern[str], inside_tags: list[tuple[int, int]]
) -> list[tuple[int, int, int, str]]:
    """What to change: (where, -order, end of what is cut there, text put there); at one place,
    what was opened last is ended first. A "<" inside another tag (`inside_tags`: the spans of the
    tags holding one) opens nothing."""
    edits: list[tuple[int, int, int, str]] = []
    search = _Searches(html)
    starts = [start for start, _ in inside_tags]
    at = 0
    while found := _START.search(html, at):
        k = bisect_right(starts, found.start()) - 1
        if k >= 0 and starts[k] < found.start() < inside_tags[k][1]:
            at = inside_tags[k][1]
            continue
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


def _read_tags(html: str, boundary: re.Pattern[str]) -> tuple[str, list[tuple[int, int]]]:
    """Each start tag that runs over a paragraph-level tag (or a blank line), in a quoted value or
    not, ended there, unless the value's quote closes later where its tag goes on (it then holds
    markup, as a tooltip's title may); and the spans of the tags that hold a "<" (what looks like a
    tag there is an attribute's text). Tags are read one after another, as libxml2 reads them, so
    that values left open one after another end where each reaches a paragraph."""
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    done = at = shift = 0
    search = _Searches(html)
    while tag := _TAG_NAME.search(html, at):
        at, added = tag.end(), ""
        while step := _TAG_STEP.match(html, at):
            at, quote = step.end(), step.group(1)
            if step.group() == ">":
                break
            close = search(_QUOTE[quote], at) if quote else None
            reach = at if quote is None else close.start() if close else len(html)
            over = search(boundary, step.start())
            if over is None or over.start() >= reach:
                at = reach + 1 if close else at
                continue
            if close and html.startswith("<", over.start()) and _TAG_GOES_ON.match(html, reach + 1):
                at = reach + 1
                continue
            added = (quote or "") + ">"
            pieces += [html[done : over.start()], added]
            done = at = over.start()
            break
        if html.find("<", tag.start() + 1, at) >= 0:
            spans.append((tag.start() + shift, at + shift + len(added)))
        shift += len(added)
    return ("".join(pieces) + html[done:] if pieces else html), spans


_QUOTE = {quote: re.compile(quote) for quote in "\"'"}


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
