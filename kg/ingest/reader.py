"""Ingest: bytes -> decoded -> normalised text -> lines classified (body / metadata / furniture)
-> sentences with character offsets. One call per document: `read_document(path, root)`.

The file's kind (its suffix: `kg.ingest.formats`) picks the reader that turns its bytes into a
`Raw` text: this module's `read_text` for text files, `html`, `pdf` and `docx` for the others.
Every kind then goes through the one normalisation path (`document_from`), so offsets always
count in `Document.text`.

Hostile input is either read or refused with an `InputError` naming the file and the reason,
never a traceback: binary files are recognised by their magic bytes or NUL bytes; a file that
is valid in no supported encoding but has at most 1% undecodable bytes (a damaged or truncated
download) is read with U+FFFD in their place and a warning; an HTML page saved as text is
read as a page (`kg.ingest.html`); a document with no text left after normalisation is refused.
"""

from __future__ import annotations

import hashlib
import logging
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import text as N
from ..data import compile_regex, data_path, read_tsv
from ..errors import DataFileError, InputError
from ..model import Document, Sentence
from .formats import Raw, kind_of, reader

log = logging.getLogger(__name__)

# Big5 as written in Taiwan (cp950: 裏, 碁, 恒, €) and Hong Kong (HKSCS), tried when plain Big5 fails.
BIG5_VARIANTS = ("big5", "cp950", "big5hkscs")
MAX_BYTES = 50 * 1024 * 1024
MAX_BAD_SHARE = 0.01          # undecodable bytes tolerated (replaced by U+FFFD, with a warning)
MAX_SENTENCE = 500            # longer runs without sentence punctuation are cut (keeps extraction linear)

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8"), (b"\xff\xfe", "utf-16-le", "utf-16"), (b"\xfe\xff", "utf-16-be", "utf-16"),
)
_MAGIC = (
    (b"%PDF-", "a PDF document"), (b"%!PS", "a PostScript document"), (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx/.epub)"),
    (b"PK\x05\x06", "an empty ZIP archive"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office 97-2003 document"),
    (b"\x7fELF", "an executable"),
)


def sniff_binary(data: bytes) -> str | None:
    """What a binary file is, from its magic bytes or NUL bytes; None for text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if b"\x00" in data[:4096]:
        return "binary data (NUL bytes)"
    return None


def detect_encoding(data: bytes) -> str:
    """BOM, else strict UTF-8, else the more plausible of GB18030 and Big5 (and Big5's variants)."""
    for bom, _codec, name in _BOMS:
        if data.startswith(bom):
            return "utf-8-sig" if name == "utf-8" else name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", *BIG5_VARIANTS):
        if enc in BIG5_VARIANTS and any(c[0] in BIG5_VARIANTS for c in candidates):
            continue  # the first Big5 flavour that fits is enough
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((enc, text))
    if len(data) % 2 == 0:  # UTF-16 without a BOM or any NUL byte (all CJK): only if it reads as Chinese
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _plausible_utf16(text):
                candidates.append((enc, text))
    if not candidates:
        raise ValueError("not valid UTF-8, GB18030 or Big5")
    if len(candidates) == 1:
        return candidates[0][0]
    return max(candidates, key=lambda c: _plausibility(c[1]))[0]


def _plausibility(text: str) -> float:
    """Share of characters that are common simplified or traditional hanzi or ASCII/punctuation.

    A Big5 byte stream decoded as GB18030 (or the reverse) turns into rare characters; the right
    decoding is dominated by the ~3500 common characters of either script.
    """
    common = _common_chars()
    good = sum(1 for ch in text if ch in common or ord(ch) < 0x80 or ch in "，。、；：？！“”‘’（）《》—…·")
    return good / max(1, len(text))


@lru_cache(maxsize=1)
def _common_chars() -> frozenset:
    """The 3,500 most frequent hanzi by jieba's dictionary frequencies, in both scripts."""
    import os

    import jieba
    import opencc

    counts: dict[str, int] = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            word, freq = line.split(" ", 2)[:2]
            for ch in word:
                counts[ch] = counts.get(ch, 0) + int(freq)
    top = sorted((c for c in counts if "\u4e00" <= c <= "\u9fff"), key=lambda c: (-counts[c], c))[:3500]
    simplified = "".join(top)
    return frozenset(simplified + opencc.OpenCC("s2t").convert(simplified))


_ESCAPED = re.compile(r"[\udc00-\udcff]+")


def _mark_bad(exc: UnicodeDecodeError):
    """Codec error handler: each undecodable byte becomes a lone surrogate (like surrogateescape,
    which refuses bytes below 0x80 that UTF-16 can leave over), to be counted and replaced."""
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start:exc.end]), exc.end


