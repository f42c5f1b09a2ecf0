"""`kg serve`: the SPARQL 1.1 Protocol endpoint, exercised over real HTTP with urllib."""

from __future__ import annotations

import csv
import http.client
import io
import json
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.query import store as kstore
from kg.cli import main
from kg.query.serve import make_server

from conftest import stop_server

DATA = Path(__file__).parent / "data"
LABELS = "SELECT ?e ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l"
# 67^5 rows to count: far beyond any test's time limit on the sample graph
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    d = tmp_path_factory.mktemp("serve")
    return Path(shutil.copy(DATA / "sample_graph.ttl", d / "sample.ttl"))


def start(graph, **kw):
    server = make_server(graph, "127.0.0.1", 0, quiet=True, **kw)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def server(graph):
    srv, thread = start(graph, timeout=2, max_rows=5, max_query_bytes=4096)
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def request(server, method="GET", query=None, body=None, headers=None, path="/sparql",
            params=None):
    params = dict(params or {})
    if query is not None:
        params["query"] = query
    url = server.url.rsplit("/", 1)[0] + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def direct(graph, sparql):
    """Bindings as the library computes them, for comparison."""
    res = kstore.query(graph, sparql)
    return [{v: kstore.term_json(t) for v, t in zip(res.variables, row) if t is not None}
            for row in res.rows()]


def test_binds_localhost_by_default(server):
    assert server.server_address[0] == "127.0.0.1"
    import inspect

    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"


