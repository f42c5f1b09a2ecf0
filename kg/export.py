"""Write a built graph in other formats: RDF (Turtle, N-Triples, N-Quads, TriG, JSON-LD) for
triple stores, GraphML/GEXF for Gephi and yEd, and CSV for Neo4j's ``neo4j-admin import``.

Every output is sorted, so the same graph always gives the same bytes (for graphs without
blank nodes, whose labels are not stable). Files are written to a temporary name and renamed.

N-Quads and TriG put each document's statements in a named graph named by the document IRI:
the document's metadata, its evidence records, the ``kg:mentionedIn`` links to it and the
relations it gives evidence for. Entity descriptions (type, labels) stay in the default graph.
The union of all graphs is exactly the input graph.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import uuid
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import IO, Callable

from kg.store import PREFIXES, StoreError, open_store
from kg.vocab import ENTITY_CLASSES, NS, RELATIONS

FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv")
SUFFIXES = {"ttl": ".ttl", "nt": ".nt", "nq": ".nq", "trig": ".trig", "jsonld": ".jsonld",
            "graphml": ".graphml", "gexf": ".gexf", "csv": "-csv"}

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ARRAY_DELIMITER = ";"  # neo4j-admin import's default --array-delimiter

_ALL_TRIPLES = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"

# One row per (graph, triple); ?g unbound means the default graph (sorted first).
_PARTITION = """
SELECT DISTINCT ?g ?s ?p ?o WHERE {
  { ?s a kg:Document . ?s ?p ?o . BIND(?s AS ?g) }
  UNION { ?s kg:document ?g . ?g a kg:Document . ?s ?p ?o }
  UNION { ?s kg:mentionedIn ?g . ?g a kg:Document .
          BIND(kg:mentionedIn AS ?p) BIND(?g AS ?o) }
  UNION { ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:document ?g .
          ?g a kg:Document . ?s ?p ?o }
  UNION { ?s ?p ?o .
          FILTER NOT EXISTS { ?s a kg:Document }
          FILTER NOT EXISTS { ?s kg:document ?d1 . ?d1 a kg:Document }
          FILTER NOT EXISTS { FILTER(?p = kg:mentionedIn) ?o a kg:Document }
          FILTER NOT EXISTS { ?ev2 rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                   kg:document ?d2 . ?d2 a kg:Document } }
}
ORDER BY ?g ?s ?p ?o
"""


def default_output(graph_path, fmt: str) -> Path:
    """``output/graph.ttl`` -> ``output/graph.nt`` (or ``output/graph-csv/`` for csv)."""
    p = Path(graph_path)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return p.with_name(stem + SUFFIXES[fmt])


def export(graph_path, fmt: str, out_path=None, *, memory: bool = False) -> list[Path]:
    """Export the graph at ``graph_path`` to ``fmt``; returns the files or folder written."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")
    out = Path(out_path) if out_path is not None else default_output(graph_path, fmt)
    src = Path(graph_path)
    if out.exists() and src.exists() and not src.is_dir() and out.resolve() == src.resolve():
        raise StoreError(f"{out}: refusing to overwrite the input graph")
    store = open_store(graph_path, memory=memory)
    if fmt in ("ttl", "nt"):
        return [_atomic_file(out, lambda fh: _write_triples(store, fh, fmt))]
    if fmt in ("nq", "trig"):
        return [_atomic_file(out, lambda fh: _write_quads(store, fh, fmt))]
    if fmt == "jsonld":
        ctx_path = out.with_name((out.name[: -len(out.suffix)] if out.suffix else out.name)
                                 + ".context.jsonld")
        ctx = _atomic_file(ctx_path, lambda fh: fh.write(
            (json.dumps({"@context": json_ld_context()}, ensure_ascii=False, indent=2)
             + "\n").encode("utf-8")))
        return [_atomic_file(out, lambda fh: _write_jsonld(store, fh)), ctx]
    graph = property_graph(store)
    if fmt == "graphml":
        return [_atomic_file(out, lambda fh: _write_graphml(graph, fh))]
    if fmt == "gexf":
        return [_atomic_file(out, lambda fh: _write_gexf(graph, fh))]
    return [_write_csv(graph, out)]


# --------------------------------------------------------------------------- helpers


