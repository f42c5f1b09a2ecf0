"""Interactive, self-contained HTML view of a built graph (`kg viz`).

The page is one UTF-8 file: vis-network is inlined from the installed pyvis package, the graph
is embedded as escaped JSON and drawn by our own small script (kg/static/viz.js) that renders
every untrusted string with textContent. Nothing is fetched from any network, and a
Content-Security-Policy with script hashes keeps injected markup inert even if it slipped in.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import KgError
from ..rdf.vocab import ENTITY_CLASSES, NS

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"

# class -> (zh name, colour, vis shape); shapes that draw the label below keep node sizes equal.
CLASS_STYLE = {
    "Zone": ("园区", "#e6550d", "star"),
    "Region": ("行政区", "#3182bd", "hexagon"),
    "Enterprise": ("企业", "#31a354", "dot"),
    "Organization": ("机构", "#756bb1", "square"),
    "Official": ("官员", "#d6616b", "triangle"),
    "Industry": ("产业", "#b8a100", "diamond"),
    "Project": ("项目", "#17becf", "triangleDown"),
}
DOCUMENT_STYLE = ("文档", "#8c8c8c", "box")
# The object properties drawn as edges; holdsPost is a literal shown in the node details.
RELATION_STYLE = {
    "locatedIn": ("位于", "#6baed6"),
    "developsIndustry": ("发展产业", "#fd8d3c"),
    "inIndustry": ("所属产业", "#74c476"),
    "servesIn": ("任职于", "#e377c2"),
    "cooperatesWith": ("合作", "#9e9ac8"),
}
LABEL_MAX_CHARS = 16

_STATIC = Path(__file__).with_name("static")
_TOKEN = re.compile(r"@@KG_([A-Z_]+)@@")


class VizError(KgError, ValueError):
    """The graph or an option cannot be turned into a page; the message names the file or option."""


@dataclass(frozen=True)
class Lit:
    """A literal from either RDF library, reduced to what the page needs."""

    value: str
    lang: str | None = None


@dataclass
class VizSummary:
    """What `render` wrote: counts drawn and the page size."""

    path: Path
    nodes: int
    edges: int
    documents: int
    evidence: int
    bytes: int
    layout: str
    dropped_nodes: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        """One-line human summary for the CLI."""
        extra = f", {self.dropped_nodes} nodes left out (--max-nodes)" if self.dropped_nodes else ""
        return (f"wrote {self.path}: {self.nodes} nodes, {self.edges} edges, "
                f"{self.documents} documents, {self.evidence} evidence, {self.bytes} bytes, "
                f"layout {self.layout}{extra}")


# --------------------------------------------------------------------------- reading


def _triples_from_file(path: Path) -> Iterator[tuple[str, str, object]]:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    try:
        for q in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            yield _ox_term(q.subject), q.predicate.value, _ox_term(q.object)
    except SyntaxError as exc:
        raise VizError(f"{path}: not valid {fmt.name}: {exc}") from None
    except OSError as exc:
        raise VizError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _ox_term(t):
    import pyoxigraph as ox

    if isinstance(t, ox.Literal):
        return Lit(t.value, t.language)
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    return getattr(t, "value", str(t))


def _triples_from_rdflib(g) -> Iterator[tuple[str, str, object]]:
    from rdflib import BNode, Literal

    def term(t):
        if isinstance(t, Literal):
            return Lit(str(t), t.language)
        if isinstance(t, BNode):
            return "_:" + str(t)
        return str(t)

    for s, p, o in g:
        yield term(s), str(p), term(o)


def _pick_label(lits: list[Lit]) -> str | None:
    """Prefer @zh, then untagged, then any; stable for equal choices."""
    if not lits:
        return None
    ranked = sorted(lits, key=lambda lt: (lt.lang not in ("zh", "zh-cn", "zh-hans"), lt.lang is not None, lt.value))
    return ranked[0].value


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] or iri


class _Model:
    """Entities, relations, documents and evidence read from one graph."""

    def __init__(self, triples: Iterable[tuple[str, str, object]]):
        cls_iris = {NS + c: c for c in ENTITY_CLASSES}
        rel_iris = {NS + r: r for r in RELATION_STYLE}
        types: dict[str, set[str]] = {}
        labels: dict[str, list[Lit]] = {}
        alts: dict[str, list[str]] = {}
        posts: dict[str, list[str]] = {}
        mentions: dict[str, list[str]] = {}
        rels: list[tuple[str, str, str]] = []
        props: dict[str, dict[str, list]] = {}   # documents' and evidence nodes' properties
        doc_iris: set[str] = set()
        ev_iris: set[str] = set()
        ev_props = {RDF + "subject", RDF + "predicate", RDF + "object", NS + "document", NS + "sentence",
                    NS + "rule", NS + "start", NS + "end"}
        doc_props = {DCT + "title", DCT + "date", DCT + "source", NS + "sourceFile"}
        for s, p, o in triples:
            if p == RDF + "type" and isinstance(o, str):
                if o in cls_iris:
                    types.setdefault(s, set()).add(cls_iris[o])
                elif o == NS + "Document":
                    doc_iris.add(s)
                elif o in (RDF + "Statement", NS + "Evidence"):
                    ev_iris.add(s)
            elif p == RDFS + "label" and isinstance(o, Lit):
                labels.setdefault(s, []).append(o)
            elif p == SKOS + "altLabel" and isinstance(o, Lit):
                alts.setdefault(s, []).append(o.value)
            elif p == NS + "holdsPost" and isinstance(o, Lit):
                posts.setdefault(s, []).append(o.value)
            elif p == NS + "mentionedIn" and isinstance(o, str):
                mentions.setdefault(s, []).append(o)
            elif p in rel_iris and isinstance(o, str):
                rels.append((s, rel_iris[p], o))
            elif p in ev_props or p in doc_props:
                props.setdefault(s, {}).setdefault(p, []).append(o)

        def one(node: str, prop: str):
            vals = props.get(node, {}).get(prop)
            if not vals:
                return None
            return min(vals, key=lambda v: (not isinstance(v, Lit) or v.lang != "zh", str(v)))

        def text(v) -> str | None:
            return v.value if isinstance(v, Lit) else v

        self.entities: dict[str, dict] = {}
        for iri in sorted(types):
            cls = next(c for c in ENTITY_CLASSES if c in types[iri])
            label = _pick_label(labels.get(iri, [])) or _local(iri)
            aliases = sorted({a for a in alts.get(iri, []) if a != label})
            self.entities[iri] = {"iri": iri, "cls": cls, "label": label, "aliases": aliases,
                                  "posts": sorted(set(posts.get(iri, []))),
                                  "docs": sorted(set(mentions.get(iri, [])))}
        self.relations = sorted({r for r in rels if r[0] in self.entities and r[2] in self.entities})

        self.documents: dict[str, dict] = {}
        doc_iris |= {d for e in self.entities.values() for d in e["docs"]}
        for iri in sorted(doc_iris):
            self.documents[iri] = {"iri": iri, "title": text(one(iri, DCT + "title")),
                                   "date": text(one(iri, DCT + "date")),
                                   "source": text(one(iri, DCT + "source")),
                                   "file": text(one(iri, NS + "sourceFile"))}

        # evidence keyed by (subject, relation local name, object IRI or post literal)
        self.evidence: dict[tuple[str, str, str], list[dict]] = {}
        for iri in sorted(ev_iris):
            s, p, o = (one(iri, RDF + x) for x in ("subject", "predicate", "object"))
            if not (isinstance(s, str) and isinstance(p, str) and o is not None and p.startswith(NS)):
                continue
            doc = text(one(iri, NS + "document"))
            ev = {"iri": iri, "sentence": text(one(iri, NS + "sentence")) or "",
                  "doc": doc, "rule": text(one(iri, NS + "rule")),
                  "start": _int(one(iri, NS + "start")), "end": _int(one(iri, NS + "end"))}
            if doc and doc not in self.documents:
                self.documents[doc] = {"iri": doc, "title": None, "date": None, "source": None, "file": None}
            self.evidence.setdefault((s, p[len(NS):], text(o)), []).append(ev)
        for evs in self.evidence.values():
            evs.sort(key=lambda e: (e["doc"] or "", e["start"] if e["start"] is not None else -1, e["iri"]))


def _int(v) -> int | None:
    try:
        return int(v.value if isinstance(v, Lit) else v)
    except (TypeError, ValueError):
        return None


def _load(graph) -> tuple[_Model, str]:
    if isinstance(graph, (str, os.PathLike)):
        path = Path(graph)
        if not path.is_file():
            raise VizError(f"{path}: no such graph file")
        return _Model(_triples_from_file(path)), str(path)
    if hasattr(graph, "triples") and hasattr(graph, "__iter__"):
        return _Model(_triples_from_rdflib(graph)), "graph"
    raise TypeError(f"graph must be a path or an rdflib Graph, not {type(graph).__name__}")


# --------------------------------------------------------------------------- selecting


def _doc_matches(doc: dict, wanted: str) -> bool:
    if wanted in (doc["iri"], _local(doc["iri"])):
        return True
    f = doc.get("file") or ""
    name = Path(f).name
    return bool(f) and (f == wanted or name == wanted or Path(name).stem == wanted or name.startswith(wanted))


def _select(model: _Model, types, docs, max_nodes) -> tuple[list[str], set[str] | None, int]:
    """Entity IRIs to draw (ordered), the documents in scope (None = all) and how many were dropped."""
    keep = list(model.entities)
    if types:
        by_lower = {c.lower(): c for c in ENTITY_CLASSES}
        unknown = sorted(t for t in types if t.lower() not in by_lower)
        if unknown:
            raise VizError(f"unknown entity type(s) {', '.join(unknown)}; known: {', '.join(ENTITY_CLASSES)}")
        wanted = {by_lower[t.lower()] for t in types}
        keep = [i for i in keep if model.entities[i]["cls"] in wanted]
    doc_scope = None
    if docs:
        doc_scope = {d for d in model.documents if any(_doc_matches(model.documents[d], w) for w in docs)}
        if not doc_scope:
            raise VizError(f"no document matches {', '.join(docs)}")
        keep = [i for i in keep if doc_scope.intersection(model.entities[i]["docs"])]
    dropped = 0
    if max_nodes is not None and len(keep) > max_nodes:
        if max_nodes < 0:
            raise VizError("max_nodes must be >= 0")
        kept = set(keep)
        degree = dict.fromkeys(keep, 0)
        for s, _, o in model.relations:
            if s in kept and o in kept:
                degree[s] += 1
                degree[o] += 1
        ranked = sorted(keep, key=lambda i: (-degree[i], model.entities[i]["label"], i))[:max_nodes]
        dropped = len(keep) - max_nodes
        keep = sorted(ranked)
    return keep, doc_scope, dropped


# --------------------------------------------------------------------------- search folding


def _folder():
    """Fold text for search: NFKC, lower case, traditional -> simplified per character."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    cache: dict[str, str] = {}

    def char(c: str) -> str:
        r = cache.get(c)
        if r is None:
            r = t2s.convert(c) if ord(c) > 0x2E7F else c
            r = cache[c] = r if len(r) == 1 else c
        return r

    def fold(s: str) -> str:
        return "".join(char(c) for c in unicodedata.normalize("NFKC", s).lower())

    def js_map(strings: Iterable[str]) -> dict[str, str]:
        """Traditional (and variant) characters -> simplified, for the characters in `strings`."""
        convs = [opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk")]
        out: dict[str, str] = {}
        seen: set[str] = set()
        for s in strings:
            for c in unicodedata.normalize("NFKC", s).lower():
                if c in seen or ord(c) <= 0x2E7F:
                    continue
                seen.add(c)
                simp = char(c)
                if simp != c:
                    out[c] = simp
                for cc in convs:
                    v = cc.convert(simp)
                    if len(v) == 1 and v != simp:
                        out.setdefault(v, simp)
        return dict(sorted(out.items()))

    return fold, js_map


# --------------------------------------------------------------------------- layout


def _layout(n: int, edges: list[tuple[int, int]], seed: int = 7) -> list[tuple[float, float]]:
    """Deterministic force-directed positions computed here (networkx; needs numpy, and scipy from 500 nodes).

    Slower to write than the in-browser layout (about 20 s against 1.5 s for 2,000 nodes) but the page
    then opens without any physics; see benchmarks/viz_bench.py.
    """
    import networkx as nx

    try:
        import numpy  # noqa: F401
        if n >= 500:
            import scipy  # noqa: F401
    except ImportError as exc:
        raise VizError(f"a precomputed layout needs numpy{' and scipy' if n >= 500 else ''} "
                         f"({exc}); install them or keep the in-browser layout (physics)") from None
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    pos = nx.spring_layout(g, seed=seed, iterations=50)
    scale = 40.0 * max(n, 1) ** 0.5
    return [(round(float(pos[i][0]) * scale, 1), round(float(pos[i][1]) * scale, 1)) for i in range(n)]


# --------------------------------------------------------------------------- page


def _safe_json(obj) -> str:
    """JSON that can sit inside a <script> element: no `<`, `>`, `&`, U+2028 or U+2029 left raw."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@functools.lru_cache(maxsize=1)
def _vis_library() -> str:
    """vis-network as shipped inside the installed pyvis package."""
    import pyvis

    libs = sorted((Path(pyvis.__file__).parent / "templates" / "lib").glob("vis-*/vis-network.min.js"),
                  key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.parent.name)))
    if not libs:
        raise RuntimeError("the installed pyvis package has no bundled vis-network.min.js")
    js = libs[-1].read_text(encoding="utf-8")
    # the .map file is not shipped; a dangling reference would make devtools fetch it
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    if "</script" in js.lower() or "<!--" in js:
        raise RuntimeError(f"{libs[-1]} contains '</script' or '<!--' and cannot be inlined")
    return js


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def build_page_data(graph, *, title: str | None = None, max_nodes: int | None = None,
                    physics: bool | None = None, types: Iterable[str] | None = None,
                    docs: Iterable[str] | None = None) -> tuple[dict, dict]:
    """The JSON the page embeds, plus counts for the summary (no file is written)."""
    from pyvis.network import Network

    model, source = _load(graph)
    types = [t.strip() for t in (types or []) if t.strip()]
    docs = [d.strip() for d in (docs or []) if d.strip()]
    keep, doc_scope, dropped = _select(model, types, docs, max_nodes)
    index = {iri: i for i, iri in enumerate(keep)}

    def in_scope(ev: dict) -> bool:
        return doc_scope is None or ev["doc"] in doc_scope

    doc_list = [d for d in model.documents if doc_scope is None or d in doc_scope]
    ents = [model.entities[i] for i in keep]
    used_docs = {d for e in ents for d in e["docs"]} | set(doc_list if doc_scope else [])
    doc_list = [d for d in doc_list if d in used_docs]
    doc_index = {d: j for j, d in enumerate(doc_list)}

    evidence: list[dict] = []

    def add_evidence(evs: list[dict]) -> list[int]:
        out = []
        for ev in evs:
            if in_scope(ev):
                if ev["doc"] and ev["doc"] not in doc_index:
                    doc_index[ev["doc"]] = len(doc_list)
                    doc_list.append(ev["doc"])
                out.append(len(evidence))
                evidence.append({"sentence": ev["sentence"], "doc": doc_index.get(ev["doc"]),
                                 "rule": ev["rule"], "start": ev["start"], "end": ev["end"]})
        return out

    rel_edges = []
    for s, rel, o in model.relations:
        if s in index and o in index:
            evs = add_evidence(model.evidence.get((s, rel, o), []))
            if doc_scope is not None and not evs and model.evidence.get((s, rel, o)):
                continue  # a relation only evidenced outside the chosen documents
            rel_edges.append((index[s], rel, index[o], evs))

    entities = []
    for i, e in enumerate(ents):
        posts = [{"post": p, "ev": add_evidence(model.evidence.get((e["iri"], "holdsPost", p), []))}
                 for p in e["posts"]]
        entities.append({"iri": e["iri"], "cls": e["cls"], "label": e["label"], "aliases": e["aliases"],
                         "posts": posts, "docs": [doc_index[d] for d in e["docs"] if d in doc_index]})

    n_ent, n_doc = len(entities), len(doc_list)
    physics = physics is None or bool(physics)
    positions = None
    if not physics:
        mention_pairs = [(i, n_ent + d) for i, e in enumerate(entities) for d in e["docs"]]
        positions = _layout(n_ent + n_doc, [(s, o) for s, _, o, _ in rel_edges] + mention_pairs)

    net = Network(directed=True, cdn_resources="in_line")
    for i, e in enumerate(entities):
        opts = {"group": e["cls"]}
        if positions:
            opts.update(x=positions[i][0], y=positions[i][1])
        net.add_node(i, label=_short(e["label"]), shape=CLASS_STYLE[e["cls"]][2], **opts)
    documents = []
    for j, d in enumerate(doc_list):
        doc = model.documents.get(d) or {"iri": d, "title": None, "date": None, "source": None, "file": None}
        documents.append({k: doc[k] for k in ("iri", "title", "date", "source", "file")})
        opts = {"group": "Document", "kind": "doc"}
        if positions:
            opts.update(x=positions[n_ent + j][0], y=positions[n_ent + j][1])
        net.add_node(n_ent + j, label=_short(doc["title"] or doc["file"] or _local(d), 12),
                     shape=DOCUMENT_STYLE[2], **opts)
    for k, (s, rel, o, evs) in enumerate(rel_edges):
        net.add_edge(s, o, id=k, rel=rel, label=RELATION_STYLE[rel][0], color=RELATION_STYLE[rel][1], ev=evs)
    m = 0
    for i, e in enumerate(entities):
        for d in e["docs"]:
            net.add_edge(i, n_ent + d, id=f"m{m}", kind="mention", color="#d0d0d0", dashes=True)
            m += 1
    vis_nodes, vis_edges, *_ = net.get_network_data()
    for node in vis_nodes:  # pyvis adds presentation keys that the groups below set instead
        node.pop("color", None)
        node.pop("font", None)
        if "group" in node:
            node.pop("shape", None)

    fold, js_map = _folder()
    names = [s for e in entities for s in [e["label"], *e["aliases"]]]
    for e in entities:
        e["keys"] = "\u0001".join(fold(s) for s in [e["label"], *e["aliases"]])

    n_nodes = n_ent + n_doc
    big = n_nodes > 1000 or len(rel_edges) > 2000
    options = {
        "autoResize": True,
        "groups": {c: {"color": {"background": col, "border": _darker(col),
                                 "highlight": {"background": col, "border": "#000000"}},
                       "shape": shape} for c, (_, col, shape) in CLASS_STYLE.items()}
                  | {"Document": {"color": {"background": "#f0f0f0", "border": DOCUMENT_STYLE[1]},
                                  "shape": DOCUMENT_STYLE[2], "font": {"size": 11}}},
        "nodes": {"size": 14, "font": {"size": 14, "face": "Noto Sans CJK SC, Source Han Sans SC, "
                                                          "Microsoft YaHei, PingFang SC, sans-serif"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "font": {"size": 10, "align": "horizontal", "strokeWidth": 3},
                  "smooth": False if big else {"type": "continuous"}, "width": 1.2,
                  "color": {"inherit": False}},
        "interaction": {"hover": not big, "hideEdgesOnDrag": big, "tooltipDelay": 300,
                        "navigationButtons": False, "keyboard": False},
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "physics": _physics_options(n_nodes) if physics else {"enabled": False},
    }
    data = {
        "title": title or _default_title(source),
        "layout": "physics" if physics else "precomputed",
        "classes": [{"id": c, "zh": CLASS_STYLE[c][0], "color": CLASS_STYLE[c][1], "shape": CLASS_STYLE[c][2],
                     "count": sum(e["cls"] == c for e in entities)} for c in ENTITY_CLASSES],
        "documentStyle": {"zh": DOCUMENT_STYLE[0], "color": DOCUMENT_STYLE[1], "shape": DOCUMENT_STYLE[2]},
        "relations": [{"id": r, "zh": zh, "color": col, "count": sum(x[1] == r for x in rel_edges)}
                      for r, (zh, col) in RELATION_STYLE.items()],
        "entities": entities,
        "documents": documents,
        "evidence": evidence,
        "fold": js_map(names),
        "vis": {"nodes": vis_nodes, "edges": vis_edges, "options": options},
    }
    counts = {"nodes": n_ent, "edges": len(rel_edges), "documents": n_doc, "evidence": len(evidence),
              "dropped": dropped, "layout": data["layout"],
              "classes": {c["id"]: c["count"] for c in data["classes"]},
              "relations": {r["id"]: r["count"] for r in data["relations"]}}
    return data, counts


def _physics_options(n: int) -> dict:
    """In-browser layout: a capped stabilisation, after which viz.js switches physics off.

    The cap keeps nodes x iterations bounded: about 150 iterations (5 s in headless Chromium on
    2 cores) for 2,000 nodes, 400 for small graphs. Batches of 10 keep the page responsive.
    """
    return {"enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 80, "springConstant": 0.08,
                                 "avoidOverlap": 0.3 if n <= 300 else 0},
            "stabilization": {"enabled": True, "iterations": max(100, min(400, 300_000 // max(n, 1))),
                              "updateInterval": 10, "fit": True},
            "minVelocity": 1.0}


def _short(s: str, n: int = LABEL_MAX_CHARS) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _darker(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#%02x%02x%02x" % (r * 3 // 4, g * 3 // 4, b * 3 // 4)


def _default_title(source: str) -> str:
    return f"知识图谱 · {Path(source).name}" if source != "graph" else "知识图谱"


def page_html(data: dict) -> str:
    """The complete HTML document for `data` (from build_page_data)."""
    import html

    vis_js = _vis_library()
    app_js = (_STATIC / "viz.js").read_text(encoding="utf-8")
    app_css = (_STATIC / "viz.css").read_text(encoding="utf-8")
    template = (_STATIC / "viz.html").read_text(encoding="utf-8")
    csp = ("default-src 'none'; script-src " + _csp_hash(vis_js) + " " + _csp_hash(app_js)
           + "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
           "form-action 'none'; base-uri 'none'")
    parts = {"TITLE": html.escape(data["title"]), "CSP": html.escape(csp), "CSS": app_css,
             "VIS_JS": vis_js, "APP_JS": app_js, "DATA": _safe_json(data)}
    if "</style" in app_css.lower() or "</script" in app_js.lower():
        raise RuntimeError("kg/static assets must not contain closing tags")
    return _TOKEN.sub(lambda m: parts[m.group(1)], template)


def _write_atomic(path: Path, text: str) -> int:
    from ..fsutil import atomic_write_bytes

    data = text.encode("utf-8")
    atomic_write_bytes(path, data)
    return len(data)


def render(graph, out_path, *, title: str | None = None, max_nodes: int | None = None,
           physics: bool | None = None, types: Iterable[str] | None = None,
           docs: Iterable[str] | None = None) -> VizSummary:
    """Write an offline, self-contained HTML page exploring `graph` (a Turtle path or rdflib Graph).

    physics: True or None (default) = layout by vis physics in the browser, stopped after a capped
    stabilisation and then frozen; False = layout computed here with networkx (needs numpy/scipy).
    types / docs restrict the page to entity classes / documents (source file, its stem or prefix, or IRI).
    """
    t0 = time.perf_counter()
    data, counts = build_page_data(graph, title=title, max_nodes=max_nodes, physics=physics,
                                   types=types, docs=docs)
    out = Path(out_path)
    size = _write_atomic(out, page_html(data))
    return VizSummary(path=out, nodes=counts["nodes"], edges=counts["edges"], documents=counts["documents"],
                      evidence=counts["evidence"], bytes=size, layout=counts["layout"],
                      dropped_nodes=counts["dropped"], classes=counts["classes"],
                      relations=counts["relations"], seconds=round(time.perf_counter() - t0, 3))
