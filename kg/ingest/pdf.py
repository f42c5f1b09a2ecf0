"""PDF files: the text layer, read with PDFium (pypdfium2), as paragraphs, with where each page starts.

PDFium gives each page's text in content order with its own line breaks, and a box per
character. From the boxes:
- running headers and footers go: a line of the block at the top or bottom edge of its page (in
  the outer 15% of the page, set off from the body by a gap of more than 1.5 line pitches) whose
  text (digits masked) comes back at the same height on at least half of the pages (and on two
  pages at least), and page numbers there (`3`, `- 3 -`, `第3页`, `第 3 页 共 9 页`, `3/9`,
  `Page 3 of 9`);
- lines join into paragraphs: a line starts a new paragraph when it is indented or centred, when
  the line before it ends short of the right margin, after a wider vertical gap, or when either is
  a table row. Lines inside a paragraph join with nothing in between (Chinese breaks lines
  anywhere, inside words and numbers), with a space only between two Latin letters;
- a paragraph that fills the last line of a page and is not indented on the next page runs on
  across the page break, so a sentence cut by the page break is one sentence;
- a line whose runs of text are separated by gaps wider than 1.5 characters is a table row:
  its runs are the cells (`formats.row_text`).
The page-number patterns, and the titles that are a file name or a tool's default, are in
kg/data/pdf.tsv. Characters PDF fonts map to radicals (⽅ U+2F45 for 方, ⻓ U+2ED3 for 长) become the characters
they stand for. Pages with images but no text are scans: they are skipped with a warning, and a PDF with no
text at all is refused (no OCR). A PDF that needs a password, or that PDFium cannot open, is
refused with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..data import compile_regex, data_path, read_tsv
from ..errors import DataFileError, InputError
from .formats import Raw, row_text

BAND = 0.15            # share of the page height at the top and at the bottom where furniture sits
REPEAT_SHARE = 0.5     # a header or footer is on at least this share of the pages
_RADICALS = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fd5]")   # radicals: NFKC, then kg/data/pdf.tsv
_JUNK = str.maketrans({"\ufffe": None, "\x02": None, "\x00": None})


@lru_cache(maxsize=1)
def rules() -> dict:
    """kg/data/pdf.tsv: the patterns of each kind, and the radical -> character table; an unknown
    kind, or a radical row that is not one character for one, is an error naming file:line."""
    path = data_path("pdf.tsv")
    found: dict[str, list] = {"page_number": [], "no_title": []}
    radicals: dict[str, str] = {}
    for row in read_tsv(path, ("kind", "pattern", "value", "note"), required=("kind", "pattern")):
        if row["kind"] == "radical":
            if len(row["pattern"]) != 1 or len(row["value"] or "") != 1:
                raise DataFileError(path, row.line, "a radical row maps one character to one character")
            radicals[row["pattern"]] = row["value"]
        elif row["kind"] in found:
            found[row["kind"]].append(compile_regex(path, row, "pattern"))
        else:
            raise DataFileError(path, row.line, f"unknown kind {row['kind']!r}")
    return {**{k: tuple(v) for k, v in found.items()}, "radical": str.maketrans(radicals)}


def page_number(line: str) -> bool:
    """Whether a line is nothing but a page number."""
    return any(rx.fullmatch(line) for rx in rules()["page_number"])


@dataclass
class Line:
    text: str
    cells: list[str]
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.top - self.bottom


def read(data: bytes, path, warnings=None) -> Raw:
    """The text of a PDF file, paragraphs on lines, with the offset where each page starts."""
    pdf = _open(data, path)
    try:
        pages, scanned = [], []
        for number in range(len(pdf)):
            page = pdf[number]
            try:
                lines = _page_lines(page)
                pages.append((lines, page.get_height()))
                if not lines and _has_images(page):   # only here: walking a page's objects is slow
                    scanned.append(number + 1)
            finally:
                page.close()
        metadata = _metadata(pdf.get_metadata_dict(skip_empty=True))
    finally:
        pdf.close()
    if not any(lines for lines, _ in pages):
        if scanned:
            raise InputError(path, "no text layer: OCR is not supported (a scanned PDF?)")
        raise InputError(path, "no text in it (the PDF's pages hold no text)")
    if scanned:
        message = (f"{path}: page(s) {', '.join(map(str, scanned))} have no text layer (scanned?) and were "
                   f"skipped: OCR is not supported")
        if warnings is not None:
            warnings.append(message)
    _drop_furniture(pages)
    text, starts = _join(pages)
    return Raw(text, "", "pdf", metadata, starts)


def _open(data: bytes, path):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD or "password" in reason.lower():
            raise InputError(path, "encrypted PDF: it needs a password to open (save a copy without one)") from None
        detail = re.sub(r"^Failed to load document \(PDFium: (.*)\)\.?$", r"\1", reason)
        raise InputError(path, f"damaged PDF: PDFium cannot open it ({detail.lower()})") from None


def _has_images(page) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))


def _clean(text: str) -> str:
    """Text without PDFium's markers, radicals standing for characters turned into them."""
    text = text.translate(_JUNK)
    if _RADICALS.search(text):
        text = _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text).translate(rules()["radical"])
    return text


