"""Open a graph file as a pyoxigraph Store and run SPARQL 1.1 queries on it.

A graph file is parsed once into an on-disk store cached next to it
(``GRAPH.ttl.oxigraph/<key>/``, keyed by the file's sha256) so that repeated queries on a
large graph do not re-parse the Turtle. The cache is rebuilt when the file changes; a new
store is built in a temporary directory and renamed into place, so readers never see a
half-built store. ``memory=True`` skips the cache.

Result writers (SPARQL JSON / XML / CSV / TSV, a terminal table, Turtle / N-Triples) live here
too, so that ``kg query`` and ``kg serve`` print exactly the same thing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import KgError
from ..rdf.formats import rdf_format
from ..rdf.vocab import PREFIXES, XSD

CACHE_SUFFIX = ".oxigraph"
_MANIFEST = "kg-cache.json"
_XSD_STRING = XSD + "string"

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("table", "turtle", "nt", "json")

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "table": "text/plain; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


class StoreError(KgError):
    """A graph file or store cannot be opened or loaded; names the path."""


class QueryError(KgError):
    """A SPARQL query cannot be parsed or run; carries the parser's message."""


# --------------------------------------------------------------------------- opening


def cache_root(graph_path: str | os.PathLike) -> Path:
    """Directory holding the cached on-disk stores of a graph file."""
    p = Path(graph_path)
    return p.with_name(p.name + CACHE_SUFFIX)


def _engine_tag() -> str:
    import pyoxigraph as ox

    return "ox" + re.sub(r"[^0-9A-Za-z]+", "_", ox.__version__)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _load_into(store, graph_path: Path) -> None:
    fmt = rdf_format(graph_path)
    try:
        store.bulk_load(path=str(graph_path), format=fmt)
    except SyntaxError as exc:
        raise StoreError(f"{graph_path}: not valid {fmt.name}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"{graph_path}: cannot read: {exc}") from exc


def cached_store_path(graph_path: str | os.PathLike) -> Path:
    """Return a complete on-disk store for ``graph_path``, building it if missing or stale.

    Freshness: a manifest records size, mtime and sha256. Same size and mtime -> reuse without
    hashing; otherwise the file is hashed and a store with the same hash is reused.
    Raises OSError when the cache directory cannot be written.
    """
    import pyoxigraph as ox

    src = Path(graph_path)
    rdf_format(src)  # an unknown suffix fails before the cache is touched
    st = src.stat()
    root = cache_root(src)
    tag = _engine_tag()
    for manifest in sorted(root.glob(f"*/{_MANIFEST}")) if root.is_dir() else ():
        try:
            info = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (
            info.get("size") == st.st_size
            and info.get("mtime_ns") == st.st_mtime_ns
            and info.get("engine") == tag
        ):
            return manifest.parent

    digest = _sha256(src)
    key = f"{digest[:32]}-{tag}"
    target = root / key
    manifest_data = {
        "source": src.name,
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "sha256": digest,
        "engine": tag,
    }
    if target.is_dir():  # same content, new mtime (touched or copied)
        _write_json_atomic(target / _MANIFEST, manifest_data)
        return target

    root.mkdir(exist_ok=True)
    tmp = root / f".tmp-{uuid.uuid4().hex}"
    try:
        store = ox.Store(str(tmp))
        try:
            _load_into(store, src)
            store.flush()
            store.optimize()
        finally:
            del store
        if src.stat().st_mtime_ns != st.st_mtime_ns:
            raise StoreError(f"{src}: the file changed while it was being loaded; try again")
        _write_json_atomic(tmp / _MANIFEST, manifest_data)
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.is_dir():  # not a lost race: a real failure
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _remove_stale(root, keep=key)
    return target


def _remove_stale(root: Path, keep: str) -> None:
    """Best-effort removal of older stores and abandoned temporary builds."""
    now = time.time()
    for child in root.iterdir():
        if child.name == keep or not child.is_dir():
            continue
        if child.name.startswith(".tmp-"):
            try:
                if now - child.stat().st_mtime < 6 * 3600:  # maybe another build in progress
                    continue
            except OSError:
                continue
        shutil.rmtree(child, ignore_errors=True)


def _is_store_dir(path: Path) -> bool:
    return path.is_dir() and (path / "CURRENT").is_file()


def resolve_store_dir(path: Path) -> Path | None:
    """If ``path`` is an Oxigraph store directory (or a kg cache root), return the store dir."""
    if _is_store_dir(path):
        return path
    if path.is_dir():
        candidates = [m.parent for m in path.glob(f"*/{_MANIFEST}") if _is_store_dir(m.parent)]
        if candidates:
            return max(candidates, key=lambda p: (p / _MANIFEST).stat().st_mtime_ns)
    return None


def open_store(graph_path: str | os.PathLike, *, memory: bool = False):
    """Open a graph file (any format of kg.rdf.formats) or an Oxigraph store directory.

    Returns a pyoxigraph Store: read-only over the on-disk cache by default, or in memory.
    Falls back to memory when the cache directory cannot be written.
    """
    import pyoxigraph as ox

    path = Path(graph_path)
    if not path.exists():
        raise StoreError(f"{path}: no such file or directory")
    if path.is_dir():
        store_dir = resolve_store_dir(path)
        if store_dir is None:
            raise StoreError(f"{path}: is a directory but not an Oxigraph store")
        return _open_read_only(store_dir)
    rdf_format(path)  # fail early on an unknown suffix
    if not memory:
        try:
            return _open_read_only(cached_store_path(path))
        except StoreError:
            raise
        except OSError:
            pass  # cache not writable (read-only media, permissions): load in memory
    store = ox.Store()
    _load_into(store, path)
    return store


def _open_read_only(store_dir: Path):
    import pyoxigraph as ox

    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as exc:
        raise StoreError(f"{store_dir}: cannot open the Oxigraph store: {exc}") from exc


# --------------------------------------------------------------------------- queries


_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
    r"|[?$](\w+)",
    re.DOTALL,
)


