"""Tests of `kg viz`: the page's data and safety without a browser, then the page in headless Chromium."""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import KgError
from kg.viz.page import _vis_library, build_page_data, render

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample_graph.ttl"
KGNS = Namespace("https://w3id.org/policykg/ns#")
ID = Namespace("https://w3id.org/policykg/id/")
DOC = ID["doc-1a2b3c4d5e6f7081"]
RELATIONS = {str(KGNS[r]) for r in ("locatedIn", "developsIndustry", "inIndustry", "servesIn", "cooperatesWith")}
CHROMIUM = "/usr/bin/chromium"
HTML_CHECK = Path(__file__).resolve().parents[2] / "shared" / "tools" / "html_check.py"  # ../shared

XSS_NAME = '<img src=x onerror="window.__xss=1">"\'</script><script>window.__xss=2</script>'
XSS_SENTENCE = "</script><script>window.__xss=3</script><!-- \u2028\u2029 & done"
XSS_TITLE = "<script>window.__xss=4</script>报告"


def entity_counts(g: Graph) -> dict:
    """Counts read from the graph with SPARQL, independently of kg.viz.page."""
    q = """PREFIX kg: <https://w3id.org/policykg/ns#>
    SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
      ?e a ?c . VALUES ?c { kg:Zone kg:Region kg:Enterprise kg:Organization kg:Official kg:Industry kg:Project } }"""
    n = int(next(iter(g.query(q)))[0])
    q = """PREFIX kg: <https://w3id.org/policykg/ns#>
    SELECT (COUNT(*) AS ?n) WHERE {
      ?s ?p ?o . VALUES ?p { kg:locatedIn kg:developsIndustry kg:inIndustry kg:servesIn kg:cooperatesWith } }"""
    e = int(next(iter(g.query(q)))[0])
    q = "PREFIX kg: <https://w3id.org/policykg/ns#> SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?x kg:mentionedIn ?d }"
    d = int(next(iter(g.query(q)))[0])
    return {"nodes": n, "edges": e, "documents": d}


def page_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "no embedded data"
    return json.loads(m.group(1))


def tricky_graph(folder: Path) -> Path:
    """The sample plus an entity whose name and evidence are injection attempts, and a traditional
    alias, written to `folder`/tricky.ttl."""
    g = Graph()
    g.parse(SAMPLE)
    bad = ID["enterprise-00000000000000ff"]
    g.add((bad, RDF.type, KGNS.Enterprise))
    g.add((bad, RDFS.label, Literal(XSS_NAME, lang="zh")))
    g.add((bad, SKOS.altLabel, Literal("百林科(蘭州)新材料", lang="zh")))
    g.add((bad, KGNS.mentionedIn, DOC))
    zone = ID["zone-0000000000000001"]
    g.add((bad, KGNS.locatedIn, zone))
    ev = ID["ev-00000000000000ff"]
    for p, o in [(RDF.type, RDF.Statement), (RDF.type, KGNS.Evidence), (RDF.subject, bad),
                 (RDF.predicate, KGNS.locatedIn), (RDF.object, zone), (KGNS.document, DOC),
                 (KGNS.sentence, Literal(XSS_SENTENCE, lang="zh")), (KGNS.start, Literal(5)),
                 (KGNS.end, Literal(9)), (KGNS.rule, Literal('rel."x"<b>'))]:
        g.add((ev, p, o))
    path = folder / "tricky.ttl"
    g.serialize(path, format="turtle", encoding="utf-8")
    return path


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


# ------------------------------------------------------------------ without a browser


def test_page_is_self_contained(tmp_path):
    out = tmp_path / "g.html"
    render(SAMPLE, out)
    page = out.read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        for attr in ("src", "href", "data", "action", "srcset"):
            val = (attrs.get(attr) or "").strip().lower()
            assert not re.match(r"(https?:)?//", val), (tag, attr, val)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 3 and all("src" not in a for a in scripts)
    csp = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert page.count("vis-network") >= 1 and "vis.Network" in page     # the library itself is inlined


def test_data_json_round_trips(tmp_path):
    out = tmp_path / "g.html"
    render(SAMPLE, out, title="兰州新区")
    data, _ = build_page_data(SAMPLE, title="兰州新区")
    assert page_json(out.read_text(encoding="utf-8")) == json.loads(json.dumps(data))


def test_summary_counts_match_graph(tmp_path):
    g = Graph().parse(SAMPLE)
    want = entity_counts(g)
    s = render(SAMPLE, tmp_path / "g.html")
    assert (s.nodes, s.edges, s.documents) == (want["nodes"], want["edges"], want["documents"])
    assert s.bytes == (tmp_path / "g.html").stat().st_size
    data = page_json((tmp_path / "g.html").read_text(encoding="utf-8"))
    assert len(data["entities"]) == want["nodes"]
    assert len([e for e in data["vis"]["edges"] if e.get("kind") != "mention"]) == want["edges"]
    assert sum(c["count"] for c in data["classes"]) == want["nodes"]
    # one evidence per evidence node of the sample (one relation, one post)
    assert s.evidence == len(list(g.subjects(RDF.type, KGNS.Evidence)))