def _page_lines(page) -> list[Line]:
    """The page's lines in content order, each with its box and its cells."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        units = _utf16_index(text)
        out, pos = [], 0
        for raw in re.split(r"\r\n|\n|\r", text):
            start, pos = pos, pos + len(raw) + (2 if text.startswith("\r\n", pos + len(raw)) else 1)
            line = _line(textpage, raw, start, units)
            if line is not None:
                out.append(line)
        return out
    finally:
        textpage.close()


def _utf16_index(text: str):
    """Character position in `text` -> PDFium character index (which counts UTF-16 code units)."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    index, n = [], 0
    for c in text:
        index.append(n)
        n += 2 if ord(c) >= 0x10000 else 1
    return index


def _line(textpage, raw: str, start: int, units) -> Line | None:
    stripped = raw.strip()
    if not stripped:
        return None
    first = start + (len(raw) - len(raw.lstrip()))
    last = start + len(raw.rstrip()) - 1

    def box(i):
        return textpage.get_charbox(units[i] if units else i)

    left, bottom, _, top = box(first)
    _, bottom2, right, top2 = box(last)
    height = max(top - bottom, top2 - bottom2, 1.0)
    cells = [stripped]
    if " " in stripped:  # a run of text, a gap, another run: cells of a table row when the gaps are wide
        cells = _cells(raw, start, box, height)
    return Line(_clean(stripped), [_clean(c) for c in cells], left, right, max(top, top2), min(bottom, bottom2))


def _cells(raw: str, start: int, box, height: float) -> list[str]:
    cells, cut = [], 0
    for m in re.finditer(r" +", raw):
        a, b = m.start(), m.end()
        if a == 0 or b == len(raw):
            continue
        gap = box(start + b)[0] - box(start + a - 1)[2]
        if gap > 1.5 * height:
            cells.append(raw[cut:a].strip())
            cut = b
    cells.append(raw[cut:].strip())
    return [c for c in cells if c]


def _key(line: Line) -> str:
    return re.sub(r"\d+", "#", line.text)


def _in_band(line: Line, height: float) -> bool:
    return line.bottom >= height * (1 - BAND) or line.top <= height * BAND


def _edges(lines: list[Line], height: float, pitch: float) -> list[Line]:
    """The lines of a page's header and footer blocks: from the top (bottom) edge, lines in the
    band followed by a gap of more than 1.5 line pitches towards the body. Body lines, which
    follow each other at one pitch, never count, however alike they are from page to page."""
    order = sorted(lines, key=lambda ln: -ln.top)
    found: list[Line] = []
    for side in (order, order[::-1]):
        for i, ln in enumerate(side[:-1]):
            if not _in_band(ln, height):
                break
            if abs(ln.top - side[i + 1].top) > 1.5 * pitch:
                found += side[:i + 1]
                break
    return found


