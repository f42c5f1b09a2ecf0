"""Every analyst's named query, on the seeds' graph, through `kg query` and through `kg serve`.

Expected answers come from two places that do not use the SPARQL under test:
- facts stated in the seed texts (任振鹤 is 甘肃省省长 and spoke on 2024-03-19; 兰州科近泰基 is in
  兰州新区; ...), checked as anchors, and
- the whole expected answer computed by walking the graph with rdflib in Python.

`kg serve` runs as a real subprocess (`python -m kg serve --port 0`) and is queried over HTTP
with SPARQLWrapper (the client most Python analysts use) and with curl when installed.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.query import store as kstore
from kg.cli import main

from conftest import stop_server

KG = "https://w3id.org/policykg/ns#"
CLASSES = ("Zone", "Region", "Enterprise", "Organization", "Official", "Industry", "Project")


# --------------------------------------------------------------------------- rdflib walks


class Walk:
    """The seed graph seen through rdflib: names, labels, types."""

    def __init__(self, g):
        from rdflib import RDF, RDFS, Namespace
        from rdflib.namespace import DCTERMS, SKOS

        self.g, self.K, self.RDF, self.RDFS, self.SKOS, self.DCT = (
            g, Namespace(KG), RDF, RDFS, SKOS, DCTERMS)

    def names(self, x) -> set[str]:
        return {str(o) for p in (self.RDFS.label, self.SKOS.altLabel)
                for o in self.g.objects(x, p)}

    def label(self, x) -> str:
        return str(self.g.value(x, self.RDFS.label))

    def is_a(self, x, cls) -> bool:
        return (x, self.RDF.type, self.K[cls]) in self.g

    def called(self, name, cls=None) -> set:
        found = {s for p in (self.RDFS.label, self.SKOS.altLabel)
                 for s, o in self.g.subject_objects(p) if str(o) == name}
        return {s for s in found if cls is None or self.is_a(s, cls)}

    def labels(self, xs) -> tuple[str, ...]:
        return tuple(sorted({self.label(x) for x in xs}))

    def title(self, d) -> str:
        t = self.g.value(d, self.DCT.title)
        return str(t) if t is not None else str(d)

    def kg_types(self, x) -> set[str]:
        return {str(t)[len(KG):] for t in self.g.objects(x, self.RDF.type)
                if str(t).startswith(KG)}


def exp_enterprises(w: Walk):
    K = w.K
    return sorted((w.label(z), w.label(e), w.labels(w.g.objects(e, K.inIndustry)))
                  for z in w.called("兰州新区", "Zone")
                  for e in w.g.subjects(K.locatedIn, z) if w.is_a(e, "Enterprise"))


def exp_industries(w: Walk):
    K = w.K
    out = []
    for i in w.called("新材料", "Industry"):
        for z in set(w.g.subjects(K.developsIndustry, i)):
            if w.is_a(z, "Zone"):
                n = sum(1 for e in set(w.g.subjects(K.locatedIn, z))
                        if (e, K.inIndustry, i) in w.g)
                out.append((w.label(z), w.label(i), str(n)))
    return sorted(out)


def exp_officials(w: Walk):
    K = w.K
    out = []
    for pl in w.called("甘肃省"):
        for o in w.g.subjects(K.servesIn, pl):
            if w.is_a(o, "Official"):
                out.append((w.label(o), tuple(sorted({str(p) for p in w.g.objects(o, K.holdsPost)})),
                            w.labels(w.g.objects(o, K.servesIn))))
    return sorted(set(out))


def exp_projects(w: Walk):
    K = w.K
    return sorted({(w.label(z), w.label(p))
                   for z in w.called("兰州新区") for p in w.g.subjects(K.locatedIn, z)
                   if w.is_a(p, "Project")})


def exp_shared(w: Walk):
    K = w.K
    out = []
    for z1 in w.called("兰州新区", "Zone"):
        mine = set(w.g.objects(z1, K.developsIndustry))
        others = {z2 for i in mine for z2 in w.g.subjects(K.developsIndustry, i)
                  if z2 != z1 and w.is_a(z2, "Zone")}
        for z2 in others:
            shared = mine & set(w.g.objects(z2, K.developsIndustry))
            out.append((w.label(z1), w.label(z2), w.labels(shared)))
    return sorted(out)


def exp_evidence(w: Walk):
    from rdflib import Literal

    g, K, RDF = w.g, w.K, w.RDF
    who = w.called("任振鹤")
    out = set()
    for ev in g.subjects(RDF.type, K.Evidence):
        s, p, o = (g.value(ev, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if s in who or o in who:
            obj = str(o) if isinstance(o, Literal) else w.label(o)
            d = g.value(ev, K.document)
            out.add((w.label(s), str(p).rpartition("#")[2], obj, w.title(d),
                     str(g.value(ev, K.sentence)), str(g.value(ev, K.start))))
    return sorted(out)


def exp_mentioned(w: Walk):
    g, K = w.g, w.K
    out = set()
    for d in g.subjects(w.RDF.type, K.Document):
        date = g.value(d, w.DCT.date)
        if date is None or not ("2024-03-01" <= str(date) <= "2024-05-31"):
            continue
        for x in g.subjects(K.mentionedIn, d):
            for t in w.kg_types(x):
                for lab in g.objects(x, w.RDFS.label):
                    out.add((str(lab), t, str(date), w.title(d)))
    return sorted(out)


def anchors_enterprises(rows):
    got = {r[1]: r for r in rows}
    assert got["兰州科近泰基新技术有限责任公司"][0] == "兰州新区"
    assert "装备制造" in got["博睿重装"][2]  # 原子高科 is named only in its project: not in the zone
    assert {"兰州知豆", "海亮新能源", "博睿重装"} <= set(got)


def anchors_industries(rows):
    assert {"兰州新区", "滨海新区"} <= {r[0] for r in rows}
    assert {r[1] for r in rows} == {"新材料"}


def anchors_officials(rows):
    assert rows == [("任振鹤", ("省长",), ("甘肃省",))]


def anchors_projects(rows):
    assert {"中国移动数据中心二期", "兰州新区大数据产业园一期项目", "润泽国际信息港"} <= {r[1] for r in rows}


def anchors_shared(rows):
    pairs = {(r[0], r[1]): r[2] for r in rows}
    assert "新材料" in pairs[("兰州新区", "滨海新区")]


def anchors_evidence(rows):
    facts = {(r[0], r[1], r[2], r[3]) for r in rows}
    assert ("任振鹤", "holdsPost", "省长", "在兰州新区高新技术企业座谈会上的讲话") in facts
    assert ("任振鹤", "servesIn", "甘肃省", "在兰州新区高新技术企业座谈会上的讲话") in facts
    assert all("任振鹤" in r[4] for r in rows)  # the evidence sentence names him


def anchors_mentioned(rows):
    assert ("任振鹤", "Official", "2024-03-19", "在兰州新区高新技术企业座谈会上的讲话") in rows
    assert {r[2] for r in rows} == {"2024-03-19", "2024-05-07"}


# name, params, columns compared (those ending in "+" are GROUP_CONCAT lists), expected, anchors
CASES = [
    ("enterprises-by-zone", {"zone": "兰州新区"}, ["zone", "enterprise", "industries+"],
     exp_enterprises, anchors_enterprises),
    ("industries-by-zone", {"industry": "新材料"}, ["zone", "industry", "enterprises"],
     exp_industries, anchors_industries),
    ("officials-and-posts", {"place": "甘肃省"}, ["official", "posts+", "serves_in+"],
     exp_officials, anchors_officials),
    ("projects-by-zone", {"zone": "兰州新区"}, ["zone", "project"], exp_projects,
     anchors_projects),
    ("shared-industries", {"zone": "兰州新区"}, ["zone", "other_zone", "shared_industries+"],
     exp_shared, anchors_shared),
    ("evidence-for", {"name": "任振鹤"},
     ["subject", "relation", "object", "document", "sentence", "start"], exp_evidence,
     anchors_evidence),
    ("mentioned-between", {"start": "2024-03-01", "end": "2024-05-31"},
     ["entity", "type", "date", "document"], exp_mentioned, anchors_mentioned),
]
IDS = [c[0] for c in CASES]


def project(dict_rows: list[dict], columns: list[str]) -> list[tuple]:
    """Rows as tuples of the given columns; list columns split and sorted."""
    out = []
    for r in dict_rows:
        row = []
        for c in columns:
            if c.endswith("+"):
                v = r.get(c[:-1], "")
                row.append(tuple(sorted(x for x in v.replace("；", "、").split("、") if x)))
            else:
                row.append(r.get(c, ""))
        out.append(tuple(row))
    return sorted(out)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def graph(seed_build, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("seedqueries")
    return Path(shutil.copyfile(seed_build.graph_path, d / "graph.ttl"))


@pytest.fixture(scope="module")
def walk(seed_graph) -> Walk:
    return Walk(seed_graph)


@pytest.fixture(scope="module")
def endpoint(graph):
    """`kg serve` in a subprocess on a free port; yields its URL."""
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(graph), "--port", "0",
                             "--timeout", "20"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")
    try:
        line = proc.stderr.readline()  # "Serving GRAPH read-only at URL  (Ctrl-C to stop)"
        assert "Serving" in line, line + proc.stderr.read()
        url = line.split(" at ", 1)[1].split()[0]
        yield url
    finally:
        stop_server(proc)


def via_kg_query(graph: Path, name: str, params: dict) -> list[dict]:
    args = ["query", str(graph), "--name", name, "--format", "csv"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    return list(csv.DictReader(io.StringIO(r.stdout, newline="")))


def via_sparqlwrapper(url: str, sparql: str) -> list[dict]:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(url)
    client.setQuery(sparql)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    doc = client.query().convert()
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name, params, columns, expected, anchors", CASES, ids=IDS)
def test_named_query_on_seeds_via_kg_query(graph, walk, name, params, columns, expected,
                                           anchors):
    rows = project(via_kg_query(graph, name, params), columns)
    anchors(rows)
    assert rows == expected(walk)


@pytest.mark.parametrize("name, params, columns, expected, anchors", CASES, ids=IDS)
def test_named_query_on_seeds_via_kg_serve(endpoint, walk, name, params, columns, expected,
                                           anchors):
    pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is in the test extra")
    q = kstore.named_queries()[name]
    text = kstore.portable_query(q.sparql, q.bind(params))
    rows = project(via_sparqlwrapper(endpoint, text), columns)
    anchors(rows)
    assert rows == expected(walk)


def test_every_named_query_is_covered():
    """The analyst questions of the issue, each with a seed test above."""
    assert {c[0] for c in CASES} <= set(kstore.named_queries())
    assert {"enterprises-by-zone", "industries-by-zone", "officials-and-posts",
            "projects-by-zone", "shared-industries", "evidence-for",
            "mentioned-between"} == {c[0] for c in CASES}


def test_curl_gets_the_same_csv_as_kg_query(endpoint, graph):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    q = kstore.named_queries()["officials-and-posts"]
    text = kstore.portable_query(q.sparql, q.bind({}))
    r = subprocess.run(["curl", "-sS", "--fail", endpoint, "-H", "Accept: text/csv",
                        "--data-urlencode", f"query={text}"],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    expected = CliRunner().invoke(main, ["query", str(graph), "--name", "officials-and-posts",
                                         "--format", "csv"]).stdout_bytes
    assert r.stdout == expected


def test_sparqlwrapper_ask_and_refused_update(endpoint):
    pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is in the test extra")
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setReturnFormat(JSON)
    client.setQuery("PREFIX kg: <https://w3id.org/policykg/ns#> ASK { ?z a kg:Zone }")
    assert client.query().convert()["boolean"] is True
    upd = SPARQLWrapper(endpoint, updateEndpoint=endpoint)
    upd.setMethod(POST)
    upd.setQuery("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises((SPARQLWrapperException, Exception)) as info:
        upd.query()
    assert "405" in str(info.value) or "read-only" in str(info.value)
    client.setQuery("ASK { <http://a> <http://b> <http://c> }")
    assert client.query().convert()["boolean"] is False
