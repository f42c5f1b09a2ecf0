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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import KgError
from ..rdf.reader import GraphModel, local_name, read_graph
from ..rdf.vocab import ENTITY_CLASSES

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


@dataclass
class _Graph:
    """A graph as the page shows it: entity, document and evidence records (dicts shaped like the
    page's JSON), and the relations drawn as edges."""

    entities: dict[str, dict]                         # IRI -> {iri, cls, label, aliases, posts, docs}
    relations: list[tuple[str, str, str]]             # (subject, relation, object) between entities
    documents: dict[str, dict]                        # IRI -> {iri, title, date, source, file}
    evidence: dict[tuple[str, str, str], list[dict]]  # (subject, relation, object IRI or post) -> records


def _page_graph(model: GraphModel) -> _Graph:
    """The page's records from the reader's model."""
    posts = model.posts()
    entities = {iri: {"iri": iri, "cls": node.type, "label": node.label, "aliases": node.other_names,
                      "posts": posts.get(iri, []), "docs": node.documents}
                for iri, node in model.entities.items()}
    relations = [(s, rel, o) for s, rel, o in model.relations
                 if rel in RELATION_STYLE and s in entities and isinstance(o, str) and o in entities]
    doc_iris = set(model.documents) | {d for e in entities.values() for d in e["docs"]}
    documents = {d: asdict(model.document(d)) for d in sorted(doc_iris)}
    for ev in model.evidence:  # documents that only evidence names come last
        if ev.document and ev.document not in documents:
            documents[ev.document] = asdict(model.document(ev.document))
    evidence = {key: [{"iri": ev.iri, "sentence": ev.sentence or "", "doc": ev.document,
                       "rule": ev.rules[0] if ev.rules else None, "start": ev.start, "end": ev.end,
                       "page": ev.page} for ev in evs]
                for key, evs in model.evidence_by_relation().items()}
    return _Graph(entities, relations, documents, evidence)


def _load(graph) -> tuple[_Graph, str]:
    if not isinstance(graph, (str, os.PathLike)):
        raise TypeError(f"graph must be the path of a graph file, not {type(graph).__name__}")
    return _page_graph(read_graph(graph)), str(graph)


# --------------------------------------------------------------------------- selecting


def _doc_matches(doc: dict, wanted: str) -> bool:
    if wanted in (doc["iri"], local_name(doc["iri"])):
        return True
    f = doc.get("file") or ""
    name = Path(f).name
    return bool(f) and (f == wanted or name == wanted or Path(name).stem == wanted or name.startswith(wanted))


def _of_types(graph: _Graph, keep: list[str], types: list[str]) -> list[str]:
    by_lower = {c.lower(): c for c in ENTITY_CLASSES}
    unknown = sorted(t for t in types if t.lower() not in by_lower)
    if unknown:
        raise VizError(f"unknown entity type(s) {', '.join(unknown)}; known: {', '.join(ENTITY_CLASSES)}")
    wanted = {by_lower[t.lower()] for t in types}
    return [i for i in keep if graph.entities[i]["cls"] in wanted]


def _documents_matching(graph: _Graph, docs: list[str]) -> set[str]:
    scope = {d for d in graph.documents if any(_doc_matches(graph.documents[d], w) for w in docs)}
    if not scope:
        raise VizError(f"no document matches {', '.join(docs)}")
    return scope


def _most_connected(graph: _Graph, keep: list[str], max_nodes: int) -> list[str]:
    """The max_nodes entities of `keep` with the most relations among `keep`, in IRI order."""
    if max_nodes < 0:
        raise VizError("max_nodes must be >= 0")
    degree = dict.fromkeys(keep, 0)
    for s, _, o in graph.relations:
        if s in degree and o in degree:
            degree[s] += 1
            degree[o] += 1
    return sorted(sorted(keep, key=lambda i: (-degree[i], graph.entities[i]["label"], i))[:max_nodes])


