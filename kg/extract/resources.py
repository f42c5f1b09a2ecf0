"""The resources extraction needs, built once per build and passed explicitly.

A `Resources` holds the lexicon (bundled data files plus the user's lexicons), the character
gazetteer over its names and the affix automata. It is cached by the content of the files it was
built from (`data_fingerprint`), never by their paths, so an edited lexicon is always read again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..data import data_dir
from ..errors import DataFileError

_CACHE: dict[str, "Resources"] = {}
_CACHE_SIZE = 4


@dataclass(frozen=True)
class Resources:
    lexicon: object      # extract.lexicon.Lexicon
    gazetteer: object    # extract.match.Gazetteer over the lexicon's names
    affixes: object      # extract.context.Affixes
    lexicons: tuple      # the user lexicon paths it was built with
    fingerprint: str     # data_fingerprint(lexicons) at load time


def data_fingerprint(lexicons: tuple = ()) -> str:
    """sha256 over the bytes of every bundled data file and every user lexicon, in order."""
    h = hashlib.sha256()
    root = data_dir()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py":
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    for lex in lexicons:
        try:
            data = Path(lex).read_bytes()
        except OSError as exc:
            raise DataFileError(Path(lex), None, f"cannot read: {exc.strerror or exc}") from None
        h.update(b"user\0" + data + b"\0")
    return h.hexdigest()


def load_resources(lexicons=()) -> Resources:
    """Resources for the bundled data plus `lexicons` (user lexicon paths, later ones win)."""
    from .context import Affixes
    from .lexicon import load
    from .match import Gazetteer

    lexicons = tuple(str(p) for p in lexicons)
    fp = data_fingerprint(lexicons)
    res = _CACHE.get(fp)
    if res is None or res.lexicons != lexicons:
        lex = load(lexicons)
        res = Resources(lex, Gazetteer(lex.surfaces), Affixes(lex), lexicons, fp)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[fp] = res
    return res