@pytest.mark.parametrize("fmt, suffix", [("nt", ".nt"), ("json-ld", ".jsonld"), ("xml", ".rdf")])
def test_every_rdf_format_gives_the_same_page_data(tmp_path, fmt, suffix):
    other = tmp_path / f"sample{suffix}"
    Graph().parse(SAMPLE).serialize(other, format=fmt, encoding="utf-8")
    assert build_page_data(other, title="t")[0] == build_page_data(SAMPLE, title="t")[0]


def test_details_carry_aliases_posts_documents_and_evidence():
    data, _ = build_page_data(SAMPLE)
    ents = {e["label"]: e for e in data["entities"]}
    zone, official = ents["兰州新区"], ents["任振鹤"]
    assert zone["cls"] == "Zone" and zone["aliases"] == ["新区"]
    assert data["documents"][zone["docs"][0]]["title"] == "在兰州新区高新技术企业座谈会上的讲话"
    post = official["posts"][0]
    assert post["post"] == "省长"
    ev = data["evidence"][post["ev"][0]]
    assert ev["sentence"] == "甘肃省省长 任振鹤" and ev["rule"] == "rel.holdsPost.title_before_name"
    assert (ev["start"], ev["end"]) == (30, 39)
    idx = {e["label"]: i for i, e in enumerate(data["entities"])}
    edge = next(e for e in data["vis"]["edges"]
                if e.get("rel") == "locatedIn" and e["from"] == idx["兰州新区"] and e["to"] == idx["甘肃省"])
    ev = data["evidence"][edge["ev"][0]]
    assert ev["sentence"] == "兰州新区位于甘肃省兰州市。" and ev["rule"] == "rel.locatedIn.weiyu"
    assert data["documents"][ev["doc"]]["title"].startswith("在兰州新区")
    # holdsPost is a detail, never an edge
    assert not any(e.get("rel") == "holdsPost" for e in data["vis"]["edges"])


def test_injection_payloads_are_escaped(tmp_path):
    out = tmp_path / "x.html"
    render(tricky_graph(tmp_path), out, title=XSS_TITLE)
    page = out.read_text(encoding="utf-8")
    # exactly the three real <script> elements open and close; nothing from the data does
    assert page.lower().count("</script") == 3
    own = page.replace(_vis_library(), "")     # vis-network has "<script>" inside a JS string
    assert own.lower().count("<script") == 3 and len(own) < len(page)
    assert "<img" not in page and "onerror=\"window" not in page
    assert "\u2028" not in page and "\u2029" not in page
    assert "<title>&lt;script&gt;" in page
    data = page_json(page)
    assert XSS_NAME in [e["label"] for e in data["entities"]]
    assert XSS_SENTENCE in [e["sentence"] for e in data["evidence"]]
    assert data["title"] == XSS_TITLE
    # the page script writes strings with textContent only
    app = (Path(__file__).parents[1] / "kg" / "viz" / "static" / "viz.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", app)


def test_search_keys_fold_traditional_script(tmp_path):
    data, _ = build_page_data(tricky_graph(tmp_path))
    ent = next(e for e in data["entities"] if "百林科(蘭州)新材料" in e["aliases"])
    assert "百林科(兰州)新材料" in ent["keys"].split("\u0001")
    assert data["fold"]["蘭"] == "兰"
    # simplified characters of names also get their traditional forms, for traditional input
    assert data["fold"]["區"] == "区" and "甘" not in data["fold"]
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in data["fold"].items())


def test_types_docs_and_max_nodes_select(tmp_path):
    data, c = build_page_data(SAMPLE, types=["zone", "Region"])
    assert sorted(e["cls"] for e in data["entities"]) == ["Region", "Zone"]
    assert c["edges"] == 1                                      # zone locatedIn region
    _, c = build_page_data(SAMPLE, docs=["001"])
    assert c["nodes"] == 7
    with pytest.raises(ValueError, match="no document matches"):
        build_page_data(SAMPLE, docs=["999_nothing"])
    with pytest.raises(ValueError, match="Foo"):
        build_page_data(SAMPLE, types=["Foo"])
    data, c = build_page_data(SAMPLE, max_nodes=2)
    # the two with most relations stay: the zone (4) and the enterprise (3)
    assert c["nodes"] == 2 and c["dropped"] == 5
    assert sorted(e["cls"] for e in data["entities"]) == ["Enterprise", "Zone"]


