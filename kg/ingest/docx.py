"""Word files (.docx): paragraphs and table rows in reading order, with python-docx.

The file is checked as a zip archive before anything parses it: at most `MAX_PARTS` parts, at
most `MAX_UNZIPPED` bytes uncompressed in all, and no part over 1 MB that expands more than
`MAX_RATIO` times (a zip bomb). The body is read in document order: each paragraph a line, each
table row a line of its cells (`formats.row_text`), nested tables inside their cell. Headers,
footers, footnotes, comments and text boxes are not read. The core properties give the title and
author where the text does not.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..errors import InputError
from .formats import Raw, row_text

MAX_PARTS = 10_000
MAX_UNZIPPED = 256 * 1024 * 1024
MAX_RATIO = 100
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_zip(data: bytes, path) -> None:
    """Refuse a .docx that is not a zip archive, is not a Word document, or would expand too far."""
    if data.startswith(_OLE):
        raise InputError(path, "not a .docx: an old Word 97-2003 document or a password-protected file "
                         "(save it as .docx without a password)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputError(path, f"damaged Word file or not a .docx: not a readable zip archive ({exc})") from None
    if len(parts) > MAX_PARTS:
        raise InputError(path, f"refused as a zip bomb: {len(parts)} parts (at most {MAX_PARTS})")
    total = sum(p.file_size for p in parts)
    if total > MAX_UNZIPPED:
        raise InputError(path, f"refused as a zip bomb: {total // 2**20} MB uncompressed "
                         f"(at most {MAX_UNZIPPED // 2**20} MB)")
    for p in parts:
        if p.file_size > 2**20 and p.file_size > MAX_RATIO * max(1, p.compress_size):
            raise InputError(path, f"refused as a zip bomb: part {p.filename} expands "
                             f"{p.file_size // max(1, p.compress_size)} times (at most {MAX_RATIO})")
    if "word/document.xml" not in {p.filename for p in parts}:
        raise InputError(path, "not a Word document: the zip archive has no word/document.xml")


def read(data: bytes, path, warnings=None) -> Raw:
    """The text of a .docx file, a paragraph or table row a line, and its title and author."""
    check_zip(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_blocks(document))
        props = document.core_properties
        title, author = (props.title or "").strip(), (props.author or "").strip()
    except InputError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged package
        detail = " ".join(str(exc).split())[:200]
        raise InputError(path, f"damaged Word file: {type(exc).__name__}: {detail}") from None
    meta = {}
    if title:
        meta["title"] = title
    if author:
        meta["authors"] = [author]
    return Raw("\n".join(lines), "", "docx", meta)


def _blocks(container):
    """Lines of a document body or a table cell, in reading order."""
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _rows(block)


def _rows(table: Table):
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(_blocks(cell)))
        yield row_text(cells)
