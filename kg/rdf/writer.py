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


@lru_cache(maxsize=1 << 16)   # entity and document IRIs, each written for many facts and mentions
def _ref(value: str) -> str:
    """`iri(value)`, remembered."""
    return iri(value)


@lru_cache(maxsize=1024)   # a few hundred rules, each the rule of many facts
def _rule_literal(rule: str) -> str:
    return literal(rule, lang=None)


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


# The variable parts of an evidence node, in the order `add_evidence` gets them.
EVIDENCE_FIELDS = ("subject", "predicate", "object", "document", "sentence", "start", "end", "page", "rule")


def evidence_pairs(fields) -> list[tuple[str, str]]:
    """The (predicate, object) pairs of an evidence node with these `EVIDENCE_FIELDS`."""
    t = _evidence_terms()
    s, p, o, d, sentence, start, end, page, rule = fields
    pairs = [("a", "rdf:Statement"), ("a", t["Evidence"]), ("rdf:subject", s), ("rdf:predicate", p),
             ("rdf:object", o), (t["document"], d), ("prov:wasDerivedFrom", d), (t["sentence"], sentence),
             (t["start"], start), (t["end"], end)]
    if page:  # paged documents only: .txt graphs keep their bytes
        pairs.append((t["page"], page))
    pairs.append((t["rule"], rule))
    return pairs


@lru_cache(maxsize=2)
def _evidence_template(paged: bool) -> tuple[str, int]:
    """`turtle_block` of an evidence node as a `str.format` template ({0}: the node, {1}...{9}:
    its `EVIDENCE_FIELDS`), and its number of triples.

    Made by `turtle_block` itself from placeholder objects, so the order of predicates and
    objects is the one it writes; only the vocabulary terms (no braces) are literal text."""
    fields = [f"{{{i}}}" for i in range(1, len(EVIDENCE_FIELDS) + 1)]
    if not paged:
        fields[EVIDENCE_FIELDS.index("page")] = ""
    preds: dict[str, set[str]] = defaultdict(set)
    for p, o in evidence_pairs(fields):
        assert "{" not in p and (o.startswith("{") or "{" not in o)
        preds[p].add(o)
    block = turtle_block("<>", preds)
    return "{0}" + block[2:], sum(map(len, preds.values()))


