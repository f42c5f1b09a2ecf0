"""Benchmark `kg viz` on a synthetic graph (default 2,000 entities, 5,000 relations).

Prints render time, page size, and, when /usr/bin/chromium and playwright are present, the
time until the page has a network, until the layout is frozen, and how long a search and a
redraw take. Figures are printed, never asserted.

    .venv/bin/python benchmarks/viz_bench.py [--nodes 2000] [--edges 5000] [--layout auto|physics|precomputed]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# classes with weights, name parts and suffixes (synthetic, but shaped like real names)
CLASSES = {
    "Enterprise": (40, ["有限公司", "股份有限公司", "集团有限公司"]),
    "Organization": (10, ["研究所", "管理委员会", "大学"]),
    "Zone": (6, ["新区", "经济技术开发区", "高新区"]),
    "Region": (8, ["市", "县", "区"]),
    "Official": (12, [""]),
    "Industry": (8, ["产业", "制造", "材料"]),
    "Project": (16, ["项目", "二期工程", "产业园"]),
}
CHARS = "兰州甘肃金昌白银天水武威张掖平凉酒泉庆阳定西陇南临夏甘南嘉峪关科技新材料能源化工数据智能装备绿色氢能光伏风电医药生物物流"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
RELS = [  # relation, subject classes, object classes
    ("locatedIn", ["Enterprise", "Project", "Zone", "Organization"], ["Zone", "Region"]),
    ("developsIndustry", ["Zone", "Region"], ["Industry"]),
    ("inIndustry", ["Enterprise", "Project"], ["Industry"]),
    ("servesIn", ["Official"], ["Region", "Zone", "Organization"]),
    ("cooperatesWith", ["Enterprise", "Organization"], ["Enterprise", "Organization"]),
]
PREFIXES = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://w3id.org/policykg/ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/policykg/id/> .
"""


def synthetic_turtle(n_nodes: int = 2000, n_edges: int = 5000, n_docs: int = 40, seed: int = 1) -> tuple[str, list[str]]:
    """Turtle in the shape of tests/data/sample_graph.ttl (evidence for every relation), and the labels."""
    import opencc

    rnd = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    out = [PREFIXES]
    for d in range(n_docs):
        out.append(f'id:doc-{d:016x} a kg:Document ; dcterms:title "关于推进第{d}号产业发展的意见"@zh ;\n'
                   f'    dcterms:date "2024-{1 + d % 12:02d}-{1 + d % 28:02d}"^^xsd:date ; kg:sourceFile "{d:03d}_doc.txt" .\n')
    names = list(CLASSES)
    weights = [CLASSES[c][0] for c in names]
    by_class: dict[str, list[int]] = {c: [] for c in names}
    ents = []
    for i in range(n_nodes):
        cls = names[i] if i < len(names) else rnd.choices(names, weights)[0]
        if cls == "Official":
            label = rnd.choice(SURNAMES) + "".join(rnd.choice(CHARS) for _ in range(2)) + f"{i}"
        else:
            label = "".join(rnd.choice(CHARS) for _ in range(rnd.randint(2, 6))) + f"{i}" + rnd.choice(CLASSES[cls][1])
        by_class[cls].append(i)
        doc = rnd.randrange(n_docs)
        ents.append((cls, label, doc))
        alias = s2t.convert(label)
        lines = [f'id:e-{i:016x} a kg:{cls} ;', f'    rdfs:label "{label}"@zh ;']
        if alias != label:
            lines.append(f'    skos:altLabel "{alias}"@zh ;')
        if cls == "Official":
            lines.append('    kg:holdsPost "主任"@zh ;')
        lines.append(f'    kg:mentionedIn id:doc-{doc:016x} .')
        out.append("\n".join(lines) + "\n")
    seen = set()
    k = 0
    while len(seen) < n_edges and k < n_edges * 20:
        k += 1
        rel, subj, obj = rnd.choice(RELS)
        sc, oc = rnd.choice(subj), rnd.choice(obj)
        if not by_class[sc] or not by_class[oc]:
            continue
        s, o = rnd.choice(by_class[sc]), rnd.choice(by_class[oc])
        if s == o or (s, rel, o) in seen:
            continue
        seen.add((s, rel, o))
        doc = ents[s][2]
        sent = f"{ents[s][1]}与{ents[o][1]}签署协议。"
        out.append(f"id:e-{s:016x} kg:{rel} id:e-{o:016x} .\n"
                   f"id:ev-{len(seen):016x} a rdf:Statement, kg:Evidence ; rdf:subject id:e-{s:016x} ;\n"
                   f"    rdf:predicate kg:{rel} ; rdf:object id:e-{o:016x} ; kg:document id:doc-{doc:016x} ;\n"
                   f'    kg:sentence "{sent}"@zh ; kg:start {k * 10} ; kg:end {k * 10 + len(sent)} ;\n'
                   f'    kg:rule "rel.{rel}.synthetic" ; prov:wasDerivedFrom id:doc-{doc:016x} .\n')
    return "".join(out), [e[1] for e in ents]


