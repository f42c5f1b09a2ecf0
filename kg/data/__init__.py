"""Strict reader for the project's rules and lexicon files (tab-separated, commented header).

Format: lines starting with `#` are comments (the header names source and version); the first
other line is the column header, which must equal the expected columns; every later non-blank
line must have exactly that many tab-separated cells. Anything else is an error naming file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import DataFileError


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict

    def __getitem__(self, key):
        return self.cells[key]

    def list(self, key) -> list[str]:
        """A `|`-separated cell as a list, empty cell -> []."""
        value = self.cells[key]
        return [v for v in value.split("|") if v] if value else []


def data_dir() -> Path:
    """The folder of the bundled data files (kg/data)."""
    return Path(str(resources.files(__name__)))


def data_path(name: str) -> Path:
    """Path of a bundled data file (kg/data/NAME)."""
    return data_dir() / name


def read_tsv(path, columns: tuple[str, ...], *, required: tuple[str, ...] = ()) -> list[Row]:
    """Read a TSV data file strictly; `required` cells may not be empty."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(path, None, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    rows: list[Row] = []
    header = None
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = tuple(c.strip() for c in cells)
            if header != tuple(columns):
                unknown = [c for c in header if c not in columns]
                missing = [c for c in columns if c not in header]
                detail = []
                if unknown:
                    detail.append(f"unknown column(s) {', '.join(unknown)}")
                if missing:
                    detail.append(f"missing column(s) {', '.join(missing)}")
                raise DataFileError(path, lineno, "bad header: " + ("; ".join(detail) or
                                    f"expected columns in order {', '.join(columns)}"))
            continue
        if len(cells) != len(columns):
            hint = "; an empty cell still needs its tab" if len(cells) < len(columns) else ""
            raise DataFileError(path, lineno, f"expected {len(columns)} tab-separated cells "
                                f"({', '.join(columns)}), got {len(cells)}{hint}")
        row = dict(zip(columns, (c.strip() for c in cells)))
        for key in required:
            if not row[key]:
                raise DataFileError(path, lineno, f"empty {key!r}")
        rows.append(Row(lineno, row))
    if header is None:
        raise DataFileError(path, None, "no header line")
    return rows


def compile_regex(path, row: Row, key: str) -> re.Pattern:
    try:
        return re.compile(row[key])
    except re.error as exc:
        raise DataFileError(path, row.line, f"bad regular expression in {key!r}: {exc}") from None
