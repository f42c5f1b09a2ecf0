"""HTML pages (.html, .htm, and pages saved as .txt): the article body and the page's metadata.

The bytes are decoded with the encoding the page declares (BOM, `<meta charset>`, the
`http-equiv` content type or the XML declaration) when it reads cleanly, else the one detected
for text files. Script, style, navigation, form, embedded and comment nodes are removed from
the parsed tree before anything reads it; tables become one line per row
(`formats.row_text`). trafilatura then takes the article body and the page's title, date
(htmldate), author and site name. A page where trafilatura finds no body (too short or too
unusual for its heuristics) is read as its visible text without those nodes (`html_to_text`); a
page with no text left at all is refused.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree

from ..errors import InputError
from .formats import Raw, row_text

# Nodes whose content is never text of the page: dropped with everything in them, before extraction.
HIDDEN = ("script", "style", "noscript", "template", "nav", "iframe", "frame", "frameset", "svg", "math",
          "object", "embed", "canvas", "select", "button")
_DECLARED = (
    re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE),
    re.compile(rb"<\?xml[^>]{0,100}?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE),
)
# What pages declare -> the codec that reads what they really hold (a superset, as browsers do)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
             "big5": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs", "iso-8859-1": "cp1252",
             "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares in its first 4 KB (a Python codec name), if it names a known one."""
    import codecs

    head = data[:4096]
    for rx in _DECLARED:
        m = rx.search(head)
        if m:
            name = m.group(1).decode("ascii").lower()
            name = _SUPERSET.get(name, name)
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def decode_page(data: bytes, path, warnings) -> tuple[str, str]:
    """(encoding, markup): the declared encoding if the bytes decode with it, else detection."""
    from .reader import decode

    declared = declared_encoding(data)
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return declared, data.decode(declared)
        except UnicodeDecodeError:
            pass  # a wrong declaration: detect instead
    return decode(data, path, warnings)


def read(data: bytes, path, warnings=None) -> Raw:
    """An HTML file's article text and metadata (see the module docstring)."""
    encoding, markup = decode_page(data, path, warnings)
    raw = extract(markup, encoding)
    if not raw.text.strip():
        raise InputError(path, "no article text in the page after extraction (only markup, scripts or navigation)")
    return raw


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>", re.IGNORECASE)


def _tree(markup: str):
    """The parsed page with hidden nodes and comments removed and tables turned into row lines."""
    try:  # lxml refuses a str that declares its encoding: the text is decoded already
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except (etree.ParserError, ValueError):  # nothing parseable: an empty page
        return None
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *HIDDEN, with_tail=False)
    for table in root.xpath("//table[not(ancestor::table)]"):
        rows = [row_text(" ".join(c.itertext()) for c in tr.xpath("./td|./th|./*/td|./*/th"))
                for tr in table.xpath(".//tr")]
        block = etree.Element("div")
        for line in filter(None, rows):
            p = etree.SubElement(block, "p")
            p.text = line
        block.tail = table.tail
        table.getparent().replace(table, block)
    return root


def extract(markup: str, encoding: str = "utf-8") -> Raw:
    """The article text of a page (title first), and its metadata: title, date, authors, source."""
    root = _tree(markup)
    found = None if root is None else trafilatura.bare_extraction(root, with_metadata=True, include_comments=False, include_tables=True,
                                        include_formatting=False, include_links=False, include_images=False,
                                        deduplicate=False)
    text = (found.text or "") if found is not None else ""
    if not text.strip():
        text = _visible_text(markup)
    meta = _metadata(found)
    title = meta.get("title")
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n{text}"
    return Raw(text, encoding, "html", meta)


def _visible_text(markup: str) -> str:
    """All text of the page but hidden nodes and comments, block elements on lines of their own
    (the standard library's tolerant parser: it reads pages nested deeper than lxml parses)."""
    from .reader import html_to_text

    return html_to_text(markup)


def _metadata(found) -> dict:
    if found is None:
        return {}
    meta = {}
    if found.title:
        meta["title"] = found.title.strip()
    if found.date:
        meta["date"] = found.date
    if found.author:
        meta["authors"] = [a.strip() for a in re.split(r"[;；,，、]", found.author) if a.strip()]
    if found.sitename:
        meta["source"] = found.sitename.strip()
    return meta
