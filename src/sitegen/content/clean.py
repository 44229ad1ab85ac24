"""Scraped feed bodies → clean, sanitized article HTML, with the metadata lines lifted out of it.

Feed bodies are page fragments full of boilerplate: comments, styles, QR promos, app adverts,
copyright footers, 来源/原标题/责任编辑 lines. This module parses a body once with lxml, takes the
boilerplate off (rules that belong to one source live in `sources.py`), turns loose text into
paragraphs and sanitizes what is left with an nh3 allowlist. Everything here is a pure function of
the body, so normalization can be cached and spread over processes.

lxml is used directly rather than through BeautifulSoup: on a 10,000-article build BeautifulSoup's
tree building alone costs more than the whole budget for normalization.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import nh3
from lxml import etree

from sitegen.content.sources import SOURCES, SourceRules, rules_for

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@dataclass(frozen=True)
class CleanBody:
    """A body ready to render, and what was lifted out of it to be shown in the page's own place."""

    html: str  # clean, sanitized HTML of the body
    text: str  # visible plain text of the clean body (paragraphs joined by "\n")
    source: str  # 来源 lifted from the body ("" if none)
    original_title: str  # 原标题 lifted ("" if none)
    editor: str  # 责任编辑 lifted ("" if none)
    first_image: str  # src of the first image left in the clean body ("" if none)
    paywall: str = ""  # the paywall notice dropped from the body: the text is only its opening


_EMPTY = CleanBody(html="", text="", source="", original_title="", editor="", first_image="")

# --- body kinds --------------------------------------------------------------------------------

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
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@cache
def _markdown() -> MarkdownIt:
    """Made on first use: few archives hold Markdown, and a small rebuild should not pay for it."""
    from markdown_it import MarkdownIt  # here: importing it costs a fifth of this module's import

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


def _body_html(body: str, markdown: bool | None) -> str:
    """HTML for the parser: Markdown rendered, tagless text split into paragraphs, HTML as is."""
    text = _plain_text(body)
    if markdown is None:
        looks_like_markdown = not is_html_body(body) and (
            text is None or _has_markdown_block(text) or _has_markdown_inline(text)
        )
        markdown = bool(looks_like_markdown)
    if markdown:
        return _markdown().render(body)
    return _paragraphs_html(text) if text is not None else body


# --- tree vocabulary ---------------------------------------------------------------------------

# libxml2 works in UTF-8: handing it bytes saves converting a str's buffer, and the encoding given
# here wins over any <meta charset> in the body.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060\ufeff]")  # U+200D stays: it joins emoji
_NEWLINE_RUN = re.compile(r"[ \t\r\n\f]*\n[ \t\r\n\f]*")
_IDEOGRAPHIC_SPACES = re.compile("\u3000{2,}")
_INDENT = " \t\r\n\f\u3000\u2003\u2002\u00a0"
_BLANK_LINE = re.compile(r"\n[ \t\r\f\u3000\u00a0]*\n")
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none")
_PROMO_IMAGE = re.compile(
    "|".join([r"qr_?code|erweima|二维码", *(p for rules in SOURCES for p in rules.promo_images)]),
    re.I,
)
_TRACKING_SIZE = re.compile(r"[01](?:px)?")
_ABSOLUTE_URL = re.compile(r"(?:https?://|mailto:)", re.I)
_HOST_LIKE = re.compile(
    r"www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]|$)|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/",
    re.I,
)
_DIGITS = re.compile(r"\d{1,5}")


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_DROP_WITH_CONTENT = _names(
    "script style iframe frame frameset object embed applet input button select textarea"
    " noscript template svg math canvas video audio source track map meta link title head base"
)
_UNWRAP = ("font", "span", "o:p", "mp-style-type", "form")
# HTML5 ends <svg> and <math> at any of these tags (its "breakout" rule), so text after a stray or
# unclosed one is shown; libxml2 knows no foreign content and keeps it all inside.
_FOREIGN = ("svg", "math")
_BREAKOUT = _names(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img"
    " li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var"
)
_CONTAINERS = _names(
    "div section article main header footer aside nav center body html address details summary"
    " hgroup fieldset"
)
_BLOCKS = _CONTAINERS | _names(
    "p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr td th caption figure"
    " figcaption blockquote pre hr"
)
_INLINE_BOLD = _names("font span b strong em i a u")
_LINES = ("p", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "blockquote")
_DROP_WHEN_EMPTY = _names(
    "p div section article figure figcaption blockquote h2 h3 h4 h5 h6 ul ol li dl dt dd center"
    " header footer aside dir strong b em i u s del sub sup mark small code q cite a"
)
_SOLID = ("img", "hr", "table")  # content even without text
_BREAKS = _BLOCKS | {"br"}  # line breaks in the visible text

