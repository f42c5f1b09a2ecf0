"""A read-only SPARQL 1.1 Protocol endpoint over a graph, on the standard library's HTTP server.

Queries run in a small pool of worker processes that open the graph's on-disk store
read-only. A query that exceeds the time limit has its worker killed and replaced, which is
the only way to stop a running pyoxigraph query. Updates are refused, query text and result
rows are capped, and the server binds to 127.0.0.1 unless told otherwise.

What else it refuses, so that it is neither a proxy nor an open door:

* SERVICE (federated) queries, which would make the server fetch any URL it can reach
  (``uses_service``); ``allow_service=True`` turns them on. Without it the workers also run
  without network access where the OS allows it (``_cut_network``).
* Cross-origin reads: no CORS headers unless origins are named (``cors``), and a request
  carrying an ``Origin`` that is neither named nor the server's own is refused (403).
* Requests whose ``Host`` is not a name of this server when it listens on loopback, or when
  ``public_names`` are given (a guard against DNS rebinding).

Error answers say what went wrong in our own words; only a parser message about the
client's own query text is passed on.

Endpoint: ``/sparql`` (also ``/query`` and ``/``): GET ``?query=``, POST
``application/sparql-query`` or ``application/x-www-form-urlencoded``.
"""

from __future__ import annotations

import ipaddress
import os
import queue
import re
import sys
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


# --------------------------------------------------------------------------- SERVICE


SERVICE_OFF = "federated queries are off; start with --allow-service to enable"

# Character classes of the SPARQL 1.1 grammar (section 19.8).
_PN_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
            "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
            "\U00010000-\U000EFFFF")
_PN_TAIL = "0-9\u00B7\u0300-\u036F\u203F-\u2040"
_SPARQL_TOKEN = re.compile(
    r"(?P<skip>#[^\r\n]*"                                # comment
    r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"               # long strings
    r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
    r"|'(?:[^'\\\r\n]|\\.)*'"                            # short strings
    r'|"(?:[^"\\\r\n]|\\.)*"'
    rf"|[?$][{_PN_BASE}_{_PN_TAIL}]+)"                   # variable
    r'|(?P<iri><[^<>"{}|^`\x00-\x20]*>)'                 # IRI (also \u escapes, as oxigraph)
    rf"|(?P<name>(?:[{_PN_BASE}_{_PN_TAIL}\-.:%]|\\.)+)"  # keyword, prefixed name, number
    r"|(?P<quote>['\"])"                                 # a quote that opens no string
    rf"|[^{_PN_BASE}_{_PN_TAIL}\-.:%#'\"<?$\\]+|.",      # anything else
    re.DOTALL,
)


def uses_service(sparql: str) -> bool:
    """True if pyoxigraph could read a SERVICE clause (a federated call) in ``sparql``.

    Fail-closed: a query for which this returns False cannot make the store fetch anything;
    a few harmless queries are refused with it (see below).

    How: the text is cut into the tokens of the SPARQL grammar -- comments, string literals,
    IRIs and variables are skipped whole -- and any other token whose part before its first
    ``:`` holds the letters ``service`` (ASCII, any case) counts. That covers ``service``,
    ``SERVICE SILENT``, a prefixed or variable endpoint, nested groups and EXISTS, and the
    glued forms pyoxigraph 0.5 also reads as the keyword because it matches keywords without
    word boundaries (``SERVICE:x{...}``, ``SERVICEex:x{...}``, ``1SERVICE<u>{...}``,
    ``trueSERVICE<u>{...}``, all tried). Only the local part of a prefixed name
    (``ind:business-services``, ``ex:Service``) is not a match: pyoxigraph reads it greedily
    to its end, so no keyword can start inside it. ``<`` is both the IRI opener and "less
    than"; an IRI-shaped token holding a ``'`` could therefore be a comparison followed by a
    string in pyoxigraph's reading, so if ``service`` occurs anywhere after such a token the
    query counts. A quote that opens no well-formed string counts too (pyoxigraph would
    reject the query anyway).

    Why a tokenizer rather than rdflib's SPARQL parser (looking for ServiceGraphPattern):
    rdflib takes about 3 ms on a one-line query and 40 ms on 700 bytes, hits Python's
    recursion limit near 2.6 KB (queries may be 64 KB), and rejects syntax pyoxigraph
    accepts (RDF-star, LATERAL), so either good queries would be refused or unparsed ones
    let through. Cost here (measured on the development machine): a query without the
    letters "service" is settled by ``in`` on its lower-cased text, 0.1 µs for a one-line
    query and 0.05 ms at the 64 KB limit; otherwise the scan costs about 0.15 ms per KB
    (10 µs for a one-line query using ``?service``, 9 ms at 64 KB). The one-line query itself
    takes 40 µs on the 7-label test graph, and a 2.5 KB one 450 ms, so the check stays a small
    fraction (``test_service_check_is_cheap`` keeps loose bounds on it).
    """
    if "service" not in sparql.lower():  # ASCII letters lower to themselves: no false "no"
        return False
    for m in _SPARQL_TOKEN.finditer(sparql):
        kind = m.lastgroup
        if kind == "name":
            if "service" in m.group().split(":", 1)[0].lower():
                return True
        elif kind == "iri":
            if "'" in m.group() and "service" in sparql[m.start():].lower():
                return True
        elif kind == "quote":
            return True
    return False


