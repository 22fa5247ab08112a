"""HTML to clean plain text, keeping paragraph and list line breaks."""

from __future__ import annotations

import html
import re

import lxml.etree
import lxml.html

_PARAGRAPH_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "address",
        "figure",
        "form",
        "fieldset",
        "hr",
    ]
)
_LINE_TAGS = frozenset(
    ["div", "li", "dt", "dd", "tr", "br", "main", "nav", "aside", "details", "summary", "caption"]
)
_DROP_TAGS = ("script", "style", "noscript", "template", "head", "title", "iframe", "svg")
_INLINE_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_PARA = "\x1e"  # paragraph boundary marker, resolved to a blank line by _tidy
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][^&]{0,200}?&gt;")
_INVISIBLE = re.compile(rf"<({'|'.join(_DROP_TAGS)})\b.*?</\1\s*>", re.S | re.I)


def looks_like_html(text: str) -> bool:
    """True when the text carries markup (possibly entity-escaped, as Greenhouse sends it)."""
    return bool(re.search(r"</?[a-zA-Z][^>]*>", text)) or bool(_ESCAPED_TAG.search(text))


def unescape_markup(text: str) -> str:
    """Undo one level of entity escaping when a payload ships its HTML escaped."""
    if "<" not in text and _ESCAPED_TAG.search(text):
        return html.unescape(text)
    return text


def html_to_text(markup: str) -> str:
    """Readable plain text of an HTML fragment or page.

    Paragraph-like blocks are separated by a blank line, list items and line
    breaks start a new line (list items with a ``- `` bullet), and runs of
    spaces are collapsed. Scripts and styles are dropped.
    """
    markup = unescape_markup(markup).replace("\ufeff", "")
    if not markup.strip():
        return ""
    if not looks_like_html(markup):
        return _tidy(html.unescape(markup))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _strip_tags(markup)
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree()
    parts: list[str] = []
    _walk(root, parts, in_item=False)
    text = _tidy("".join(parts), blank_lines_split=False)
    # libxml2 drops what lies more than 256 elements deep: strip the tags instead
    return text or _strip_tags(markup)


def _strip_tags(markup: str) -> str:
    visible = _INVISIBLE.sub(" ", markup)
    return _tidy(html.unescape(re.sub(r"<[^>]+>", " ", visible)))


def _walk(node: lxml.html.HtmlElement, parts: list[str], *, in_item: bool) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    # A paragraph inside a list item stays on the item's line.
    paragraph = tag in _PARAGRAPH_TAGS and not (in_item and tag == "p")
    if paragraph:
        parts.append(_PARA)
    elif tag == "li":
        parts.append("\n- ")
    elif tag in _LINE_TAGS:
        parts.append("\n")
    elif tag in ("td", "th"):
        parts.append(" ")
    if node.text and tag:
        parts.append(node.text)
    for child in node:
        _walk(child, parts, in_item=(in_item or tag == "li") and tag not in ("ul", "ol"))
        if child.tail:
            parts.append(child.tail)
    if paragraph:
        parts.append(_PARA)
    elif tag in _LINE_TAGS and tag != "br":
        parts.append("\n")


def _tidy(text: str, *, blank_lines_split: bool = True) -> str:
    pattern = r"\x1e|\n[ \t\u00a0]*\n" if blank_lines_split else r"\x1e"
    paragraphs = re.split(pattern, text.replace("\r\n", "\n"))
    out: list[str] = []
    for paragraph in paragraphs:
        lines = [_INLINE_SPACE.sub(" ", line).strip() for line in paragraph.split("\n")]
        kept = [line for line in lines if line and line != "-"]
        if kept:
            out.append("\n".join(kept))
    return "\n\n".join(out)
