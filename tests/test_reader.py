"""kg.rdf.reader: the one graph reader behind viz, eval and export (hand-written graphs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.rdf.formats import RDF_FILE_FORMATS
from kg.rdf.reader import Literal, local_name, read_graph

SAMPLE = Path(__file__).parent / "data" / "sample_graph.ttl"
PREFIXES = """@prefix kg: <https://w3id.org/policykg/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix x: <http://example.org/vocab#> .
@prefix : <http://example.org/id/> .
"""


def graph(tmp_path: Path, turtle: str, name: str = "g.ttl") -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return path


def test_local_name():
    assert local_name("https://w3id.org/policykg/ns#Zone") == "Zone"
    assert local_name("http://example.org/id/zone-1") == "zone-1"
    assert local_name("urn:x:Zone") == "Zone"
    assert local_name("http://example.org/") == "http://example.org/"


def test_entities_names_relations_posts_and_evidence(tmp_path):
    model = read_graph(graph(tmp_path, """
        :z a kg:Zone ; rdfs:label "云岭高新区"@zh ; skos:altLabel "高新区"@zh, "雲嶺高新區"@zh-Hant ;
           kg:locatedIn :r ; kg:mentionedIn :d .
        :r a kg:Region ; rdfs:label "云岭市"@zh .
        :o a kg:Official ; rdfs:label "李明"@zh ; kg:holdsPost "党工委书记"@zh .
        :d a kg:Document .
        :ev a rdf:Statement ; rdf:subject :z ; rdf:predicate kg:locatedIn ; rdf:object :r ;
            kg:document :d ; kg:sentence "云岭高新区位于云岭市。"@zh ; kg:start 12 ; kg:end 23 ;
            kg:rule "rel.b", "rel.a" .
    """))
    z = model.entities["http://example.org/id/z"]
    assert (z.type, z.label, z.other_names) == ("Zone", "云岭高新区", ["雲嶺高新區", "高新区"])
    assert z.documents == ["http://example.org/id/d"]
    assert ("http://example.org/id/z", "locatedIn", "http://example.org/id/r") in model.relations
    assert model.posts() == {"http://example.org/id/o": ["党工委书记"]}
    assert list(model.documents) == ["http://example.org/id/d"]
    [ev] = model.evidence
    assert (ev.relation, ev.object, ev.rules, ev.start, ev.end) == (
        "locatedIn", "http://example.org/id/r", ("rel.a", "rel.b"), 12, 23)
    assert model.evidence_by_relation() == {("http://example.org/id/z", "locatedIn", "http://example.org/id/r"): [ev]}


def test_display_name_prefers_chinese_then_untagged_then_the_iri(tmp_path):
    model = read_graph(graph(tmp_path, """
        :a a kg:Zone ; rdfs:label "Yunling"@en, "云岭"@zh, "Yunling HTZ" .
        :b a kg:Zone ; rdfs:label "Yunling"@en, "Yunling HTZ" .
        :c a kg:Zone .
    """))
    assert [n.label for n in model.entities.values()] == ["云岭", "Yunling HTZ", "c"]


def test_any_namespace_reads_names_classes_and_relations_by_local_name(tmp_path):
    path = graph(tmp_path, """
        :a a x:Zone ; schema:name "云岭高新区" ; schema:alternateName "高新区" ; x:locatedIn :b .
        :b a kg:Region ; skos:prefLabel "云岭市"@zh .
    """)
    loose = read_graph(path, any_namespace=True)
    assert {iri: n.types for iri, n in loose.entities.items()} == {
        "http://example.org/id/a": ("Zone",), "http://example.org/id/b": ("Region",)}
    assert loose.nodes["http://example.org/id/a"].names == {"云岭高新区", "高新区"}
    assert loose.relations == [("http://example.org/id/a", "locatedIn", "http://example.org/id/b")]
    strict = read_graph(path)
    assert list(strict.entities) == ["http://example.org/id/b"]
    assert strict.relations == [] and strict.entities["http://example.org/id/b"].labels == []


def test_literals_keep_language_and_datatype(tmp_path):
    model = read_graph(graph(tmp_path, """
        :o a kg:Official ; kg:holdsPost "书记"@zh, "secretary", "7"^^<http://www.w3.org/2001/XMLSchema#integer> .
    """))
    assert {o for _, _, o in model.relations} == {
        Literal("书记", "zh"), Literal("secretary"), Literal("7", None, "http://www.w3.org/2001/XMLSchema#integer")}


def test_relative_iris_resolve_against_the_file(tmp_path):
    model = read_graph(graph(tmp_path, '<a> a kg:Zone ; rdfs:label "云岭高新区"@zh .'))
    assert list(model.entities) == [(tmp_path / "a").as_uri()]


@pytest.mark.parametrize("name", sorted(RDF_FILE_FORMATS))
def test_every_format_of_the_table_reads_the_same(tmp_path, name):
    from rdflib import Graph

    rdflib_names = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld",
                    "rdfxml": "xml"}
    other = tmp_path / ("sample" + RDF_FILE_FORMATS[name][1][0])
    g = Graph().parse(SAMPLE)
    if name in ("nq", "trig"):
        from rdflib import Dataset, URIRef

        ds = Dataset()
        named = ds.graph(URIRef("http://example.org/g"))
        for t in g:
            named.add(t)
        ds.serialize(other, format=rdflib_names[name])
    else:
        g.serialize(other, format=rdflib_names[name], encoding="utf-8")
    assert read_graph(other) == read_graph(SAMPLE)


@pytest.mark.parametrize("name, content, problem", [
    ("missing.ttl", None, "no such graph file"),
    ("broken.ttl", ":a :b", "not valid Turtle"),
    ("graph.xyz", "", "unknown graph format '.xyz'"),
])
def test_bad_graph_files_name_the_file(tmp_path, name, content, problem):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_graph(path)
    assert str(err.value).startswith(str(path)) and problem in str(err.value)