def browser_figures(page_path: Path, probe: str) -> dict | None:
    """Open the page offline in headless Chromium and time what a user waits for."""
    if not os.path.exists(CHROMIUM):
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    fig = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            external = []
            page.route("**/*", lambda r: (r.continue_() if r.request.url.startswith(("file:", "data:", "blob:"))
                                          else (external.append(r.request.url), r.abort())))
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            t0 = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load", timeout=300_000)
            fig["load_s"] = round(time.perf_counter() - t0, 2)
            page.wait_for_function("() => !!window.network", timeout=300_000)
            fig["network_s"] = round(time.perf_counter() - t0, 2)
            page.wait_for_function("() => window.kgLayoutDone === true", timeout=600_000, polling=100)
            fig["layout_frozen_s"] = round(time.perf_counter() - t0, 2)
            fig["in_page_layout_frozen_ms"] = page.evaluate("() => Math.round(window.kgLayoutDoneAt)")
            fig["nodes_drawn"] = page.evaluate("() => network.body.nodeIndices.length")
            fig["edges_drawn"] = page.evaluate("() => network.body.edgeIndices.length")
            fig["search_ms"] = page.evaluate(
                "(q) => { const t = performance.now(); const h = kgviz.search(q); "
                "return [Math.round((performance.now() - t) * 10) / 10, h.length]; }", probe)
            fig["focus_ms"] = page.evaluate(
                "(q) => { const t = performance.now(); kgviz.focusNode(kgviz.search(q)[0]); "
                "return Math.round(performance.now() - t); }", probe)
            fig["redraw_ms"] = page.evaluate(
                "() => { const t = performance.now(); network.redraw(); return Math.round(performance.now() - t); }")
            fig["filter_ms"] = page.evaluate(
                "() => { const t = performance.now(); kgviz.setClass('Enterprise', false); "
                "kgviz.setClass('Enterprise', true); return Math.round(performance.now() - t); }")
            fig["errors"] = errors
            fig["external_requests"] = external
        finally:
            browser.close()
    return fig


def _layout_extra_installed() -> bool:
    """numpy and scipy, which `kg viz --no-physics` needs for graphs of 500 nodes or more."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("numpy", "scipy"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--edges", type=int, default=5000)
    ap.add_argument("--layout", choices=["auto", "physics", "precomputed", "both"], default="both")
    ap.add_argument("--keep", help="directory to keep the generated graph and pages in")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.viz.page import render

    work = Path(a.keep or tempfile.mkdtemp(prefix="viz_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    ttl = work / "synthetic.ttl"
    t = time.perf_counter()
    text, labels = synthetic_turtle(a.nodes, a.edges)
    ttl.write_text(text, encoding="utf-8")
    print(f"graph: {a.nodes} entities, {a.edges} relations, {ttl.stat().st_size:,} bytes of Turtle "
          f"(generated in {time.perf_counter() - t:.1f}s)")
    layouts = {"auto": [None], "physics": [True], "precomputed": [False], "both": [True, False]}[a.layout]
    # a traditional-script query for a part of one name
    probe = __import__("opencc").OpenCC("s2t").convert(labels[len(labels) // 2][:3])
    print(f"search probe: {probe!r} (traditional form of the start of {labels[len(labels) // 2]!r})")
    for phys in layouts:
        out = work / f"page-{ {None: 'auto', True: 'physics', False: 'precomputed'}[phys]}.html"
        if phys is False and not _layout_extra_installed():
            print('render [precomputed]: skipped: the precomputed layout needs numpy and scipy '
                  '(pip install "kg[layout]")')
            continue
        t = time.perf_counter()
        s = render(ttl, out, physics=phys)
        print(f"render [{s.layout}]: {time.perf_counter() - t:.2f}s, page {s.bytes:,} bytes, "
              f"{s.nodes} nodes, {s.edges} edges, {s.evidence} evidence")
        fig = browser_figures(out, probe)
        if fig is None:
            print("  chromium/playwright not available: no browser figures")
        else:
            print("  chromium: " + ", ".join(f"{k} {v}" for k, v in fig.items()))
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
