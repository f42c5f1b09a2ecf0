"""Read a graph file into its entities, relations, documents and evidence (with pyoxigraph).

The one reader behind `kg viz`, `kg eval` and the property-graph exports. Nodes are plain
strings (IRIs, blank nodes as `_:id`); literals are `Literal` records.

Terms are recognised by their IRIs in the kg vocabulary. With `any_namespace=True`, as the
reference scorer reads a graph, entity classes, relations and the rule of an evidence record
are recognised by their local name in any namespace, names by `label`, `prefLabel` or `name`
and aliases by `altLabel`, `alternateName` or `hiddenLabel` (rdfs, skos, schema.org, foaf, ...).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Union

from ..errors import InputError
from .formats import rdf_format
from .vocab import DCTERMS, ENTITY_CLASSES, NS, RDF, RDFS, RELATIONS, SKOS, XSD

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
DOCUMENT_CLASS = NS + "Document"
_LOCAL = re.compile(r"[#/:]")
_ZH = ("zh", "zh-cn", "zh-hans")

# predicate IRI -> (what it tells, about which field)
_KG_TERMS = {
    RDFS + "label": ("name", "labels"),
    SKOS + "altLabel": ("name", "aliases"),
    NS + "mentionedIn": ("mention", ""),
    DCTERMS + "title": ("document", "title"),
    DCTERMS + "date": ("document", "date"),
    DCTERMS + "source": ("document", "source"),
    NS + "sourceFile": ("document", "file"),
    RDF + "subject": ("evidence", "subject"),
    RDF + "predicate": ("evidence", "predicate"),
    RDF + "object": ("evidence", "object"),
    NS + "document": ("evidence", "document"),
    NS + "sentence": ("evidence", "sentence"),
    NS + "start": ("evidence", "start"),
    NS + "end": ("evidence", "end"),
    NS + "page": ("evidence", "page"),
    NS + "rule": ("evidence", "rule"),
} | {NS + r: ("relation", r) for r in RELATIONS}
# local name -> role, for any_namespace
_LOCAL_TERMS = ({n: ("name", "labels") for n in ("label", "prefLabel", "name")}
                | {n: ("name", "aliases") for n in ("altLabel", "alternateName", "hiddenLabel")}
                | {r: ("relation", r) for r in RELATIONS} | {"rule": ("evidence", "rule")})


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal: its text, language tag, and datatype IRI unless it is a plain or tagged string."""

    value: str
    lang: str | None = None
    datatype: str | None = None

    def __str__(self) -> str:
        return self.value


Term = Union[str, Literal]


def local_name(iri: Term) -> str:
    """The last segment of an IRI (after `#`, `/` or `:`); the IRI itself if that is empty."""
    return _LOCAL.split(str(iri))[-1] or str(iri)


def text(term: Term | None) -> str | None:
    """A term as text: a literal's value, a node's IRI."""
    return term.value if isinstance(term, Literal) else term


def choose(terms: Iterable[Term]) -> Term | None:
    """The value of a property meant to have one: @zh first, then untagged, then the smallest."""
    def rank(t):
        tagged = isinstance(t, Literal) and t.lang is not None
        return (not tagged or t.lang not in _ZH, tagged, text(t))

    return min(terms, key=rank, default=None)


def pick(terms: Iterable[Term]) -> str | None:
    """`choose` as text."""
    return text(choose(terms))


@dataclass
class Node:
    """A subject with an entity class or a name."""

    iri: str
    types: tuple[str, ...] = ()          # entity classes, in ENTITY_CLASSES order
    labels: list[Literal] = field(default_factory=list)
    aliases: list[Literal] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)   # kg:mentionedIn, sorted

    @property
    def type(self) -> str:
        """The entity class (the first of the node's classes in ENTITY_CLASSES order)."""
        return self.types[0]

    @property
    def label(self) -> str:
        """The display name: the rdfs:label (@zh first), else the IRI's local name."""
        return pick(self.labels) or local_name(self.iri)

    @property
    def names(self) -> set[str]:
        """Every name and alias."""
        return {lit.value for lit in self.labels + self.aliases}

    @property
    def other_names(self) -> list[str]:
        """The aliases to show next to the display name: distinct, sorted, without the name itself."""
        return sorted({lit.value for lit in self.aliases} - {self.label})


@dataclass(frozen=True)
class Document:
    iri: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class Evidence:
    """A reified statement (rdf:subject/predicate/object) of a relation, with where it was read."""

    iri: str
    subject: str
    relation: str        # the relation's local name
    object: Term
    document: str | None
    sentence: str | None
    rules: tuple[str, ...]
    start: int | None
    end: int | None
    page: int | None = None    # the page the sentence starts on, in a paged document (PDF)


@dataclass
class GraphModel:
    """What a graph says about entities, everything sorted: nodes by IRI, evidence by IRI."""

    nodes: dict[str, Node]
    relations: list[tuple[str, str, Term]]   # (subject, relation local name, object), distinct
    documents: dict[str, Document]           # the nodes typed kg:Document
    evidence: list[Evidence]
    metadata: dict[str, dict[str, list[Term]]] = field(default_factory=dict, repr=False)

    @property
    def entities(self) -> dict[str, Node]:
        """The nodes with an entity class."""
        return {iri: n for iri, n in self.nodes.items() if n.types}

    def document(self, iri: str) -> Document:
        """A document by IRI, with whatever metadata the graph gives it, typed kg:Document or not."""
        doc = self.documents.get(iri)
        return doc if doc is not None else _document(iri, self.metadata.get(iri, {}))

    def posts(self) -> dict[str, list[str]]:
        """Each node's kg:holdsPost titles (the literal objects), distinct and sorted."""
        posts: dict[str, set[str]] = defaultdict(set)
        for s, rel, o in self.relations:
            if rel == "holdsPost" and isinstance(o, Literal):
                posts[s].add(o.value)
        return {s: sorted(titles) for s, titles in posts.items()}

    def evidence_by_relation(self) -> dict[tuple[str, str, str], list[Evidence]]:
        """Evidence by (subject, relation, object IRI or post title), by document, offset and IRI."""
        found: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
        for ev in self.evidence:
            found[(ev.subject, ev.relation, text(ev.object))].append(ev)
        for evs in found.values():
            evs.sort(key=lambda e: (e.document or "", e.start if e.start is not None else -1, e.iri))
        return dict(found)