@lru_cache(maxsize=1)
def _marking() -> str:
    import codecs

    codecs.register_error("kg.mark_bad", _mark_bad)
    return "kg.mark_bad"


def decode(data: bytes, path, warnings: list | None = None) -> tuple[str, str]:
    """(encoding, text) of a file's bytes, or InputError saying why they are not text.

    A damaged file (at most `MAX_BAD_SHARE` undecodable bytes, or an incomplete character at the
    very end of a truncated download) is read with U+FFFD for each undecodable run, and a line
    saying so goes to `warnings` (or the log when no list is given).
    """
    if not data.strip():
        raise InputError(path, "empty file")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return name, _decode_with(data[len(bom):], codec, name, path, warnings)
    what = sniff_binary(data)
    if what is not None:
        utf16 = _utf16_without_bom(data) if what.startswith("binary data") else None
        if utf16 is not None:
            return utf16
        raise InputError(path, f"not a text file: looks like {what}")
    cut = _utf8_cut_short(data)
    if cut is not None:  # a UTF-8 download cut inside its last character (GB18030 would read it as mojibake)
        return "utf-8", _accept_damaged(data, data.decode("utf-8", _marking()), "utf-8", len(data) - cut, path, warnings)
    try:
        enc = detect_encoding(data)
        return ("utf-16" if enc.startswith("utf-16") else enc), data.decode(enc)
    except (ValueError, UnicodeDecodeError):
        pass
    scored = []
    for enc in ("utf-8", "gb18030", "big5hkscs"):
        text = data.decode(enc, _marking())
        bad = sum(m.end() - m.start() for m in _ESCAPED.finditer(text))
        scored.append((bad, enc, text))
    fewest = min(b for b, _, _ in scored)
    ties = [c for c in scored if c[0] == fewest]
    bad, enc, text = ties[0] if len(ties) == 1 else max(ties, key=lambda c: _plausibility(c[2]))
    return enc, _accept_damaged(data, text, enc, bad, path, warnings)