def _cut_network() -> bool:
    """Move this process into a new, empty network namespace (Linux), so that nothing it runs
    can open a connection: the second layer under ``uses_service`` for the query workers.

    pyoxigraph 0.5 has no switch to turn SERVICE off (its Rust evaluator has one, the Python
    ``Store.query`` does not expose it), so this is done at the OS level. Unprivileged users
    need a user namespace as well, which must be made before any thread starts. Best effort:
    returns False where the OS does not allow it, and the query check alone applies.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(clone_newnet) == 0:  # root, or CAP_SYS_ADMIN
            return True
        return libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


# --------------------------------------------------------------------------- workers


def _worker_main(conn, store_spec, allow_service=False, verbose=True):
    """Worker process: open the store once, then answer jobs until the pipe closes.

    Answers are ``("ok", content_type, body, cut)`` or ``("error", status, message)``; the
    message is ours, or a parser message about the client's own query, never the text of an
    error that could carry a remote or internal reply.
    """
    if not allow_service:
        _cut_network()  # first, while this process has one thread
    import io

    from . import store as kstore
    from ..errors import KgError

    kind, path = store_spec
    try:
        st = kstore._open_read_only(Path(path)) if kind == "dir" else kstore.open_store(
            path, memory=True)
    except Exception as exc:  # reported on every job
        st, open_error = None, exc
        _log(verbose, f"cannot open the graph: {exc}")
    else:
        open_error = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if open_error is not None:
            conn.send(("error", 500, "the graph could not be opened; the server's log says why"))
            continue
        sparql, accept, fmt_override, max_rows, dflt, named = job
        federated = uses_service(sparql)
        if federated and not allow_service:  # the handler checks too; this is the last word
            conn.send(("error", 400, SERVICE_OFF))
            continue
        bad = [u for u in (*dflt, *named) if not _is_iri(u)]
        if bad:
            conn.send(("error", 400, f"default-graph-uri and named-graph-uri take absolute "
                                     f"IRIs; this is not one: {bad[0][:200]!r}"))
            continue
        try:
            res = kstore.run_query(st, sparql, default_graph_uris=dflt, named_graph_uris=named)
            fmt, ctype = choose_format(res.kind, accept, fmt_override)
            buf = io.BytesIO()
            cut = res.write(buf, fmt, max_rows=max_rows)
            conn.send(("ok", ctype, buf.getvalue(), cut))
        except _NotAcceptable as exc:
            conn.send(("error", 406, str(exc)))
        except Exception as exc:  # keep the worker alive
            status, message = _error_answer(exc, federated, KgError)
            if status >= 500:
                _log(verbose, f"query failed: {type(exc).__name__}: {exc}"[:2000])
            conn.send(("error", status, message))


def _is_iri(text: str) -> bool:
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


# how pyoxigraph words a syntax error in the query text itself ("error at 1:26: expected ...")
_QUERY_SYNTAX_ERROR = re.compile(r"error at \d+:\d+: ")


def _error_answer(exc, federated, kg_error) -> tuple[int, str]:
    """(status, message) for a failed query, in our own words unless the message is kg's own
    or pyoxigraph's parser message about the client's query text: a store or federation error
    may quote an internal or a remote reply.
    """
    if isinstance(exc, kg_error):
        cause = exc.__cause__
        if cause is None:
            return 400, str(exc)
        if isinstance(cause, SyntaxError) and (
                not federated or _QUERY_SYNTAX_ERROR.match(str(cause))):
            return 400, str(exc)
    if federated:
        return 502, ("a federated (SERVICE) call failed: the remote endpoint could not be "
                     "reached, refused the query or sent an answer that could not be read "
                     "(its reply is not shown)")
    return 500, "the query failed while it ran; the server's log says why"


def _log(verbose: bool, message: str) -> None:
    if verbose:
        print(f"kg serve: {message}", file=sys.stderr, flush=True)


class _Worker:
    def __init__(self, ctx, store_spec, allow_service, verbose):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main,
                                args=(child, store_spec, allow_service, verbose), daemon=True)
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

    def __init__(self, store_spec, size: int = 2, *, allow_service: bool = False,
                 verbose: bool = True):
        import multiprocessing

        self._ctx = multiprocessing.get_context("spawn")  # safe with threads, unlike fork
        self._spec = store_spec
        self._allow_service = allow_service
        self._verbose = verbose
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, size)):
            self._add()

    def _add(self):
        w = _Worker(self._ctx, self._spec, self._allow_service, self._verbose)
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


# --------------------------------------------------------------------------- Host and Origin


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def is_loopback(host: str) -> bool:
    """True for "localhost" and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_names(bind_host: str, public_names=()) -> frozenset | None:
    """The names a request's Host header may carry, or None when Host is not checked.

    Checked when the server listens on loopback (a page on another site can otherwise reach it
    through DNS rebinding: its own name, resolved to 127.0.0.1) or when public names are given.
    The loopback names are always among them: a browser only sends them for a page that asked
    for 127.0.0.1 or localhost itself, which CORS and the Origin check cover.
    """
    names = {n.strip().strip("[]").lower() for n in public_names}
    if not is_loopback(bind_host) and not names:
        return None
    bound = bind_host.strip().strip("[]").lower()
    if bound not in _WILDCARDS:
        names.add(bound)
    return frozenset(names | LOOPBACK_NAMES)