def _atomic_file(out: Path, write: Callable[[IO[bytes]], object]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def _select(store, sparql: str):
    from kg.store import run_query

    res = run_query(store, sparql)
    return res.rows()


def _sorted_triples(store):
    import pyoxigraph as ox

    for s, p, o in _select(store, _ALL_TRIPLES):
        yield ox.Triple(s, p, o)


def _write_triples(store, fh, fmt: str) -> None:
    import pyoxigraph as ox

    rdf_format = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
    ox.serialize(_sorted_triples(store), fh, rdf_format,
                 prefixes=PREFIXES if fmt == "ttl" else None)


def _write_quads(store, fh, fmt: str) -> None:
    import pyoxigraph as ox

    def quads():
        for g, s, p, o in _select(store, _PARTITION):
            yield ox.Quad(s, p, o, g if g is not None else ox.DefaultGraph())

    rdf_format = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
    ox.serialize(quads(), fh, rdf_format, prefixes=PREFIXES if fmt == "trig" else None)


# --------------------------------------------------------------------------- JSON-LD


def json_ld_context() -> dict:
    """The JSON-LD context used by the export: the project's prefixes."""
    return dict(sorted(PREFIXES.items()))


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and not local.startswith("//"):
                return f"{prefix}:{local}"
    return iri


def _jsonld_object(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"@id": _compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": "_:" + term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value != XSD_STRING:
            return {"@value": term.value, "@type": _compact(term.datatype.value)}
        return {"@value": term.value}
    raise StoreError("JSON-LD export does not support RDF-star triple terms")


def _write_jsonld(store, fh) -> None:
    """Stream one node object per subject, subjects and properties in sorted order."""
    import pyoxigraph as ox

    text = io.TextIOWrapper(fh, encoding="utf-8", newline="\n", write_through=True)
    text.write('{\n"@context": ' + json.dumps(json_ld_context(), ensure_ascii=False)
               + ',\n"@graph": [')
    first = True

    def flush(subject, props):
        nonlocal first
        node = {"@id": _compact(subject.value) if isinstance(subject, ox.NamedNode)
                else "_:" + subject.value}
        types = props.pop("@type", None)
        if types:
            node["@type"] = types
        for key in sorted(props):
            node[key] = props[key]
        text.write(("" if first else ",") + "\n" + json.dumps(node, ensure_ascii=False))
        first = False

    current, props = None, {}
    for s, p, o in _select(store, _ALL_TRIPLES):
        if current is None or s != current:
            if current is not None:
                flush(current, props)
            current, props = s, {}
        if p.value == RDF_TYPE and isinstance(o, ox.NamedNode):
            props.setdefault("@type", []).append(_compact(o.value))
        else:
            props.setdefault(_compact(p.value), []).append(_jsonld_object(o))
    if current is not None:
        flush(current, props)
    text.write("\n]\n}\n")
    text.flush()
    text.detach()


# --------------------------------------------------------------------------- property graph


def _local(iri: str) -> str:
    return iri[len(NS):] if iri.startswith(NS) else iri


def property_graph(store):
    """The entities and relations as a networkx MultiDiGraph with plain-string attributes.

    Nodes: entities (id = IRI) with label, type, aliases, posts (kg:holdsPost), documents.
    Edges: relations between entities, key = relation name, with the IRI of the predicate,
    the number of evidence records, their documents and rules, and the first sentence.
    Documents are kept in ``graph.graph["documents"]`` (not as nodes).
    """
    import networkx as nx

    cls_values = " ".join(f"kg:{c}" for c in ENTITY_CLASSES)
    types: dict[str, set[str]] = defaultdict(set)
    for e, t in _select(store, f"SELECT ?e ?t WHERE {{ VALUES ?t {{ {cls_values} }} ?e a ?t }}"):
        types[e.value].add(_local(t.value))

    labels, aliases, posts, docs = (defaultdict(set) for _ in range(4))
    for e, p, o in _select(store, """
        SELECT ?e ?p ?o WHERE {
          VALUES ?p { rdfs:label skos:altLabel kg:holdsPost kg:mentionedIn } ?e ?p ?o }"""):
        if e.value not in types:
            continue
        target = {RDFS_LABEL: labels, SKOS_ALT: aliases, NS + "holdsPost": posts,
                  NS + "mentionedIn": docs}[p.value]
        target[e.value].add(o.value)

    documents = {}
    for d, title, date, source, file in _select(store, """
        SELECT ?d (SAMPLE(?t) AS ?title) (MIN(?dt) AS ?date) (SAMPLE(?src) AS ?source)
               (SAMPLE(?f) AS ?file) WHERE {
          ?d a kg:Document .
          OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d dcterms:date ?dt }
          OPTIONAL { ?d dcterms:source ?src } OPTIONAL { ?d kg:sourceFile ?f }
        } GROUP BY ?d"""):
        documents[d.value] = {k: (v.value if v is not None else "") for k, v in
                              (("title", title), ("date", date), ("source", source),
                               ("file", file))}

    evidence = defaultdict(list)
    for s, p, o, d, sentence, start, rule in _select(store, """
        SELECT ?s ?p ?o ?d ?sentence ?start ?rule WHERE {
          ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          OPTIONAL { ?ev kg:document ?d } OPTIONAL { ?ev kg:sentence ?sentence }
          OPTIONAL { ?ev kg:start ?start } OPTIONAL { ?ev kg:rule ?rule }
        } ORDER BY ?d ?start ?ev"""):
        evidence[(s.value, p.value, str(o))].append(
            tuple("" if t is None else t.value for t in (d, sentence, rule)))

    g = nx.MultiDiGraph()
    g.graph["documents"] = documents
    for iri in sorted(types):
        g.add_node(iri, **{
            "label": min(labels[iri]) if labels[iri] else iri,
            "type": "|".join(sorted(types[iri])),
            "aliases": "|".join(sorted(aliases[iri] - labels[iri])),
            "posts": "|".join(sorted(posts[iri])),
            "documents": "|".join(sorted(docs[iri])),
            "iri": iri,
        })
    rel_values = " ".join(f"kg:{r}" for r in RELATIONS)
    for s, p, o in _select(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {rel_values} }} "
                                  f"?s ?p ?o FILTER(isIRI(?o)) }} ORDER BY ?s ?p ?o"):
        if s.value not in types or o.value not in types:
            continue
        ev = evidence.get((s.value, p.value, str(o)), [])
        g.add_edge(s.value, o.value, key=_local(p.value), **{
            "label": _local(p.value),
            "predicate": p.value,
            "evidence": str(len(ev)),
            "documents": "|".join(sorted({e[0] for e in ev if e[0]})),
            "rules": "|".join(sorted({e[2] for e in ev if e[2]})),
            "sentence": next((e[1] for e in ev if e[1]), ""),
        })
    return g