def sparql_literal(value: str) -> str:
    """A SPARQL string literal for ``value`` with every special character escaped."""
    import pyoxigraph as ox

    return str(ox.Literal(value))  # N-Triples escaping is valid SPARQL STRING_LITERAL_QUOTE


def substitute_params(sparql: str, params: dict[str, str]) -> str:
    """Replace each ``$name`` variable by the escaped literal of ``params[name]``.

    Only variable tokens are touched (never text inside strings, IRIs or comments), and the
    value always becomes a single string literal, so input cannot change the query's shape.
    """
    if not params:
        return sparql

    def repl(m: re.Match) -> str:
        tok = m.group(0)
        if tok.startswith("$") and m.group(1) in params:
            return sparql_literal(params[m.group(1)])
        return tok

    return _TOKEN.sub(repl, sparql)


def query_variables(sparql: str) -> set[str]:
    """Names of ``$name`` parameter placeholders used in a query."""
    return {
        m.group(1) for m in _TOKEN.finditer(sparql) if m.group(0).startswith("$") and m.group(1)
    }


_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")


def portable_query(sparql: str, params: dict[str, str] | None = None) -> str:
    """The query as another store needs it: parameters filled in and PREFIX lines for the
    predeclared prefixes it uses but does not declare."""
    text = substitute_params(sparql, params or {})
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    body = _TOKEN.sub(lambda m: " " if m.group(0).startswith(("#", '"', "'", "<")) else m.group(0),
                      text)
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()
             if p not in declared and re.search(rf"(?<![\w.:-]){p}:", body)]
    return "\n".join(lines + [text]) if lines else text


def _explain_syntax_error(sparql: str, message: str) -> str:
    """Append the offending line and a caret to a parser message that gives 'at L:C'."""
    m = re.search(r"at (\d+):(\d+)", message)
    lines = sparql.splitlines()
    if not m or not (1 <= int(m.group(1)) <= len(lines)):
        return message
    line = lines[int(m.group(1)) - 1]
    col = max(1, int(m.group(2)))
    caret = " " * display_width(line[: col - 1].replace("\t", " "))
    return f"{message}\n  {line.replace(chr(9), ' ')}\n  {caret}^"


