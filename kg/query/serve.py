"""A read-only SPARQL 1.1 Protocol endpoint over a graph, on the standard library's HTTP server.

Queries run in a small pool of worker processes that open the graph's on-disk store
read-only. A query that exceeds the time limit has its worker killed and replaced, which is
the only way to stop a running pyoxigraph query. Updates are refused, query text and result
rows are capped, and the server binds to 127.0.0.1 unless told otherwise.

Endpoint: ``/sparql`` (also ``/query`` and ``/``): GET ``?query=``, POST
``application/sparql-query`` or ``application/x-www-form-urlencoded``.
"""

from __future__ import annotations

import os
import queue
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_QUERY_BYTES = 64 * 1024
ENDPOINT_PATHS = ("/sparql", "/query", "/")

# response format name -> media types that select it
_SELECT_TYPES = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
_GRAPH_TYPES = {
    "turtle": ("text/turtle", "application/x-turtle"),
    "nt": ("application/n-triples", "text/plain"),
    "jsonld": ("application/ld+json",),
}
_FORMAT_ALIASES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv",
                   "turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt",
                   "jsonld": "jsonld", "json-ld": "jsonld"}


class QueryTimeout(Exception):
    """A query ran past the time limit."""


class Busy(Exception):
    """No worker became free within the time limit."""


# --------------------------------------------------------------------------- workers


def _worker_main(conn, store_spec):
    """Worker process: open the store once, then answer jobs until the pipe closes."""
    import io

    from . import store as kstore
    from ..errors import KgError

    kind, path = store_spec
    try:
        st = kstore._open_read_only(Path(path)) if kind == "dir" else kstore.open_store(
            path, memory=True)
    except Exception as exc:  # reported on the first job
        st, open_error = None, f"cannot open the graph: {exc}"
    else:
        open_error = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if open_error:
            conn.send(("error", 500, open_error))
            continue
        sparql, accept, fmt_override, max_rows, dflt, named = job
        try:
            res = kstore.run_query(st, sparql, default_graph_uris=dflt, named_graph_uris=named)
            fmt, ctype = choose_format(res.kind, accept, fmt_override)
            buf = io.BytesIO()
            cut = res.write(buf, fmt, max_rows=max_rows)
            conn.send(("ok", ctype, buf.getvalue(), cut))
        except kstore.QueryError as exc:
            conn.send(("error", 400, str(exc)))
        except _NotAcceptable as exc:
            conn.send(("error", 406, str(exc)))
        except KgError as exc:
            conn.send(("error", 400, str(exc)))
        except Exception as exc:  # keep the worker alive; report as a server error
            conn.send(("error", 500, f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx, store_spec):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, store_spec), daemon=True)
        self.proc.start()
        child.close()

    def stop(self):
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)


class WorkerPool:
    """Fixed-size pool of query processes; a worker that times out is killed and replaced."""

    def __init__(self, store_spec, size: int = 2):
        import multiprocessing

        self._ctx = multiprocessing.get_context("spawn")  # safe with threads, unlike fork
        self._spec = store_spec
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, size)):
            self._add()

    def _add(self):
        w = _Worker(self._ctx, self._spec)
        with self._lock:
            self._all.add(w)
        self._idle.put(w)

    def _discard(self, w):
        with self._lock:
            self._all.discard(w)
        w.stop()

    def run(self, job, timeout: float):
        """Send a job to a free worker and wait up to ``timeout`` seconds for its answer."""
        import time

        deadline = time.monotonic() + timeout
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy() from None
        try:
            w.conn.send(job)
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout()
            result = w.conn.recv()
        except (QueryTimeout, EOFError, OSError):
            self._discard(w)
            if not self._closed:
                self._add()
            raise
        self._idle.put(w)
        return result

    def close(self):
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.stop()


# --------------------------------------------------------------------------- negotiation


class _NotAcceptable(Exception):
    pass


def _parse_accept(header: str | None) -> list[tuple[str, float]]:
    if not header:
        return [("*/*", 1.0)]
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q))
    out.sort(key=lambda x: -x[1])  # stable: keeps the client's order among equal q
    return out