def test_select_json_over_get(server, graph):
    q = "SELECT ?l WHERE { ?z a kg:Zone ; rdfs:label ?l }"
    status, headers, body = request(server, query=q,
                                    headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert not [h for h in headers if h.lower().startswith("access-control-")]  # CORS is off
    doc = json.loads(body)
    assert doc["results"]["bindings"] == direct(graph, q)


@pytest.mark.parametrize("name", sorted(kstore.named_queries()))
def test_named_queries_answer_the_same_over_http(server, graph, name):
    q = kstore.named_queries()[name]
    params = q.bind({p[0]: "兰州新区" for p in q.params if p[1]})
    text = kstore.portable_query(q.sparql, params)  # what a client of another store would send
    status, _, body = request(server, "POST", body=text.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-query"})
    assert status == 200, body
    expected = direct(graph, kstore.substitute_params(q.sparql, params))
    assert json.loads(body)["results"]["bindings"] == expected[:5]


def test_csv_and_tsv_by_content_negotiation(server, graph):
    q = "SELECT ?l WHERE { ?z a kg:Zone ; rdfs:label ?l }"
    status, headers, body = request(server, query=q, headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows == [["l"], ["兰州新区"]]
    status, headers, body = request(
        server, query=q, headers={"Accept": "text/html;q=0.9, text/tab-separated-values"})
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode("utf-8").splitlines() == ["?l", '"兰州新区"@zh']
    status, headers, body = request(server, query=q, params={"format": "xml"})
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    assert "兰州新区" in body.decode("utf-8")


def test_post_form_and_ask_and_construct(server):
    form = urllib.parse.urlencode({"query": "ASK { ?z a kg:Zone }"}).encode()
    status, _, body = request(server, "POST", body=form,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, headers, body = request(server, query="CONSTRUCT WHERE { ?z a kg:Zone }")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    from rdflib import Graph

    assert len(Graph().parse(data=body.decode("utf-8"), format="turtle")) == 1
    status, headers, _ = request(server, query="DESCRIBE id:zone-0000000000000001",
                                 headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")


def test_rows_are_capped(server):
    status, headers, body = request(server, query=LABELS)
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 5  # the sample has 7 labels
    assert headers["X-KG-Truncated"] == "true"


@pytest.mark.parametrize("how", ["form", "content-type", "query", "get-update"])
def test_updates_are_refused(server, graph, how):
    update = "INSERT DATA { <http://a> <http://b> <http://c> }"
    if how == "get-update":  # the Protocol's update parameter, sent with GET
        status, headers, body = request(server, params={"update": update})
        assert status == 405 and headers["Allow"] == "GET, POST, OPTIONS"
        assert b"read-only" in body
    elif how == "form":
        status, _, body = request(server, "POST", body=urllib.parse.urlencode(
            {"update": update}).encode(), headers={"Content-Type":
                                                  "application/x-www-form-urlencoded"})
        assert status == 405
    elif how == "content-type":
        status, _, body = request(server, "POST", body=update.encode(),
                                  headers={"Content-Type": "application/sparql-update"})
        assert status == 405
    else:
        status, _, body = request(server, query=update)
        assert status == 400
    assert status in (400, 405) and body
    status, _, body = request(server, query="ASK { <http://a> <http://b> <http://c> }")
    assert json.loads(body)["boolean"] is False


@pytest.mark.parametrize("kwargs, status", [
    ({"query": "SELECT ?x WHERE { ?x ?y }"}, 400),
    ({"query": ""}, 400),
    ({"query": "x" * 5000}, 413),
    ({"params": {"query": ["a", "b"]}}, 400),
    ({"path": "/nowhere", "query": "ASK {}"}, 404),
    ({"method": "PUT", "body": b"x"}, 405),
    ({"method": "DELETE"}, 405),
    ({"method": "POST", "body": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ({"query": "SELECT * WHERE { ?s ?p ?o }", "params": {"format": "turtle"}}, 406),
])
def test_bad_requests(server, kwargs, status):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("params", {}).get("query"), list):
        # two query parameters: urlencode with doseq
        url = server.url + "?" + urllib.parse.urlencode(kwargs.pop("params"), doseq=True)
        try:
            urllib.request.urlopen(url, timeout=30)
            got = 200
        except urllib.error.HTTPError as err:
            got = err.code
        assert got == status
        return
    got, _, body = request(server, **kwargs)
    assert got == status
    assert body or kwargs.get("method") == "HEAD"
    assert request(server, query="ASK { ?s ?p ?o }")[0] == 200  # still serving


@pytest.mark.parametrize("ctype", ["application/sparql-query",
                                   "application/x-www-form-urlencoded"])
def test_oversized_body_is_refused_unread(server, ctype):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    # announce 10 MB but send only the start: the server must answer without reading it all
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Type", ctype)
    conn.putheader("Content-Length", str(10 * 1024 * 1024))
    conn.endheaders()
    conn.send(b"query=" + b"x" * 1000)
    resp = conn.getresponse()
    assert resp.status == 413 and b"too large" in resp.read()
    conn.close()
    # a body just over the query limit, sent whole
    big = ("ASK { " + "?s ?p ?o . " * 500 + "}").encode()
    assert len(big) > 4096
    status, _, body = request(server, "POST", body=big, headers={"Content-Type":
                                                                "application/sparql-query"})
    assert status == 413 and body
    assert request(server, query="ASK { ?s ?p ?o }")[0] == 200


@pytest.mark.parametrize("raw", ["/sparql?query=%ZZ%C3%28", "/sparql?query=%C3%28",
                                 "/sparql?query=%FF%FE", "/sparql?update=%E4%B8"])
def test_bad_percent_encoding_is_400(server, raw):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", raw)
    resp = conn.getresponse()
    assert resp.status == 400 and b"malformed" in resp.read()
    conn.close()
    form = raw.split("?", 1)[1].encode()
    status, _, _ = request(server, "POST", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400
    assert request(server, query="ASK { ?s ?p ?o }")[0] == 200


def test_malformed_requests(server):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", "/sparql?query=%ZZ%C3%28")  # invalid UTF-8 after decoding
    resp = conn.getresponse()
    assert resp.status == 400
    resp.read()
    conn.close()
    # a POST without Content-Length
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Type", "application/sparql-query")
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.status == 411
    conn.close()
    # garbage instead of HTTP
    import socket

    with socket.create_connection((host, port), timeout=30) as s:
        s.sendall(b"\x00\x01garbage\r\n\r\n")
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
        assert b"400" in reply
    # the server still answers
    assert request(server, query="ASK {}")[0] == 200


def test_help_page_without_query(server):
    status, headers, body = request(server)
    assert status == 200 and b"read-only" in body
    assert b"Refused: updates, SERVICE (federated) queries, cross-origin requests" in body


def test_slow_query_is_stopped_and_the_server_recovers(server):
    status, _, body = request(server, query=SLOW)
    assert status == 503 and b"time limit" in body
    status, _, body = request(server, query="ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_concurrent_queries(server, graph):
    results = []

    def worker():
        results.append(request(server, query="SELECT ?l WHERE { ?z a kg:Zone ; rdfs:label ?l }"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r[0] for r in results] == [200] * 8
    assert len({r[2] for r in results}) == 1


def test_load_of_concurrent_clients(server, graph):
    """16 clients x 50 requests on loopback, each on its own keep-alive connection: no errors,
    every answer right."""
    host, port = server.server_address[:2]
    q = "SELECT ?l WHERE { ?z a kg:Zone ; rdfs:label ?l }"
    path = "/sparql?" + urllib.parse.urlencode({"query": q})
    expected = direct(graph, q)
    errors, answers = [], []

    def client():
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            for _ in range(50):
                try:
                    conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                    resp = conn.getresponse()
                    body = resp.read()
                    if resp.status != 200:
                        errors.append((resp.status, body[:200]))
                    else:
                        answers.append(json.loads(body)["results"]["bindings"] == expected)
                except (OSError, http.client.HTTPException) as exc:
                    errors.append(repr(exc))
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert errors == []
    assert answers == [True] * 800


def test_cli_timeout_stops_a_runaway_query(graph):
    """`kg serve --timeout 1` as a real process: the runaway query gets 503, the next answers."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(graph), "--port", "0",
                             "--timeout", "1", "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert "Serving" in line, line
        url = line.split(" at ", 1)[1].split()[0]

        def get(q):
            try:
                with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": q}),
                                            timeout=60) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as err:
                return err.code, err.read()

        status, body = get(SLOW)
        assert status == 503 and b"time limit of 1 s" in body
        for _ in range(3):  # the killed worker was replaced: the one-worker server still answers
            status, body = get("ASK { ?s ?p ?o }")
            assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        stop_server(proc)


def test_serve_cli_rejects_bad_graphs(tmp_path):
    r = CliRunner().invoke(main, ["serve", str(tmp_path / "missing.ttl"), "--port", "0"])
    assert r.exit_code == 2 and "missing.ttl" in r.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    r = CliRunner().invoke(main, ["serve", str(bad), "--port", "0"])
    assert r.exit_code == 2 and "bad.ttl" in r.stderr


# ------------------------------------------------------------------ not a proxy: SERVICE


EMPTY_RESULTS = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
SECRET = b"SECRET-internal-reply-4d1f"


class Listener:
    """A plain HTTP server on a free loopback port that records every request it receives:
    the stand-in for a service only the endpoint's machine can reach."""

    def __init__(self, status=200, body=EMPTY_RESULTS, ctype="application/sparql-results+json"):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[tuple[str, str, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.command, self.path, self.rfile.read(n)))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.url = self.base + "secret-internal"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


# {u}: the listener's URL, {b}: its base (for prefixed names)
SERVICE_FORMS = [
    "SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ {{ OPTIONAL {{ {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }} }}",
    "PREFIX ex: <{b}> SELECT * WHERE {{ SERVICE ex:secret-internal {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{u}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "PREFIX : <{b}> SELECT * WHERE {{ SERVICE:secret-internal{{?s ?p ?o}} }}",
    "SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "ASK {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # a comment\n  SERVICE#between\n<{u}>\n{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?x {{ UNDEF }}SERVICE<{u}>{{?s ?p ?o}} }}",
    "SELECT * WHERE {{ ?z ?y 1SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?z ?y trueSERVICE <{u}> {{ ?s ?p ?o }} }}",
    'SELECT * WHERE {{ ?z ?y "x"SERVICE <{u}> {{ ?s ?p ?o }} }}',
    "PREFIX ex: <{b}> SELECT * WHERE {{ SERVICEex:secret-internal{{?s ?p ?o}} }}",
    "SELECT * WHERE {{ ?z ?y ?o.SERVICE <{u}> {{ ?s ?p ?o }} }}",
    # '<' is also "less than": here pyoxigraph reads a comparison and a string, not an IRI
    "SELECT * WHERE {{ ?z ?y ?o FILTER(?o<'x>') SERVICE <{u}> {{ ?s ?p ?o }} }}",
]
# queries that mention "service" but cannot call one
NOT_SERVICE = [
    "SELECT ?l WHERE {{ ?z rdfs:label ?l FILTER(CONTAINS(?l, 'SERVICE <{u}> {{}}')) }}",
    'SELECT ?l WHERE {{ ?z rdfs:label ?l FILTER(?l != """SERVICE <{u}> {{ }}""") }}',
    "SELECT ?l WHERE {{ ?z rdfs:label ?l }} # SERVICE <{u}> {{ ?s ?p ?o }}",
    "SELECT ?service WHERE {{ ?service rdfs:label ?l }}",
    "SELECT ?s WHERE {{ ?s ?p ind:business-services }}",
    "PREFIX ex: <{b}> SELECT ?s WHERE {{ ?s ex:service ex:Service }}",
    "SELECT ?s WHERE {{ ?s ?p <{b}service> }}",
    "SELECT ?s WHERE {{ ?s ?p 'it''s a service' }}",
    "SELECT ?s WHERE {{ ?s ?p '''a ' service '' quote''' }}",
    r"SELECT ?s WHERE {{ ?s ?p 'a \' SERVICE <{u}> {{}} \'' }}",
    "SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o<'x'||?o>'y') }} # service",
]


def fill(template: str, lst: Listener) -> str:
    return template.format(u=lst.url, b=lst.base)


@pytest.mark.parametrize("template", SERVICE_FORMS)
def test_uses_service_finds_every_form(template, listener):
    from kg.query.serve import uses_service

    assert uses_service(fill(template, listener))


@pytest.mark.parametrize("template", NOT_SERVICE)
def test_uses_service_ignores_comments_strings_iris_variables_local_names(template, listener):
    from kg.query.serve import uses_service

    assert not uses_service(fill(template, listener))


def _fetches(store, sparql: str, lst: Listener) -> bool:
    """Run ``sparql`` on ``store`` with pyoxigraph itself; True if it called the listener."""
    import pyoxigraph as ox

    before = len(lst.requests)
    try:
        res = store.query(sparql, prefixes=kstore.PREFIXES)
        if not isinstance(res, ox.QueryBoolean):
            list(res)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return len(lst.requests) > before


@pytest.fixture(scope="module")
def probe():
    """An in-memory store whose data lets the left-hand patterns above match (so that
    pyoxigraph goes on to the SERVICE part), and a listener that answers one empty row."""
    import pyoxigraph as ox

    lst = Listener()
    st = ox.Store()
    xsd = "http://www.w3.org/2001/XMLSchema#"
    s, p = ox.NamedNode("http://s"), ox.NamedNode("http://p")
    for o in (ox.Literal("1", datatype=ox.NamedNode(xsd + "integer")), ox.Literal("x"),
              ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")),
              ox.NamedNode(lst.base + "o")):
        st.add(ox.Quad(s, p, o))
    yield st, lst
    lst.close()


def test_detector_agrees_with_pyoxigraph(probe):
    """Every form above is run by pyoxigraph against a listener: whatever it fetches with is
    flagged, and the queries that are not flagged fetch nothing."""
    from kg.query.serve import uses_service

    st, lst = probe
    fetched = {t: _fetches(st, fill(t, lst), lst) for t in SERVICE_FORMS + NOT_SERVICE}
    assert fetched[SERVICE_FORMS[0]]  # the harness sees a fetch when there is one
    assert sum(fetched[t] for t in SERVICE_FORMS) >= len(SERVICE_FORMS) - 3  # most are real
    for t in NOT_SERVICE:
        assert not fetched[t], t
    for t, did in fetched.items():
        assert not did or uses_service(fill(t, lst)), t


def test_detector_agrees_with_pyoxigraph_on_generated_queries(probe):
    """Property: for SERVICE clauses glued to their neighbours in many ways, any query that
    makes pyoxigraph fetch is one ``uses_service`` flags."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st_

    from kg.query.serve import uses_service

    store, lst = probe
    left = st_.sampled_from(["", "?s ?p 1", "?s ?p true", '?s ?p "x"', "?s ?p ?o .", "?s ?p ex:o",
                             "?s ?p ex:o .", "FILTER(true)", "BIND(1 AS ?x)", "VALUES ?x {UNDEF}",
                             "{}", "OPTIONAL{}", "?s ?p 'service'", "?s ?p ex:service",
                             "?s ?p <{b}o'>", "?s ?p ?service", "?s ?p 1.", "?s ?p +1"])
    glue = st_.sampled_from(["", " ", "\n", "#c\n", "\t", "#service\n"])
    keyword = st_.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT",
                                "SERVICESILENT", "service silent"])
    endpoint = st_.sampled_from(["<{u}>", ":secret", "ex:secret", "?u", "$u", "<{b}>"])

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(left, glue, keyword, glue, endpoint, glue)
    def check(lft, g1, kw, g2, ep, g3):
        q = ("PREFIX ex: <{b}> PREFIX : <{b}> SELECT * WHERE { VALUES ?u { <{u}> } "
             + lft + g1 + kw + g2 + ep + g3 + "{ ?a ?b ?c } }")
        q = q.replace("{u}", lst.url).replace("{b}", lst.base)
        if _fetches(store, q, lst):
            assert uses_service(q), q

    check()


@pytest.mark.parametrize("template", SERVICE_FORMS)
def test_service_is_refused_before_anything_is_fetched(server, listener, template):
    sparql = fill(template, listener)
    status, _, body = request(server, query=sparql)
    assert status == 400
    assert body == b"federated queries are off; start with --allow-service to enable\n"
    status, _, body = request(server, "POST", body=sparql.encode(),
                              headers={"Content-Type": "application/sparql-query"})
    assert status == 400 and b"--allow-service" in body
    assert listener.requests == []


def test_service_check_is_cheap():
    """The check is cheap beside the query: best of several runs, with loose bounds."""
    import time

    from kg.query.serve import uses_service

    def cost(q, n):
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(n):
                uses_service(q)
            best = min(best, (time.perf_counter() - t) / n)
        return best

    typical = "SELECT ?z ?l WHERE { ?z a kg:Zone ; rdfs:label ?l } ORDER BY ?l"
    assert cost(typical, 2000) < 50e-6  # measured ~0.1 µs
    assert cost(typical.replace("?z", "?service"), 2000) < 500e-6  # measured ~10 µs
    big = "ASK { " + "?s rdfs:label ?o . " * 3400 + "}"  # 64 KB
    assert cost(big, 20) < 5e-3  # measured ~0.05 ms
    big = "ASK { " + "?service rdfs:label ?o . " * 2600 + "}"
    assert cost(big, 3) < 200e-3  # measured ~9 ms; the query itself runs for minutes


def test_the_worker_refuses_service_too(graph, listener):
    """The query workers check again, whatever sent them the job."""
    from kg.query.serve import SERVICE_OFF, WorkerPool

    pool = WorkerPool(("file", str(graph)), size=1)
    try:
        job = (fill(SERVICE_FORMS[0], listener), None, None, 10, (), ())
        assert pool.run(job, 60) == ("error", 400, SERVICE_OFF)
        assert pool.run(("ASK { ?s ?p ?o }", None, None, 10, (), ()), 60)[0] == "ok"
    finally:
        pool.close()
    assert listener.requests == []


def test_workers_run_without_network(listener):
    """The second layer: a process that cut its network (as the workers do without
    --allow-service) cannot make pyoxigraph fetch even a SERVICE clause that got through."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        import sys, pyoxigraph as ox
        from kg.query.serve import _cut_network
        if sys.argv[1] == "cut" and not _cut_network():
            sys.exit(3)
        try:
            list(ox.Store().query("SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
        except OSError as exc:
            print(exc)
    """)
    run = [sys.executable, "-c", code]
    r = subprocess.run(run + ["cut"], capture_output=True, text=True, timeout=120)
    if r.returncode == 3:
        pytest.skip("this system does not let a process make its own network namespace")
    assert r.returncode == 0, r.stderr
    assert listener.requests == []
    r = subprocess.run(run + ["keep"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert len(listener.requests) == 1  # the same code does fetch with the network on


@pytest.fixture(scope="module")
def open_server(graph):
    """A server started with every door opened on purpose: --allow-service, --cors for one
    origin, and a public name."""
    srv, thread = start(graph, workers=1, allow_service=True, cors=["http://127.0.0.1:5555/"],
                        public_names=["kg.example.org"])
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def test_allow_service_runs_federated_queries(open_server, listener):
    status, _, body = request(open_server, query=fill(SERVICE_FORMS[0], listener))
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"] == [{}]
    assert [(m, p) for m, p, _ in listener.requests] == [("POST", "/secret-internal")]
    assert b"?s ?p ?o" in listener.requests[0][2]


@pytest.mark.parametrize("status, body, ctype", [
    (500, SECRET + b" stack trace of an internal service", "text/plain"),
    (200, b'{"head": ' + SECRET, "application/sparql-results+json"),
    (404, b"<html>" + SECRET + b"</html>", "text/html"),
])
@pytest.mark.parametrize("form", ["SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
                                  "ASK {{ SERVICE <{u}> {{ ?s ?p ?o }} }}"])
def test_error_answers_never_quote_a_remote_reply(open_server, status, body, ctype, form):
    lst = Listener(status, body, ctype)
    try:
        got, _, answer = request(open_server, query=fill(form, lst))
    finally:
        lst.close()
    assert len(lst.requests) == 1
    assert got == 502
    assert SECRET not in answer and b"SECRET" not in answer and lst.base.encode() not in answer
    assert answer.startswith(b"a federated (SERVICE) call failed")


def test_error_answer_wording():
    from kg.errors import KgError
    from kg.query.serve import _error_answer
    from kg.query.store import QueryError

    def qe(message, cause):
        try:
            raise QueryError(message) from cause
        except QueryError as exc:
            return exc

    syntax = qe("invalid SPARQL: error at 1:8: expected WHERE", SyntaxError("error at 1:8: ..."))
    assert _error_answer(syntax, False, KgError) == (400, str(syntax))
    assert _error_answer(syntax, True, KgError) == (400, str(syntax))  # the query's own syntax
    remote = qe("invalid SPARQL: Parser error at line 1: " + SECRET.decode(),
                SyntaxError("Parser error at line 1: " + SECRET.decode()))
    assert _error_answer(remote, True, KgError)[0] == 502
    store = qe(f"query failed while reading the store: {SECRET.decode()}", OSError(SECRET))
    status, message = _error_answer(store, False, KgError)
    assert status == 500 and "SECRET" not in message
    status, message = _error_answer(RuntimeError(SECRET.decode()), False, KgError)
    assert status == 500 and "SECRET" not in message
    own = QueryError("a SELECT result has no rows")
    assert _error_answer(own, False, KgError) == (400, "a SELECT result has no rows")


def test_bad_graph_uri_is_a_400_in_our_words(server):
    status, _, body = request(server, query="ASK { ?s ?p ?o }",
                              params={"default-graph-uri": "not an iri"})
    assert status == 400 and body.startswith(b"default-graph-uri and named-graph-uri take")


# ------------------------------------------------------------------ not an open door: Host


def raw(server, host, *, method="GET", path="/sparql?query=ASK%20%7B%7D", headers=()):
    """One request with exactly the Host header given (None: no Host header at all)."""
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for k, v in headers:
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "127.0.0.1", "localhost:{port}",
                                  "LOCALHOST:{port}", "localhost", "[::1]:{port}"])
def test_loopback_names_are_answered(server, host):
    port = server.server_address[1]
    status, _, body = raw(server, host.format(port=port))
    assert status == 200, body


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example",
                                  "localhost.evil.example:{port}", "127.0.0.2:{port}",
                                  "127.0.0.1:{port}x", "[::1", "", "kg.example.org"])
def test_foreign_host_is_refused(server, host):
    port = server.server_address[1]
    status, headers, body = raw(server, host.format(port=port))
    assert status == 403
    assert body.startswith(b"refused: ") and body.count(b"\n") == 1
    assert not [h for h in headers if h.startswith("access-control-")]
    status, _, _ = raw(server, host.format(port=port), method="POST", path="/sparql",
                       headers=[("Content-Type", "application/sparql-query"),
                                ("Content-Length", "6")])
    assert status == 403


def test_missing_host_is_refused_on_loopback(server):
    assert raw(server, None)[0] == 403
    import socket

    with socket.create_connection(server.server_address[:2], timeout=30) as s:
        s.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.0\r\n\r\n")  # HTTP/1.0, no Host
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
    assert reply.split(b" ", 2)[1] == b"403" and b"Host header is required" in reply


def test_public_name_is_answered(open_server):
    port = open_server.server_address[1]
    assert raw(open_server, f"kg.example.org:{port}")[0] == 200
    assert raw(open_server, "KG.example.org")[0] == 200
    assert raw(open_server, f"localhost:{port}")[0] == 200
    assert raw(open_server, f"other.example.org:{port}")[0] == 403


def test_host_names():
    from kg.query.serve import LOOPBACK_NAMES, _host_name, host_names, is_loopback

    assert host_names("127.0.0.1") == LOOPBACK_NAMES
    assert host_names("127.0.0.5") == LOOPBACK_NAMES | {"127.0.0.5"}
    assert host_names("localhost", ["kg.example.org"]) == LOOPBACK_NAMES | {"kg.example.org"}
    assert host_names("0.0.0.0") is None  # not loopback, no name given: Host is not checked
    assert host_names("192.168.1.5") is None
    assert host_names("0.0.0.0", ["kg.example.org"]) == LOOPBACK_NAMES | {"kg.example.org"}
    assert host_names("::", ["KG.example.org"]) == LOOPBACK_NAMES | {"kg.example.org"}
    assert host_names("192.168.1.5", ["x.org"]) == LOOPBACK_NAMES | {"192.168.1.5", "x.org"}
    loopback = ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost")
    assert all(is_loopback(h) for h in loopback)
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.1", "example.org", "::"))
    assert _host_name("[::1]:7878") == "::1"
    assert _host_name("Example.ORG:80") == "example.org"
    assert _host_name("example.org:") == "example.org"
    assert [_host_name(v) for v in ("::1", "a:b:c", "a:80x", "[::1", ":80", "")] == [None] * 6


# ------------------------------------------------------------------ not an open door: CORS


def test_cross_origin_requests_are_refused_by_default(server):
    for origin in ("http://evil.example", "http://127.0.0.1:5555", "null"):
        status, headers, body = request(server, query="ASK {}", headers={"Origin": origin})
        assert status == 403 and b"--cors" in body
        assert not [h for h in headers if h.lower().startswith("access-control-")]
    # a preflight from another origin gets nothing CORS-related either
    status, headers, _ = request(server, "OPTIONS", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert status == 403
    assert not [h for h in headers if h.lower().startswith("access-control-")]
    # the server's own origin (a browser sends it on same-origin POSTs) is fine
    own = server.url.rsplit("/", 1)[0]
    status, headers, _ = request(server, query="ASK {}", headers={"Origin": own})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


def test_options_without_cors(server):
    status, headers, _ = request(server, "OPTIONS")
    assert status == 204 and headers["Allow"] == "GET, POST, OPTIONS"
    assert not [h for h in headers if h.lower().startswith("access-control-")]


def test_cors_for_named_origins(open_server):
    origin = "http://127.0.0.1:5555"
    status, headers, body = request(open_server, query=LABELS, headers={"Origin": origin})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == origin
    assert headers["Access-Control-Expose-Headers"] == "X-KG-Truncated"
    assert "Origin" in headers["Vary"] and "Accept" in headers["Vary"]
    # a preflight from it
    status, headers, _ = request(open_server, "OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == origin
    assert headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert headers["Access-Control-Allow-Headers"] == "Content-Type, Accept"
    assert headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Private-Network" not in headers
    # a public page calling a local address: Chromium's Private Network Access preflight
    status, headers, _ = request(open_server, "OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Private-Network": "true"})
    assert status == 204 and headers["Access-Control-Allow-Private-Network"] == "true"
    # other origins: refused, nothing CORS-related
    for other in ("http://127.0.0.1:5556", "https://127.0.0.1:5555", "null"):
        status, headers, _ = request(open_server, query="ASK {}", headers={"Origin": other})
        assert status == 403
        assert not [h for h in headers if h.lower().startswith("access-control-")]
    # no Origin (curl, scripts): answered, without CORS headers
    status, headers, _ = request(open_server, query="ASK {}")
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
    assert "Origin" in headers["Vary"]


def test_cors_star(graph):
    srv, thread = start(graph, workers=1, cors=["*"])
    try:
        for origin in ("http://anywhere.example", "null"):
            status, headers, _ = request(srv, query="ASK {}", headers={"Origin": origin})
            assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        status, headers, _ = request(srv, "OPTIONS", headers={
            "Origin": "http://anywhere.example", "Access-Control-Request-Method": "POST"})
        assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def test_normalize_origin():
    from kg.query.serve import normalize_origin

    assert normalize_origin("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    assert normalize_origin("HTTP://Example.ORG:80") == "http://example.org"
    assert normalize_origin("https://example.org:443") == "https://example.org"
    assert normalize_origin("http://[::1]:8000") == "http://[::1]:8000"
    assert normalize_origin(" * ") == "*"
    for bad in ("example.org", "ftp://example.org", "http://example.org/page",
                "http://example.org?x", "http://user@example.org", "http://example.org:99999",
                "null", ""):
        with pytest.raises(ValueError):
            normalize_origin(bad)


# ------------------------------------------------------------------ the CLI


def test_serve_cli_checks_its_options(graph):
    r = CliRunner().invoke(main, ["serve", str(graph), "--port", "0", "--cors", "example.org"])
    assert r.exit_code == 2 and "not an origin" in r.stderr
    r = CliRunner().invoke(main, ["serve", str(graph), "--port", "0",
                                  "--public-name", "http://kg.example.org/"])
    assert r.exit_code == 2 and "host name" in r.stderr


def test_help_texts_say_what_is_refused_and_what_can_fetch():
    r = CliRunner().invoke(main, ["serve", "--help"])
    for option in ("--allow-service", "--cors", "--public-name"):
        assert option in r.output
    assert "SERVICE" in r.output and "DNS rebinding" in r.output
    r = CliRunner().invoke(main, ["query", "--help"])
    assert "SERVICE" in r.output and "fetches" in r.output


def test_cli_allow_service_and_cors(graph, listener):
    """`kg serve --allow-service --cors ORIGIN` as a real process: it warns, fetches, and
    answers the named origin with CORS headers."""
    import subprocess
    import sys

    origin = "http://127.0.0.1:5555"
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(graph), "--port", "0",
                             "--workers", "1", "--allow-service", "--cors", origin],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stderr.readline()]
        while "Serving" not in lines[-1] and len(lines) < 5:
            lines.append(proc.stderr.readline())
        assert "Serving" in lines[-1], lines
        assert any("--allow-service" in ln and "Warning" in ln for ln in lines), lines
        url = lines[-1].split(" at ", 1)[1].split()[0]
        req = urllib.request.Request(
            url + "?" + urllib.parse.urlencode({"query": fill(SERVICE_FORMS[0], listener)}),
            headers={"Origin": origin})
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.status == 200
            assert resp.headers["Access-Control-Allow-Origin"] == origin
        assert len(listener.requests) == 1
    finally:
        stop_server(proc)


# ------------------------------------------------------------------ in headless Chromium

CHROMIUM = "/usr/bin/chromium"
OTHER_ORIGIN_PAGE = """<!doctype html><meta charset="utf-8"><title>another site</title>
<script>
const endpoint = new URLSearchParams(location.search).get("endpoint");
const query = "SELECT ?l WHERE { ?z a kg:Zone ; rdfs:label ?l }";
async function ask(post) {
  try {
    const r = post
      ? await fetch(endpoint, {method: "POST", body: query, headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json"}})
      : await fetch(endpoint + "?query=" + encodeURIComponent(query),
                    {headers: {"Accept": "application/sparql-results+json"}});
    return {ok: true, status: r.status, json: await r.json()};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
}
Promise.all([ask(false), ask(true)]).then(r => { window.kgResult = r; });
</script>
"""


@pytest.fixture(scope="module")
def other_origin():
    """A page on another local port (another origin) whose script queries ?endpoint=URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = OTHER_ORIGIN_PAGE.encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def fetch_from_page(browser, page_origin, endpoint):
    ctx = browser.new_context(service_workers="block")
    try:
        page = ctx.new_page()
        page.goto(f"{page_origin}/?" + urllib.parse.urlencode({"endpoint": endpoint}))
        page.wait_for_function("() => window.kgResult !== undefined", timeout=60_000)
        return page.evaluate("() => window.kgResult")
    finally:
        ctx.close()


@pytest.mark.browser
def test_browser_cross_origin_fetch_fails_by_default(browser, other_origin, server):
    results = fetch_from_page(browser, other_origin, server.url)
    assert [r["ok"] for r in results] == [False, False], results
    assert all("Failed to fetch" in r["error"] for r in results), results


@pytest.mark.browser
def test_browser_cross_origin_fetch_works_with_cors(browser, other_origin, graph):
    srv, thread = start(graph, workers=1, cors=[other_origin])
    try:
        results = fetch_from_page(browser, other_origin, srv.url)
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)
    assert [r["ok"] for r in results] == [True, True], results  # GET, and POST after preflight
    for r in results:
        assert r["status"] == 200
        assert r["json"]["results"]["bindings"] == [
            {"l": {"type": "literal", "value": "兰州新区", "xml:lang": "zh"}}]
