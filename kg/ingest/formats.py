"""The input formats: which reader reads a file, and what every reader hands back.

A reader turns a file's bytes into a `Raw`: the text (one paragraph a line), the text encoding
where there is one, metadata the file itself gives (a page's title, date, author, site) and, for
paged formats, where each page starts. `kg.ingest.reader` normalises a `Raw` into a `Document`
the same way whatever the format, so offsets always count in the one normalised text.

Readers are registered by kind, like rdflib's plugin map (kind -> "module:function" in
kg.ingest), and imported on first use, so their libraries load only when a file needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Callable

from ..errors import InputError

# suffix (lower case) -> kind
SUFFIXES: dict[str, str] = {".txt": "text", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
# kind -> "module:function" of kg.ingest; the function takes (data, path, warnings) and returns a Raw
READERS: dict[str, str] = {
    "text": "reader:read_text",
    "html": "html:read",
    "pdf": "pdf:read",
    "docx": "docx:read",
}
# kind -> the distributions (PyPI names) its reader's output depends on: the store's fingerprint
# counts their versions (kg.build.fingerprint), the error for a missing one names them
LIBRARIES: dict[str, tuple[str, ...]] = {
    "text": (),
    "html": ("trafilatura", "htmldate", "justext", "lxml", "lxml_html_clean"),
    "pdf": ("pypdfium2",),
    "docx": ("python-docx", "lxml"),
}


@dataclass
class Raw:
    """A file's text as its reader found it, before normalisation."""

    text: str                      # one paragraph (or table row) a line
    encoding: str = ""             # the text encoding of a text or HTML file; "" for PDF and DOCX
    kind: str = "text"
    metadata: dict = field(default_factory=dict)   # what the file says of itself; fills what the text does not
    pages: list[int] = field(default_factory=list)  # offset in `text` where each page starts (paged formats)


def kind_of(path) -> str | None:
    """The kind of file `path` is, by its suffix; None for a kind kg does not read."""
    return SUFFIXES.get(Path(path).suffix.lower())


def reader(kind: str, path, name: str | None = None) -> Callable:
    """The read function of `kind` (or another function `name` of its module); an InputError
    naming the package to install if its library is missing."""
    module, _, function = READERS[kind].partition(":")
    try:
        return getattr(import_module(f"{__package__}.{module}"), name or function)
    except ImportError as exc:  # a dependency removed or not installed: say which, per file
        missing = exc.name or "a library"
        raise InputError(path, f"reading {kind.upper()} files needs the Python package {missing!r}, which is "
                         f"not installed (pip install {' '.join(LIBRARIES[kind])})") from None


_SENTENCE_END = re.compile(r"[。！？；!?;]+\s*")
_CELL_SPACE = re.compile(r"\s+")


def row_text(cells) -> str:
    """One table row as one line of text, read as one sentence: the non-empty cells joined with
    `，`, each cell's own lines joined with a space and its sentence ends turned into `，`."""
    parts = []
    for cell in cells:
        text = _CELL_SPACE.sub(" ", _SENTENCE_END.sub("，", cell or "")).strip(" ，")
        if text:
            parts.append(text)
    return "，".join(parts)
