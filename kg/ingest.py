"""Ingest: bytes -> decoded -> normalised text -> lines classified (body / metadata / furniture)
-> sentences with character offsets. One call per document: `read_document(path, root)`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import normalize as N
from .datafile import compile_regex, data_path, read_tsv
from .errors import InputError
from .model import Document, Sentence

ENCODINGS = ("utf-8", "gb18030", "big5")
MAX_BYTES = 50 * 1024 * 1024


def detect_encoding(data: bytes) -> str:
    """BOM, else strict UTF-8, else the better of GB18030 and Big5 (charset-normalizer decides)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
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


def decode(data: bytes, path) -> tuple[str, str]:
    if not data.strip():
        raise InputError(path, "empty file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "looks binary (NUL bytes), not a text file")
    try:
        enc = detect_encoding(data)
    except ValueError as exc:
        raise InputError(path, str(exc)) from None
    text = data.decode(enc)
    return ("utf-8" if enc == "utf-8-sig" else enc), text


@dataclass(frozen=True)
class LineRules:
    drop: tuple
    stop: tuple
    strip: tuple
    meta: tuple  # (key, regex)


@lru_cache(maxsize=1)
def line_rules() -> LineRules:
    path = data_path("furniture.tsv")
    drop, stop, strip, meta = [], [], [], []
    for row in read_tsv(path, ("kind", "pattern", "note"), required=("kind", "pattern")):
        kind = row["kind"]
        if kind == "strip":
            strip.append(row["pattern"])
            continue
        rx = compile_regex(path, row, "pattern")
        if kind == "drop":
            drop.append(rx)
        elif kind == "stop":
            stop.append(rx)
        elif kind.startswith("meta.") and kind[5:] in {"date", "pubdate", "source", "author", "title"}:
            if "v" not in rx.groupindex:
                from .errors import DataFileError

                raise DataFileError(path, row.line, "meta pattern needs a named group (?P<v>...)")
            meta.append((kind[5:], rx))
        else:
            from .errors import DataFileError

            raise DataFileError(path, row.line, f"unknown kind {kind!r}")
    return LineRules(tuple(drop), tuple(stop), tuple(strip), tuple(meta))


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def iso_date(value: str) -> str | None:
    m = _DATE.search(value)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_SENT_END = re.compile(r"[^。!?;\n]*(?:[。!?;]+[”’\"」』)]?|\n|$)")


def split_sentences(text: str, start: int, end: int) -> list[Sentence]:
    """Sentences of text[start:end] with absolute offsets; blank pieces skipped."""
    out = []
    for m in _SENT_END.finditer(text, start, end):
        s, e = m.span()
        while s < e and text[s] in " \n":
            s += 1
        while e > s and text[e - 1] in " \n":
            e -= 1
        if e > s:
            out.append(Sentence(s, e, text[s:e]))
    return out


def read_document(path, root=None) -> Document:
    """Read one text file into a Document (normalised text, metadata, body sentences)."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise InputError(path, f"larger than {MAX_BYTES // 2**20} MB; split it")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    encoding, raw = decode(data, path)
    rel = p.name if root is None else Path(p).resolve().relative_to(Path(root).resolve()).as_posix()
    return make_document(raw, path=str(path), rel_path=rel, sha256=hashlib.sha256(data).hexdigest(),
                         encoding=encoding)


def make_document(raw: str, *, path: str = "<text>", rel_path: str | None = None, sha256: str | None = None,
                  encoding: str = "utf-8") -> Document:
    """Build a Document from already-decoded text (used by read_document and by tests)."""
    rules = line_rules()
    for mark in rules.strip:
        raw = raw.replace(mark, "")
    text, original = N.normalize(raw)
    script = "traditional" if _is_traditional(original, text) else "simplified"
    doc = Document(path=path, rel_path=rel_path or Path(path).name,
                   sha256=sha256 or hashlib.sha256(raw.encode("utf-8")).hexdigest(),
                   encoding=encoding, text=text, original=original, script=script)
    _classify_lines(doc, rules)
    return doc


def _is_traditional(original: str, simplified: str) -> bool:
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
    speech = [iso_date(v) for v in meta.get("date", []) if "年" in v and "日" in v]
    dates = [iso_date(v) for v in meta.get("date", []) + meta.get("pubdate", [])]
    dates = [d for d in dates if d]
    if speech and speech[0]:
        out["speech_date"] = speech[0]
    if dates:
        out["date"] = speech[0] if speech and speech[0] else dates[0]
    if meta.get("source"):
        out["source"] = meta["source"][0]
    authors = []
    for v in meta.get("author", []):
        authors += [a for a in re.split(r"[ 、,]", v) if a and a not in _ROLE_WORDS]
    if authors:
        out["authors"] = list(dict.fromkeys(authors))
    if "authors" not in out:
        byline = _byline(doc, body_lines)
        if byline:
            out["authors"] = [byline]
    title = _title(doc, body_lines)
    if title:
        out["title"] = title
    return out


def _byline(doc: Document, body_lines) -> str | None:
    """A line near the top that is only a 2-3 character person name is the author's byline."""
    surnames = _surnames()
    for s, e in body_lines[:10]:
        line = doc.text[s:e].strip()
        if 2 <= len(line) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in line) and (
                line[0] in surnames or line[:2] in surnames):
            return line
    return None


@lru_cache(maxsize=1)
def _surnames() -> frozenset:
    return frozenset(r["surname"] for r in read_tsv(data_path("surnames.tsv"), ("surname",), required=("surname",)))


_SENTENCE_PUNCT = re.compile(r"[。,;!?]")
_ROLE_WORDS = {"记者", "通讯员", "文", "摄影", "摄", "编辑", "责任编辑", "作者", "图", "实习生", "特约记者"}


def _title(doc: Document, body_lines) -> str | None:
    """The first short body line without sentence punctuation; a following `——` line is a subtitle."""
    lines = [doc.text[s:e].strip() for s, e in body_lines[:12]]
    for i, line in enumerate(lines):
        if 4 <= len(line) <= 60 and not _SENTENCE_PUNCT.search(line) and not line.startswith("——"):
            if i + 1 < len(lines) and lines[i + 1].startswith("——"):
                return line + lines[i + 1]
            return line
    return None