def test_written_atomically_and_failure_keeps_old_page(tmp_path):
    out = tmp_path / "g.html"
    out.write_text("old", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is < not turtle", encoding="utf-8")
    with pytest.raises(KgError, match="bad.ttl"):
        render(bad, out)
    assert out.read_text(encoding="utf-8") == "old"
    render(SAMPLE, out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "g.html"]


def test_precomputed_layout_has_positions():
    pytest.importorskip("numpy")
    data, c = build_page_data(SAMPLE, physics=False)
    assert c["layout"] == "precomputed" and data["vis"]["options"]["physics"] == {"enabled": False}
    assert all(isinstance(n.get("x"), float) and isinstance(n.get("y"), float) for n in data["vis"]["nodes"])


# ------------------------------------------------------------------ CLI


def run_cli(args):
    from click.testing import CliRunner

    from kg.cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_cli_writes_page_next_to_graph(tmp_path):
    ttl = tmp_path / "graph.ttl"
    shutil.copy(SAMPLE, ttl)
    r = run_cli(["viz", str(ttl)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "graph.html"
    assert out.is_file()
    assert "7 nodes, 7 edges" in r.output and f"{out.stat().st_size} bytes" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_cli_options(tmp_path):
    out = tmp_path / "sub" / "p.html"
    r = run_cli(["viz", str(SAMPLE), "-o", str(out), "--title", "标题", "--max-nodes", "3", "--types", "Zone,Region,Enterprise"])
    assert r.exit_code == 0, r.output
    data = page_json(out.read_text(encoding="utf-8"))
    assert data["title"] == "标题" and len(data["entities"]) == 3


@pytest.mark.parametrize("content", [None, "not < turtle"])
def test_cli_bad_input_exits_2_naming_the_file(tmp_path, content):
    ttl = tmp_path / "broken.ttl"
    if content is not None:
        ttl.write_text(content, encoding="utf-8")
    r = run_cli(["viz", str(ttl), "-o", str(tmp_path / "o.html")])
    assert r.exit_code == 2
    assert "broken.ttl" in r.output
    assert not (tmp_path / "o.html").exists()


# ------------------------------------------------------------------ in headless Chromium


class OpenPage:
    """A page opened offline: every request that is not file:/data:/blob:/about: is aborted and recorded."""

    def __init__(self, browser, path: Path):
        self.ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN",
                                       service_workers="block")
        self.external: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []

        def route(r):
            url = r.request.url
            self.requests.append(url)
            if url.split(":", 1)[0] in ("file", "data", "blob", "about"):
                r.continue_()
            else:
                self.external.append(url)
                r.abort()

        self.ctx.route("**/*", route)
        self.page = self.ctx.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append("console: " + m.text))
        self.page.on("pageerror", lambda e: self.errors.append("page: " + str(e)))
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function("() => window.kgLayoutDone === true", timeout=60_000)

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def drawn(self):
        return self.js("() => [network.body.nodeIndices.length, network.body.edgeIndices.length]")

    def node_point(self, node_id):
        return self.js("""(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);
            const r = network.canvas.frame.canvas.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", node_id)

    def details(self):
        return self.page.inner_text("#kg-details")

    def close(self):
        self.ctx.close()


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("viz") / "sample.html"
    render(SAMPLE, out)
    return out


@pytest.fixture(scope="module")
def tricky_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("viz")
    out = folder / "tricky.html"
    render(tricky_graph(folder), out, title=XSS_TITLE)
    return out


def node_id(page: OpenPage, label: str) -> int:
    return page.js("(l) => kgviz.data.entities.findIndex(e => e.label === l)", label)


@pytest.mark.browser
def test_browser_opens_offline_and_draws_every_node(browser, sample_page):
    want = entity_counts(Graph().parse(SAMPLE))
    p = OpenPage(browser, sample_page)
    try:
        assert p.page.query_selector("#mynetwork canvas") is not None
        assert p.drawn() == [want["nodes"], want["edges"]]
        ink = p.js("""() => { const c = document.querySelector('#mynetwork canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 240) n++; return n; }""")
        assert ink > 500
        p.page.check("#kg-show-docs")
        assert p.drawn() == [want["nodes"] + want["documents"], want["edges"] + want["nodes"]]
        assert p.requests and all(u.startswith("file:") for u in p.requests)
        assert p.external == [] and p.errors == []
    finally:
        p.close()


@pytest.mark.browser
def test_browser_search_finds_node_by_alias(browser, tricky_page):
    p = OpenPage(browser, tricky_page)
    try:
        for query, label in [("近物所", "中国科学院近代物理研究所"),     # alias
                             ("蘭州新區", "兰州新区"),                   # traditional input, simplified name
                             ("百林科（兰州）", XSS_NAME)]:              # simplified/full-width input, traditional alias
            p.page.fill("#kg-search", query)
            assert p.page.is_visible("#kg-results li")
            p.page.press("#kg-search", "Enter")
            selected = p.js("() => network.getSelectedNodes()")
            assert selected == [node_id(p, label)], query
            assert p.page.inner_text("#kg-details h2") == label
        assert p.external == [] and p.errors == []
    finally:
        p.close()


@pytest.mark.browser
def test_browser_filters_hide_a_class_and_a_relation(browser, sample_page):
    p = OpenPage(browser, sample_page)
    try:
        g = Graph().parse(SAMPLE)
        want = entity_counts(g)
        zones = set(g.subjects(RDF.type, KGNS.Zone))
        rels = [(s, p_, o) for s, p_, o in g if str(p_) in RELATIONS]
        zone_rels = sum(s in zones or o in zones for s, _, o in rels)
        located = sum(p_ == KGNS.locatedIn for _, p_, _ in rels)
        assert zones and zone_rels and located
        zone = node_id(p, "兰州新区")
        before = p.js("(id) => network.getPositions([id])[id]", zone)
        p.page.uncheck("#kg-legend-classes input[data-cls=Zone]")
        assert p.drawn() == [want["nodes"] - len(zones), want["edges"] - zone_rels]
        assert zone not in p.js("() => network.body.nodeIndices")
        p.page.check("#kg-legend-classes input[data-cls=Zone]")
        assert p.drawn() == [want["nodes"], want["edges"]]
        # a node that comes back keeps its place
        assert p.js("(id) => network.getPositions([id])[id]", zone) == pytest.approx(before, abs=1)
        p.page.uncheck("#kg-legend-relations input[data-rel=locatedIn]")
        assert p.drawn() == [want["nodes"], want["edges"] - located]
        assert p.errors == []
    finally:
        p.close()


@pytest.mark.browser
def test_browser_click_shows_evidence(browser, sample_page):
    p = OpenPage(browser, sample_page)
    try:
        x, y = p.node_point(node_id(p, "兰州新区"))
        p.page.mouse.click(x, y)
        text = p.details()
        assert "兰州新区位于甘肃省兰州市。" in text
        assert "在兰州新区高新技术企业座谈会上的讲话" in text and "rel.locatedIn.weiyu" in text
        assert "新区" in text                                    # alias
        x, y = p.node_point(node_id(p, "任振鹤"))
        p.page.mouse.click(x, y)
        text = p.details()
        assert "省长" in text and "甘肃省省长 任振鹤" in text and "rel.holdsPost.title_before_name" in text
        # an edge: click the middle of zone -> region
        (x1, y1), (x2, y2) = p.node_point(node_id(p, "兰州新区")), p.node_point(node_id(p, "甘肃省"))
        p.page.mouse.click((x1 + x2) / 2, (y1 + y2) / 2)
        assert p.page.inner_text("#kg-details h2") == "位于"
        assert "兰州新区位于甘肃省兰州市。" in p.details()
        assert p.errors == []
    finally:
        p.close()


@pytest.mark.browser
def test_browser_injection_renders_inert(browser, tricky_page):
    p = OpenPage(browser, tricky_page)
    try:
        bad = node_id(p, XSS_NAME)
        assert bad >= 0
        assert p.page.title() == XSS_TITLE
        assert p.page.inner_text("#kg-title") == XSS_TITLE
        x, y = p.node_point(bad)
        p.page.mouse.click(x, y)
        assert p.page.inner_text("#kg-details h2") == XSS_NAME
        assert XSS_SENTENCE.split("<!--")[0] in p.details()
        p.page.fill("#kg-search", "百林科")
        assert XSS_NAME in p.page.inner_text("#kg-results")
        p.page.wait_for_timeout(200)
        assert p.js("() => window.__xss") is None
        assert p.js("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert p.js("() => document.scripts.length") == 3
        assert not [u for u in p.requests if u.rstrip("/").endswith("/x")]
        assert p.external == [] and p.errors == []
    finally:
        p.close()


@pytest.mark.browser
def test_html_check_passes(tmp_path, tricky_page):
    if not HTML_CHECK.is_file() or not os.path.exists(CHROMIUM):
        pytest.skip("html_check.py or chromium not available")
    pytest.importorskip("playwright")
    r = subprocess.run([sys.executable, str(HTML_CHECK), str(tricky_page), "--strict",
                        "--screenshot", str(tmp_path / "shot.png"), "--json", str(tmp_path / "r.json")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    rep = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    tricky = Graph().parse(tricky_page.with_name("tricky.ttl"))
    assert rep["result"] == "PASS" and rep["graph"]["nodesDrawn"] == entity_counts(tricky)["nodes"]
