"""The ontology (ontology/kg.ttl), its SHACL shapes (ontology/shapes.ttl) and kg.rdf.validate."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.errors import DataFileError, InputError
from kg.rdf.validate import ValidationResult, ontology_dir, validate
from kg.rdf.vocab import ENTITY_CLASSES, KG, NS, OTHER_CLASSES, RELATIONS, TERMS

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample_graph.ttl"
NONCONFORMING = DATA / "nonconforming_graph.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/policykg/ns")
ID = Namespace("https://w3id.org/policykg/id/")
K = Namespace(NS)
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
PROV = Namespace("http://www.w3.org/ns/prov#")

# The relations table of the annotation guidelines: subject classes -> object classes.
RELATION_TABLE = {
    "locatedIn": ({"Enterprise", "Project", "Organization", "Zone"}, {"Zone", "Region"}),
    "developsIndustry": ({"Zone", "Region"}, {"Industry"}),
    "inIndustry": ({"Enterprise"}, {"Industry"}),
    "holdsPost": ({"Official"}, None),
    "servesIn": ({"Official"}, {"Zone", "Region", "Organization", "Enterprise"}),
    "cooperatesWith": (
        {"Zone", "Enterprise", "Organization"},
        {"Zone", "Enterprise", "Organization"},
    ),
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def _local(term) -> str:
    assert str(term).startswith(NS), term
    return str(term)[len(NS):]


def _langs(graph: Graph, subject, predicate) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


# --- (a) the ontology declares exactly the terms of kg.rdf.vocab -------------------------


def test_ontology_header(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert _langs(onto, ONTOLOGY_IRI, DCTERMS.title) >= {"zh", "en"}
    assert _langs(onto, ONTOLOGY_IRI, DCTERMS.description) >= {"zh", "en"}
    assert onto.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionInfo)) == "0.1.0"
    assert str(onto.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix)) == "kg"
    assert str(onto.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri)) == NS


def test_every_vocab_term_is_declared_with_bilingual_label_and_comment(onto):
    object_or_data = {OWL.ObjectProperty, OWL.DatatypeProperty}
    for name in sorted(TERMS):
        term = URIRef(NS + name)
        types = set(onto.objects(term, RDF.type))
        if name in ENTITY_CLASSES + OTHER_CLASSES:
            assert OWL.Class in types, name
        else:
            assert types & object_or_data, name
        assert _langs(onto, term, RDFS.label) == {"zh", "en"}, name
        assert _langs(onto, term, RDFS.comment) == {"zh", "en"}, name
        assert onto.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI, name


def test_ontology_uses_no_kg_term_missing_from_vocab(onto):
    used = {
        _local(t)
        for triple in onto
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(NS)
    }
    assert used == set(TERMS)


def _class_set(graph: Graph, node) -> set[str]:
    """Local names of a named class or of the members of an owl:unionOf class."""
    union = graph.value(node, OWL.unionOf)
    if union is None:
        return {_local(node)}
    return {_local(m) for m in graph.items(union)}


def test_relations_match_guidelines_in_ontology(onto):
    for name, (subjects, objects) in RELATION_TABLE.items():
        prop = URIRef(NS + name)
        assert _class_set(onto, onto.value(prop, RDFS.domain)) == subjects, name
        rng = onto.value(prop, RDFS.range)
        if objects is None:
            assert (prop, RDF.type, OWL.DatatypeProperty) in onto
            assert rng == RDF.langString
        else:
            assert (prop, RDF.type, OWL.ObjectProperty) in onto
            assert _class_set(onto, rng) == objects, name
    assert (URIRef(KG.cooperatesWith), RDF.type, OWL.SymmetricProperty) in onto


def _shape_classes(graph: Graph, node) -> set[str]:
    """Classes a shape requires: sh:class, a qualified sh:in over rdf:type, or via sh:node."""
    found = {_local(c) for c in graph.objects(node, SH["class"])}
    for prop in graph.objects(node, SH.property):
        if graph.value(prop, SH.path) == RDF.type:
            qualified = graph.value(prop, SH.qualifiedValueShape)
            found |= {_local(c) for c in graph.items(graph.value(qualified, SH["in"]))}
    for other in graph.objects(node, SH.node):
        found |= _shape_classes(graph, other)
    return found


def _property_shapes(graph: Graph, shape, path) -> list:
    return [p for p in graph.objects(shape, SH.property) if graph.value(p, SH.path) == path]


def test_relations_match_guidelines_in_shapes(shapes):
    for name, (subjects, objects) in RELATION_TABLE.items():
        prop = URIRef(NS + name)
        (shape,) = shapes.subjects(SH.targetSubjectsOf, prop)
        assert _shape_classes(shapes, shape) == subjects, name
        (pshape,) = _property_shapes(shapes, shape, prop)
        if objects is None:
            assert shapes.value(pshape, SH.datatype) == RDF.langString
        else:
            assert _shape_classes(shapes, pshape) == objects, name


def test_every_entity_class_has_a_node_shape(shapes):
    targeted = {_local(c) for c in shapes.objects(None, SH.targetClass)}
    assert targeted >= set(ENTITY_CLASSES) | set(OTHER_CLASSES)
    evidence = next(shapes.subjects(SH.targetClass, URIRef(KG.Evidence)))
    (pred_shape,) = _property_shapes(shapes, evidence, RDF.predicate)
    allowed = {_local(p) for p in shapes.items(shapes.value(pred_shape, SH["in"]))}
    assert allowed == set(RELATIONS)


# --- (b) closed namespace -------------------------------------------------------------


def test_closed_namespace():
    assert KG.Zone == NS + "Zone"
    with pytest.raises(AttributeError, match="Zoen"):
        KG.Zoen  # noqa: B018


# --- (c) both files parse in rdflib and pyoxigraph ------------------------------------


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_ontology_files_parse_in_rdflib_and_pyoxigraph(name):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    path = ontology_dir() / name
    graph = Graph().parse(path, format="turtle")
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(graph) > 100
    assert len(store) == len(graph)


def test_ontology_dir_holds_both_files():
    assert (ontology_dir() / "kg.ttl").is_file()
    assert (ontology_dir() / "shapes.ttl").is_file()


# --- (d) the sample graph conforms ----------------------------------------------------


def test_sample_graph_conforms():
    result = validate(SAMPLE)
    assert isinstance(result, ValidationResult)
    assert result.conforms, result.results_text
    assert result.violations == 0
    assert result.results == ()


def test_validate_accepts_a_graph_object():
    graph = Graph().parse(SAMPLE, format="turtle")
    assert validate(graph).conforms


# --- (e) planted defects are each reported --------------------------------------------

# (focus node, result path or None for a node-level constraint, constraint component)
PLANTED = [
    (ID["official-bad-twolabels"], RDFS.label, "MaxCountConstraintComponent"),
    (ID["zone-bad-develops"], K.developsIndustry, "ClassConstraintComponent"),
    (ID["enterprise-bad-holdspost"], None, "ClassConstraintComponent"),
    (ID["industry-bad-unmentioned"], K.mentionedIn, "MinCountConstraintComponent"),
    (ID["org-bad-hantlabel"], RDFS.label, "NotConstraintComponent"),
    (ID["zone-bad-twoclasses"], RDF.type, "QualifiedMaxCountConstraintComponent"),
    (ID["project-bad-locatedin"], K.locatedIn, "NodeConstraintComponent"),
    (URIRef("https://w3id.org/policykg/id/region-甘肃"), None, "PatternConstraintComponent"),
    (ID["doc-bad-nohash"], K.contentHash, "MinCountConstraintComponent"),
    (ID["doc-bad-nohash"], K.sourceScript, "InConstraintComponent"),
    (ID["ev-bad-offsets"], K.start, "LessThanOrEqualsConstraintComponent"),
    (ID["ev-bad-offsets"], K.sentence, "SPARQLConstraintComponent"),
    (ID["ev-bad-unasserted"], None, "SPARQLConstraintComponent"),
    (ID["ev-bad-predicate"], RDF.predicate, "InConstraintComponent"),
    (ID["ev-bad-predicate"], K.rule, "MinCountConstraintComponent"),
]


@pytest.fixture(scope="module")
def bad_result() -> ValidationResult:
    return validate(NONCONFORMING)


def _reported(result: ValidationResult) -> set[tuple]:
    return {
        (v.focus, v.path, (v.component or "").rsplit("#", 1)[-1].rstrip(">"))
        for v in result.results
    }


@pytest.mark.parametrize("focus,path,component", PLANTED, ids=lambda x: str(x).rsplit("/", 1)[-1])
def test_planted_defect_is_reported(bad_result, focus, path, component):
    expected = (focus.n3(), path.n3() if path is not None else None, component)
    assert expected in _reported(bad_result)


def test_only_planted_nodes_are_reported(bad_result):
    assert not bad_result.conforms
    assert bad_result.violations == len(bad_result.results) >= len(PLANTED)
    planted = {focus.n3() for focus, _, _ in PLANTED}
    assert {v.focus for v in bad_result.results} == planted
    assert all(v.message for v in bad_result.results)


def test_report_text_names_each_defect_briefly(bad_result):
    text = bad_result.results_text
    assert "Conforms: False" in text
    assert "id:official-bad-twolabels" in text and "path: rdfs:label" in text


def test_sparql_constraints_give_the_same_results_as_pyshacl(bad_result):
    """kg.rdf.validate runs shapes.ttl's SPARQL constraints itself (once per graph, not once
    per node); plain pySHACL on the unmodified shapes must report the same results."""
    pyshacl = pytest.importorskip("pyshacl")
    shapes = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    _, report, _ = pyshacl.validate(
        Graph().parse(NONCONFORMING, format="turtle"), shacl_graph=shapes, inference="none"
    )
    component = SH.SPARQLConstraintComponent
    theirs = {
        (report.value(r, SH.focusNode).n3(), report.value(r, SH.value).n3())
        for r in report.objects(None, SH.result)
        if report.value(r, SH.sourceConstraintComponent) == component
    }
    ours = {(v.focus, v.value) for v in bad_result.results if v.component == component.n3()}
    assert len(ours) >= 3
    assert ours == theirs


# Single mutations of the conforming sample graph: each must break conformance at `focus`.
SAMPLE_DOC = ID["doc-1a2b3c4d5e6f7081"]
ZONE = ID["zone-0000000000000001"]
REGION = ID["region-0000000000000002"]
OFFICIAL = ID["official-0000000000000005"]
INDUSTRY = ID["industry-0000000000000004"]
EV_LOCATED = ID["ev-00000000000000a1"]


def _set(s, p, o):
    return lambda g: g.set((s, p, o))


def _add(s, p, o):
    return lambda g: g.add((s, p, o))


def _remove(s, p):
    return lambda g: g.remove((s, p, None))


MUTATIONS = {
    "hash-uppercase": (_set(SAMPLE_DOC, K.contentHash, Literal("0F" * 32)), SAMPLE_DOC),
    "hash-short": (_set(SAMPLE_DOC, K.contentHash, Literal("abc")), SAMPLE_DOC),
    "no-sourcefile": (_remove(SAMPLE_DOC, K.sourceFile), SAMPLE_DOC),
    "date-as-string": (_set(SAMPLE_DOC, DCTERMS.date, Literal("2024-03-19")), SAMPLE_DOC),
    "two-dates": (
        _add(SAMPLE_DOC, DCTERMS.date, Literal("2024-03-20", datatype=XSD.date)), SAMPLE_DOC
    ),
    "no-label": (_remove(ZONE, RDFS.label), ZONE),
    "label-english": (_set(ZONE, RDFS.label, Literal("Lanzhou New Area", lang="en")), ZONE),
    "label-untagged": (_set(ZONE, RDFS.label, Literal("兰州新区")), ZONE),
    "mentioned-in-untyped": (_set(ZONE, K.mentionedIn, ID["doc-missing"]), ZONE),
    "servesIn-industry": (_add(OFFICIAL, K.servesIn, INDUSTRY), OFFICIAL),
    "inIndustry-from-zone": (_add(ZONE, K.inIndustry, INDUSTRY), ZONE),
    "cooperates-official": (_add(OFFICIAL, K.cooperatesWith, ZONE), OFFICIAL),
    "holdsPost-plain": (_set(OFFICIAL, K.holdsPost, Literal("省长")), OFFICIAL),
    "holdsPost-empty": (_set(OFFICIAL, K.holdsPost, Literal("", lang="zh")), OFFICIAL),
    "region-locatedIn": (_add(REGION, K.locatedIn, ZONE), REGION),
    "ev-no-document": (_remove(EV_LOCATED, K.document), EV_LOCATED),
    "ev-no-derivation": (_remove(EV_LOCATED, PROV.wasDerivedFrom), EV_LOCATED),
    "ev-start-decimal": (
        _set(EV_LOCATED, K.start, Literal("120.0", datatype=XSD.decimal)), EV_LOCATED
    ),
    "ev-negative-start": (_set(EV_LOCATED, K.start, Literal(-1)), EV_LOCATED),
    "ev-two-subjects": (_add(EV_LOCATED, RDF.subject, OFFICIAL), EV_LOCATED),
    "ev-not-statement": (lambda g: g.remove((EV_LOCATED, RDF.type, RDF.Statement)), EV_LOCATED),
    "ev-end-off-by-one": (_set(EV_LOCATED, K.end, Literal(134)), EV_LOCATED),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_single_mutation_of_sample_is_reported(name):
    mutate, focus = MUTATIONS[name]
    graph = Graph().parse(SAMPLE, format="turtle")
    mutate(graph)
    result = validate(graph)
    assert not result.conforms
    assert focus.n3() in {v.focus for v in result.results}


def test_symmetric_evidence_for_cooperation_conforms():
    """cooperatesWith is stated once; evidence may name the pair in the other order."""
    graph = Graph().parse(SAMPLE, format="turtle")
    ev = ID["ev-00000000000000a3"]
    org, ent = ID["org-0000000000000006"], ID["enterprise-0000000000000003"]
    for p, o in [
        (RDF.type, RDF.Statement), (RDF.type, K.Evidence), (RDF.subject, org),
        (RDF.predicate, K.cooperatesWith), (RDF.object, ent), (K.document, SAMPLE_DOC),
        (K.sentence, Literal("双方共建实验室。", lang="zh")), (K.start, Literal(200)),
        (K.end, Literal(208)), (K.rule, Literal("rel.cooperatesWith.gongjian")),
        (PROV.wasDerivedFrom, SAMPLE_DOC),
    ]:
        graph.add((ev, p, o))
    assert validate(graph).conforms


# --- (f) clear errors for bad input ----------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"this is <not turtle", b"\x00\xff\xfe\x89PNG garbage\x00", "兰州 新区 。".encode("gb18030")],
)
def test_unparseable_file_raises_input_error_naming_it(tmp_path, content):
    bad = tmp_path / "broken.ttl"
    bad.write_bytes(content)
    with pytest.raises(InputError, match="broken.ttl"):
        validate(bad)


def test_missing_file_raises_input_error_naming_it(tmp_path):
    with pytest.raises(InputError, match="absent.ttl"):
        validate(tmp_path / "absent.ttl")


def test_broken_shapes_file_raises_data_file_error(tmp_path):
    (tmp_path / "shapes.ttl").write_text("@prefix broken", encoding="utf-8")
    with pytest.raises(DataFileError, match="shapes.ttl"):
        validate(SAMPLE, shapes_dir=tmp_path)
