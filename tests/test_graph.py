"""kg.rdf.writer and the written graph: opaque stable IRIs, escaping, evidence offsets, byte stability."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.rdf.writer import GraphBuilder, doc_iri, entity_iri, literal
from kg.build import build
from kg.model import Entity
from kg.rdf.vocab import DEFAULT_BASE, ENTITY_CLASSES, NS

K = Namespace(NS)
OPAQUE = re.compile(re.escape(DEFAULT_BASE)
                    + r"(zone|region|enterprise|org|official|industry|project|doc|ev)-[0-9a-f]{16}")


# ---------------------------------------------------------------------------- IRIs


@pytest.mark.parametrize("etype", ENTITY_CLASSES)
def test_entity_iri_is_opaque_ascii(etype):
    iri = entity_iri(etype, "兰州德晟源新技术有限责任公司")
    assert iri.isascii()
    assert OPAQUE.fullmatch(iri)


def test_entity_iri_identity():
    assert entity_iri("Zone", "兰州新区") == entity_iri("Zone", "蘭州新區") == entity_iri("Zone", "兰州 新区")
    assert entity_iri("Zone", "兰州新区") != entity_iri("Region", "兰州新区")
    assert entity_iri("Zone", "兰州新区") != entity_iri("Zone", "滨海新区")
    assert doc_iri("seeds/a.txt") != doc_iri("seeds/b.txt")
    assert entity_iri("Zone", "兰州新区", "http://example.org/kg/").startswith("http://example.org/kg/zone-")


def test_iris_stable_across_processes():
    """IRIs come from a content hash, not Python's salted hash(): another process agrees."""
    code = ("from kg.rdf.writer import entity_iri, doc_iri;"
            "print(entity_iri('Enterprise', '兰州德晟源新技术有限责任公司'), doc_iri('seeds/x.txt'))")
    outs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outs.add(out.stdout.strip())
    assert outs == {f"{entity_iri('Enterprise', '兰州德晟源新技术有限责任公司')} {doc_iri('seeds/x.txt')}"}


def test_seed_graph_iris(seed_graph):
    terms = {t for triple in seed_graph for t in triple if isinstance(t, URIRef)}
    ours = {t for t in terms if str(t).startswith(DEFAULT_BASE)}
    assert ours
    for t in terms:
        assert str(t).isascii(), t
    for t in ours:
        assert OPAQUE.fullmatch(str(t)), t


# ---------------------------------------------------------------------------- literals