def _drop_furniture(pages: list) -> None:
    """Remove running headers, footers and page numbers from the pages' lines, in place: lines of
    a page's header or footer block (`_edges`) that are a page number, or whose text (digits
    masked) comes back at the same height on at least half of the pages."""
    lines_all = [ln for lines, _ in pages for ln in lines]
    if not lines_all:
        return
    h = median(ln.height for ln in lines_all)
    pitch = _pitch(pages, h)
    edges = [_edges(lines, height, pitch) for lines, height in pages]
    seen: dict[str, list[int]] = {}
    for block in edges:
        for key, y in {(_key(ln), round(ln.top / 4)) for ln in block}:
            seen.setdefault(key, []).append(y)
    need = max(2, REPEAT_SHARE * len(pages))

    def repeated(ln: Line) -> bool:
        y = round(ln.top / 4)
        return sum(abs(v - y) <= 1 for v in seen.get(_key(ln), ())) >= need

    for (lines, _), block in zip(pages, edges):
        drop = {id(ln) for ln in block if page_number(ln.text) or repeated(ln)}
        lines[:] = [ln for ln in lines if id(ln) not in drop]


def _pitch(pages: list, h: float) -> float:
    """The usual distance from one line's top to the next one's."""
    pitches = [a.top - b.top for ls, _ in pages for a, b in zip(ls, ls[1:]) if 0 < a.top - b.top < 4 * h]
    return median(pitches) if pitches else 1.5 * h


def _geometry(pages: list) -> tuple[float, float, float, float]:
    """Left margin, right margin, character height and line pitch of the body text."""
    lines = [ln for lines, _ in pages for ln in lines]
    lefts = sorted(ln.left for ln in lines)
    rights = sorted(ln.right for ln in lines)
    h = median(ln.height for ln in lines)
    return lefts[len(lefts) // 10], rights[len(rights) * 9 // 10], h, _pitch(pages, h)


def _join(pages: list) -> tuple[str, list[int]]:
    """The pages' lines as paragraphs (one a line) and the offset where each page starts."""
    left, right, h, pitch = _geometry(pages)

    def full(ln: Line) -> bool:
        return ln.right >= right - 1.5 * h and len(ln.cells) == 1

    def indented(ln: Line) -> bool:
        return ln.left > left + 0.8 * h or len(ln.cells) > 1

    out: list[str] = []
    starts: list[int | None] = []
    size = 0
    prev: Line | None = None
    for lines, _ in pages:
        for i, ln in enumerate(lines):
            if prev is None:
                sep = ""
            elif i == 0:
                sep = _glue(prev.text, ln.text) if full(prev) and not indented(ln) else "\n"
            else:
                new = indented(ln) or not full(prev) or prev.top - ln.top > 1.6 * pitch or len(prev.cells) > 1
                sep = "\n" if new else _glue(prev.text, ln.text)
            if i == 0:
                starts.append(size + len(sep))
            piece = sep + (row_text(ln.cells) if len(ln.cells) > 1 else ln.text)
            out.append(piece)
            size += len(piece)
            prev = ln
        if not lines:
            starts.append(None)
    return "".join(out), _fill(starts, size)


def _fill(starts: list, size: int) -> list[int]:
    """Page starts with a page without text (None) starting where the next page does."""
    fixed, nxt = [], size
    for s in reversed(starts):
        nxt = nxt if s is None else s
        fixed.append(nxt)
    return fixed[::-1]


def _glue(before: str, after: str) -> str:
    """What joins two lines of one paragraph: a space between Latin letters, else nothing."""
    a, b = before[-1:], after[:1]
    return " " if a.isascii() and a.isalpha() and b.isascii() and b.isalpha() else ""


def _metadata(info: dict) -> dict:
    """Title and author from the PDF's document information, when they are not a file name or a
    tool's default (kg/data/pdf.tsv)."""
    meta = {}
    for key, field in (("title", "Title"), ("authors", "Author")):
        value = " ".join((info.get(field) or "").split())
        if value and not any(rx.search(value) for rx in rules()["no_title"]):
            meta[key] = value if key == "title" else [value]
    return meta
