"""Corpus entities and facts -> RDF, written as sorted, byte-stable Turtle.

IRIs are opaque: `<base><kind>-<16 hex>` from a hash of the type and folded canonical name, so
the same thing gets the same IRI in every build, and no Chinese text ends up in an IRI.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from .normalize import fold_name
from .resolve import Entity, Fact
from .vocab import DEFAULT_BASE, KG, NS, RELATIONS

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "kg": NS,
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
KIND = {"Zone": "zone", "Region": "region", "Enterprise": "enterprise", "Organization": "org",
        "Official": "official", "Industry": "industry", "Project": "project"}
INDUSTRY_SCHEME = "https://w3id.org/policykg/industry/"


def _h(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def entity_iri(label: str, name: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}{KIND[label]}-{_h(label, fold_name(name))}"


def doc_iri(rel_path: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}doc-{_h('doc', rel_path)}"


def literal(value: str, lang: str | None = "zh", datatype: str | None = None) -> str:
    out = ['"']
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF or ch in "\ufffe\uffff":
            out.append(f"\\u{ord(ch):04X}" if ord(ch) != 0x7F else "\\u007F")
        else:
            out.append(ch)
    out.append('"')
    if datatype:
        out.append(f"^^{datatype}")
    elif lang:
        out.append(f"@{lang}")
    return "".join(out)


def iri(value: str) -> str:
    return f"<{value}>"


def _q(term: str) -> str:
    """A vocabulary IRI as a prefixed name."""
    for prefix, ns in PREFIXES.items():
        if term.startswith(ns):
            return f"{prefix}:{term[len(ns):]}"
    return iri(term)


def turtle_header() -> list[str]:
    """The @prefix lines every graph file starts with."""
    return [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]


def turtle_block(s: str, preds: dict) -> str:
    """One subject with all its predicates and objects, sorted, ending in ` .\\n`."""
    order = sorted(preds, key=lambda p: (p != "a", p != "rdfs:label", p))
    parts = []
    for p in order:
        objs = sorted(preds[p])
        parts.append(f"    {p} " + " ,\n        ".join(objs))
    subj = s if s.startswith("<") else iri(s)
    return f"{subj}\n" + " ;\n".join(parts) + " .\n"


class GraphBuilder:
    """Collects triples as (subject, predicate, object-in-Turtle-syntax) and writes them sorted."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base
        self.triples: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(self, s: str, p: str, o: str) -> None:
        self.triples[s][p].add(o)

    def add_documents(self, docs: list[dict]) -> None:
        for d in docs:
            s = doc_iri(d["rel_path"], self.base)
            md = d["metadata"]
            self.add(s, "a", _q(KG.Document))
            if md.get("title"):
                self.add(s, "dcterms:title", literal(md["title"]))
            if md.get("date"):
                self.add(s, "dcterms:date", literal(md["date"], datatype="xsd:date"))
            if md.get("source"):
                self.add(s, "dcterms:source", literal(md["source"]))
            for a in md.get("authors", []):
                self.add(s, "dcterms:creator", literal(a))
            if md.get("speaker"):
                self.add(s, _q(KG.speaker), literal(md["speaker"]))
            if md.get("speech_date"):
                self.add(s, _q(KG.speechDate), literal(md["speech_date"], datatype="xsd:date"))
            self.add(s, _q(KG.sourceFile), literal(d["rel_path"], lang=None))
            self.add(s, _q(KG.contentHash), literal(d["sha256"], lang=None))
            self.add(s, _q(KG.encoding), literal(d["encoding"], lang=None))
            self.add(s, _q(KG.sourceScript), literal(d["script"], lang=None))

    def add_entities(self, entities: dict, industry_ids: dict | None = None) -> None:
        for ent in entities.values():
            s = entity_iri(ent.label, ent.name, self.base)
            self.add(s, "a", _q(KG[ent.label]))
            self.add(s, "rdfs:label", literal(ent.name))
            for a in ent.aliases:
                if fold_name(a) != fold_name(ent.name):
                    self.add(s, "skos:altLabel", literal(a))
            for o in ent.originals:
                self.add(s, "skos:altLabel", literal(o, lang="zh-Hant"))
            for d in ent.docs:
                self.add(s, _q(KG.mentionedIn), iri(doc_iri(d, self.base)))
            if ent.label == "Industry" and industry_ids and ent.name in industry_ids:
                self.add(s, "skos:exactMatch", iri(INDUSTRY_SCHEME + industry_ids[ent.name]))

    def add_facts(self, entities: dict, facts: list[Fact]) -> int:
        n = 0
        for f in facts:
            if f.subject not in entities:
                continue
            subj = entities[f.subject]
            s = entity_iri(subj.label, subj.name, self.base)
            if f.predicate not in RELATIONS:
                raise ValueError(f"unknown relation {f.predicate!r}")
            if isinstance(f.object, tuple):
                if f.object not in entities or f.object == f.subject:
                    continue
                obj = entities[f.object]
                o = iri(entity_iri(obj.label, obj.name, self.base))
            else:
                o = literal(f.object)
            p = _q(KG[f.predicate])
            self.add(s, p, o)
            ev = f"{self.base}ev-{_h(s, p, o, f.doc, str(f.sent_start), f.rule)}"
            e = iri(ev)
            self.add(e, "a", "rdf:Statement")
            self.add(e, "a", _q(KG.Evidence))
            self.add(e, "rdf:subject", iri(s))
            self.add(e, "rdf:predicate", p)
            self.add(e, "rdf:object", o)
            d = iri(doc_iri(f.doc, self.base))
            self.add(e, _q(KG.document), d)
            self.add(e, "prov:wasDerivedFrom", d)
            self.add(e, _q(KG.sentence), literal(f.sentence))
            self.add(e, _q(KG.start), str(f.sent_start))
            self.add(e, _q(KG.end), str(f.sent_end))
            self.add(e, _q(KG.rule), literal(f.rule, lang=None))
            n += 1
        return n

    def turtle(self) -> str:
        lines = turtle_header()
        lines.append("")
        for s in sorted(self.triples):
            lines.append(turtle_block(s, self.triples[s]))
        return "\n".join(lines)

    def __len__(self) -> int:
        return sum(len(o) for preds in self.triples.values() for o in preds.values())
