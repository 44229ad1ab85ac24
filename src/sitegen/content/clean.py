"""Scraped feed bodies → clean, sanitized article HTML, with the metadata lines lifted out of it.

Feed bodies are page fragments full of boilerplate: comments, styles, QR promos, app adverts,
copyright footers, 来源/原标题/责任编辑 lines. `clean_body` parses a body once with lxml and runs the
passes over the tree in order: markup.py (what the body is), elements.py (chrome off, elements made
plain; rules that belong to one source live in `sources.py`), lines.py (paragraphs, metadata lines,
footers) and finish.py (empties, accessibility, visible text); then it sanitizes what is left with
an nh3 allowlist. Everything here is a pure function of the body, so normalization can be cached and
spread over processes.

lxml is used directly rather than through BeautifulSoup: on a 10,000-article build BeautifulSoup's
tree building alone costs more than the whole budget for normalization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from lxml import etree

from sitegen.content.elements import (
    article_root,
    drop_chrome,
    flatten_code,
    make_figures,
    mark_bold,
    normalize_elements,
)
from sitegen.content.finish import (
    drop_empty,
    drop_title_heading,
    make_accessible,
    tidy_figures,
    trim_rules,
    visible_text,
)
from sitegen.content.lines import make_paragraphs, process_lines
from sitegen.content.markup import body_html
from sitegen.content.sources import rules_for
from sitegen.content.tree import names


@dataclass(frozen=True)
class CleanBody:
    """A body ready to render, and what was lifted out of it to be shown in the page's own place."""

    html: str  # clean, sanitized HTML of the body
    text: str  # visible plain text of the clean body (paragraphs joined by "\n")
    source: str  # 来源 lifted from the body ("" if none)
    original_title: str  # 原标题 lifted ("" if none)
    editor: str  # 责任编辑 lifted ("" if none)
    images: tuple[str, ...]  # the src of every image left in the clean body, in order, once
    paywall: str = ""  # the paywall notice dropped from the body: the text is only its opening
    lead: str = ""  # the text before the excerpt mark (<!-- more -->), else the whole text

    @property
    def first_image(self) -> str:
        return self.images[0] if self.images else ""


_EMPTY = CleanBody(html="", text="", source="", original_title="", editor="", images=())
# libxml2 works in UTF-8: handing it bytes saves converting a str's buffer, and the encoding given
# here wins over any <meta charset> in the body.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")
# Hexo's and Hugo's excerpt mark, and what stands for it while the body is cleaned (cleaning drops
# every comment): a private-use character, taken out of the body first so that only the mark is it.
_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
_MARK = "\ue000"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CLEANER = nh3.Cleaner(
    tags=set(
        names(
            "p br hr h2 h3 h4 h5 h6 strong b em i u s del sub sup mark small code pre blockquote q"
            " cite ul ol li dl dt dd table thead tbody tfoot tr th td caption figure figcaption"
            " img a"
        )
    ),
    clean_content_tags=set(
        names(
            "script style iframe object embed noscript template textarea title svg math select"
            " xmp noembed noframes"
        )
    ),
    attributes={
        "a": {"href", "title"},
        "img": {"src", "alt", "width", "height"},
        "td": {"colspan", "rowspan"},
        "th": {"colspan", "rowspan"},
        "ol": {"start"},
    },
    tag_attribute_values={
        "img": {"loading": {"lazy"}, "referrerpolicy": {"no-referrer"}},
        "pre": {"tabindex": {"0"}},
    },
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_body(body: str, *, markdown: bool | None = None, title: str = "") -> CleanBody:
    """Clean one article body; `markdown=None` detects raw HTML vs Markdown.

    A heading that opens the body and repeats the title (BBC's feeds do this) is dropped, since
    the page shows the title already.
    """
    body = _NOT_XML.sub("", body)
    markup = body_html(body, markdown)
    if not markup.strip():
        return _EMPTY
    marked = _MORE.search(markup) is not None
    if marked:  # the mark's place kept through the passes, in one parse of the whole body
        markup = _MORE.sub(_MARK, markup.replace(_MARK, ""), count=1)
    # The <div> keeps leading text out of libxml2's implied <p>; <body> also holds what a stray
    # </div> in the markup pushes out of it.
    root = _gather_body(etree.fromstring(("<div>" + markup).encode(), _PARSER))
    rules = rules_for(body)
    root = article_root(root, rules)
    drop_chrome(root, rules)
    flatten_code(root)
    make_figures(root, rules)
    mark_bold(root, rules)
    normalize_elements(root)
    make_paragraphs(root)
    lifted = process_lines(root, rules)
    drop_title_heading(root, title)
    lead = _unmark(root) if marked else None
    drop_empty(root)  # the paragraph the mark alone made goes too
    trim_rules(root)
    make_accessible(root)
    tidy_figures(root)
    images = tuple(dict.fromkeys(src for img in root.iter("img") if (src := img.get("src"))))
    clean_html = _CLEANER.clean(etree.tostring(root, encoding=str, method="html", with_tail=False))
    text = visible_text(root)
    return CleanBody(
        html=clean_html.strip(),
        text=text,
        source=lifted.get("source", ""),
        original_title=lifted.get("original_title", ""),
        editor=lifted.get("editor", ""),
        images=images,
        paywall=lifted.get("paywall", ""),
        lead=text if lead is None else lead,
    )


def _unmark(root: etree._Element) -> str:
    """The visible text before the excerpt mark; the mark taken out of the tree."""
    lead = visible_text(root).partition(_MARK)[0].rstrip()
    for element in root.iter():
        if element.text and _MARK in element.text:
            element.text = element.text.replace(_MARK, "")
        if element.tail and _MARK in element.tail:
            element.tail = element.tail.replace(_MARK, "")
    return lead


def _gather_body(document: etree._Element) -> etree._Element:
    """The <body>, holding all the text: libxml2 puts what follows a stray </body> beside it, and
    what follows a stray </html> in a second document element, where a browser shows it all as
    part of the one body."""
    body = document.find("body")
    strays = [*body.itersiblings(), *document.itersiblings()]
    if strays:
        body.extend(strays)
        etree.strip_tags(body, "html", "body")
    return body


_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*")


def make_summary(text: str, limit: int = 120) -> str:
    """The opening of the text, ended at a sentence end when one falls late enough, else cut with …."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    window = flat[: limit + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= limit]
    if ends and ends[-1] >= limit // 3:
        return flat[: ends[-1]]
    return flat[: limit - 1].rstrip() + "…"
