"""Shared helpers for the general-knowledge lexicon generators (enterprises, universities, institutes,
ambiguous names). Python 3.11 standard library only; nothing here downloads anything.

Text normalisation matches what the extractor does to article text: Unicode NFKC (full-width letters,
digits and brackets become half-width), whitespace removed.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
SPACES = re.compile(r"\s+")

# jieba POS tags that mark a proper noun or an abbreviation (person, transliterated name, other proper
# noun, organisation, abbreviation). Everything else (n, v, vn, a, ns, s, ...) is a common word or a place.
PROPER_POS = frozenset({"nr", "nrt", "nrfg", "nz", "nt", "j"})
# Legal-form tails of Chinese company names, longest first (after NFKC, so brackets are half-width).
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "股份公司", "有限公司", "集团公司", "总公司", "株式会社", "公司")
GROUP_TAILS = ("投资控股", "控股集团", "(集团)", "集团", "控股")
# Prefixes that act like a place in front of a name (national scope words).
NATIONAL_PREFIXES = ("中华人民共和国", "中华", "中国", "全国", "国家", "中央")


def norm(text: str) -> str:
    """NFKC-fold and drop all whitespace."""
    return SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def load_jieba(path: str | Path) -> dict[str, tuple[int, str]]:
    """word -> (frequency, POS) from jieba's dict.txt ("word freq pos" per line)."""
    out: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit():
                out.setdefault(norm(parts[0]), (int(parts[1]), parts[2]))
    return out


def read_tsv(path: str | Path) -> list[dict[str, str]]:
    """Rows of a kg-style TSV: leading '#' comment lines, one header line, tab-separated rows."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            cells += [""] * (len(header) - len(cells))
            rows.append(dict(zip(header, cells)))
    return rows


class Regions:
    """Place names from kg/data/regions.tsv (read only): full names and short forms of every division
    and country. `prefixes` holds the country/province/prefecture forms used to strip a leading place from
    a company name; `all_names` holds every level (county too) for the ambiguity test."""

    def __init__(self, path: str | Path):
        self.all_names: set[str] = set()
        self.prefixes: set[str] = set()
        self.by_name: dict[str, dict[str, str]] = {}
        self.short_to_full: dict[str, set[str]] = {}
        for row in read_tsv(path):
            name = norm(row["name"])
            forms = {name} | {norm(a) for a in row.get("aliases", "").split("|") if a}
            self.by_name[name] = row
            self.all_names |= forms
            for form in forms:
                self.short_to_full.setdefault(form, set()).add(name)
            if row.get("level") in ("country", "province", "prefecture"):
                self.prefixes |= {f for f in forms if len(f) >= 2}
        self.prefixes |= set(NATIONAL_PREFIXES)
        self._sorted_prefixes = sorted(self.prefixes, key=lambda s: (-len(s), s))
        self.countries = {f for n, row in self.by_name.items() if row.get("level") == "country"
                          for f in {n} | {norm(a) for a in row.get("aliases", "").split("|") if a}}

        self.provinces = {f for n, row in self.by_name.items() if row.get("level") == "province"
                          for f in {n} | {norm(a) for a in row.get("aliases", "").split("|") if a}}

    def is_country(self, form: str) -> bool:
        return form in self.countries

    def is_province(self, form: str) -> bool:
        return form in self.provinces

    def leading(self, text: str) -> str:
        """The longest place prefix of `text` (country/province/prefecture or national word), or ''."""
        for p in self._sorted_prefixes:
            if text.startswith(p) and len(text) > len(p):
                return p
        return ""


def is_common_word(word: str, jieba: dict[str, tuple[int, str]]) -> bool:
    """True when jieba lists `word` with a non-proper POS (an ordinary noun, verb, adjective, place...)."""
    entry = jieba.get(word)
    return entry is not None and entry[1] not in PROPER_POS


def strip_legal_form(name: str) -> str:
    for tail in LEGAL_FORMS:
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return name


def strip_group_tail(name: str) -> str:
    for tail in GROUP_TAILS:
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return name


def write_tsv(path: str | Path, header_lines: list[str], columns: list[str], rows: list[list[str]]) -> None:
    """Write atomically: '#' header lines, the column line, then rows (already sorted), '\\n' line ends."""
    path = Path(path)
    lines = [h if h.startswith("#") else "# " + h for h in header_lines]
    lines.append("\t".join(columns))
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        for c in cells:
            if "\t" in c or "\n" in c:
                raise ValueError(f"tab or newline inside a cell: {c!r}")
        lines.append("\t".join(cells))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