def _host_name(value: str) -> str | None:
    """The name in a Host header value ("[::1]:7878" -> "::1"), or None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1:]
    else:
        name, sep, port = value.partition(":")
        rest = sep + port
    if rest and not re.fullmatch(r":[0-9]{0,5}", rest):
        return None
    return name or None


def normalize_origin(value: str) -> str:
    """``scheme://host[:port]`` as browsers send it in Origin, or "*"; ValueError otherwise."""
    text = value.strip()
    if text == "*":
        return "*"
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (parts.scheme not in ("http", "https") or not parts.hostname or port == -1
            or parts.path not in ("", "/") or parts.query or parts.fragment
            or parts.username is not None or "@" in parts.netloc):
        raise ValueError(f"{value!r} is not an origin: give scheme://host[:port], "
                         f"e.g. http://127.0.0.1:8000, or *")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    default = 80 if parts.scheme == "http" else 443
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


# --------------------------------------------------------------------------- HTTP


class SparqlServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that owns a worker pool and the endpoint's limits."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pool: WorkerPool, *, graph_name: str, timeout: float,
                 max_rows: int, max_query_bytes: int, quiet: bool, allow_service: bool = False,
                 cors=(), allowed_hosts: frozenset | None = None):
        self.pool = pool
        self.graph_name = graph_name
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.max_query_bytes = max_query_bytes
        self.quiet = quiet
        self.allow_service = allow_service
        self.cors = frozenset(normalize_origin(o) for o in cors)  # empty: CORS off
        self.allowed_hosts = allowed_hosts  # None: Host not checked
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

    def parse_request(self):
        """Parse as the base class does, then refuse a foreign Host or Origin (403)."""
        if not super().parse_request():
            return False
        reason = self._refusal()
        if reason:
            self.close_connection = True  # a request body is left unread
            self._error(403, reason)
            return False
        return True

    def _refusal(self) -> str | None:
        host = self.headers.get("Host")
        allowed = self.server.allowed_hosts
        if allowed is not None:
            if host is None:
                return "refused: a Host header is required"
            if _host_name(host) not in allowed:
                return (f"refused: {host[:100]!r} is not a name of this server (a guard against "
                        f"DNS rebinding; start with --public-name NAME to answer to NAME)")
        origin = self.headers.get("Origin")
        if origin is not None and not self._origin_allowed(origin) and not (
                host is not None and origin.strip().lower() == "http://" + host.strip().lower()):
            return (f"refused: cross-origin requests from {origin[:100]!r} are not allowed "
                    f"(start with --cors ORIGIN to let pages from ORIGIN query this endpoint)")
        return None

    def _origin_allowed(self, origin: str | None) -> bool:
        cors = self.server.cors
        if not cors or origin is None:
            return False
        if "*" in cors:
            return True
        try:
            return normalize_origin(origin) in cors
        except ValueError:  # "null" and the like
            return False

    def _cors_headers(self) -> dict:
        if not self.server.cors:
            return {}
        origin = self.headers.get("Origin") if self.headers else None
        if "*" in self.server.cors:
            return {"Access-Control-Allow-Origin": "*",
                    "Access-Control-Expose-Headers": "X-KG-Truncated"}
        if self._origin_allowed(origin):
            return {"Access-Control-Allow-Origin": origin.strip(),
                    "Access-Control-Expose-Headers": "X-KG-Truncated"}
        return {}

    def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in self._cors_headers().items():
            self.send_header(k, v)
        self.send_header("Vary", "Accept, Origin" if self.server.cors else "Accept")
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
        """CORS preflight: answered with CORS headers only for an allowed origin."""
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, POST, OPTIONS")
        cors = self._cors_headers()
        if cors and self.headers.get("Access-Control-Request-Method"):
            self.send_header("Access-Control-Allow-Origin", cors["Access-Control-Allow-Origin"])
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Access-Control-Max-Age", "600")
            if self.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
                # Chromium asks before a public page (e.g. YASGUI) may call a local address
                self.send_header("Access-Control-Allow-Private-Network", "true")
        if self.server.cors:
            self.send_header("Vary", "Origin")
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
                f"{self.server.max_rows} rows, {self.server.max_query_bytes} bytes of query\n"
                f"Refused: updates"
                f"{'' if self.server.allow_service else ', SERVICE (federated) queries'}"
                f"{', cross-origin requests' if not self.server.cors else ''}\n")

    def _answer(self, params: dict):
        queries = params.get("query", [])
        if len(queries) != 1:
            return self._error(400, "give exactly one 'query' parameter")
        sparql = queries[0]
        if len(sparql.encode("utf-8")) > self.server.max_query_bytes:
            return self._error(413, f"query too long (limit {self.server.max_query_bytes} bytes)")
        if not sparql.strip():
            return self._error(400, "empty query")
        if not self.server.allow_service and uses_service(sparql):
            return self._error(400, SERVICE_OFF)
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
                memory: bool = False, quiet: bool = False, allow_service: bool = False,
                cors=(), public_names=()) -> SparqlServer:
    """Build the server (not yet serving). Call ``serve_forever()``; ``server_close()`` ends it.

    The graph's on-disk store is built or checked here, so a bad graph fails before binding.
    ``allow_service`` lets queries call other endpoints (SERVICE); ``cors`` names the origins
    (or "*") whose pages may read answers; ``public_names`` are the names, besides the
    loopback ones and ``host``, that clients use in Host (checked on loopback or when given).
    """
    cors = tuple(normalize_origin(o) for o in cors)  # ValueError before anything starts
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
    pool = WorkerPool(spec, size=workers, allow_service=allow_service, verbose=not quiet)
    try:
        return SparqlServer((host, port), pool, graph_name=os.fspath(path), timeout=timeout,
                            max_rows=max_rows, max_query_bytes=max_query_bytes, quiet=quiet,
                            allow_service=allow_service, cors=cors,
                            allowed_hosts=host_names(host, public_names))
    except BaseException:
        pool.close()
        raise
