"""Corpus entities and facts -> RDF, written as sorted, byte-stable Turtle.

IRIs are opaque: `<base><slug>-<16 hex>` from a hash of the type and folded canonical name, so
the same thing gets the same IRI in every build, and no Chinese text ends up in an IRI.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from typing import Iterator

from ..errors import KgError
from ..text import fold_name
from ..model import Fact
from .vocab import DEFAULT_BASE, KG, PREFIXES, RDF, RELATIONS, XSD

# A graph file declares every prefix but `id`: entity IRIs are written in full, whatever the base.
FILE_PREFIXES = {p: ns for p, ns in PREFIXES.items() if p != "id"}
IRI_SLUG = {"Zone": "zone", "Region": "region", "Enterprise": "enterprise", "Organization": "org",
            "Official": "official", "Industry": "industry", "Project": "project"}
INDUSTRY_SCHEME = "https://w3id.org/policykg/industry/"


def _h(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1 << 16)   # an entity's IRI is asked for by each of its facts (bounded: 1 GB has ~250k entities)
def entity_iri(etype: str, name: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}{IRI_SLUG[etype]}-{_h(etype, fold_name(name))}"


@lru_cache(maxsize=1024)   # asked for by every fact of the document, and results come by document
def doc_iri(rel_path: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}doc-{_h('doc', rel_path)}"


def literal(value: str, lang: str | None = "zh", datatype: str | None = None) -> str:
    """A Turtle string literal that any parser reads back as `value`.

    Quote, backslash and line ends are escaped as the grammar requires; other control and
    line-separator characters and noncharacters as \\uXXXX so the file stays readable; a lone
    surrogate (which no RDF string can hold) becomes U+FFFD.
    """
    body = _LIT_SPECIAL.sub(_escape_char, value)
    suffix = f"^^{datatype}" if datatype else f"@{lang}" if lang else ""
    return f'"{body}"{suffix}'


_LIT_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]')
_LIT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(m: re.Match) -> str:
    ch = m.group()
    if ch in _LIT_ESCAPES:
        return _LIT_ESCAPES[ch]
    if 0xD800 <= ord(ch) <= 0xDFFF:
        return "\ufffd"
    return f"\\u{ord(ch):04X}"


# Characters an IRIREF may not contain (Turtle grammar), percent-encoded by `iri`.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f\ud800-\udfff]')
_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^#]*(#[^#]*)?")


def iri(value: str) -> str:
    """`<value>`, with characters that cannot appear in an IRI percent-encoded."""
    if _IRI_UNSAFE.search(value):
        from urllib.parse import quote

        value = _IRI_UNSAFE.sub(lambda m: quote(m.group().encode("utf-8", "surrogatepass"), safe=""), value)
    return f"<{value}>"


def check_base(base: str) -> str:
    """The base IRI if it is absolute, ends with / or # and has no character an IRI cannot hold."""
    bad = _IRI_UNSAFE.search(base)
    if bad:
        raise KgError(f"base IRI {base!r} contains {bad.group()!r}, which an IRI cannot hold")
    if not _BASE.fullmatch(base) or not base.endswith(("/", "#")):
        raise KgError(f"base IRI {base!r} must be absolute (scheme:...) and end with '/' or '#'")
    return base


@lru_cache(maxsize=256)   # the vocabulary: a few dozen terms, each written for every fact
def _q(term: str) -> str:
    """A vocabulary IRI as a prefixed name."""
    for prefix, ns in FILE_PREFIXES.items():
        if term.startswith(ns):
            return f"{prefix}:{term[len(ns):]}"
    return iri(term)


@lru_cache(maxsize=1)
def _evidence_terms() -> dict[str, str]:
    """The prefixed names of the relations and of the evidence properties (looked up once)."""
    return {name: _q(KG[name]) for name in (*RELATIONS, "Evidence", "document", "sentence", "start", "end", "page", "rule")}


def turtle_header() -> list[str]:
    """The @prefix lines every graph file starts with."""
    return [f"@prefix {p}: <{ns}> ." for p, ns in sorted(FILE_PREFIXES.items())]


