"""Element passes: what is never article text goes (scripts, players, each source's chrome), then
every element is made plain: whitespace, images, links, figures, bold, code blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from sitegen.content.sources import SOURCES, SourceRules
from sitegen.content.tree import BLOCKS, INDENT, is_space, names, remove, squash, text_of

_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060\ufeff]")  # U+200D stays: it joins emoji
_NEWLINE_RUN = re.compile(r"[ \t\r\n\f]*\n[ \t\r\n\f]*")
_IDEOGRAPHIC_SPACES = re.compile("\u3000{2,}")
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
_DROP_WITH_CONTENT = names(
    "script style iframe frame frameset object embed applet input button select textarea"
    " noscript template svg math canvas video audio source track map meta link title head base"
    " xmp plaintext noembed noframes"
)
_UNWRAP = ("font", "span", "o:p", "mp-style-type", "form")
# HTML5 ends <svg> and <math> at any of these tags (its "breakout" rule), so text after a stray or
# unclosed one is shown; libxml2 knows no foreign content and keeps it all inside.
_FOREIGN = ("svg", "math")
_BREAKOUT = names(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img"
    " li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var"
)
_INLINE_BOLD = names("font span b strong em i a u")


def is_promo_image(url: str) -> bool:
    """Whether an image URL advertises or tracks (QR code, end-of-article badge, read pixel)
    rather than illustrates: such an image is never a head image."""
    return bool(_PROMO_IMAGE.search(url))


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


def article_root(root: etree._Element, rules: Iterable[SourceRules]) -> etree._Element:
    """When a feed ships the whole page (WeChat), the article is one element of it and what follows
    it: a stray end tag inside the article ends it early and the rest of its text follows it, as
    in a browser (the page's chrome after it is dropped as chrome)."""
    for source in rules:
        if source.article_xpath is not None:
            found = source.article_xpath(root)
            if found:
                _take_back(found[0], root)
                return found[0]
    return root


def _take_back(article: etree._Element, root: etree._Element) -> None:
    node = article
    while node is not root and (parent := node.getparent()) is not None:
        tail, node.tail = node.tail, None
        if tail:
            if len(article):
                article[-1].tail = (article[-1].tail or "") + tail
            else:
                article.text = (article.text or "") + tail
        article.extend(list(node.itersiblings()))
        node = parent


def drop_chrome(root: etree._Element, rules: Iterable[SourceRules]) -> None:
    """What is never article text (scripts, styles, form controls, players), then each source's
    chrome."""
    _break_out(root)
    etree.strip_elements(root, *_DROP_WITH_CONTENT, with_tail=False)
    for source in rules:
        if source.drop_xpath is not None:
            for element in source.drop_xpath(root):
                remove(element)


_OUTER_PRE = etree.XPath(".//pre[not(ancestor::pre)][.//*]")


def flatten_code(root: etree._Element) -> None:
    """Each outermost <pre> that holds elements becomes one <pre> of lines (most bodies have no
    <pre>: one look for it costs less than the XPath, compiled once, over every element)."""
    if next(root.iter("pre"), None) is None:
        return
    for pre in _OUTER_PRE(root):
        _flatten_pre(pre)


def _flatten_pre(pre: etree._Element) -> None:
    """Scraped code blocks nest blocks in a <pre> (WeChat: pre > section > pre > one <code> a
    line, beside a list of empty line-number items): one <pre> of lines is what they show."""
    for code in list(pre.iter("code"))[:-1]:
        code.tail = "\n" + (code.tail or "")
    for element in reversed(list(pre.iterdescendants(*BLOCKS))):
        if is_space(text_of(element)):
            remove(element)
        elif element.getnext() is not None:
            element.tail = "\n" + (element.tail or "")
    etree.strip_tags(pre, *BLOCKS)


def make_figures(root: etree._Element, rules: Iterable[SourceRules]) -> None:
    """An image wrapper becomes <figure>, with a <figcaption> only when its caption has text."""
    for source in rules:
        for wrapper_xpath, caption_xpath in source.figure_xpaths:
            for wrapper in wrapper_xpath(root):
                captions = caption_xpath(wrapper)
                wrapper.tag = "figure"
                wrapper.attrib.clear()
                for caption in captions:
                    if caption is captions[0] and squash(text_of(caption)):
                        caption.tag = "figcaption"
                        caption.attrib.clear()
                    else:
                        remove(caption)
                etree.strip_tags(wrapper, "dt", "dd", "div", "p")


def mark_bold(root: etree._Element, rules: Iterable[SourceRules]) -> None:
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


def normalize_elements(root: etree._Element) -> None:  # noqa: C901 - one pass by design; split once #13 lands here
    """One pass over every element: whitespace, images, links, headings, bold spans; then the
    inline wrappers (font, span) go, their content kept."""
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
        if tag in ("img", "image"):  # <image>: the obsolete name, which HTML parsers read as <img>
            element.tag = "img"
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
            element.tail = element.tail.lstrip(INDENT)
        elif tag == "span" and _BOLD_STYLE.search(element.get("style", "")):
            element.tag = "strong"
            element.attrib.clear()
    etree.strip_tags(root, *_UNWRAP)


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
        remove(img)
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