def _write_graphml(graph, fh) -> None:
    import networkx as nx

    g = graph.copy()
    g.graph.clear()  # the documents table is not a GraphML attribute
    nx.write_graphml(g, fh, encoding="utf-8", prettyprint=True)


def _write_gexf(graph, fh) -> None:
    import re

    import networkx as nx

    g = graph.copy()
    g.graph.clear()
    buf = io.BytesIO()
    nx.write_gexf(g, buf, encoding="utf-8", prettyprint=True)
    # networkx stamps today's date; drop it (optional in GEXF) to keep output byte-stable
    fh.write(re.sub(rb' lastmodifieddate="[^"]*"', b"", buf.getvalue(), count=1))


# --------------------------------------------------------------------------- Neo4j CSV


def _array(values) -> str:
    # neo4j-admin has no escape for the array delimiter; a full-width semicolon keeps the text
    return ARRAY_DELIMITER.join(v.replace(ARRAY_DELIMITER, "；") for v in values if v)


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def neo4j_csv(graph) -> dict[str, bytes]:
    """nodes.csv and edges.csv in neo4j-admin import header format."""
    nodes = []
    for iri, a in graph.nodes(data=True):
        labels = ["Entity"] + a["type"].split("|")
        nodes.append([iri, a["label"], _array(a["aliases"].split("|")),
                      _array(a["posts"].split("|")), "", "", "", _array(labels)])
    docs = graph.graph.get("documents", {})
    for iri in sorted(docs):
        d = docs[iri]
        nodes.append([iri, d["title"] or iri, "", "", d["date"], d["source"], d["file"],
                      "Document"])
    edges = []
    for s, o, a in graph.edges(data=True):
        edges.append([s, o, a["label"], a["predicate"], a["evidence"],
                      _array(a["documents"].split("|")), _array(a["rules"].split("|")),
                      a["sentence"]])
    for iri, a in graph.nodes(data=True):
        for d in a["documents"].split("|"):
            if d in docs:
                edges.append([iri, d, "mentionedIn", NS + "mentionedIn", "", "", "", ""])
    return {
        "nodes.csv": _csv_bytes(["iri:ID", "name", "aliases:string[]", "posts:string[]",
                                 "date:date", "source", "file", ":LABEL"], nodes),
        "edges.csv": _csv_bytes([":START_ID", ":END_ID", ":TYPE", "predicate", "evidence:int",
                                 "documents:string[]", "rules:string[]", "sentence"], edges),
    }


def _write_csv(graph, out: Path) -> Path:
    files = neo4j_csv(graph)
    if out.suffix.lower() == ".zip":
        def write_zip(fh):
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                for name in sorted(files):
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    zf.writestr(info, files[name])
        return _atomic_file(out, write_zip)
    if out.exists() and not out.is_dir():
        raise StoreError(f"{out}: exists and is not a folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    tmp.mkdir()
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if out.exists():
            old = out.with_name(f".{out.name}.{uuid.uuid4().hex}.old")
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out
