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
    assert headers["Access-Control-Allow-Origin"] == "*"
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


def test_cors_preflight(server):
    status, headers, _ = request(server, "OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]


def test_help_page_without_query(server):
    status, headers, body = request(server)
    assert status == 200 and b"read-only" in body


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