# --------------------------------------------------------------------------- reading


def parse(path: str | os.PathLike) -> Iterator:
    """The quads of a graph file (format from its suffix); relative IRIs resolve against the file.

    Raises InputError naming the file when it is missing, unreadable or not valid RDF.
    """
    import pyoxigraph as ox

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such graph file")
    fmt = rdf_format(path)
    try:
        yield from ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
    except (SyntaxError, ValueError) as exc:
        raise InputError(path, f"not valid {fmt.name}: {exc}") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def read_graph(source, *, any_namespace: bool = False) -> GraphModel:
    """Read a graph file (a path), or pyoxigraph quads or triples, into a GraphModel."""
    quads = parse(source) if isinstance(source, (str, os.PathLike)) else source
    reading = _Reading(any_namespace)
    for q in quads:
        reading.add(q.subject, q.predicate.value, q.object)
    return reading.model()


def _term(t) -> Term:
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return t.value
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.Literal):
        dt = t.datatype.value
        return Literal(t.value, t.language, None if t.language or dt == XSD_STRING else dt)
    return str(t)  # an RDF-star triple term


def _literal_key(lit: Literal) -> tuple:
    return lit.value, lit.lang or "", lit.datatype or ""


def _relation_key(r: tuple) -> tuple:
    o = r[2]
    return (r[0], r[1], isinstance(o, Literal), text(o)) + (_literal_key(o) if isinstance(o, Literal) else ())


def _int(term: Term | None) -> int | None:
    try:
        return int(text(term))
    except (TypeError, ValueError):
        return None


def _document(iri: str, metadata: dict[str, list[Term]]) -> Document:
    return Document(iri, **{k: pick(metadata.get(k, ())) for k in ("title", "date", "source", "file")})


class _Reading:
    """One pass over the triples of a graph."""

    def __init__(self, any_namespace: bool):
        self.any_namespace = any_namespace
        self.roles: dict[str, tuple[str, str] | None] = {}
        self.types: dict[str, set[str]] = defaultdict(set)
        self.names: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: {"labels": [], "aliases": []})
        self.mentions: dict[str, set[str]] = defaultdict(set)
        self.relations: set[tuple] = set()
        self.documents: set[str] = set()
        self.metadata: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.statements: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def role(self, predicate: str) -> tuple[str, str] | None:
        try:
            return self.roles[predicate]
        except KeyError:
            role = _KG_TERMS.get(predicate)
            if self.any_namespace:
                role = _LOCAL_TERMS.get(local_name(predicate), role)
            self.roles[predicate] = role
            return role

    def add(self, s, p: str, o) -> None:
        if p == RDF_TYPE:
            self.add_type(_term(s), _term(o))
            return
        role = self.role(p)
        if role is None:
            return
        what, which = role
        subject, obj = _term(s), _term(o)
        if what == "relation":
            self.relations.add((subject, which, obj))
        elif what == "name":
            if isinstance(obj, Literal):
                self.names[subject][which].append(obj)
        elif what == "mention":
            if not isinstance(obj, Literal):
                self.mentions[subject].add(obj)
        elif what == "document":
            self.metadata[subject][which].append(obj)
        else:
            self.statements[subject][which].append(obj)

    def add_type(self, subject: str, cls: Term) -> None:
        if self.any_namespace:
            name = local_name(cls)
        elif isinstance(cls, str) and cls.startswith(NS):
            name = cls[len(NS):]
        else:
            return
        if name in ENTITY_CLASSES:
            self.types[subject].add(name)
        elif cls == DOCUMENT_CLASS:
            self.documents.add(subject)

    def model(self) -> GraphModel:
        nodes = {}
        for iri in sorted(set(self.types) | set(self.names)):
            names = self.names.get(iri, {"labels": [], "aliases": []})
            nodes[iri] = Node(iri, tuple(c for c in ENTITY_CLASSES if c in self.types.get(iri, ())),
                              sorted(names["labels"], key=_literal_key),
                              sorted(names["aliases"], key=_literal_key),
                              sorted(self.mentions.get(iri, ())))
        documents = {d: _document(d, self.metadata.get(d, {})) for d in sorted(self.documents)}
        evidence = [e for e in map(self.evidence, sorted(self.statements)) if e is not None]
        return GraphModel(nodes, sorted(self.relations, key=_relation_key), documents, evidence,
                          dict(self.metadata))

    def evidence(self, iri: str) -> Evidence | None:
        fields = self.statements[iri]
        subject, predicate, obj = (choose(fields.get(k, ())) for k in ("subject", "predicate", "object"))
        role = self.role(predicate) if isinstance(predicate, str) else None
        if not isinstance(subject, str) or obj is None or role is None or role[0] != "relation":
            return None
        return Evidence(iri, subject, role[1], obj, pick(fields.get("document", ())),
                        pick(fields.get("sentence", ())), tuple(sorted({text(r) for r in fields.get("rule", ())})),
                        _int(choose(fields.get("start", ()))), _int(choose(fields.get("end", ()))),
                        _int(choose(fields.get("page", ()))))