def _select(graph: _Graph, types, docs, max_nodes) -> tuple[list[str], set[str] | None, int]:
    """Entity IRIs to draw (ordered), the documents in scope (None = all) and how many were dropped."""
    keep = list(graph.entities)
    if types:
        keep = _of_types(graph, keep, types)
    doc_scope = None
    if docs:
        doc_scope = _documents_matching(graph, docs)
        keep = [i for i in keep if doc_scope.intersection(graph.entities[i]["docs"])]
    if max_nodes is None or len(keep) <= max_nodes:
        return keep, doc_scope, 0
    return _most_connected(graph, keep, max_nodes), doc_scope, len(keep) - max_nodes


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

    Slower to write than the in-browser layout (about 10 s against 1.3 s for 2,000 nodes, 2 cores) but the page
    then opens without any physics; see benchmarks/viz_bench.py.
    """
    import networkx as nx

    try:
        import numpy  # noqa: F401
        if n >= 500:
            import scipy  # noqa: F401
    except ImportError as exc:
        raise VizError(f"a precomputed layout needs numpy{' and scipy' if n >= 500 else ''} ({exc}): "
                       f'pip install "kg[layout]", or keep the in-browser layout (physics)') from None
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


class _Page:
    """The records one page shows, numbered as the page script expects: entities first, then
    documents (node ids), evidence in the order edges and posts cite it."""

    def __init__(self, graph: _Graph, keep: list[str], doc_scope: set[str] | None):
        self.graph, self.doc_scope = graph, doc_scope
        ents = [graph.entities[i] for i in keep]
        in_scope = [d for d in graph.documents if doc_scope is None or d in doc_scope]
        used = {d for e in ents for d in e["docs"]} | set(in_scope if doc_scope else [])
        self.doc_list = [d for d in in_scope if d in used]
        self.doc_index = {d: j for j, d in enumerate(self.doc_list)}
        self.evidence: list[dict] = []
        index = {iri: i for i, iri in enumerate(keep)}
        self.edges = [edge for edge in (self._edge(index, *r) for r in graph.relations) if edge]
        self.entities = [self._entity(e) for e in ents]

    def _cite(self, key: tuple[str, str, str]) -> list[int]:
        """Add the evidence of `key` that is in scope; returns its indexes."""
        out = []
        for ev in self.graph.evidence.get(key, []):
            if self.doc_scope is not None and ev["doc"] not in self.doc_scope:
                continue
            if ev["doc"] and ev["doc"] not in self.doc_index:
                self.doc_index[ev["doc"]] = len(self.doc_list)
                self.doc_list.append(ev["doc"])
            out.append(len(self.evidence))
            record = {"sentence": ev["sentence"], "doc": self.doc_index.get(ev["doc"]),
                      "rule": ev["rule"], "start": ev["start"], "end": ev["end"]}
            if ev["page"] is not None:  # a PDF's evidence: the page the sentence starts on
                record["page"] = ev["page"]
            self.evidence.append(record)
        return out

    def _edge(self, index: dict[str, int], s: str, rel: str, o: str):
        if s not in index or o not in index:
            return None
        evs = self._cite((s, rel, o))
        if self.doc_scope is not None and not evs and self.graph.evidence.get((s, rel, o)):
            return None  # a relation only evidenced outside the chosen documents
        return index[s], rel, index[o], evs

    def _entity(self, e: dict) -> dict:
        posts = [{"post": p, "ev": self._cite((e["iri"], "holdsPost", p))} for p in e["posts"]]
        return {"iri": e["iri"], "cls": e["cls"], "label": e["label"], "aliases": e["aliases"],
                "posts": posts, "docs": [self.doc_index[d] for d in e["docs"] if d in self.doc_index]}

    def documents(self) -> list[dict]:
        empty = {"title": None, "date": None, "source": None, "file": None}
        return [self.graph.documents.get(d) or {"iri": d, **empty} for d in self.doc_list]


def _vis_items(page: _Page, documents: list[dict], positions) -> tuple[list, list]:
    """vis-network nodes (entities, then documents) and edges (relations, then mentions), via pyvis."""
    from pyvis.network import Network

    n_ent = len(page.entities)
    net = Network(directed=True, cdn_resources="in_line")

    def at(i: int) -> dict:
        return {"x": positions[i][0], "y": positions[i][1]} if positions else {}

    for i, e in enumerate(page.entities):
        net.add_node(i, label=_short(e["label"]), shape=CLASS_STYLE[e["cls"]][2], group=e["cls"], **at(i))
    for j, doc in enumerate(documents):
        net.add_node(n_ent + j, label=_short(doc["title"] or doc["file"] or local_name(doc["iri"]), 12),
                     shape=DOCUMENT_STYLE[2], group="Document", kind="doc", **at(n_ent + j))
    for k, (s, rel, o, evs) in enumerate(page.edges):
        net.add_edge(s, o, id=k, rel=rel, label=RELATION_STYLE[rel][0], color=RELATION_STYLE[rel][1], ev=evs)
    mentions = [(i, n_ent + d) for i, e in enumerate(page.entities) for d in e["docs"]]
    for m, (i, d) in enumerate(mentions):
        net.add_edge(i, d, id=f"m{m}", kind="mention", color="#d0d0d0", dashes=True)
    vis_nodes, vis_edges, *_ = net.get_network_data()
    for node in vis_nodes:  # pyvis adds presentation keys that the groups below set instead
        node.pop("color", None)
        node.pop("font", None)
        if "group" in node:
            node.pop("shape", None)
    return vis_nodes, vis_edges


def _vis_options(n_nodes: int, n_edges: int, physics: bool) -> dict:
    big = n_nodes > 1000 or n_edges > 2000
    groups = {c: {"color": {"background": col, "border": _darker(col),
                            "highlight": {"background": col, "border": "#000000"}},
                  "shape": shape} for c, (_, col, shape) in CLASS_STYLE.items()}
    groups["Document"] = {"color": {"background": "#f0f0f0", "border": DOCUMENT_STYLE[1]},
                          "shape": DOCUMENT_STYLE[2], "font": {"size": 11}}
    return {
        "autoResize": True,
        "groups": groups,
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


def _positions(page: _Page, n_docs: int) -> list[tuple[float, float]]:
    """A precomputed layout of entities and documents, relations and mentions pulling them together."""
    n_ent = len(page.entities)
    mentions = [(i, n_ent + d) for i, e in enumerate(page.entities) for d in e["docs"]]
    return _layout(n_ent + n_docs, [(s, o) for s, _, o, _ in page.edges] + mentions)


def _add_search_keys(entities: list[dict]) -> dict[str, str]:
    """Give each entity its folded names (`keys`); returns the page's character map for queries."""
    fold, js_map = _folder()
    for e in entities:
        e["keys"] = "\u0001".join(fold(s) for s in [e["label"], *e["aliases"]])
    return js_map(s for e in entities for s in [e["label"], *e["aliases"]])


