"""Pages of a query's answer (rows OFFSET to OFFSET+LIMIT) without computing the whole answer.

Sorting the full answer is what makes the first rows of a large listing slow: Oxigraph sorts
every row, reading each string it compares from the store, and looks up every row's details
before it cuts. So a named query sorts and cuts early, where its text says, with two comment
markers that other engines ignore (`kg query --show` and `kg serve` run the text as it
stands, for the full answer):

``#PAGE-END`` or ``#PAGE-END N``
    ends a sub-select that lists, in the answer's order, the entities the rows are sorted by
    first (zones, documents...); an entity may have no row. It becomes ``LIMIT n``: the rows of
    the first n entities come first in the answer, so once they number OFFSET+LIMIT, or the
    list has fewer than n entities, the page is among them. The first try takes OFFSET+LIMIT
    entities, or N when given (for entities with many rows each, such as the enterprises of
    a zone).
``#PAGE``
    ends a sub-select that lists exactly the answer's rows (their keys) in the answer's order.
    It becomes ``LIMIT limit OFFSET offset``; the rest of the query then adds the details of
    those rows only.

LIMIT and OFFSET are added to the whole query too, so a query without markers pages
correctly, only not faster. A LIMIT also tells Oxigraph's planner that a sub-select is short,
so that it starts from it and looks the rest up row by row (kg.query.queries use this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from .request import QueryRequest
from .store import _TOKEN, QueryError, QueryResult, run_query

DEFAULT_LIMIT = 100  # rows `kg query --name` prints unless given --limit N or --all

PAGE_END = "#PAGE-END"
PAGE = "#PAGE"
_MARKER = re.compile(r"#(PAGE-END|PAGE)(?:[ \t]+(\d+))?[ \t]*\Z")
_UNBOUNDED = 10**9  # "no limit" at a marker (far more rows than any graph kg builds)


@dataclass
class Page:
    """One page of an answer: the result (its rows cut to the page) and whether rows follow."""

    result: QueryResult
    more: bool = False


def choose_limit(*, named: bool, limit: int | None, all_rows: bool) -> int | None:
    """The page size `kg query` uses: --limit N, none with --all, else DEFAULT_LIMIT for a
    named query and none for the user's own (which may have its own LIMIT)."""
    if all_rows and limit is not None:
        raise QueryError("give --limit N or --all, not both")
    if limit is not None and limit < 1:
        raise QueryError(f"--limit must be 1 or more, not {limit}")
    if all_rows:
        return None
    return limit if limit is not None else (DEFAULT_LIMIT if named else None)


def run_request(store, request: QueryRequest, *, limit: int | None, offset: int = 0) -> Page:
    """Rows ``offset`` to ``offset + limit`` of the request's answer (to the end when ``limit``
    is None), and whether more rows follow.

    A named query is paged in the query itself (run_page), so that its first page is fast.
    The user's own query is read only as far as the page: one without ORDER BY streams, one
    with ORDER BY is sorted in full first. Its LIMIT and OFFSET, if any, apply before ours.
    """
    if offset < 0:
        raise QueryError(f"--offset must be 0 or more, not {offset}")
    if limit is None and not offset and not request.name:
        return Page(run_query(store, request.text, params=request.params))
    probe = None if limit is None else limit + 1  # one row more tells whether rows follow
    if request.name:
        result = run_page(store, request.text, params=request.params, limit=probe,
                          offset=offset)
    else:
        result = run_query(store, request.text, params=request.params)
        if result.kind != "select":
            kind = "an ASK" if result.kind == "ask" else "a CONSTRUCT or DESCRIBE"
            raise QueryError(f"--limit and --offset page the rows of a SELECT; this query is "
                             f"{kind}")
        stop = None if probe is None else offset + probe
        result = QueryResult("select", result.variables,
                             _iter=islice(result._iter, offset, stop), store=store)
    if limit is None:
        return Page(result)
    solutions = list(result._iter)
    return Page(QueryResult("select", result.variables, _iter=iter(solutions[:limit]),
                            store=store), more=len(solutions) > limit)


