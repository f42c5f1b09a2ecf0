"""Where a query comes from: a SPARQL string, standard input, a .rq file or a named query.

`kg query` and any other caller get the query text, its checked parameters and a short
description of its origin for messages, or a QueryError that says what is wrong.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable

from .store import QueryError, named_queries

STDIN = "-"


@dataclass(frozen=True)
class QueryRequest:
    """A query ready to run: its text, the values of its `$name` parameters, where it came from
    and, for a named query, its name (named queries are paged: kg.query.paging)."""

    text: str
    params: dict[str, str] = field(default_factory=dict)
    origin: str = "query"
    name: str | None = None


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """`KEY=VALUE` strings as a dict (the value may contain `=`; later keys win)."""
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {item!r}: expected KEY=VALUE, e.g. --param zone=NAME")
        params[key.strip()] = value
    return params


def _named(name: str, params: dict[str, str]) -> QueryRequest:
    catalogue = named_queries()
    if name not in catalogue:
        raise QueryError(f"no named query {name!r}; available: {', '.join(catalogue)}")
    nq = catalogue[name]
    return QueryRequest(nq.sparql, nq.bind(params), f"named query {name!r}", name)


def _from_file(path: Path, params: dict[str, str]) -> QueryRequest:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query: {exc}") from None
    return QueryRequest(text, params, str(path))


def resolve_query(*, sparql: str | None = None, file: str | Path | None = None,
                  name: str | None = None, params: Iterable[str] | dict[str, str] = (),
                  stdin: IO[str] | None = None) -> QueryRequest:
    """The query given by exactly one of `sparql` (`"-"` reads `stdin`), `file` or `name`.

    `params` are `KEY=VALUE` strings or a dict. A named query checks them against the
    parameters it declares (unknown or missing required ones are errors); other queries take
    them as given. Raises QueryError when no source or several are given, the named query or
    file does not exist, or the query text is empty.
    """
    sources = [x for x in (sparql, file, name) if x is not None]
    if len(sources) != 1:
        raise QueryError("give exactly one of: a SPARQL string, --file Q.rq, --name NAME (see --list)")
    values = dict(params) if isinstance(params, dict) else parse_params(params)
    if name is not None:
        request = _named(name, values)
    elif file is not None:
        request = _from_file(Path(file), values)
    elif sparql == STDIN:
        request = QueryRequest((stdin or sys.stdin).read(), values, "standard input")
    else:
        request = QueryRequest(sparql, values, "query")
    if not request.text.strip():
        raise QueryError(f"{request.origin}: the query is empty")
    return request
