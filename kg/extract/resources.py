"""The resources extraction needs, built once per build and passed explicitly.

A `Resources` holds the lexicon (bundled data files plus the user's lexicons), the character
gazetteer over its names and the affix automata, with the fingerprint of the bytes they were
built from (`data_fingerprint`). Loading is memoised by that content fingerprint, never by
path, so an edited lexicon is always read again; a `Resources` sent to another process (a
worker, a Dask task) travels as its lexicon paths and fingerprint and is rebuilt there, and
refused if the files there are not the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..data import data_dir
from ..errors import DataFileError

_MEMO: dict[tuple, "Resources"] = {}
_MEMO_SIZE = 4


@dataclass(frozen=True, eq=False)
class Resources:
    lexicon: object      # extract.lexicon.Lexicon
    gazetteer: object    # extract.match.Gazetteer over the lexicon's names
    affixes: object      # extract.context.Affixes
    lexicons: tuple      # the user lexicon paths it was built from
    fingerprint: str     # data_fingerprint(lexicons) of the bytes it was built from

    def __reduce__(self):
        # the automata do not pickle (and would be large): another process loads its own copy
        return _restore, (self.lexicons, self.fingerprint)


def _restore(lexicons: tuple, fingerprint: str) -> Resources:
    res = load_resources(lexicons)
    if res.fingerprint != fingerprint:
        where = ", ".join(lexicons) or str(data_dir())
        raise DataFileError(where, None, "the data files or lexicons differ from the ones the build started "
                                         "with (changed during the build, or not the same on this worker)")
    return res


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
    """Resources for the bundled data plus `lexicons` (user lexicon paths, later ones win).

    The files are hashed before and after they are read: a file that changes meanwhile is read
    again, so the fingerprint is always that of the bytes the resources were built from."""
    from .context import Affixes
    from .lexicon import load
    from .match import Gazetteer

    lexicons = tuple(str(p) for p in lexicons)
    for _ in range(3):
        fp = data_fingerprint(lexicons)
        res = _MEMO.get((fp, lexicons))
        if res is not None:
            return res
        lex = load(lexicons)
        if data_fingerprint(lexicons) == fp:
            res = Resources(lex, Gazetteer(lex.surfaces, "dfa"), Affixes(lex), lexicons, fp)
            if len(_MEMO) >= _MEMO_SIZE:
                _MEMO.pop(next(iter(_MEMO)))
            _MEMO[(fp, lexicons)] = res
            return res
    raise DataFileError(", ".join(lexicons) or data_dir(), None, "changed every time it was read; try again")


def as_resources(res=None) -> Resources:
    """`res` itself when it is a Resources, else the Resources of these user lexicon paths (None: none)."""
    return res if isinstance(res, Resources) else load_resources(res or ())
