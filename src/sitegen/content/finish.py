"""The last passes over a cleaned tree: a heading that repeats the title, emptied wrappers and
rules at the edges go; what validators and screen readers need is added; the visible text is read."""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml import etree

from sitegen.content.tree import (
    BLOCKS,
    HEADINGS,
    LINES,
    is_blank,
    is_space,
    names,
    remove,
    squash,
    text_of,
)

_DROP_WHEN_EMPTY = names(
    "p div section article figure figcaption blockquote h2 h3 h4 h5 h6 ul ol li dl dt dd center"
    " header footer aside dir strong b em i u s del sub sup mark small code q cite a"
)
_SOLID = ("img", "hr", "table")  # content even without text
_BREAKS = BLOCKS | {"br"}  # line breaks in the visible text


def drop_title_heading(root: etree._Element, title: str) -> None:
    """The first heading goes when it comes before any text and says the title again."""
    if not title:
        return
    for element in root.iterdescendants():
        if element.tag in HEADINGS:
            if squash(text_of(element)) == squash(title):
                remove(element)
            return
        if element.tag == "img" or (element.text or "").strip():
            return


def drop_empty(root: etree._Element) -> None:
    """Empty paragraphs and wrappers go, innermost first, so that emptied parents go too.

    An element whose own text is not blank keeps (most paragraphs): only the others' whole text
    is read, which serializes the subtree."""
    for element in reversed(list(root.iterdescendants(*_DROP_WHEN_EMPTY))):
        if not is_space(element.text or ""):
            continue
        if is_space(text_of(element)) and next(element.iter(*_SOLID), None) is None:
            remove(element)


def trim_rules(root: etree._Element) -> None:
    """A rule left at either end of the body once its footer is gone separates nothing."""
    if next(root.iter("hr"), None) is None:  # most bodies: no list of every line to make
        return
    marks = list(root.iter("hr", "img", "table", *LINES))
    for edge in (marks, marks[::-1]):
        for element in edge:
            if element.tag != "hr":
                break
            remove(element)


def make_accessible(root: etree._Element) -> None:
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
    for heading in list(root.iter(*HEADINGS)):
        if is_space(text_of(heading)):
            if next(heading.iter("img"), None) is None:
                remove(heading)
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
    if not images or any(img.get("alt") for img in images) or not is_space(text_of(link)):
        return
    parent = link.getparent()
    caption = next(parent.iterchildren("figcaption"), None) if parent is not None else None
    name = squash(link.get("title") or "") or (
        squash(text_of(caption)) if caption is not None else ""
    )
    if not name:
        name = "链接：" + (urlsplit(link.get("href", "")).hostname or link.get("href", ""))
    images[0].set("alt", name)


def tidy_figures(root: etree._Element) -> None:
    """Source indentation between the parts of a figure is not content."""
    for figure in root.iter("figure", "figcaption"):
        _drop_blank_text(figure)


def _drop_blank_text(element: etree._Element) -> None:
    """Source indentation between the parts of a figure is not content."""
    for node, slot in [(element, "text"), *((child, "tail") for child in element)]:
        if is_blank(getattr(node, slot) or ""):
            setattr(node, slot, None)


def visible_text(root: etree._Element) -> str:
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
    return "\n".join([line for raw in lines if (line := squash(raw))])