def turtle_block(s: str, preds: dict) -> str:
    """One subject with all its predicates and objects, sorted (the unit of a graph file)."""
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
        self.base = check_base(base)
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
            if d["encoding"]:  # a text or HTML file's; PDF and Word files have none
                self.add(s, _q(KG.encoding), literal(d["encoding"], lang=None))
            self.add(s, _q(KG.sourceScript), literal(d["script"], lang=None))

    def add_entities(self, entities: dict, industry_ids: dict | None = None) -> None:
        for ent in entities.values():
            s = entity_iri(ent.type, ent.name, self.base)
            self.add(s, "a", _q(KG[ent.type]))
            self.add(s, "rdfs:label", literal(ent.name))
            for a in ent.aliases:
                if fold_name(a) != fold_name(ent.name):
                    self.add(s, "skos:altLabel", literal(a))
            for o in ent.originals:
                self.add(s, "skos:altLabel", literal(o, lang="zh-Hant"))
            for d in ent.docs:
                self.add(s, _q(KG.mentionedIn), iri(doc_iri(d, self.base)))
            if ent.type == "Industry" and industry_ids and ent.name in industry_ids:
                self.add(s, "skos:exactMatch", iri(INDUSTRY_SCHEME + industry_ids[ent.name]))

    def add_facts(self, entities: dict, facts: list[Fact]) -> int:
        n = 0
        t = _evidence_terms()
        base = self.base
        for f in facts:
            if f.subject not in entities:
                continue
            subj = entities[f.subject]
            s = entity_iri(subj.type, subj.name, base)
            if f.predicate not in RELATIONS:
                raise ValueError(f"unknown relation {f.predicate!r}")
            if isinstance(f.object, tuple):
                if f.object not in entities or f.object == f.subject:
                    continue
                obj = entities[f.object]
                o = iri(entity_iri(obj.type, obj.name, base))
            else:
                o = literal(f.object)
            p = t[f.predicate]
            self.add(s, p, o)
            e = iri(f"{base}ev-{_h(s, p, o, f.doc, str(f.sent_start), f.rule)}")
            d = iri(doc_iri(f.doc, base))
            evidence = [("a", "rdf:Statement"), ("a", t["Evidence"]), ("rdf:subject", iri(s)), ("rdf:predicate", p),
                        ("rdf:object", o), (t["document"], d), ("prov:wasDerivedFrom", d),
                        (t["sentence"], literal(f.sentence)), (t["start"], str(f.sent_start)),
                        (t["end"], str(f.sent_end))]
            if f.page is not None:  # paged documents only: .txt graphs keep their bytes
                evidence.append((t["page"], str(f.page)))
            evidence.append((t["rule"], literal(f.rule, lang=None)))
            self.add_many(e, evidence)
            n += 1
        return n

    def add_many(self, s: str, pairs: list[tuple[str, str]]) -> None:
        """`add(s, p, o)` for each (p, o)."""
        for p, o in pairs:
            self.add(s, p, o)

    def turtle(self) -> str:
        lines = turtle_header()
        lines.append("")
        for s in sorted(self.triples):
            lines.append(turtle_block(s, self.triples[s]))
        return "\n".join(lines)

    def __len__(self) -> int:
        return sum(len(o) for preds in self.triples.values() for o in preds.values())


