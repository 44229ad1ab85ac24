"""A raw body → HTML for the parser: Markdown rendered, tagless text in paragraphs, HTML as is.

Feed bodies come as raw HTML, as Markdown (the transcripts) or as plain text in the pipeline's
`<div>` wrapper; which one is told from the body itself unless the front matter says.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import cache
from typing import TYPE_CHECKING

from sitegen.content.unclosed import end_unclosed

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


_LEADING_TAG = re.compile(r"\s*<(?:[a-zA-Z][\w:-]*[\s/>]|!--|!doctype)", re.I)
_ANY_TAG = re.compile(r"<(?:[a-zA-Z][\w:-]*[\s/>]|!--|/[a-zA-Z])")
# Line patterns open with "\n" rather than "^" and are searched in "\n" + text: re finds a literal
# first character with a fast scan, while it tries a leading "^" at every character.
_MARKDOWN_BLOCK = re.compile(
    r"\n {0,3}(?:#{1,6}[ \t]|(?:[-*_][ \t]*){3,}$|```|~~~|\[[^\]\n]+\]\([^)\n]+\))", re.M
)
_MARKDOWN_LIST_ITEM = re.compile(r"\n {0,3}(?:[-*+>]|\d+[.)])[ \t]")
_MARKDOWN_MARKS = ("**", "__", "](", "`")
_PIPELINE_WRAPPER = re.compile(r"\s*<div>(.*)</div>\s*", re.S)


@cache
def _markdown() -> MarkdownIt:
    """Made on first use: few archives hold Markdown, and a small rebuild should not pay for it."""
    from markdown_it import MarkdownIt  # here: importing it costs a fifth of the cleaner's import

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def is_html_body(body: str) -> bool:
    """Whether a body is raw HTML: it opens with a tag and has no Markdown block syntax.

    Feeding raw HTML to a Markdown parser turns its indented lines into code blocks, while the
    Markdown transcripts open with `##` headings and carry `---` rules and `[text](url)` lines
    around their inline HTML.
    """
    return bool(_LEADING_TAG.match(body)) and not _has_markdown_block(body)


def _has_markdown_block(text: str) -> bool:
    return _MARKDOWN_BLOCK.search("\n" + text) is not None


def _has_markdown_inline(text: str) -> bool:
    """List items, quotes, bold, code or links: text that Markdown would change."""
    return any(mark in text for mark in _MARKDOWN_MARKS) or bool(
        _MARKDOWN_LIST_ITEM.search("\n" + text)
    )


def _plain_text(body: str) -> str | None:
    """The text of a body without any tag (inside the pipeline's `<div>` wrapper or bare)."""
    wrapped = _PIPELINE_WRAPPER.fullmatch(body)
    inner = wrapped.group(1) if wrapped else body
    return None if _ANY_TAG.search(inner) else inner


def _paragraphs_html(text: str) -> str:
    """Plain text has one paragraph per line; its entities (Hexo's &#123;) are decoded first."""
    lines = (line.strip() for line in html_lib.unescape(text).splitlines())
    return "".join(f"<p>{html_lib.escape(line, quote=False)}</p>" for line in lines if line)


def body_html(body: str, markdown: bool | None) -> str:
    """HTML for the parser: Markdown rendered, tagless text split into paragraphs, HTML as is."""
    text = _plain_text(body)
    if markdown is None:
        looks_like_markdown = not is_html_body(body) and (
            text is None or _has_markdown_block(text) or _has_markdown_inline(text)
        )
        markdown = bool(looks_like_markdown)
    if markdown:
        return _markdown().render(end_unclosed(body, markdown=True))
    return _paragraphs_html(text) if text is not None else end_unclosed(body)