def choose_format(kind: str, accept: str | None, override: str | None = None):
    """Pick (writer format, Content-Type) for a result kind from an Accept header."""
    from .store import MEDIA_TYPES

    table = _GRAPH_TYPES if kind == "graph" else _SELECT_TYPES
    default = "turtle" if kind == "graph" else "json"
    if override:
        fmt = _FORMAT_ALIASES.get(override.lower())
        if fmt not in table:
            raise _NotAcceptable(f"format {override!r} is not available for this query "
                                 f"(use one of {', '.join(table)})")
        return fmt, MEDIA_TYPES[fmt]
    for media, q in _parse_accept(accept):
        if q <= 0:
            continue
        if media in ("*/*", "application/*", "text/*") and (
            media == "*/*" or MEDIA_TYPES[default].startswith(media[:-1])
        ):
            return default, MEDIA_TYPES[default]
        for fmt, types in table.items():
            if media in types:
                return fmt, MEDIA_TYPES[fmt]
    # Nothing acceptable: answer in the default format rather than fail (common practice).
    return default, MEDIA_TYPES[default]


# --------------------------------------------------------------------------- HTTP


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that owns a worker pool and the endpoint's limits."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pool: WorkerPool, *, graph_name: str, timeout: float,
                 max_rows: int, max_query_bytes: int, quiet: bool):
        self.pool = pool
        self.graph_name = graph_name
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.max_query_bytes = max_query_bytes
        self.quiet = quiet
        if ":" in address[0]:
            import socket

            self.address_family = socket.AF_INET6
        super().__init__(address, SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/sparql"

    def server_close(self):
        super().server_close()
        self.pool.close()


class SparqlHandler(BaseHTTPRequestHandler):
    server_version = "kg-sparql/1"
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a client may stay idle or slow while sending a request

    # ---- plumbing

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-KG-Truncated")
        self.send_header("Vary", "Accept")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, extra: dict | None = None):
        self._send(status, (message.rstrip() + "\n").encode("utf-8"), extra=extra)

    def _path(self) -> str | None:
        path = urlsplit(self.path).path
        return path if path in ENDPOINT_PATHS else None

    # ---- methods

    def do_OPTIONS(self):
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self._path() is None:
            return self._error(404, f"not found: use {self.server.url}")
        raw = urlsplit(self.path).query
        if len(raw) > 3 * self.server.max_query_bytes:  # %-encoding triples the size
            return self._error(414, "query string too long")
        params = self._parse_form(raw)
        if params is None:
            return
        if "update" in params:
            return self._refuse_update()
        if "query" not in params:
            return self._send(200, self._help().encode("utf-8"))
        self._answer(params)

    do_HEAD = do_GET

    def do_POST(self):
        if self._path() is None:
            self.close_connection = True  # the body is left unread
            return self._error(404, f"not found: use {self.server.url}")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self.close_connection = True
            return self._refuse_update()
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") or length is None:
            self.close_connection = True
            return self._error(411, "a Content-Length header is required")
        try:
            n = int(length)
            if n < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            return self._error(400, "bad Content-Length")
        limit = self.server.max_query_bytes
        if n > 3 * limit:
            self.close_connection = True
            return self._error(413, f"request body too large (limit {limit} bytes of query)")
        body = self.rfile.read(n)
        url_params = self._parse_form(urlsplit(self.path).query)
        if url_params is None:
            return
        if ctype == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return self._error(400, "the query is not valid UTF-8")
            if "query" in url_params:
                return self._error(400, "give the query either in the body or in the URL")
            url_params["query"] = [text]
            return self._answer(url_params)
        if ctype == "application/x-www-form-urlencoded":
            try:
                form_text = body.decode("ascii")
            except UnicodeDecodeError:
                return self._error(400, "a form body must be %-encoded ASCII")
            form = self._parse_form(form_text)
            if form is None:
                return
            if "update" in form:
                return self._refuse_update()
            for k, v in url_params.items():
                form.setdefault(k, []).extend(v)
            if "query" not in form:
                return self._error(400, "missing 'query' parameter")
            return self._answer(form)
        return self._error(415, "POST needs Content-Type application/sparql-query or "
                                "application/x-www-form-urlencoded")

    def _not_allowed(self):
        self.close_connection = True
        self._error(405, "this endpoint is read-only: only GET and POST queries are accepted",
                    {"Allow": "GET, POST, OPTIONS"})

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    # ---- helpers

    def _refuse_update(self):
        self._error(405, "this endpoint is read-only: SPARQL Update is not accepted",
                    {"Allow": "GET, POST, OPTIONS"})

    def _parse_form(self, text: str) -> dict | None:
        try:
            return parse_qs(text, keep_blank_values=True, strict_parsing=False,
                            encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            self._error(400, "malformed parameters: not valid %-encoded UTF-8")
            return None

    def _help(self) -> str:
        return (f"kg SPARQL endpoint (read-only) for {self.server.graph_name}\n"
                f"GET {self.server.url}?query=...  or POST application/sparql-query\n"
                f"Results: application/sparql-results+json (default), text/csv, "
                f"text/tab-separated-values, application/sparql-results+xml; "
                f"CONSTRUCT/DESCRIBE: text/turtle, application/n-triples, application/ld+json\n"
                f"Limits: {self.server.query_timeout:g} s per query, "
                f"{self.server.max_rows} rows, {self.server.max_query_bytes} bytes of query\n")

    def _answer(self, params: dict):
        queries = params.get("query", [])
        if len(queries) != 1:
            return self._error(400, "give exactly one 'query' parameter")
        sparql = queries[0]
        if len(sparql.encode("utf-8")) > self.server.max_query_bytes:
            return self._error(413, f"query too long (limit {self.server.max_query_bytes} bytes)")
        if not sparql.strip():
            return self._error(400, "empty query")
        fmt = (params.get("format") or params.get("output") or [None])[0]
        job = (sparql, self.headers.get("Accept"), fmt, self.server.max_rows,
               tuple(params.get("default-graph-uri", ())), tuple(params.get("named-graph-uri", ())))
        try:
            result = self.server.pool.run(job, self.server.query_timeout)
        except QueryTimeout:
            return self._error(503, f"query exceeded the time limit of "
                                    f"{self.server.query_timeout:g} s")
        except Busy:
            return self._error(503, "server busy: no query worker became free in time",
                               {"Retry-After": "5"})
        except (EOFError, OSError):
            return self._error(500, "the query worker died; try again")
        if result[0] == "error":
            _, status, message = result
            return self._error(status, message)
        _, ctype, body, cut = result
        self._send(200, body, ctype, {"X-KG-Truncated": "true"} if cut else None)


def make_server(graph_path, host: str = "127.0.0.1", port: int = 7878, *,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES, workers: int = 2,
                memory: bool = False, quiet: bool = False) -> SparqlServer:
    """Build the server (not yet serving). Call ``serve_forever()``; ``server_close()`` ends it.

    The graph's on-disk store is built or checked here, so a bad graph fails before binding.
    """
    from . import store as kstore

    path = Path(graph_path)
    if not path.exists():
        raise kstore.StoreError(f"{path}: no such file or directory")
    if path.is_dir():
        store_dir = kstore.resolve_store_dir(path)
        if store_dir is None:
            raise kstore.StoreError(f"{path}: is a directory but not an Oxigraph store")
        spec = ("dir", str(store_dir))
    elif memory:
        kstore.open_store(path, memory=True)  # validate now, fail before binding
        spec = ("file", str(path))
    else:
        try:
            spec = ("dir", str(kstore.cached_store_path(path)))
        except kstore.StoreError:
            raise
        except OSError:
            kstore.open_store(path, memory=True)
            spec = ("file", str(path))
    pool = WorkerPool(spec, size=workers)
    try:
        return SparqlServer((host, port), pool, graph_name=os.fspath(path), timeout=timeout,
                            max_rows=max_rows, max_query_bytes=max_query_bytes, quiet=quiet)
    except BaseException:
        pool.close()
        raise
