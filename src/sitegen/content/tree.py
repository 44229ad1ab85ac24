"""The vocabulary every cleaning pass shares: which tags are blocks, headings or lines, and the
small reads and edits of an lxml tree that keep the text around what they change."""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
INDENT = " \t\r\n\f\u3000\u2003\u2002\u00a0"


def names(words: str) -> frozenset[str]:
    return frozenset(words.split())


CONTAINERS = names(
    "div section article main header footer aside nav center body html address details summary"
    " hgroup fieldset"
)
BLOCKS = CONTAINERS | names(
    "p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr td th caption figure"
    " figcaption blockquote pre hr"
)
LINES = ("p", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "blockquote")


def text_of(element: etree._Element) -> str:
    """All the text in the element; one without children (most paragraphs) has its own alone,
    read without serializing."""
    if not len(element):
        return element.text or ""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def squash(text: str) -> str:
    """Whitespace-collapsed text; str.split() also splits at U+3000, em spaces and nbsp."""
    return " ".join(text.split())


def is_space(text: str) -> bool:
    """Whether `squash(text)` is empty; isspace stops at the first letter, split reads it all."""
    return not text or text.isspace()


def is_blank(text: str) -> bool:
    return not text.strip(INDENT)


def remove(element: etree._Element) -> None:
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


def has_descendant(element: etree._Element, tags: Collection[str]) -> bool:
    """Whether any of these tags is under the element. Asked of inline elements and of lines,
    which hold few elements, the first of which is a block when any is: walking them in Python
    costs a tenth of `iterdescendants(*tags)`, which builds a matcher of the names on each call."""
    return len(element) > 0 and any(node.tag in tags for node in element.iterdescendants())
