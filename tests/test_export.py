"""`kg export`: RDF round trips (checked with rdflib), byte stability, property-graph files."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

DATA = Path(__file__).parent / "data"
KG = "https://w3id.org/policykg/ns#"
ENTITY_CLASSES = ("Zone", "Region", "Enterprise", "Organization", "Official", "Industry",
                  "Project")
RELATIONS = ("locatedIn", "developsIndustry", "inIndustry", "servesIn", "cooperatesWith")

# Literals that break naive writers: quotes, backslashes, newlines, tabs, emoji, CJK,
# text that looks like Turtle, the array delimiters of the CSV export.
TRICKY_VALUES = [
    '"引号"园区',
    "back\\slash\\n not a newline",
    "line one\nline two\ttab\r",
    "emoji 🚀🇨🇳 and 𠮷 (astral CJK)",
    '<x> <y> "z" . # not turtle',
    "single ' and \"\"\" triple",
    "甘肃省;分号|竖线",
]


def write_tricky(path: Path) -> Path:
    """A small graph in the kg shape whose literals are all awkward (written by rdflib)."""
    from rdflib import RDF, RDFS, Graph, Literal, Namespace
    from rdflib.namespace import DCTERMS, SKOS, XSD

    kg = Namespace(KG)
    i = Namespace("https://w3id.org/policykg/id/")
    zone, region, doc, ev = i["zone-00000000000000aa"], i["region-00000000000000cc"], \
        i["doc-00000000000000bb"], i["ev-00000000000000dd"]
    g = Graph()
    g.add((zone, RDF.type, kg.Zone))
    g.add((zone, RDFS.label, Literal(TRICKY_VALUES[0], lang="zh")))
    for v in TRICKY_VALUES[1:]:
        g.add((zone, SKOS.altLabel, Literal(v, lang="zh")))
    g.add((region, RDF.type, kg.Region))
    g.add((region, RDFS.label, Literal(TRICKY_VALUES[-1], lang="zh")))
    g.add((zone, kg.locatedIn, region))
    g.add((zone, kg.mentionedIn, doc))
    g.add((doc, RDF.type, kg.Document))
    g.add((doc, DCTERMS.title, Literal('《关于"十四五"规划的通知》', lang="zh")))
    g.add((doc, DCTERMS.date, Literal("2024-03-19", datatype=XSD.date)))
    for t in (RDF.Statement, kg.Evidence):
        g.add((ev, RDF.type, t))
    g.add((ev, RDF.subject, zone))
    g.add((ev, RDF.predicate, kg.locatedIn))
    g.add((ev, RDF.object, region))
    g.add((ev, kg.document, doc))
    g.add((ev, kg.sentence, Literal('"引号"园区位于甘肃省,\n见"附件"。', lang="zh")))
    g.add((ev, kg.start, Literal(7)))
    g.serialize(path, format="nt", encoding="utf-8")
    return path


@pytest.fixture
def sample(tmp_path):
    return Path(shutil.copy(DATA / "sample_graph.ttl", tmp_path / "sample.ttl"))


@pytest.fixture
def tricky(tmp_path):
    return write_tricky(tmp_path / "tricky.nt")


@pytest.fixture(params=["sample", "tricky"])
def graph(request):
    return request.getfixturevalue(request.param)


def rdflib_graph(path):
    from rdflib import Graph

    fmt = "nt" if str(path).endswith(".nt") else "turtle"
    return Graph().parse(path, format=fmt)


def export(graph, fmt, out):
    r = CliRunner().invoke(main, ["export", str(graph), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    return r


@pytest.mark.parametrize("fmt, rdflib_format", [
    ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_triple_formats_round_trip(graph, tmp_path, fmt, rdflib_format):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    out = tmp_path / f"out.{fmt}"
    export(graph, fmt, out)
    back = Graph().parse(out, format=rdflib_format)
    original = rdflib_graph(graph)
    assert len(back) == len(original)
    assert isomorphic(back, original)


@pytest.mark.parametrize("fmt, rdflib_format", [("nq", "nquads"), ("trig", "trig")])
def test_quad_formats_round_trip_with_a_graph_per_document(graph, tmp_path, fmt,
                                                           rdflib_format):
    from rdflib import RDF, Dataset, Graph, URIRef
    from rdflib.compare import isomorphic

    out = tmp_path / f"out.{fmt}"
    export(graph, fmt, out)
    ds = Dataset()
    ds.parse(out, format=rdflib_format)
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    original = rdflib_graph(graph)
    assert isomorphic(union, original)

    docs = set(original.subjects(RDF.type, URIRef(KG + "Document")))
    named = {c.identifier for c in ds.graphs() if len(c) and isinstance(c.identifier, URIRef)
             and c.identifier != URIRef("urn:x-rdflib:default")}
    assert named == docs
    for doc in docs:
        g = ds.graph(doc)
        # the document's own metadata and every evidence record citing it live in its graph
        assert set(original.predicate_objects(doc)) <= set(g.predicate_objects(doc))
        for ev in original.subjects(URIRef(KG + "document"), doc):
            assert set(original.predicate_objects(ev)) <= set(g.predicate_objects(ev))
            s = original.value(ev, RDF.subject)
            p = original.value(ev, RDF.predicate)
            o = original.value(ev, RDF.object)
            if (s, p, o) in original:
                assert (s, p, o) in g
        for e in original.subjects(URIRef(KG + "mentionedIn"), doc):
            assert (e, URIRef(KG + "mentionedIn"), doc) in g


def shuffled_copy(graph: Path, tmp_path: Path) -> Path:
    """The same graph with its triples in another order (as N-Triples)."""
    lines = rdflib_graph(graph).serialize(format="nt").strip().splitlines()
    random.Random(7).shuffle(lines)
    out = tmp_path / "shuffled.nt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf"])
def test_output_is_byte_stable(graph, tmp_path, fmt):
    a, b, c = (tmp_path / f"{n}.{fmt}" for n in "abc")
    export(graph, fmt, a)
    export(graph, fmt, b)
    export(shuffled_copy(graph, tmp_path), fmt, c)
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()


def test_jsonld_has_its_context_file(sample, tmp_path):
    out = tmp_path / "g.jsonld"
    r = export(sample, "jsonld", out)
    ctx = tmp_path / "g.context.jsonld"
    assert r.stdout.split() == [str(out), str(ctx)]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert json.loads(ctx.read_text(encoding="utf-8"))["@context"] == doc["@context"]
    assert doc["@context"]["kg"] == KG
    zone = next(n for n in doc["@graph"] if n["@id"] == "id:zone-0000000000000001")
    assert zone["@type"] == ["kg:Zone"]
    assert zone["rdfs:label"] == [{"@value": "兰州新区", "@language": "zh"}]


# --------------------------------------------------------------------------- property graphs


def entity_facts(path):
    """Entities, labels and entity-to-entity relations, read with rdflib."""
    from rdflib import RDF, RDFS, URIRef

    g = rdflib_graph(path)
    entities = {str(s) for c in ENTITY_CLASSES for s in g.subjects(RDF.type, URIRef(KG + c))}
    labels = {str(s): str(o) for s, o in g.subject_objects(RDFS.label) if str(s) in entities}
    edges = sorted((str(s), r, str(o)) for r in RELATIONS
                   for s, o in g.subject_objects(URIRef(KG + r))
                   if str(s) in entities and str(o) in entities)
    posts = {str(s): str(o) for s, o in g.subject_objects(URIRef(KG + "holdsPost"))}
    return entities, labels, edges, posts


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_read_back(graph, tmp_path, fmt):
    import networkx as nx

    out = tmp_path / f"g.{fmt}"
    export(graph, fmt, out)
    g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    entities, labels, edges, posts = entity_facts(graph)
    assert set(g.nodes) == entities
    assert g.number_of_edges() == len(edges)
    for node, attrs in g.nodes(data=True):
        assert attrs["label"] == labels[node]
        assert all(isinstance(v, str) for v in attrs.values())
        assert attrs.get("posts", "") == posts.get(node, "")
    got_edges = sorted((s, a["label"], o) for s, o, a in g.edges(data=True))
    assert got_edges == edges


def test_graphml_keeps_parallel_relations(tmp_path):
    import networkx as nx

    g = tmp_path / "g.nt"
    a, b = "<https://w3id.org/policykg/id/a>", "<https://w3id.org/policykg/id/b>"
    t = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    g.write_text(f"{a} {t} <{KG}Official> .\n{b} {t} <{KG}Zone> .\n"
                 f"{a} <{KG}servesIn> {b} .\n{a} <{KG}locatedIn> {b} .\n", encoding="utf-8")
    out = tmp_path / "g.graphml"
    export(g, "graphml", out)
    back = nx.read_graphml(out)
    assert back.is_multigraph() and back.number_of_edges() == 2


@pytest.mark.parametrize("as_zip", [False, True])
def test_neo4j_csv(graph, tmp_path, as_zip):
    from rdflib import RDF, URIRef

    out = tmp_path / ("neo4j.zip" if as_zip else "neo4j")
    export(graph, "csv", out)
    if as_zip:
        with zipfile.ZipFile(out) as zf:
            assert sorted(zf.namelist()) == ["edges.csv", "nodes.csv"]
            files = {n: zf.read(n).decode("utf-8") for n in zf.namelist()}
    else:
        files = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    nodes = list(csv.DictReader(io.StringIO(files["nodes.csv"], newline="")))
    edges = list(csv.DictReader(io.StringIO(files["edges.csv"], newline="")))
    assert list(nodes[0])[0] == "iri:ID" and ":LABEL" in nodes[0]
    assert list(edges[0])[:3] == [":START_ID", ":END_ID", ":TYPE"]

    entities, labels, rel_edges, _ = entity_facts(graph)
    docs = {str(d) for d in rdflib_graph(graph).subjects(RDF.type, URIRef(KG + "Document"))}
    ids = [n["iri:ID"] for n in nodes]
    assert len(ids) == len(set(ids)) and set(ids) == entities | docs
    for n in nodes:
        if n["iri:ID"] in entities:
            assert n["name"] == labels[n["iri:ID"]]
            assert n[":LABEL"].split(";")[0] == "Entity"
    for e in edges:
        assert e[":START_ID"] in ids and e[":END_ID"] in ids
    assert sorted((e[":START_ID"], e[":TYPE"], e[":END_ID"]) for e in edges
                  if e[":TYPE"] != "mentionedIn") == rel_edges


def test_csv_zip_is_byte_stable(sample, tmp_path):
    export(sample, "csv", tmp_path / "a.zip")
    export(sample, "csv", tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_export_replaces_an_existing_csv_folder(sample, tmp_path):
    out = tmp_path / "neo4j"
    out.mkdir()
    (out / "stale.csv").write_text("old", encoding="utf-8")
    export(sample, "csv", out)
    assert sorted(p.name for p in out.iterdir()) == ["edges.csv", "nodes.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_default_output_goes_next_to_the_graph(sample):
    r = CliRunner().invoke(main, ["export", str(sample), "--format", "nt"])
    assert r.exit_code == 0
    assert r.stdout.strip() == str(sample.with_suffix(".nt"))
    assert sample.with_suffix(".nt").is_file()


def test_export_errors_exit_2(sample, tmp_path):
    r = CliRunner().invoke(main, ["export", str(tmp_path / "none.ttl"), "--format", "nt"])
    assert r.exit_code == 2 and "none.ttl" in r.stderr
    r = CliRunner().invoke(main, ["export", str(sample), "--format", "rdfxml"])
    assert r.exit_code == 2
    before = sample.read_bytes()
    r = CliRunner().invoke(main, ["export", str(sample), "--format", "ttl", "-o", str(sample)])
    assert r.exit_code == 2 and "input" in r.stderr
    assert sample.read_bytes() == before