class SpoolingGraphBuilder(GraphBuilder):
    """A GraphBuilder for graphs larger than memory: same triples, same bytes as `turtle()`.

    Triples are kept as lines in partitions of the subject order (the IRI up to its last `-`,
    then the first `fanout` characters after it) and spilled to files in `spool_dir` once
    `buffer_chars` are held; `write_turtle` then sorts one partition at a time.
    """

    def __init__(self, base: str = DEFAULT_BASE, spool_dir=None, *, buffer_chars: int = 64 << 20, fanout: int = 2):
        super().__init__(base)
        self.spool_dir = spool_dir
        self.buffer_chars = buffer_chars
        self.fanout = fanout
        self._buf: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._held = 0
        self._spilled: dict[tuple[str, str], str] = {}
        self.count: int | None = None

    def add(self, s: str, p: str, o: str) -> None:
        group, _, rest = s.rpartition("-")
        line = f"{s}\t{p}\t{o}\n"
        self._buf[(group, rest[:self.fanout])].append(line)
        self._held += len(line)
        if self._held > self.buffer_chars and self.spool_dir is not None:
            self.spill()

    def add_many(self, s: str, pairs: list[tuple[str, str]]) -> None:
        """`add(s, p, o)` for each (p, o), the subject's partition found once."""
        group, _, rest = s.rpartition("-")
        lines = [f"{s}\t{p}\t{o}\n" for p, o in pairs]
        self._buf[(group, rest[:self.fanout])].extend(lines)
        self._held += sum(map(len, lines))
        if self._held > self.buffer_chars and self.spool_dir is not None:
            self.spill()

    def spill(self) -> None:
        import os

        for key, lines in self._buf.items():
            name = self._spilled.get(key)
            if name is None:
                name = self._spilled[key] = os.path.join(self.spool_dir, f"part-{len(self._spilled):05d}.tsv")
            with open(name, "a", encoding="utf-8", newline="\n") as fh:
                fh.write("".join(lines))
        self._buf.clear()
        self._held = 0

    def _partitions(self) -> list[tuple[str, str]]:
        keys = sorted(set(self._buf) | set(self._spilled))
        groups = sorted({g for g, _ in keys})
        if any(b.startswith(a) for a, b in zip(groups, groups[1:])):
            return []  # subject forms whose partition order is not their sort order: one partition
        return keys

    def _lines(self, key) -> Iterator[str]:
        name = self._spilled.get(key)
        if name is not None:
            with open(name, encoding="utf-8", newline="\n") as fh:
                yield from fh
        yield from self._buf.get(key, ())

    def write_turtle(self, fh) -> int:
        """Write the graph to the text stream fh, byte-identical to `GraphBuilder.turtle()`;
        returns the number of distinct triples."""
        keys = self._partitions()
        groups = [[k] for k in keys] if keys else [sorted(set(self._buf) | set(self._spilled))]
        fh.write("\n".join(turtle_header()) + "\n")
        count = 0
        for group in groups:
            triples: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
            for key in group:
                for line in self._lines(key):
                    s, p, o = line[:-1].split("\t", 2)
                    triples[s][p].add(o)
            for s in sorted(triples):
                preds = triples[s]
                count += sum(len(o) for o in preds.values())
                fh.write("\n" + turtle_block(s, preds))
        self.count = count
        return count

    def turtle(self) -> str:
        import io

        buf = io.StringIO()
        self.write_turtle(buf)
        return buf.getvalue()

    def __len__(self) -> int:
        if self.count is None:
            raise RuntimeError("the triple count is known once the graph is written")
        return self.count


# ---------------------------------------------------------------------------- N-Triples / N-Quads

RDF_TYPE = RDF + "type"
XSD_INTEGER = XSD + "integer"


def nt_term(term: str) -> str:
    """A term as GraphBuilder holds it (prefixed name, `a`, literal, integer, IRI) in N-Triples syntax."""
    if term.startswith("<"):
        return term
    if term.startswith('"'):
        end = term.rfind('"')
        tail = term[end + 1:]
        return term[:end + 1] + "^^" + nt_term(tail[2:]) if tail.startswith("^^") else term
    if term == "a":
        return f"<{RDF_TYPE}>"
    if term[:1].isdigit() or (term[:1] == "-" and term[1:2].isdigit()):
        return f'"{term}"^^<{XSD_INTEGER}>'
    prefix, _, local = term.partition(":")
    if prefix in FILE_PREFIXES:
        return f"<{FILE_PREFIXES[prefix]}{local}>"
    return f"<{term}>"


def nquad(s: str, p: str, o: str, graph: str | None = None) -> str:
    """One N-Quads line (an N-Triples line when graph is None) for a GraphBuilder triple."""
    subj = s if s.startswith("<") else f"<{s}>"
    g = f" <{graph}>" if graph else ""
    return f"{subj} {nt_term(p)} {nt_term(o)}{g} .\n"