_SOURCE_LINE = re.compile(r"(?:▌\s*)?(?:本文)?来源\s*[：:]\s*(?P<value>.{1,60})")
_ORIGINAL_TITLE_LINE = re.compile(r"原标题\s*[：:]\s*(?P<value>.+)")
_EDITOR_LINE = re.compile(r"责任编辑\s*[：:]\s*(?P<value>.+?)(?:\s+[A-Z]{1,4}\d{2,})?")
_TRAILING_EDITOR = re.compile(
    r"[（(]?责任编辑\s*[：:]\s*(?P<value>[^\s。，,；;：:）)]{1,20})[）)]?[。.]?$"
)
_LIFTED = (
    ("source", _SOURCE_LINE),
    ("original_title", _ORIGINAL_TITLE_LINE),
    ("editor", _EDITOR_LINE),
)

_CLEANER = nh3.Cleaner(
    tags=set(
        _names(
            "p br hr h2 h3 h4 h5 h6 strong b em i u s del sub sup mark small code pre blockquote q"
            " cite ul ol li dl dt dd table thead tbody tfoot tr th td caption figure figcaption"
            " img a"
        )
    ),
    clean_content_tags=set(
        _names(
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


# --- public API --------------------------------------------------------------------------------


def is_promo_image(url: str) -> bool:
    """Whether an image URL advertises or tracks (QR code, end-of-article badge, read pixel)
    rather than illustrates: such an image is never a head image."""
    return bool(_PROMO_IMAGE.search(url))


def clean_body(body: str, *, markdown: bool | None = None, title: str = "") -> CleanBody:
    """Clean one article body; `markdown=None` detects raw HTML vs Markdown.

    A heading that opens the body and repeats the title (BBC's feeds do this) is dropped, since
    the page shows the title already.
    """
    body = _NOT_XML.sub("", body)
    markup = _body_html(body, markdown)
    if not markup.strip():
        return _EMPTY
    # The <div> keeps leading text out of libxml2's implied <p>; <body> also holds what a stray
    # </div> in the markup pushes out of it.
    root = _gather_body(etree.fromstring(("<div>" + markup).encode(), _PARSER))
    rules = rules_for(body)
    root = _article_root(root, rules)
    _drop_chrome(root, rules)
    for pre in root.xpath(".//pre[not(ancestor::pre)][.//*]"):
        _flatten_pre(pre)
    _make_figures(root, rules)
    _mark_bold(root, rules)
    _normalize_elements(root)
    etree.strip_tags(root, *_UNWRAP)
    _make_paragraphs(root)
    lifted = _process_lines(root, rules)
    _drop_title_heading(root, title)
    _drop_empty(root)
    _trim_rules(root)
    _make_accessible(root)
    for figure in root.iter("figure", "figcaption"):
        _drop_blank_text(figure)
    first_image = next((img.get("src", "") for img in root.iter("img")), "")
    clean_html = _CLEANER.clean(etree.tostring(root, encoding=str, method="html", with_tail=False))
    return CleanBody(
        html=clean_html.strip(),
        text=_visible_text(root),
        source=lifted.get("source", ""),
        original_title=lifted.get("original_title", ""),
        editor=lifted.get("editor", ""),
        first_image=first_image,
        paywall=lifted.get("paywall", ""),
    )


def _drop_title_heading(root: etree._Element, title: str) -> None:
    """The first heading goes when it comes before any text and says the title again."""
    if not title:
        return
    for element in root.iterdescendants():
        if element.tag in _HEADINGS:
            if _squash(_text_of(element)) == _squash(title):
                _remove(element)
            return
        if element.tag == "img" or (element.text or "").strip():
            return


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


# --- passes ------------------------------------------------------------------------------------


def _text_of(element: etree._Element) -> str:
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _squash(text: str) -> str:
    """Whitespace-collapsed text; str.split() also splits at U+3000, em spaces and nbsp."""
    return " ".join(text.split())


def _is_space(text: str) -> bool:
    """Whether `_squash(text)` is empty; isspace stops at the first letter, split reads it all."""
    return not text or text.isspace()


def _remove(element: etree._Element) -> None:
    """Take an element out, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


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


def _break_out(root: etree._Element) -> None:
    """HTML that a stray <svg> or <math> swallowed goes after it, from its first breakout tag on,
    as an HTML5 parser does; what is left of the svg or math is then dropped with the chrome."""
    for foreign in list(root.iter(*_FOREIGN)):
        first = next(foreign.iterdescendants(*_BREAKOUT), None)
        if first is None or foreign.getparent() is None:
            continue
        moved = [first, *first.itersiblings()]
        node = first.getparent()
        while node is not foreign:  # text after an ancestor's end follows the moved elements
            moved[-1].tail, node.tail = (moved[-1].tail or "") + (node.tail or ""), None
            moved.extend(node.itersiblings())
            node = node.getparent()
        tail, foreign.tail = foreign.tail, None
        anchor = foreign
        for element in moved:  # each keeps its tail, the text that followed it
            anchor.addnext(element)
            anchor = element
        anchor.tail = (anchor.tail or "") + (tail or "")


def _article_root(root: etree._Element, rules: Iterable[SourceRules]) -> etree._Element:
    """When a feed ships the whole page (WeChat), the article is one element of it."""
    for source in rules:
        if source.article_xpath is not None:
            found = source.article_xpath(root)
            if found:
                return found[0]
    return root


def _drop_chrome(root: etree._Element, rules: Iterable[SourceRules]) -> None:
    """What is never article text (scripts, styles, form controls, players), then each source's
    chrome."""
    _break_out(root)
    etree.strip_elements(root, *_DROP_WITH_CONTENT, with_tail=False)
    for source in rules:
        if source.drop_xpath is not None:
            for element in source.drop_xpath(root):
                _remove(element)


def _flatten_pre(pre: etree._Element) -> None:
    """Scraped code blocks nest blocks in a <pre> (WeChat: pre > section > pre > one <code> a
    line, beside a list of empty line-number items): one <pre> of lines is what they show."""
    for code in list(pre.iter("code"))[:-1]:
        code.tail = "\n" + (code.tail or "")
    for element in reversed(list(pre.iterdescendants(*_BLOCKS))):
        if _is_space(_text_of(element)):
            _remove(element)
        elif element.getnext() is not None:
            element.tail = "\n" + (element.tail or "")
    etree.strip_tags(pre, *_BLOCKS)


def _make_figures(root: etree._Element, rules: Iterable[SourceRules]) -> None:
    """An image wrapper becomes <figure>, with a <figcaption> only when its caption has text."""
    for source in rules:
        for wrapper_xpath, caption_xpath in source.figure_xpaths:
            for wrapper in wrapper_xpath(root):
                captions = caption_xpath(wrapper)
                wrapper.tag = "figure"
                wrapper.attrib.clear()
                for caption in captions:
                    if caption is captions[0] and _squash(_text_of(caption)):
                        caption.tag = "figcaption"
                        caption.attrib.clear()
                    else:
                        _remove(caption)
                etree.strip_tags(wrapper, "dt", "dd", "div", "p")


def _mark_bold(root: etree._Element, rules: Iterable[SourceRules]) -> None:
    """Some sources mark bold with their own attribute (Sina's cms-style="strong-Bold")."""
    for source in rules:
        if source.bold_xpath is None:
            continue
        for element in source.bold_xpath(root):
            if element.tag in _INLINE_BOLD:
                element.tag = "strong"
                element.attrib.clear()
            else:
                strong = etree.SubElement(element, "strong")
                strong.text, element.text = element.text, None
                strong.extend(child for child in list(element) if child is not strong)


def _normalize_elements(root: etree._Element) -> None:  # noqa: C901 - one pass by design; split once #13 lands here
    """One pass over every element: whitespace, images, links, headings, bold spans."""
    preformatted = {node for pre in root.iter("pre") for node in pre.iter()}
    for element in list(root.iter()):
        # each read of a slot decodes it and each write encodes it: one read, a write on change
        text = element.text
        if text:
            tidy = _tidy_text(text, bool(preformatted) and element in preformatted)
            if tidy != text:
                element.text = tidy
        tail = element.tail
        if tail:
            tidy = _tidy_text(tail, bool(preformatted) and element.getparent() in preformatted)
            if tidy != tail:
                element.tail = tidy
        tag = element.tag
        if tag == "img":
            _fix_image(element)
        elif tag == "a":
            href = _absolute((element.get("href") or "").strip())
            if href:
                element.set("href", href)
            else:
                _unwrap(element)
        elif tag == "h1":
            element.tag = "h2"
        elif tag == "br" and element.tail:
            element.tail = element.tail.lstrip(_INDENT)
        elif tag == "span" and _BOLD_STYLE.search(element.get("style", "")):
            element.tag = "strong"
            element.attrib.clear()


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its content (an anchor without a target is just text)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    previous = parent[index - 1] if index else None
    if element.text:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.text
        else:
            parent.text = (parent.text or "") + element.text
    children = list(element)
    tail = element.tail
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else previous
    if tail:
        if last is not None:
            last.tail = (last.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _tidy_text(text: str, preformatted: bool) -> str:
    """Zero-width characters go; outside <pre>, source line breaks are spaces and a run of
    ideographic spaces (a paragraph indent that lost its line break) is one."""
    if "\u200b" in text or "\u200c" in text or "\u2060" in text or "\ufeff" in text:
        text = _ZERO_WIDTH.sub("", text)  # four substring tests cost less than the regex's scan
    if preformatted:
        return text
    if "\n" in text:
        text = _NEWLINE_RUN.sub(" ", text)
    if "\u3000\u3000" in text:
        text = _IDEOGRAPHIC_SPACES.sub("\u3000", text)
    return text


def _absolute(url: str) -> str:
    """A third-party URL made absolute, or "" when it cannot be.

    A scraped body's relative links pointed into the site it came from, which is not ours: a
    protocol-relative or bare-host URL (`weibo.com/x`) gets https, any other relative one is dropped.
    """
    if url.startswith("//"):
        return "https:" + url
    if _ABSOLUTE_URL.match(url):
        return url
    return "https://" + url if _HOST_LIKE.match(url) else ""


def _fix_image(img: etree._Element) -> None:
    """Lazy-loaded images keep their real URL in data-src; hot-linked hosts check the referrer."""
    src = (img.get("src") or "").strip()
    lazy_src = (img.get("data-src") or img.get("data-original") or "").strip()
    if lazy_src and (not src or src.startswith("data:")):
        src = lazy_src
    src = _absolute(src)
    pixel = any(_TRACKING_SIZE.fullmatch(img.get(side) or "") for side in ("width", "height"))
    hidden = bool(_HIDDEN_STYLE.search(img.get("style", "")))
    if not src or pixel or hidden or is_promo_image(src):
        _remove(img)
        return
    kept = {name: img.get(name) for name in ("width", "height") if img.get(name) is not None}
    alt = (img.get("alt") or "").strip()
    img.attrib.clear()
    img.set("src", src)
    img.set("alt", alt)
    for name, value in kept.items():
        if _DIGITS.fullmatch(value):
            img.set(name, value)
    img.set("loading", "lazy")
    img.set("referrerpolicy", "no-referrer")


def _has_descendant(element: etree._Element, tags: Iterable[str]) -> bool:
    """Whether any of these tags is under the element; the check for children first is cheap,
    while lxml builds a matcher for the tag names on every call of iterdescendants."""
    return (
        len(element) > 0
        and isinstance(element.tag, str)
        and next(element.iterdescendants(*tags), None) is not None
    )


def _is_block(element: etree._Element) -> bool:
    if element.tag in _BLOCKS:
        return True
    return _has_descendant(element, _BLOCKS)


def _make_paragraphs(root: etree._Element) -> None:
    """Loose text and inline elements beside blocks become <p>: nh3 unwraps div/section, and
    without this their texts would run together."""
    for paragraph in list(root.iter("p", *_HEADINGS)):
        # libxml2 lets <p> hold HTML5 blocks (<section>), which an HTML5 parser would split; a
        # heading around blocks (WeChat's <h3><section>…) is a wrapper, not a heading
        if len(paragraph) and any(_is_block(child) for child in paragraph):
            paragraph.tag = "div"
    for container in [root, *root.iterdescendants(*_CONTAINERS)]:
        items: list[str | etree._Element] = [container.text or ""]
        for child in container:
            tail = child.tail
            items.append(child)
            items.append(tail or "")
            if tail is not None:  # a write costs more than the read
                child.tail = None
        if all(_is_blank(i) if isinstance(i, str) else _is_block(i) for i in items):
            continue
        container.text = None
        rebuilt: list[etree._Element] = []
        run: list[str | etree._Element] = []
        for item in items:
            if isinstance(item, str) or not _is_block(item):
                run.append(item)
            else:
                rebuilt.extend(_run_paragraphs(run))
                rebuilt.append(item)
                run = []
        rebuilt.extend(_run_paragraphs(run))
        for child in list(container):
            container.remove(child)
        container.extend(rebuilt)


def _run_paragraphs(run: list[str | etree._Element]) -> list[etree._Element]:
    """A run of inline content → paragraphs split at blank lines; a run of bare images stays bare."""
    elements = [i for i in run if not isinstance(i, str)]
    texts = [i for i in run if isinstance(i, str)]
    if all(map(_is_blank, texts)) and all(e.tag in ("img", "br") for e in elements):
        return [e for e in elements if e.tag == "img"]
    paragraphs = [etree.Element("p")]
    for item in run:
        if isinstance(item, str):
            pieces = _BLANK_LINE.split(item)
            _append_text(paragraphs[-1], pieces[0])
            for piece in pieces[1:]:
                paragraphs.append(etree.Element("p"))
                _append_text(paragraphs[-1], piece)
        else:
            paragraphs[-1].append(item)
    return paragraphs


def _is_blank(text: str) -> bool:
    return not text.strip(_INDENT)


def _append_text(paragraph: etree._Element, text: str) -> None:
    if len(paragraph):
        paragraph[-1].tail = (paragraph[-1].tail or "") + text
    else:
        paragraph.text = (paragraph.text or "") + text


def _process_lines(root: etree._Element, rules: tuple[SourceRules, ...]) -> dict[str, str]:
    """Paragraph by paragraph: lift metadata lines (and a paywall's notice), drop boilerplate
    lines and footers, unindent."""
    end_lines = [s.end_line for s in rules if s.end_line is not None]
    first_lines = [s.first_line for s in rules if s.first_line is not None]
    drop_lines = [s.drop_line for s in rules if s.drop_line is not None]
    paywall_lines = [s.paywall_line for s in rules if s.paywall_line is not None]
    lifted: dict[str, str] = {}
    seen_text = False
    for line in list(root.iter(*_LINES)):
        if line.getparent() is None or _has_descendant(line, _LINES):
            continue
        _trim_breaks(line)
        raw = _text_of(line)
        text = _squash(raw)
        if not text:
            continue
        if _any_fullmatch(end_lines, text):
            _drop_from(root, line)
            break
        first, seen_text = not seen_text, True
        if (first and _any_fullmatch(first_lines, text)) or _any_fullmatch(drop_lines, text):
            _remove(line)
            continue
        if _any_fullmatch(paywall_lines, text):
            lifted.setdefault("paywall", text)
            _remove(line)
            continue
        if line.tag == "p" and _lift(text, lifted):
            _remove(line)
            continue
        if "责任编辑" in text:
            _lift_trailing_editor(line, lifted)
            _unindent(line)
        elif raw[0] in _INDENT or raw[-1] in _INDENT:  # else there is nothing to unindent
            _unindent(line)
    return lifted


def _any_fullmatch(patterns: list[re.Pattern[str]], text: str) -> bool:
    """Most bodies have no pattern of a kind: an empty list costs no generator."""
    return bool(patterns) and any(pattern.fullmatch(text) for pattern in patterns)


def _lift(text: str, lifted: dict[str, str]) -> bool:
    if not ("来源" in text or "原标题" in text or "责任编辑" in text):
        return False
    for field, pattern in _LIFTED:
        match = pattern.fullmatch(text)
        if match:
            lifted.setdefault(field, match["value"].strip())
            return True
    return False


def _lift_trailing_editor(line: etree._Element, lifted: dict[str, str]) -> None:
    """Some feeds sign the last sentence of the text: "…万亿元。责任编辑：秦艺。"."""
    slots = [(node, slot) for node, slot in _text_slots(line) if getattr(node, slot)]
    if not slots:
        return
    node, slot = slots[-1]
    value = getattr(node, slot).rstrip(_INDENT)
    match = _TRAILING_EDITOR.search(value)
    if match:
        lifted.setdefault("editor", match["value"])
        setattr(node, slot, value[: match.start()])


def _drop_from(root: etree._Element, line: etree._Element) -> None:
    """A footer runs to the end of the body: drop the line and everything after it."""
    node = line
    while node is not root:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node.tail = None
        node = parent
    line.getparent().remove(line)


def _trim_breaks(line: etree._Element) -> None:
    """Line breaks at either edge of a paragraph only add blank lines."""
    while len(line) and line[0].tag == "br" and _is_blank(line.text or ""):
        line.text = line[0].tail
        line.remove(line[0])
    while len(line) and line[-1].tag == "br" and _is_blank(line[-1].tail or ""):
        line.remove(line[-1])


def _unindent(line: etree._Element) -> None:
    """Typeset indentation (U+3000, em spaces, nbsp) goes, and trailing blanks: the theme indents
    with CSS."""
    if not len(line):  # the text is its only slot: one read instead of a walk each way
        text = line.text or ""
        if text.strip(_INDENT) != text:
            line.text = text.strip(_INDENT) or None
        return
    for strip, ordered in ((str.lstrip, _text_slots(line)), (str.rstrip, _text_slots_back(line))):
        for node, slot in ordered:
            value = getattr(node, slot)
            if value:
                stripped = strip(value, _INDENT)
                if stripped != value:  # setting a slot re-encodes its text
                    setattr(node, slot, stripped or None)
                if stripped:
                    break


def _text_slots(element: etree._Element) -> Iterable[tuple[etree._Element, str]]:
    """The text and tail slots under an element, in document order."""
    yield element, "text"
    for child in element:
        yield from _text_slots(child)
        yield child, "tail"


def _text_slots_back(element: etree._Element) -> Iterable[tuple[etree._Element, str]]:
    """The text and tail slots under an element, last first."""
    for child in reversed(element):
        yield child, "tail"
        yield from _text_slots_back(child)
    yield element, "text"


def _drop_empty(root: etree._Element) -> None:
    """Empty paragraphs and wrappers go, innermost first, so that emptied parents go too."""
    for element in reversed(list(root.iterdescendants(*_DROP_WHEN_EMPTY))):
        if _is_space(_text_of(element)) and next(element.iter(*_SOLID), None) is None:
            _remove(element)


def _trim_rules(root: etree._Element) -> None:
    """A rule left at either end of the body once its footer is gone separates nothing."""
    marks = list(root.iter("hr", "img", "table", *_LINES))
    for edge in (marks, marks[::-1]):
        for element in edge:
            if element.tag != "hr":
                break
            _remove(element)


def _make_accessible(root: etree._Element) -> None:
    """What validators and screen readers need and scraped markup lacks (axe-core's rules named)."""
    _relevel_headings(root)
    for dl in list(root.iter("dl")):
        if next(dl.iterchildren("dd"), None) is None:  # definition-list: a term with no definition
            dl.tag = "div"
            for term in dl.iterchildren("dt"):
                term.tag = "p"
    for link in root.iter("a"):
        _name_image_link(link)
    for pre in root.iter("pre"):
        pre.set("tabindex", "0")  # scrollable-region-focusable: a wide <pre> scrolls by keyboard


def _relevel_headings(root: etree._Element) -> None:
    """Body headings sit under the page's <h1>: the first is an <h2> and none skips a level
    (heading-order); a heading with no text is no heading (empty-heading)."""
    open_levels: list[tuple[int, int]] = []  # (level in the source, level given) of open sections
    for heading in list(root.iter(*_HEADINGS)):
        if _is_space(_text_of(heading)):
            if next(heading.iter("img"), None) is None:
                _remove(heading)
            else:
                heading.tag = "p"
            continue
        level = int(heading.tag[1])
        while open_levels and open_levels[-1][0] >= level:
            open_levels.pop()
        given = min(open_levels[-1][1] + 1 if open_levels else 2, 6)
        open_levels.append((level, given))
        heading.tag = f"h{given}"


def _name_image_link(link: etree._Element) -> None:
    """A link whose only content is images with empty alt has no name (link-name): its first
    image says where it leads, from the link's title, the figure's caption or the target's host."""
    images = list(link.iter("img"))
    if not images or any(img.get("alt") for img in images) or not _is_space(_text_of(link)):
        return
    parent = link.getparent()
    caption = next(parent.iterchildren("figcaption"), None) if parent is not None else None
    name = _squash(link.get("title") or "") or (
        _squash(_text_of(caption)) if caption is not None else ""
    )
    if not name:
        name = "链接：" + (urlsplit(link.get("href", "")).hostname or link.get("href", ""))
    images[0].set("alt", name)


def _drop_blank_text(element: etree._Element) -> None:
    """Source indentation between the parts of a figure is not content."""
    for node, slot in [(element, "text"), *((child, "tail") for child in element)]:
        if _is_blank(getattr(node, slot) or ""):
            setattr(node, slot, None)


def _visible_text(root: etree._Element) -> str:
    """The rendered text, one line per paragraph: a line break at either edge of every block.

    One read-only walk; writing the breaks into the tree and serializing it costs more.
    """
    pieces = [root.text or ""]
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element is root:
            continue
        if element.tag in _BREAKS:
            pieces.append("\n")
        text = element.text if event == "start" else element.tail
        if text:
            pieces.append(text)
    lines = "".join(pieces).split("\n")
    return "\n".join([line for raw in lines if (line := _squash(raw))])