def build_page_data(graph, *, title: str | None = None, max_nodes: int | None = None,
                    physics: bool | None = None, types: Iterable[str] | None = None,
                    docs: Iterable[str] | None = None) -> tuple[dict, dict]:
    """The JSON the page embeds, plus counts for the summary (no file is written)."""
    model, source = _load(graph)
    types = [t.strip() for t in (types or []) if t.strip()]
    docs = [d.strip() for d in (docs or []) if d.strip()]
    keep, doc_scope, dropped = _select(model, types, docs, max_nodes)
    page = _Page(model, keep, doc_scope)
    documents = page.documents()
    physics = physics is None or bool(physics)
    positions = None if physics else _positions(page, len(documents))
    vis_nodes, vis_edges = _vis_items(page, documents, positions)
    entities = page.entities
    fold_map = _add_search_keys(entities)
    data = {
        "title": title or _default_title(source),
        "layout": "physics" if physics else "precomputed",
        "classes": [{"id": c, "zh": CLASS_STYLE[c][0], "color": CLASS_STYLE[c][1], "shape": CLASS_STYLE[c][2],
                     "count": sum(e["cls"] == c for e in entities)} for c in ENTITY_CLASSES],
        "documentStyle": {"zh": DOCUMENT_STYLE[0], "color": DOCUMENT_STYLE[1], "shape": DOCUMENT_STYLE[2]},
        "relations": [{"id": r, "zh": zh, "color": col, "count": sum(x[1] == r for x in page.edges)}
                      for r, (zh, col) in RELATION_STYLE.items()],
        "entities": entities,
        "documents": [{k: doc[k] for k in ("iri", "title", "date", "source", "file")} for doc in documents],
        "evidence": page.evidence,
        "fold": fold_map,
        "vis": {"nodes": vis_nodes, "edges": vis_edges,
                "options": _vis_options(len(entities) + len(documents), len(page.edges), physics)},
    }
    counts = {"nodes": len(entities), "edges": len(page.edges), "documents": len(documents),
              "evidence": len(page.evidence), "dropped": dropped, "layout": data["layout"],
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
    """Write an offline, self-contained HTML page exploring the graph file `graph`.

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