@pytest.mark.parametrize("value", [
    '兰州"新区"', "a\\b", "第一行\n第二行", "tab\there", "cr\rx", "\x01\x1f\x7f", '"""', "<http://x/>", "@prefix x: <y> .",
    "#not a comment", "😀兰州", "\ufffe",
])
def test_literal_round_trips(value):
    ttl = f"<http://x/s> <http://x/p> {literal(value)} .\n"
    g = Graph().parse(data=ttl, format="turtle")
    assert g.value(URIRef("http://x/s"), URIRef("http://x/p")) == Literal(value, lang="zh")


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30))
def test_any_name_round_trips_through_turtle(name):
    import pyoxigraph as ox

    ent = Entity("Enterprise", name, aliases={name + "集团"}, docs={"d/a.txt"})
    gb = GraphBuilder()
    gb.add_documents([{"rel_path": "d/a.txt", "sha256": "0" * 64, "encoding": "utf-8", "script": "simplified",
                       "metadata": {"title": name}}])
    gb.add_entities({ent.key: ent})
    ttl = gb.turtle()
    g = Graph().parse(data=ttl, format="turtle")
    assert {str(o) for o in g.objects(URIRef(entity_iri("Enterprise", name)), RDFS.label)} == {name}
    store = ox.Store()
    store.load(ttl.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(g) == len(gb)


# ---------------------------------------------------------------------------- the seed graph


def test_seed_graph_parses_in_pyoxigraph_with_the_reported_size(seed_build, seed_graph):
    import pyoxigraph as ox

    store = ox.Store()
    with open(seed_build.graph_path, "rb") as fh:
        store.load(fh, format=ox.RdfFormat.TURTLE)
    assert len(store) == len(seed_graph) == seed_build.report.triples
    entities = {s for c in ENTITY_CLASSES for s in seed_graph.subjects(RDF.type, K[c])}
    assert len(entities) == seed_build.report.entities
    assert len(set(seed_graph.subjects(RDF.type, K.Document))) == seed_build.report.documents == 5


def test_seed_entities_have_label_and_provenance(seed_graph):
    docs = set(seed_graph.subjects(RDF.type, K.Document))
    for c in ENTITY_CLASSES:
        for s in seed_graph.subjects(RDF.type, K[c]):
            labels = list(seed_graph.objects(s, RDFS.label))
            assert len(labels) == 1 and labels[0].language == "zh", s
            mentioned = set(seed_graph.objects(s, K.mentionedIn))
            assert mentioned and mentioned <= docs, s


def test_seed_evidence_offsets_point_into_the_documents(seed_graph, seed_docs):
    by_iri = {URIRef(doc_iri(rel)): doc for rel, doc in seed_docs.items()}
    evidence = list(seed_graph.subjects(RDF.type, K.Evidence))
    assert evidence
    for ev in evidence:
        doc = by_iri[seed_graph.value(ev, K.document)]
        start, end = seed_graph.value(ev, K.start).toPython(), seed_graph.value(ev, K.end).toPython()
        assert doc.text[start:end] == str(seed_graph.value(ev, K.sentence)), ev
        s, p, o = (seed_graph.value(ev, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in seed_graph, ev
        assert seed_graph.value(ev, K.rule) is not None
        assert (s, K.mentionedIn, seed_graph.value(ev, K.document)) in seed_graph


def test_seed_documents_metadata(seed_graph, seed_docs):
    for rel, doc in seed_docs.items():
        d = URIRef(doc_iri(rel))
        assert seed_graph.value(d, K.sourceFile) == Literal(rel)
        assert str(seed_graph.value(d, K.contentHash)) == doc.sha256
        assert str(seed_graph.value(d, K.encoding)) == doc.encoding
        assert str(seed_graph.value(d, K.sourceScript)) == doc.script


def test_seed_labels_have_no_pinyin_gloss_or_traditional_label(seed_graph):
    gloss = re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
    for lbl in seed_graph.objects(None, RDFS.label):
        assert not gloss.search(lbl), lbl
    zone = [s for s in seed_graph.subjects(RDFS.label, Literal("兰州新区", lang="zh"))]
    assert len(zone) == 1
    alt = set(seed_graph.objects(zone[0], URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
    assert Literal("蘭州新區", lang="zh-Hant") in alt


# ---------------------------------------------------------------------------- byte stability


def test_rebuild_is_byte_identical(seed_build, tmp_path):
    report = build([seed_build.seeds], tmp_path / "again")
    assert open(report.output, "rb").read() == seed_build.graph_path.read_bytes()


def test_input_order_does_not_matter(seed_build, tmp_path):
    files = list(seed_build.files)
    a = build(files, tmp_path / "a")
    b = build(list(reversed(files)), tmp_path / "b")
    c = build([files[2], files[0], files[4], files[1], files[3]], tmp_path / "c")
    data = open(a.output, "rb").read()
    assert open(b.output, "rb").read() == data
    assert open(c.output, "rb").read() == data


def _entity_part(g: Graph):
    """Triples about entities (documents and evidence depend on the input's file names)."""
    ents = {s for c in ENTITY_CLASSES for s in g.subjects(RDF.type, K[c])}
    return {(s, p, o) for s, p, o in g if s in ents and p != K.mentionedIn}


def test_folder_name_changes_only_document_identity(seed_build, seed_graph, tmp_path):
    """Document IRIs include the folder name given on the command line; entity IRIs do not."""
    renamed = tmp_path / "corpus-copy"
    shutil.copytree(seed_build.seeds, renamed)
    g = Graph().parse(build([renamed], tmp_path / "out").output, format="turtle")
    assert _entity_part(g) == _entity_part(seed_graph)
    hashes = lambda graph: sorted(str(o) for o in graph.objects(None, K.contentHash))  # noqa: E731
    assert hashes(g) == hashes(seed_graph)
    assert {str(o) for o in g.objects(None, K.sourceFile)} == {
        "corpus-copy/" + p.name for p in seed_build.files}
    assert len(set(g.subjects(RDF.type, K.Evidence))) == len(set(seed_graph.subjects(RDF.type, K.Evidence)))


def test_two_files_with_the_same_name(write_corpus, tmp_path):
    x = write_corpus({"doc.txt": "兰州新区重点发展生物医药产业。\n"}, folder="x") / "doc.txt"
    y = write_corpus({"doc.txt": "滨海新区重点发展集成电路产业。\n"}, folder="y") / "doc.txt"
    a = build([x, y], tmp_path / "a")
    b = build([y, x], tmp_path / "b")
    assert a.documents == 2
    assert open(a.output, "rb").read() == open(b.output, "rb").read()


def test_the_same_file_twice_is_one_document(write_corpus, tmp_path):
    folder = write_corpus({"doc.txt": "兰州新区重点发展生物医药产业。\n"})
    report = build([folder / "doc.txt", folder, folder / "doc.txt"], tmp_path / "a")
    assert report.documents == 1


def test_custom_base(write_corpus, tmp_path):
    folder = write_corpus({"a.txt": "兰州新区位于甘肃省兰州市。兰州新区重点发展生物医药产业。\n"})
    base = "http://example.org/kg/"
    g = Graph().parse(build([folder], tmp_path / "out", base=base).output, format="turtle")
    subjects = set(g.subjects())
    assert subjects and all(str(s).startswith(base) for s in subjects)
