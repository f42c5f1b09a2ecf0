"""The one table of RDF file formats: which suffix is read as what, and which suffix is written.

Every reader of a graph file (`kg query`, `kg serve`, `kg viz`, `kg eval`, `kg export`, SHACL
validation) picks the parser here, and `kg export` names its output files from it. A suffix that
is not in the table is an input error.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError

RDF_FILE_FORMATS = {
    # name: (pyoxigraph RdfFormat, suffixes read as it; the first one is written)
    "ttl": ("TURTLE", (".ttl", ".turtle")),
    "nt": ("N_TRIPLES", (".nt", ".ntriples")),
    "nq": ("N_QUADS", (".nq", ".nquads")),
    "trig": ("TRIG", (".trig",)),
    "jsonld": ("JSON_LD", (".jsonld", ".json")),
    "rdfxml": ("RDF_XML", (".rdf", ".owl")),
}
_BY_SUFFIX = {suffix: name for name, (_, suffixes) in RDF_FILE_FORMATS.items() for suffix in suffixes}


def format_name(path: str | os.PathLike) -> str:
    """The table's name for the format of a graph file, from its suffix; InputError if unknown."""
    found = Path(path).suffix.lower()
    name = _BY_SUFFIX.get(found)
    if name is None:
        raise InputError(path, f"unknown graph format {found!r} (expected one of {', '.join(sorted(_BY_SUFFIX))})")
    return name


def rdf_format(path: str | os.PathLike):
    """The pyoxigraph RdfFormat a graph file is parsed with."""
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, RDF_FILE_FORMATS[format_name(path)][0])


def suffix(name: str) -> str:
    """The suffix a file in format `name` (a key of RDF_FILE_FORMATS) is written with."""
    return RDF_FILE_FORMATS[name][1][0]