def _utf8_cut_short(data: bytes) -> int | None:
    """Where the incomplete last character of otherwise valid, non-ASCII UTF-8 starts, if so."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data) and not data[:exc.start].isascii():
            return exc.start
        return None


def _decode_with(data: bytes, codec: str, name: str, path, warnings) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        text = data.decode(codec, _marking())
    bad = sum(m.end() - m.start() for m in _ESCAPED.finditer(text))
    return _accept_damaged(data, text, name, bad, path, warnings)


def _accept_damaged(data: bytes, text: str, enc: str, bad: int, path, warnings) -> str:
    """Text with U+FFFD for undecodable bytes if they are few (or only a cut-off last character)."""
    first = _ESCAPED.search(text)
    truncated = first is not None and first.end() == len(text) and bad <= 3
    if bad > len(data) * MAX_BAD_SHARE and not truncated:
        raise InputError(path, f"not text in UTF-8, GB18030 or Big5 ({bad} of {len(data)} bytes undecodable)")
    message = (f"{path}: incomplete character at the end replaced with U+FFFD (truncated file?)" if truncated else
               f"{path}: {bad} undecodable byte(s) replaced with U+FFFD (read as {enc})")
    if warnings is None:
        log.warning("%s", message)
    else:
        warnings.append(message)
    return _ESCAPED.sub("\ufffd", text)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark: NUL bytes in one byte lane only, and the
    decoded text plausible Chinese or ASCII."""
    if len(data) % 2:
        return None
    head = data[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if even and odd:
        return None
    enc = "utf-16-le" if odd else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    if not _plausible_utf16(text):
        return None
    return "utf-16", text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _plausible_utf16(text: str) -> bool:
    return not _CONTROL.search(text[:4096]) and _plausibility(text) >= 0.9


@dataclass(frozen=True)
class LineRules:
    drop: tuple
    stop: tuple
    strip: tuple
    meta: tuple  # (key, regex)
    date: tuple = ()          # regexes whose groups 1-3 are year, month, day
    news_lead: tuple = ()     # regexes with groups `source` and `names`
    role_words: frozenset = frozenset()   # words in a byline that are roles, not names
    own_source: frozenset = frozenset()   # a news lead's source that means "this paper"
    any_line: re.Pattern | None = None    # the meta, stop and drop rules anchored at the line start, as one
    any_other: tuple = ()                 # and the others: together a quick test for a body line (`_any_of`)


_META_KEYS = {"date", "pubdate", "speech_date", "source", "author", "title"}
_WORD_KINDS = {"role_word": "role_words", "own_source": "own_source"}
_REGEX_KINDS = {"drop": "drop", "stop": "stop", "date": "date", "news_lead": "news_lead"}


@lru_cache(maxsize=1)
def line_rules() -> LineRules:
    """The ingest rules of furniture.tsv (kinds in its header); an unknown kind is an error naming file:line."""
    path = data_path("furniture.tsv")
    found: dict[str, list] = {k: [] for k in ("drop", "stop", "strip", "meta", "date", "news_lead",
                                              "role_words", "own_source")}
    for row in read_tsv(path, ("kind", "pattern", "note"), required=("kind", "pattern")):
        kind = row["kind"]
        if kind == "strip" or kind in _WORD_KINDS:
            found[_WORD_KINDS.get(kind, kind)].append(row["pattern"])
        elif kind in _REGEX_KINDS:
            found[_REGEX_KINDS[kind]].append(compile_regex(path, row, "pattern"))
        elif kind.startswith("meta.") and kind[5:] in _META_KEYS:
            rx = compile_regex(path, row, "pattern")
            if "v" not in rx.groupindex:
                raise DataFileError(path, row.line, "meta pattern needs a named group (?P<v>...)")
            found["meta"].append((kind[5:], rx))
        else:
            raise DataFileError(path, row.line, f"unknown kind {kind!r}")
    return LineRules(tuple(found["drop"]), tuple(found["stop"]), tuple(found["strip"]), tuple(found["meta"]),
                     tuple(found["date"]), tuple(found["news_lead"]), frozenset(found["role_words"]),
                     frozenset(found["own_source"]),
                     *_any_of([rx for _, rx in found["meta"]] + found["stop"] + found["drop"]))


def _any_of(patterns: list) -> tuple[re.Pattern | None, tuple]:
    """A quick test for "some meta, stop or drop regex matches this line": the rules anchored at
    the line start as one alternation tried at its start, and the others one by one. A body
    line (most lines) then costs one match and a few searches instead of a search per rule.
    Named groups become plain ones (names may repeat)."""
    anchored = [rx.pattern for rx in patterns if _anchored(rx.pattern)]
    if not anchored:
        return None, tuple(patterns)
    try:
        head = re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[A-Za-z_][A-Za-z0-9_]*>', '(', p)})" for p in anchored))
    except re.error:   # a backreference or a flag that does not combine: no quick test
        return None, tuple(patterns)
    return head, tuple(rx for rx in patterns if not _anchored(rx.pattern))


def _anchored(pattern: str) -> bool:
    """The pattern starts with ^ and has no | outside parentheses (every branch is anchored)."""
    if not pattern.startswith("^"):
        return False
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            return False
        i += 1
    return True


def _any_rule(rules: "LineRules", line: str) -> bool:
    """Whether some meta, stop or drop rule may match the line (exact when `any_line` is set)."""
    if rules.any_line is None:
        return True
    return bool(rules.any_line.match(line)) or any(rx.search(line) for rx in rules.any_other)


@lru_cache(maxsize=1)
def surnames() -> frozenset:
    """The surnames of surnames.tsv (the one loader: bylines here, person names in kg.extract)."""
    return frozenset(r["surname"] for r in read_tsv(data_path("surnames.tsv"), ("surname",), required=("surname",)))


def iso_date(value: str) -> str | None:
    """The first date in value as YYYY-MM-DD, if it is a real calendar date (no 2024-02-30)."""
    import datetime

    m = next((m for rx in line_rules().date if (m := rx.search(value))), None)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    try:
        datetime.date(y, mo, d)
    except ValueError:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_SENT_END = re.compile(r"[^。!?;\n]*(?:[。!?;]+[”’\"」』)]?|\n|$)")


def split_sentences(text: str, start: int, end: int) -> list[Sentence]:
    """Sentences of text[start:end] with absolute offsets; blank pieces skipped. A run longer than
    MAX_SENTENCE characters is cut, at a space, comma or 、 where there is one."""
    out = []
    for m in _SENT_END.finditer(text, start, end):
        s, e = m.span()
        while s < e and text[s] in " \n":
            s += 1
        while e > s and text[e - 1] in " \n":
            e -= 1
        while e - s > MAX_SENTENCE:
            lo, hi = s + MAX_SENTENCE // 2, s + MAX_SENTENCE
            cut = max(text.rfind(c, lo, hi) for c in " ,、:") + 1 or hi
            piece_end = cut
            while piece_end > s and text[piece_end - 1] == " ":
                piece_end -= 1
            out.append(Sentence(s, piece_end, text[s:piece_end]))
            s = cut
            while s < e and text[s] == " ":
                s += 1
        if e > s:
            out.append(Sentence(s, e, text[s:e]))
    return out


def read_document(path, root=None, *, warnings: list | None = None) -> Document:
    """Read one file into a Document (normalised text, metadata, body sentences), with the reader
    of its kind (`kg.ingest.formats`; a file of no known kind is read as text).

    Raises InputError (naming the file and the reason) for anything that is not readable;
    warnings about damaged but readable files go to `warnings` (or the log when it is None).
    """
    p = Path(path)
    data = _read_bytes(p, path)
    kind = kind_of(p) or "text"
    if kind != "text" and not data.strip():
        raise InputError(path, "empty file")
    raw = reader(kind, path)(data, path, warnings)
    rel = p.name
    if root is not None:
        try:
            rel = p.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    doc = document_from(raw, path=str(path), rel_path=rel, sha256=hashlib.sha256(data).hexdigest())
    if not doc.text.strip():
        raise InputError(path, "no text in it (only markup, whitespace, control or invisible characters)")
    return doc


def _read_bytes(p: Path, path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES, or InputError saying why not."""
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InputError(path, "is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, "not a regular file")
        if st.st_size > MAX_BYTES:
            raise InputError(path, f"larger than {MAX_BYTES // 2**20} MB ({st.st_size // 2**20} MB); split it")
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "broken symbolic link" if p.is_symlink() else "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def read_text(data: bytes, path, warnings=None) -> Raw:
    """The reader of text files: decoded (`decode`); an HTML page saved as text is read as a page."""
    encoding, text = decode(data, path, warnings)
    return text_raw(text, encoding, path)


def text_raw(text: str, encoding: str = "utf-8", path="<text>") -> Raw:
    """Decoded text as a `Raw`: an HTML page (it starts like one) through the HTML reader, text with
    a few tags in it reduced to its text, entity references left in scraped text decoded."""
    if _HTML_START.match(text[:8192]):
        return reader("html", path, "extract")(text, encoding)
    if looks_like_html(text):
        return Raw(html_to_text(text), encoding, "html")
    return Raw(unescape_entities(text), encoding)


_HTML_START = re.compile(r"\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?(?:p|div|span|br|td|tr|li|a|h[1-6]|table|font|strong|img|script|style|meta)\b[^<>\n]{0,500}>",
                       re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def looks_like_html(text: str) -> bool:
    """An HTML page (starts like one) or text with HTML tags in it (at least five known tags)."""
    head = text[:8192]
    if _HTML_START.match(head):
        return True
    return sum(1 for _ in zip(range(5), _HTML_TAG.finditer(text))) >= 5


def unescape_entities(text: str) -> str:
    """`&amp;`, `&nbsp;`, `&#20848;` left in scraped text -> the characters they stand for."""
    import html

    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


def html_to_text(markup: str) -> str:
    """The text of an HTML page: title and block elements on lines of their own, entities
    decoded, scripts, styles, navigation and comments dropped."""
    from html.parser import HTMLParser

    block = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "footer",
             "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "option", "p",
             "pre", "section", "table", "td", "th", "title", "tr", "ul"}
    hidden = {"script", "style", "noscript", "template", "svg", "object", "iframe", "nav"}

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            if tag in hidden:
                self.skip += 1
            elif tag in block:
                self.out.append("\n")

        def handle_startendtag(self, tag, attrs):
            if tag in block:
                self.out.append("\n")

        def handle_endtag(self, tag):
            if tag in hidden:
                self.skip = max(0, self.skip - 1)
            elif tag in block:
                self.out.append("\n")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(re.sub(r"\s*\n\s*", " ", data))

    parser = Parser()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some malformed declarations
        return unescape_entities(re.sub(r"<[^<>]{0,500}>", "\n", markup))
    return "".join(parser.out)


def make_document(raw: str, *, path: str = "<text>", rel_path: str | None = None, sha256: str | None = None,
                  encoding: str = "utf-8") -> Document:
    """Build a Document from already-decoded text (read as a text file is; used by tests)."""
    return document_from(text_raw(raw, encoding, path), path=path, rel_path=rel_path, sha256=sha256)


PAGE_MARK = "\ufdd0"   # a noncharacter: kept by every step of normalisation, never in real text


def document_from(raw: Raw, *, path: str = "<text>", rel_path: str | None = None,
                  sha256: str | None = None) -> Document:
    """The one normalisation path, whatever the format: page-furniture marks stripped, text
    normalised once (kg/text.py), lines classified, metadata read (the text's first, then what
    the file says of itself), sentences split; page starts carried through normalisation."""
    rules = line_rules()
    text = _mark_pages(raw.text, raw.pages)
    for mark in rules.strip:
        text = text.replace(mark, "")
    text, original = N.normalize(text)
    pages: list[int] = []
    if raw.pages:
        text, original, pages = _unmark_pages(text, original, len(raw.pages))
    script = "traditional" if _is_traditional(original, text) else "simplified"
    doc = Document(path=path, rel_path=rel_path or Path(path).name,
                   sha256=sha256 or hashlib.sha256(raw.text.encode("utf-8")).hexdigest(),
                   encoding=raw.encoding, text=text, original=original, script=script, kind=raw.kind, pages=pages)
    _classify_lines(doc, rules)
    for key, value in raw.metadata.items():
        doc.metadata.setdefault(key, value)
    return doc


def _mark_pages(text: str, starts: list[int]) -> str:
    """`text` with a PAGE_MARK where each page after the first starts (after any whitespace the
    page starts with, so that removing the marks after normalisation leaves normalised text)."""
    if not starts:
        return text
    bounds = [*starts[1:], len(text)]
    pieces = [text[:bounds[0]].replace(PAGE_MARK, "")]
    for a, b in zip(bounds, bounds[1:]):
        piece = text[a:b].replace(PAGE_MARK, "")
        lead = len(piece) - len(piece.lstrip())
        pieces.append(piece[:lead] + PAGE_MARK + piece[lead:])
    return "".join(pieces)


def _unmark_pages(text: str, original: str, count: int) -> tuple[str, str, list[int]]:
    """Normalised text and original without the page marks, and the offset of each of the
    `count` page starts in them."""
    pages, cuts = [0], [m.start() for m in re.finditer(PAGE_MARK, text)]
    for n, i in enumerate(cuts):
        pages.append(i - n)
    text, original = text.replace(PAGE_MARK, ""), original.replace(PAGE_MARK, "")
    return text, original, (pages + [len(text)] * count)[:count]


def _is_traditional(original: str, simplified: str) -> bool:
    if original == simplified:
        return False
    changed = sum(1 for a, b in zip(original, simplified) if a != b)
    return changed > max(3, len(simplified) // 200)


def _classify_lines(doc: Document, rules: LineRules) -> None:
    text = doc.text
    meta: dict = {}
    body_lines: list[tuple[int, int]] = []
    pos = 0
    stopped = False
    dropped = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        s = line.strip()
        if not s:
            continue
        if stopped:
            dropped += 1
            continue
        if not _any_rule(rules, s):
            body_lines.append((start, end))   # no rule matches: a body line
            continue
        hits = [(key, m.group("v")) for key, rx in rules.meta if (m := rx.search(s))]
        for key, value in hits:
            meta.setdefault(key, []).append(value)
        if any(rx.search(s) for rx in rules.stop):
            stopped = True
            dropped += 1
            continue
        if hits:
            continue
        if any(rx.search(s) for rx in rules.drop):
            dropped += 1
            continue
        body_lines.append((start, end))
    doc.dropped_lines = dropped
    doc.sentences = [sent for s, e in body_lines for sent in split_sentences(text, s, e)]
    doc.metadata = _metadata(doc, meta, body_lines)


def _metadata(doc: Document, meta: dict, body_lines) -> dict:
    out: dict = {}
    speech = [d for d in map(iso_date, meta.get("speech_date", [])) if d]
    dates = [d for d in map(iso_date, meta.get("date", []) + meta.get("pubdate", [])) if d]
    if speech:
        out["speech_date"] = speech[0]
    if speech or dates:
        out["date"] = (speech + dates)[0]
    if meta.get("source"):
        out["source"] = meta["source"][0]
    authors = []
    for v in meta.get("author", []):
        authors += [a for a in re.split(r"[ 、,]", v) if a and a not in line_rules().role_words]
    if authors:
        out["authors"] = list(dict.fromkeys(authors))
    lead = _news_lead(doc, body_lines)
    if lead:
        source, names = lead
        if source not in line_rules().own_source:  # "this paper": the page's own source line says which
            out.setdefault("source", source)
        if names and "authors" not in out:
            out["authors"] = names
    if "authors" not in out:
        byline = _byline(doc, body_lines)
        if byline:
            out["authors"] = [byline]
    title = _title(doc, body_lines)
    if title:
        out["title"] = title
    return out


def _news_lead(doc: Document, body_lines) -> tuple[str, list[str]] | None:
    rules = line_rules()
    for s, e in body_lines[:6]:
        m = next((m for rx in rules.news_lead if (m := rx.match(doc.text, s, e))), None)
        if m:
            names = [n for n in re.split(r"[ 、,]", m.group("names") or "") if n and n not in rules.role_words]
            return m.group("source"), names
    return None


def _byline(doc: Document, body_lines) -> str | None:
    """A line near the top that is only a 2-3 character person name is the author's byline."""
    known = surnames()
    for s, e in body_lines[:10]:
        line = doc.text[s:e].strip()
        if 2 <= len(line) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in line) and (
                line[0] in known or line[:2] in known):
            return line
    return None


_SENTENCE_PUNCT = re.compile(r"[。,;!?]")


def _title(doc: Document, body_lines) -> str | None:
    """The first short body line without sentence punctuation; a following `——` line is a subtitle."""
    lines = [doc.text[s:e].strip() for s, e in body_lines[:12]]
    for i, line in enumerate(lines):
        if 4 <= len(line) <= 60 and not _SENTENCE_PUNCT.search(line) and not line.startswith("——"):
            if i + 1 < len(lines) and lines[i + 1].startswith("——"):
                return line + lines[i + 1]
            return line
    return None
