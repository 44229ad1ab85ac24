"""Loose text into paragraphs, then paragraph by paragraph: metadata lines (来源, 原标题, 责任编辑)
lifted out, boilerplate lines and footers dropped, typeset indentation taken off."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from sitegen.content.sources import SourceRules
from sitegen.content.tree import (
    BLOCKS,
    CONTAINERS,
    HEADINGS,
    INDENT,
    LINES,
    has_descendant,
    is_blank,
    remove,
    squash,
    text_of,
)

_BLANK_LINE = re.compile(r"\n[ \t\r\f\u3000\u00a0]*\n")
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


def _is_block(element: etree._Element) -> bool:
    if element.tag in BLOCKS:
        return True
    return has_descendant(element, BLOCKS)


def make_paragraphs(root: etree._Element) -> None:
    """Loose text and inline elements beside blocks become <p>: nh3 unwraps div/section, and
    without this their texts would run together."""
    for paragraph in list(root.iter("p", *HEADINGS)):
        # libxml2 lets <p> hold HTML5 blocks (<section>), which an HTML5 parser would split; a
        # heading around blocks (WeChat's <h3><section>…) is a wrapper, not a heading
        if len(paragraph) and any(_is_block(child) for child in paragraph):
            paragraph.tag = "div"
    for container in [root, *root.iterdescendants(*CONTAINERS)]:
        items: list[str | etree._Element] = [container.text or ""]
        for child in container:
            tail = child.tail
            items.append(child)
            items.append(tail or "")
            if tail is not None:  # a write costs more than the read
                child.tail = None
        if all(is_blank(i) if isinstance(i, str) else _is_block(i) for i in items):
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
    if all(map(is_blank, texts)) and all(e.tag in ("img", "br") for e in elements):
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


def _append_text(paragraph: etree._Element, text: str) -> None:
    if len(paragraph):
        paragraph[-1].tail = (paragraph[-1].tail or "") + text
    else:
        paragraph.text = (paragraph.text or "") + text


def process_lines(root: etree._Element, rules: tuple[SourceRules, ...]) -> dict[str, str]:
    """Paragraph by paragraph: lift metadata lines (and a paywall's notice), drop boilerplate
    lines and footers, unindent."""
    end_lines = [s.end_line for s in rules if s.end_line is not None]
    first_lines = [s.first_line for s in rules if s.first_line is not None]
    drop_lines = [s.drop_line for s in rules if s.drop_line is not None]
    paywall_lines = [s.paywall_line for s in rules if s.paywall_line is not None]
    lifted: dict[str, str] = {}
    seen_text = False
    for line in list(root.iter(*LINES)):
        if line.getparent() is None or has_descendant(line, LINES):
            continue
        _trim_breaks(line)
        raw = text_of(line)
        text = squash(raw)
        if not text:
            continue
        if _any_fullmatch(end_lines, text):
            _drop_from(root, line)
            break
        first, seen_text = not seen_text, True
        if (first and _any_fullmatch(first_lines, text)) or _any_fullmatch(drop_lines, text):
            remove(line)
            continue
        if _any_fullmatch(paywall_lines, text):
            lifted.setdefault("paywall", text)
            remove(line)
            continue
        if line.tag == "p" and _lift(text, lifted):
            remove(line)
            continue
        if "责任编辑" in text:
            _lift_trailing_editor(line, lifted)
            _unindent(line)
        elif raw[0] in INDENT or raw[-1] in INDENT:  # else there is nothing to unindent
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
    value = getattr(node, slot).rstrip(INDENT)
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
    while len(line) and line[0].tag == "br" and is_blank(line.text or ""):
        line.text = line[0].tail
        line.remove(line[0])
    while len(line) and line[-1].tag == "br" and is_blank(line[-1].tail or ""):
        line.remove(line[-1])


def _unindent(line: etree._Element) -> None:
    """Typeset indentation (U+3000, em spaces, nbsp) goes, and trailing blanks: the theme indents
    with CSS."""
    if not len(line):  # the text is its only slot: one read instead of a walk each way
        text = line.text or ""
        if text.strip(INDENT) != text:
            line.text = text.strip(INDENT) or None
        return
    for strip, ordered in ((str.lstrip, _text_slots(line)), (str.rstrip, _text_slots_back(line))):
        for node, slot in ordered:
            value = getattr(node, slot)
            if value:
                stripped = strip(value, INDENT)
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