@dataclass
class QueryResult:
    """The answer to a query: ``kind`` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE).

    Rows and triples are produced lazily and can be consumed once. ``store`` keeps the store
    open while they are read.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    boolean: bool | None = None
    _iter: Iterator | None = None
    store: object = None

    def rows(self) -> Iterator[tuple]:
        """Solutions of a SELECT as tuples of pyoxigraph terms (None when unbound)."""
        if self.kind != "select":
            raise QueryError(f"a {self.kind.upper()} result has no rows")
        for sol in self._iter:
            yield tuple(sol[v] for v in self.variables)

    def triples(self) -> Iterator:
        """Triples of a CONSTRUCT or DESCRIBE."""
        if self.kind != "graph":
            raise QueryError(f"a {self.kind.upper()} result has no triples")
        yield from self._iter

    def write(self, out: IO[bytes], fmt: str = "table", *, max_rows: int | None = None) -> bool:
        """Serialise to ``out``; returns True when rows were cut at ``max_rows``."""
        return write_result(self, out, fmt, max_rows=max_rows)


def run_query(store, sparql: str, *, params: dict[str, str] | None = None,
              default_graph_uris=(), named_graph_uris=()) -> QueryResult:
    """Run SPARQL on an open store; predeclared prefixes apply unless the query redeclares them."""
    import pyoxigraph as ox

    text = substitute_params(sparql, params or {})
    kwargs = {"prefixes": PREFIXES}
    if default_graph_uris:
        kwargs["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
    else:
        kwargs["use_default_graph_as_union"] = True  # N-Quads/TriG: query all graphs
    if named_graph_uris:
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
    try:
        res = store.query(text, **kwargs)
    except SyntaxError as exc:
        raise QueryError("invalid SPARQL: " + _explain_syntax_error(text, str(exc))) from exc
    except (ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"query failed while reading the store: {exc}") from exc
    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(res), store=store)
    if isinstance(res, ox.QuerySolutions):
        return QueryResult("select", [v.value for v in res.variables], _iter=iter(res), store=store)
    return QueryResult("graph", _iter=iter(res), store=store)


def query(graph_path: str | os.PathLike, sparql: str, *, memory: bool = False,
          params: dict[str, str] | None = None) -> QueryResult:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on a graph file or store."""
    store = open_store(graph_path, memory=memory)
    return run_query(store, sparql, params=params)


# --------------------------------------------------------------------------- writers