def run_page(store, sparql: str, *, params: dict[str, str] | None = None,
             limit: int | None, offset: int = 0) -> QueryResult:
    """Rows ``offset`` to ``offset + limit`` of the answer (all from ``offset`` when ``limit`` is
    None), in the answer's order.

    With #PAGE-END, the rows of the first OFFSET+LIMIT leading entities (or N, from
    ``#PAGE-END N``) are read first. While they give too few rows and the list has more
    entities, the query runs again with more: as many as the rows per entity so far suggest,
    at least twice as many. Whether the list has more is asked only when a page with more
    entities is still short: a first short page usually means sparse rows, not the end.
    The full answer takes every entity the list has, counted first: a LIMIT of that size
    keeps the plan of a page.
    """
    first = _markers(sparql).get(PAGE_END, False)
    if first is False:
        return run_query(store, page_query(sparql, limit, offset), params=params)
    if limit is None:
        entities = _count_entities(store, sparql, params, _UNBOUNDED)
        return run_query(store, page_query(sparql, None, offset, entities=entities),
                         params=params)
    need = offset + limit
    entities, tried = min(need, first or need), False
    while True:
        result = run_query(store, page_query(sparql, limit, offset, entities=entities),
                           params=params)
        if result.kind != "select":
            return result
        solutions = list(result._iter)
        if len(solutions) >= limit or ((tried or not solutions) and
                                       _count_entities(store, sparql, params, entities) < entities):
            return QueryResult("select", result.variables, _iter=iter(solutions), store=store)
        tried = True
        entities = _more_entities(entities, offset + len(solutions) if solutions else 0, need)


def page_query(sparql: str, limit: int | None, offset: int = 0, *,
               entities: int | None = None) -> str:
    """The text that gives rows ``offset`` to ``offset + limit`` of the answer (to its end when
    ``limit`` is None), keeping the first ``entities`` of #PAGE-END (default: offset + limit,
    enough when each entity has a row; every entity without a limit)."""
    if (limit is not None and limit < 0) or offset < 0 or (entities is not None and entities < 0):
        raise QueryError("the limit and the offset must be 0 or more")
    if entities is None:
        entities = _UNBOUNDED if limit is None else offset + limit
    text, took_offset = _fill_markers(sparql, _UNBOUNDED if limit is None else limit, offset,
                                      entities)
    tail = [] if limit is None else [f"LIMIT {limit}"]
    if offset and not took_offset:
        tail.append(f"OFFSET {offset}")
    return f"{text.rstrip()}\n{' '.join(tail)}\n" if tail else text


def _more_entities(entities: int, rows: int, need: int) -> int:
    """How many entities to read next, after ``entities`` gave ``rows`` rows (0: none, or no
    more than the offset) and ``need`` are needed: a quarter more than the rows per entity so
    far suggest, at least twice as many as before (four times when ``rows`` says nothing)."""
    if not rows:
        return 4 * entities
    return max(2 * entities, -(-5 * need * entities // (4 * rows)))


def _fill_markers(sparql: str, rows: int, offset: int, entities: int) -> tuple[str, bool]:
    """The text with its markers replaced; True when a #PAGE took the offset."""
    took_offset = False

    def repl(m: re.Match) -> str:
        nonlocal took_offset
        kind, _ = _marker(m.group(0))
        if kind == PAGE_END:
            return f"LIMIT {entities}"
        if kind == PAGE:
            took_offset = True
            return f"LIMIT {rows} OFFSET {offset}"
        return m.group(0)

    return _TOKEN.sub(repl, sparql), took_offset


def _count_entities(store, sparql: str, params, at_most: int) -> int:
    """How many entities (at most ``at_most``) the #PAGE-END sub-select lists."""
    start, end = _entity_block(sparql)
    block, _ = _fill_markers(sparql[start:end], 0, 0, at_most)
    probe = f"SELECT (COUNT(*) AS ?n) WHERE {{\n{block}\n}}"
    row = next(run_query(store, probe, params=params).rows())
    return int(row[0].value)


def _entity_block(sparql: str) -> tuple[int, int]:
    """Where the sub-select that #PAGE-END ends starts (its "{") and ends (after its "}"),
    counting only braces outside strings, IRIs and comments."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(sparql)]
    marker = next(a for a, b in tokens if _marker(sparql[a:b])[0] == PAGE_END)
    opened: list[int] = []
    start = depth = None
    pos = 0
    for a, b in tokens + [(len(sparql), len(sparql))]:
        for i in range(pos, a):
            if sparql[i] == "{":
                opened.append(i)
            elif sparql[i] == "}":
                if start is not None and len(opened) == depth:
                    return start, i + 1
                if opened:
                    opened.pop()
        if a == marker and opened:
            start, depth = opened[-1], len(opened)
        pos = b
    raise QueryError("#PAGE-END is not inside a sub-select")


def _marker(token: str) -> tuple[str | None, int | None]:
    """("#PAGE-END", N or None) or ("#PAGE", None) for a marker comment, (None, None) for
    any other token."""
    m = _MARKER.match(token)
    if not m:
        return None, None
    return "#" + m.group(1), int(m.group(2)) if m.group(2) else None


def _markers(sparql: str) -> dict[str, int | None]:
    """The query's markers, each with its number (None when it has none)."""
    found = (_marker(m.group(0)) for m in _TOKEN.finditer(sparql))
    return {kind: n for kind, n in found if kind}