class GraphBuilder:
    """Collects triples as (subject, predicate, object-in-Turtle-syntax) and writes them sorted."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = check_base(base)
        self.triples: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._doc_refs: dict[str, str] = {}   # document path -> <IRI>, for its facts and mentions

    def _doc_ref(self, rel_path: str) -> str:
        """`iri(doc_iri(rel_path))`, once per document for the whole build: facts come by document,
        entity mentions in no document order (a bounded cache misses on a large corpus)."""
        ref = self._doc_refs.get(rel_path)
        if ref is None:
            ref = self._doc_refs[rel_path] = iri(doc_iri(rel_path, self.base))
        return ref

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
        mentioned, base = _q(KG.mentionedIn), self.base
        for ent in entities.values():
            s = entity_iri(ent.type, ent.name, base)
            pairs = [("a", _q(KG[ent.type])), ("rdfs:label", literal(ent.name))]
            for a in ent.aliases:
                if fold_name(a) != fold_name(ent.name):
                    pairs.append(("skos:altLabel", literal(a)))
            for o in ent.originals:
                pairs.append(("skos:altLabel", literal(o, lang="zh-Hant")))
            for d in ent.docs:
                pairs.append((mentioned, self._doc_ref(d)))
            if ent.type == "Industry" and industry_ids and ent.name in industry_ids:
                pairs.append(("skos:exactMatch", iri(INDUSTRY_SCHEME + industry_ids[ent.name])))
            self.add_many(s, pairs)

    def add_facts(self, entities: dict, facts: list[Fact]) -> int:
        n = 0
        t = _evidence_terms()
        base = self.base
        sentences: dict[str, str] = {}   # a sentence's literal, for each of its facts
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
                o = _ref(entity_iri(obj.type, obj.name, base))
            else:
                o = literal(f.object)
            p = t[f.predicate]
            self.add(s, p, o)
            e = f"<{base}ev-{_h(s, p, o, f.doc, str(f.sent_start), f.rule)}>"   # = iri(): base checked, hex
            sentence = sentences.get(f.sentence)
            if sentence is None:
                sentence = sentences[f.sentence] = literal(f.sentence)
            self.add_evidence(e, (_ref(s), p, o, self._doc_ref(f.doc), sentence, str(f.sent_start),
                                  str(f.sent_end), "" if f.page is None else str(f.page), _rule_literal(f.rule)))
            n += 1
        return n

    def add_evidence(self, e: str, fields: tuple[str, ...]) -> None:
        """The triples of evidence node `e` (a reified statement); `fields` in `EVIDENCE_FIELDS`
        order, as Turtle terms, `page` "" when the document has no pages."""
        self.add_many(e, evidence_pairs(fields))

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


SPILL_FILES_OPEN = 128   # spill files kept open while the graph is written (a huge graph has more)


class SpoolingGraphBuilder(GraphBuilder):
    """A GraphBuilder for graphs larger than memory: same triples, same bytes as `turtle()`.

    Triples are kept as lines in partitions of the subject order (the IRI up to its last `-`,
    then the first `fanout` characters after it); an evidence node (most of a graph's triples)
    is kept as one line of its fields and written through a template. Once `buffer_chars` are
    held, every partition is spilled, one after the other, to one new file in `spool_dir`;
    `write_turtle` then reads and sorts one partition at a time.
    """

    def __init__(self, base: str = DEFAULT_BASE, spool_dir=None, *, buffer_chars: int = 64 << 20, fanout: int = 2):
        super().__init__(base)
        self.spool_dir = spool_dir
        self.buffer_chars = buffer_chars
        self.fanout = fanout
        # UTF-8 lines by partition, one buffer each (not one object per line: a third of the memory)
        self._buf: dict[tuple[str, str], bytearray] = defaultdict(bytearray)   # "s\tp\to\n"
        self._ev: dict[tuple[str, str], bytearray] = defaultdict(bytearray)    # "e\tfield\t...\n"
        self._held = 0
        self._spills: list[str] = []     # spill files, in order
        # partition -> [(spill file index, byte offset, byte length)] of its triples, of its evidence
        self._spilled: dict[tuple[str, str], list[tuple[int, int, int]]] = defaultdict(list)
        self._ev_spilled: dict[tuple[str, str], list[tuple[int, int, int]]] = defaultdict(list)
        self.count: int | None = None

    def add(self, s: str, p: str, o: str) -> None:
        group, _, rest = s.rpartition("-")
        line = f"{s}\t{p}\t{o}\n".encode("utf-8", "surrogatepass")
        self._buf[(group, rest[:self.fanout])] += line
        self._held += len(line)
        if self._held > self.buffer_chars and self.spool_dir is not None:
            self.spill()

    def add_many(self, s: str, pairs: list[tuple[str, str]]) -> None:
        """`add(s, p, o)` for each (p, o), the subject's partition found once."""
        group, _, rest = s.rpartition("-")
        lines = "".join([f"{s}\t{p}\t{o}\n" for p, o in pairs]).encode("utf-8", "surrogatepass")
        self._buf[(group, rest[:self.fanout])] += lines
        self._held += len(lines)
        if self._held > self.buffer_chars and self.spool_dir is not None:
            self.spill()

    def add_evidence(self, e: str, fields: tuple[str, ...]) -> None:
        """Evidence node `e` as one line of its fields (written by `_evidence_template`)."""
        group, _, rest = e.rpartition("-")
        line = (f"{e}\t" + "\t".join(fields) + "\n").encode("utf-8", "surrogatepass")
        self._ev[(group, rest[:self.fanout])] += line
        self._held += len(line)
        if self._held > self.buffer_chars and self.spool_dir is not None:
            self.spill()

    def spill(self) -> None:
        """Write every partition held to one new spill file, one after the other, noting where each went."""
        import os

        index = len(self._spills)
        name = os.path.join(self.spool_dir, f"spill-{index:05d}.tsv")
        offset = 0
        with open(name, "wb") as fh:
            for buf, spilled in ((self._buf, self._spilled), (self._ev, self._ev_spilled)):
                for key, data in buf.items():
                    fh.write(data)
                    spilled[key].append((index, offset, len(data)))
                    offset += len(data)
                buf.clear()
        self._spills.append(name)
        self._held = 0

    def _keys(self) -> list[tuple[str, str]]:
        return sorted(set(self._buf) | set(self._spilled) | set(self._ev) | set(self._ev_spilled))

    def _partitions(self) -> list[tuple[str, str]]:
        keys = self._keys()
        groups = sorted({g for g, _ in keys})
        if any(b.startswith(a) for a, b in zip(groups, groups[1:])):
            return []  # subject forms whose partition order is not their sort order: one partition
        return keys

    def _read(self, files: dict, chunks, held) -> str:
        """The text of a partition: its spilled chunks, then what is held in memory (`files`: the
        spill files open, by index, at most `SPILL_FILES_OPEN`)."""
        parts = []
        for index, offset, length in chunks:
            fh = files.get(index)
            if fh is None:
                if len(files) >= SPILL_FILES_OPEN:
                    files.pop(next(iter(files))).close()
                fh = files[index] = open(self._spills[index], "rb")
            fh.seek(offset)
            parts.append(fh.read(length))
        parts.append(held)
        return b"".join(parts).decode("utf-8", "surrogatepass")

    def write_turtle(self, fh) -> int:
        """Write the graph to the text stream fh, byte-identical to `GraphBuilder.turtle()`;
        returns the number of distinct triples."""
        keys = self._partitions()
        groups = [[k] for k in keys] if keys else [self._keys()]
        fh.write("\n".join(turtle_header()) + "\n")
        files: dict = {}
        try:
            count = 0
            for group in groups:
                text = "".join(self._read(files, self._spilled.get(k, ()), self._buf.get(k, b"")) for k in group)
                ev_text = "".join(self._read(files, self._ev_spilled.get(k, ()), self._ev.get(k, b"")) for k in group)
                count += _write_partition(fh, text, ev_text)
        finally:
            for f in files.values():
                f.close()
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


def _write_partition(fh, text: str, ev_text: str) -> int:
    """Write the subjects of one partition (triple lines `text`, evidence lines `ev_text`) in
    subject order, as `turtle_block` does; returns the number of distinct triples."""
    triples: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for line in text.split("\n")[:-1]:
        s, p, o = line.split("\t", 2)
        triples[s][p].add(o)
    evidence: dict[str, str] = {}
    odd: dict[str, set[str]] = defaultdict(set)   # evidence nodes given differing fields
    for line in ev_text.split("\n")[:-1]:
        e, _, rest = line.partition("\t")
        seen = evidence.setdefault(e, rest)
        if seen != rest:
            odd[e].update((seen, rest))
    # a node given differing fields, or other triples too, is written from the union of its triples
    for e in odd.keys() | (evidence.keys() & triples.keys()):
        preds = triples[e]
        for rest in odd.get(e) or (evidence[e],):
            for p, o in evidence_pairs(rest.split("\t")):
                preds[p].add(o)
        del evidence[e]
    count = sum(len(o) for preds in triples.values() for o in preds.values())
    plain, plain_n = _evidence_template(False)
    paged, paged_n = _evidence_template(True)
    plain, paged = "\n" + plain, "\n" + paged   # each block after an empty line
    page = EVIDENCE_FIELDS.index("page")
    out = []
    for s in sorted(triples.keys() | evidence.keys()):
        rest = evidence.get(s)
        if rest is None:
            out.append("\n" + turtle_block(s, triples[s]))
            continue
        fields = rest.split("\t")
        if fields[page]:
            out.append(paged.format(s, *fields))
            count += paged_n
        else:
            out.append(plain.format(s, *fields))
            count += plain_n
    fh.write("".join(out))
    return count


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