def term_json(term) -> dict:
    """A term in SPARQL 1.1 JSON results form."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        d = {"type": "literal", "value": term.value}
        if term.language:
            d["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            d["datatype"] = term.datatype.value
        return d
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        }}
    raise TypeError(f"unexpected term {term!r}")


def term_plain(term) -> str:
    """A term as CSV text: IRI or lexical value, blank nodes as _:id (SPARQL CSV rules)."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def term_short(term) -> str:
    """A term for people: literal text, or the IRI in prefixed form."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and len(term.value) > len(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    return term_plain(term)


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: wide/fullwidth characters count 2, combining 0."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def format_table(variables: list[str], rows: Iterable[tuple[str, ...]]) -> str:
    """Align rows of strings in columns, counting CJK characters as two columns."""
    rows = [tuple(_CONTROL.sub(" ", c) for c in r) for r in rows]
    widths = [display_width(v) for v in variables]
    for r in rows:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], display_width(c))
    lines = [
        "  ".join(_pad(v, widths[i]) for i, v in enumerate(variables)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    n = len(rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"


def _xml_term(term) -> str:
    from xml.sax.saxutils import escape, quoteattr

    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


def _limited(rows: Iterator, max_rows: int | None):
    """Wrap ``rows`` to stop after max_rows; ``cut[0]`` becomes True if more existed."""
    cut = [False]

    def gen():
        for i, r in enumerate(rows):
            if max_rows is not None and i >= max_rows:
                cut[0] = True
                return
            yield r

    return gen(), cut


def write_result(result: QueryResult, out: IO[bytes], fmt: str = "table", *,
                 max_rows: int | None = None) -> bool:
    """Serialise a query result to a binary stream; returns True when rows were cut."""
    if result.kind == "ask":
        return _write_boolean(result.boolean, out, fmt)
    if result.kind == "graph":
        return _write_graph(result, out, fmt, max_rows)
    if fmt not in SELECT_FORMATS:
        raise QueryError(f"format {fmt!r} is not available for SELECT results "
                         f"(use one of {', '.join(SELECT_FORMATS)})")
    rows, cut = _limited(result.rows(), max_rows)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        _SELECT_WRITERS[fmt](result.variables, rows, text)
        text.flush()
    finally:
        text.detach()
    return cut[0]


def _select_table(variables: list[str], rows, text: IO[str]) -> None:
    text.write(format_table(variables, (tuple(term_short(t) if t is not None else "" for t in r)
                                        for r in rows)))


def _select_csv(variables: list[str], rows, text: IO[str]) -> None:
    w = csv.writer(text, lineterminator="\r\n")
    w.writerow(variables)
    for r in rows:
        w.writerow([term_plain(t) for t in r])


def _select_tsv(variables: list[str], rows, text: IO[str]) -> None:
    text.write("\t".join("?" + v for v in variables) + "\n")
    for r in rows:
        text.write("\t".join("" if t is None else str(t) for t in r) + "\n")


def _select_json(variables: list[str], rows, text: IO[str]) -> None:
    def dumps(obj):
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    text.write('{"head":{"vars":' + dumps(variables) + '},"results":{"bindings":[')
    for i, r in enumerate(rows):
        b = {v: term_json(t) for v, t in zip(variables, r) if t is not None}
        text.write(("," if i else "") + "\n" + dumps(b))
    text.write("\n]}}\n")


def _select_xml(variables: list[str], rows, text: IO[str]) -> None:
    from xml.sax.saxutils import quoteattr

    text.write('<?xml version="1.0" encoding="utf-8"?>\n'
               '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
    text.write("".join(f"<variable name={quoteattr(v)}/>" for v in variables))
    text.write("</head><results>\n")
    for r in rows:
        text.write("<result>" + "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, r) if t is not None) + "</result>\n")
    text.write("</results></sparql>\n")


_SELECT_WRITERS = {"table": _select_table, "csv": _select_csv, "tsv": _select_tsv,
                   "json": _select_json, "xml": _select_xml}


def _write_boolean(value: bool, out: IO[bytes], fmt: str) -> bool:
    word = "true" if value else "false"
    if fmt == "json":
        out.write(('{"head":{},"boolean":' + word + "}\n").encode())
    elif fmt == "xml":
        out.write(('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/'
                   f'2005/sparql-results#"><head/><boolean>{word}</boolean></sparql>\n').encode())
    elif fmt in ("table", "csv", "tsv"):
        out.write((word + "\n").encode())
    else:
        raise QueryError(f"format {fmt!r} is not available for ASK results")
    return False


def _write_graph(result: QueryResult, out: IO[bytes], fmt: str, max_rows: int | None) -> bool:
    import pyoxigraph as ox

    formats = {"table": ox.RdfFormat.TURTLE, "turtle": ox.RdfFormat.TURTLE,
               "nt": ox.RdfFormat.N_TRIPLES, "json": ox.RdfFormat.JSON_LD,
               "jsonld": ox.RdfFormat.JSON_LD}
    if fmt not in formats:
        raise QueryError(f"format {fmt!r} is not available for CONSTRUCT/DESCRIBE results "
                         f"(use table/turtle, nt or json)")
    triples, cut = _limited(result.triples(), max_rows)
    # sorted and de-duplicated so that the same query gives the same bytes
    triples = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    ox.serialize(triples, out, formats[fmt],
                 prefixes=PREFIXES if formats[fmt] is ox.RdfFormat.TURTLE else None)
    return cut[0]


# --------------------------------------------------------------------------- named queries


@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in kg/queries/NAME.rq, with its header comments parsed."""

    name: str
    title: str
    description: str
    sparql: str
    params: tuple[tuple[str, bool, str], ...]  # (name, required, help)

    def bind(self, given: dict[str, str]) -> dict[str, str]:
        """Check ``given`` against the declared parameters; optional ones default to ""."""
        known = {p[0] for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            accepted = ", ".join(sorted(known)) or "none"
            raise QueryError(f"query {self.name!r} has no parameter {unknown[0]!r} "
                             f"(accepted: {accepted})")
        missing = [p[0] for p in self.params if p[1] and not given.get(p[0], "").strip()]
        if missing:
            raise QueryError(f"query {self.name!r} needs --param {missing[0]}=VALUE")
        return {p[0]: given.get(p[0], "").strip() for p in self.params}


_PARAM = re.compile(r"^(\w+)\s*(\(optional\))?\s*(.*)$")


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read the ``# title:`` / ``# description:`` / ``# param:`` header of a .rq file."""
    title = description = ""
    params = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        value = value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = value
        elif key == "param":
            m = _PARAM.match(value)
            if m:
                params.append((m.group(1), m.group(2) is None, m.group(3)))
    return NamedQuery(name, title or name, description, text, tuple(params))


def named_queries() -> dict[str, NamedQuery]:
    """The named queries shipped with the package, by name (file stem)."""
    from importlib import resources

    out = {}
    for entry in resources.files(__package__).joinpath("queries").iterdir():
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            out[name] = parse_named_query(name, entry.read_text(encoding="utf-8"))
    return dict(sorted(out.items()))
