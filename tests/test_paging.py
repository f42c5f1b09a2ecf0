"""Pages of the named queries: `kg query --limit/--offset/--all` and kg.query.paging.

The graph is a made-up world in the shape `kg build` writes, larger than a page and uneven on
purpose (a zone with many enterprises, zones with none, two zones and two documents that share
a name, an entity with statements in only some of the documents that mention it), so that the
paged queries have to read more entities, skip empty ones and break ties. Expected answers
come from the same query run whole (as `kg serve` runs it) or from the Python description of
the world, never from the paging code under test.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query import paging
from kg.query import store as kstore
from kg.query.request import QueryRequest

KG = "https://w3id.org/policykg/ns#"
ID = "https://w3id.org/policykg/id/"
SYLLABLES = "青禾岚川松柏溪桥明远晨光瑞丰嘉和泽林"


def _name(rng: random.Random, n: int, suffix: str) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)) + suffix


def make_world(seed: int = 7) -> dict:
    """Entities, documents and relations of a small invented world (names are made up)."""
    rng = random.Random(seed)
    docs = {f"d{k:02d}": {"title": f"{_name(rng, 3, '工作报告')}", "date": f"2024-{1 + k % 9:02d}-1{k % 10}",
                          "file": f"doc{k:02d}.txt"} for k in range(14)}
    docs["d13"].update(title=docs["d12"]["title"], date=docs["d12"]["date"])  # same title and date
    ents: dict[str, tuple] = {}

    def add(key, cls, name, aliases=()):
        ents[key] = (cls, name, list(aliases))

    for k in range(3):
        add(f"r{k}", "Region", _name(rng, 2, "省"))
    for k in range(6):
        add(f"i{k}", "Industry", _name(rng, 2, "产业"))
    for k in range(12):
        add(f"z{k:02d}", "Zone", _name(rng, 2, "新区"), [_name(rng, 2, "园")])
    ents["z11"] = ("Zone", ents["z10"][1], [])  # two zones with the same name
    for k in range(70):
        add(f"e{k:02d}", "Enterprise", _name(rng, 3, "有限公司"))
    for k in range(9):
        add(f"o{k}", "Official", _name(rng, 2, ""))
    for k in range(10):
        add(f"p{k}", "Project", _name(rng, 3, "项目"))
    for k in range(4):
        add(f"g{k}", "Organization", _name(rng, 3, "研究院"))
    rels = []
    for k in range(12):
        rels.append((f"z{k:02d}", "locatedIn", f"r{k % 3}"))
        for i in rng.sample(range(6), 1 + k % 4):
            rels.append((f"z{k:02d}", "developsIndustry", f"i{i}"))
    for k in range(70):  # z00 is busy, z05 z06 z07 have no enterprise
        z = 0 if k < 30 else rng.choice([1, 2, 3, 4, 8, 9, 10, 11])
        rels.append((f"e{k:02d}", "locatedIn", f"z{z:02d}"))
        rels.append((f"e{k:02d}", "inIndustry", f"i{k % 6}"))
    for k in range(10):
        rels.append((f"p{k}", "locatedIn", f"z{k % 5 if k < 9 else 10:02d}"))
    for k in range(9):
        rels.append((f"o{k}", "servesIn", f"r{k % 3}" if k % 2 else f"z{k % 4:02d}"))
    for k in range(8):
        rels.append((f"g{k % 4}", "cooperatesWith", f"e{k * 3:02d}"))
    posts = [(f"o{k}", ["主任", "书记", "省长"][k % 3]) for k in range(9)]
    # each relation is stated in one or two documents; z00 is mentioned in every document but
    # has statements in a few of them only
    stated = [(s, p, o, f"d{rng.randrange(14):02d}") for s, p, o in rels]
    stated += [(s, p, o, "d03") for s, p, o in rels[:20]]
    mentions = {key: set() for key in ents}
    for s, p, o, d in stated:
        mentions[s].add(d)
        mentions[o].add(d)
    mentions["z00"] = set(docs)
    return {"docs": docs, "entities": ents, "stated": stated, "posts": posts,
            "mentions": mentions}


def write_world(path: Path, world: dict) -> Path:
    """Serialise the world with rdflib (independent of the code under test)."""
    from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, SKOS, XSD

    kg = Namespace(KG)
    g = Graph()

    def iri(key):
        return URIRef(ID + key)

    for key, d in world["docs"].items():
        g.add((iri(key), RDF.type, kg.Document))
        g.add((iri(key), DCTERMS.title, Literal(d["title"], lang="zh")))
        g.add((iri(key), DCTERMS.date, Literal(d["date"], datatype=XSD.date)))
        g.add((iri(key), kg.sourceFile, Literal(d["file"])))
    for key, (cls, name, aliases) in world["entities"].items():
        g.add((iri(key), RDF.type, kg[cls]))
        g.add((iri(key), RDFS.label, Literal(name, lang="zh")))
        for a in aliases:
            g.add((iri(key), SKOS.altLabel, Literal(a, lang="zh")))
        for d in sorted(world["mentions"][key]):
            g.add((iri(key), kg.mentionedIn, iri(d)))
    facts = [(s, p, iri(o), d) for s, p, o, d in world["stated"]]
    facts += [(s, "holdsPost", Literal(post, lang="zh"), "d01") for s, post in world["posts"]]
    for n, (s, p, o, d) in enumerate(facts):
        g.add((iri(s), kg[p], o))
        ev = URIRef(f"{ID}ev-{n:05d}")
        g.add((ev, RDF.type, kg.Evidence))
        g.add((ev, RDF.subject, iri(s)))
        g.add((ev, RDF.predicate, kg[p]))
        g.add((ev, RDF.object, o))
        g.add((ev, kg.document, iri(d)))
        g.add((ev, kg.sentence, Literal(f"第{n}句。", lang="zh")))
        g.add((ev, kg.start, Literal(n % 7 * 5)))
        g.add((ev, kg.end, Literal(n % 7 * 5 + 4)))
        g.add((ev, kg.rule, Literal(f"rel.{p}.test")))
    g.serialize(path, format="turtle", encoding="utf-8")
    return path


WORLD = make_world()
BUSY = WORLD["entities"]["z00"][1]
TWIN = WORLD["entities"]["z10"][1]  # the name two zones share


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Path:
    return write_world(tmp_path_factory.mktemp("paging") / "graph.ttl", WORLD)


@pytest.fixture(scope="module")
def store(graph):
    return kstore.open_store(graph, memory=True)


def _cases():
    """(name, parameters) for every named query: without parameters when it runs without,
    and with names and ranges that give rows in this world (a busy zone, two zones' shared
    name, a party to cooperation, a region, a date range, an entity class)."""
    ents = WORLD["entities"]
    given = {"zone": [BUSY, TWIN], "name": [BUSY, TWIN, ents["g1"][1]],
             "place": [BUSY, ents["r1"][1]], "start": ["2024-02-01"], "end": ["2024-06-30"],
             "type": ["Enterprise"], "industry": [ents["i2"][1]]}
    out = []
    for name, q in kstore.named_queries().items():
        if not any(p[1] for p in q.params):
            out.append((name, {}))
        for key in (p[0] for p in q.params):
            out += [(name, {key: value}) for value in given[key]]
    return out


CASES = _cases()


def test_every_case_has_rows(store):
    for name, params in CASES:
        if name == "cooperation" and params.get("name") in (BUSY, TWIN):
            continue  # zones do not cooperate in this world
        rows = _values(paging.run_request(store, _request(name, params), limit=None).result)
        assert rows, (name, params)


def _values(result) -> list[tuple]:
    return [tuple(t.value if t is not None else None for t in row) for row in result.rows()]


def _request(name: str, params: dict) -> QueryRequest:
    q = kstore.named_queries()[name]
    return QueryRequest(q.sparql, q.bind(params), f"named query {name!r}", name)


def _norm(value):
    """GROUP_CONCAT order is the engine's: compare the parts of a list as a sorted list."""
    for sep in ("、", "；"):
        if value and sep in value:
            return sep.join(sorted(value.split(sep)))
    return value


def test_the_world_is_larger_than_a_page_where_it_matters(store):
    full = {n: len(_values(paging.run_request(store, _request(n, p), limit=None).result))
            for n, p in (("mentioned-between", {}), ("enterprises-by-zone", {}),
                         ("evidence-for", {"name": BUSY}))}
    assert full["mentioned-between"] > paging.DEFAULT_LIMIT
    assert full["enterprises-by-zone"] == 70
    assert full["evidence-for"] > 20


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{'-'.join(p)}" for n, p in CASES])
def test_pages_add_up_to_the_full_answer(store, name, params):
    request = _request(name, params)
    full = _values(paging.run_request(store, request, limit=None).result)
    for size in (1, 7):
        rows, offset = [], 0
        while True:
            page = paging.run_request(store, request, limit=size, offset=offset)
            got = _values(page.result)
            assert len(got) == size or not page.more
            rows += got
            offset += size
            if not page.more:
                break
        assert rows == full, (name, params, size)
    assert _values(paging.run_request(store, request, limit=len(full) + 5).result) == full
    assert _values(paging.run_request(store, request, limit=3, offset=len(full)).result) == []


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{'-'.join(p)}" for n, p in CASES])
def test_full_answer_is_the_query_as_it_stands(store, name, params):
    """--all gives what `kg serve` and other stores give for the same text, in the same
    order (GROUP_CONCAT lists compared as sets: their order is the engine's)."""
    request = _request(name, params)
    paged = _values(paging.run_request(store, request, limit=None).result)
    whole = _values(kstore.run_query(store, request.text, params=request.params))
    assert [tuple(map(_norm, r)) for r in paged] == [tuple(map(_norm, r)) for r in whole]
    assert _values(paging.run_request(store, request, limit=None).result) == paged  # again


def test_rows_follow_the_documented_order(store):
    rows = _values(paging.run_request(store, _request("enterprises-by-zone", {}),
                                      limit=None).result)
    zones = [r[0] for r in rows]
    assert zones == sorted(zones)
    twins = [r for r in rows if r[0] == TWIN]  # two zones of one name: one zone, then the other
    firsts = [i for i, r in enumerate(twins) if i == 0 or r[3] != twins[i - 1][3]]
    assert len(firsts) <= 2
    docs = _values(paging.run_request(store, _request("documents", {}), limit=None).result)
    assert [r[1] for r in docs] == sorted(r[1] for r in docs)  # by date
    expected = sorted(d["date"] for d in WORLD["docs"].values())
    assert [r[1] for r in docs] == expected


def test_evidence_for_lists_each_statement_once(store):
    key = "z00"
    expected = sum(1 for s, _, o, _ in WORLD["stated"] if key in (s, o))
    rows = _values(paging.run_request(store, _request("evidence-for", {"name": BUSY}),
                                      limit=None).result)
    assert len(rows) == expected
    dates = [r[4] for r in rows]
    assert dates == sorted(dates)


# --------------------------------------------------------------------------- the markers


def test_markers_become_limits_and_text_elsewhere_is_untouched():
    text = ('SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p "#PAGE-END" } ORDER BY ?x #PAGE-END 4\n'
            '} # not a marker: #PAGE\n} ORDER BY ?x')
    paged = paging.page_query(text, 10, 20, entities=6)
    assert "ORDER BY ?x LIMIT 6\n" in paged and '"#PAGE-END"' in paged
    assert "# not a marker: #PAGE" in paged
    assert paged.rstrip().endswith("LIMIT 10 OFFSET 20")
    plain = "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x"
    assert paging.page_query(plain, 5, 0).rstrip().endswith("LIMIT 5")
    assert paging.page_query(plain, None) == plain


def test_entity_block_ignores_braces_in_strings_and_comments():
    text = ('SELECT * WHERE { ?a ?b "}{" . # } {\n'
            '  { SELECT ?z WHERE { ?z ?p "x}" } ORDER BY ?z #PAGE-END\n  } ?z ?q ?r }')
    start, end = paging._entity_block(text)
    assert text[start:end].startswith("{ SELECT ?z") and text[start:end].endswith("#PAGE-END\n  }")


def test_sparse_entities_are_read_until_the_page_is_full(store):
    """Most zones have no enterprise here: the listing must read past them, whatever the
    first try, and stop when there are no more zones."""
    text = """SELECT ?zl ?el WHERE {
      { SELECT ?z ?zl WHERE { ?z a kg:Zone ; rdfs:label ?zl } ORDER BY ?zl ?z #PAGE-END 1
      }
      ?e kg:locatedIn ?z ; a kg:Enterprise ; rdfs:label ?el .
    } ORDER BY ?zl ?z ?el ?e"""
    full = _values(paging.run_page(store, text, limit=None))
    assert len(full) == 70
    for size in (1, 4, 45, 80):
        rows = []
        for offset in range(0, 80, size):
            rows += _values(paging.run_page(store, text, limit=size, offset=offset))
        assert rows == full


# --------------------------------------------------------------------------- the command


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def csv_body(out: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out, newline="")))


def test_default_page_and_the_note_on_stderr(graph):
    r = run("query", graph, "--name", "mentioned-between", "--format", "csv")
    assert r.exit_code == 0
    rows = csv_body(r.stdout)
    assert len(rows) == 1 + paging.DEFAULT_LIMIT
    assert "--offset 100" in r.stderr and "--all" in r.stderr
    r = run("query", graph, "--name", "mentioned-between", "--format", "csv", "--all")
    full = csv_body(r.stdout)
    assert len(full) > len(rows) and r.stderr == "" and full[:len(rows)] == rows


def test_limit_and_offset_on_the_command_line(graph):
    full = csv_body(run("query", graph, "--name", "enterprises-by-zone", "--format", "csv",
                        "--all").stdout)
    pages = []
    for offset in (0, 30, 60):
        r = run("query", graph, "--name", "enterprises-by-zone", "--format", "csv",
                "--limit", 30, "--offset", offset)
        assert r.exit_code == 0
        body = csv_body(r.stdout)
        assert body[0] == full[0]
        pages += body[1:]
        assert ("More rows follow" in r.stderr) == (offset < 60)
    assert pages == full[1:]
    r = run("query", graph, "--name", "enterprises-by-zone", "--limit", 5)
    assert r.stdout.rstrip().endswith("(5 rows)")


@pytest.mark.parametrize("args,words", [
    (["--limit", "-1"], ["--limit", "-1"]),
    (["--limit", "abc"], ["--limit", "abc"]),
    (["--limit", "0"], ["--limit", "0"]),
    (["--offset", "-3"], ["--offset", "-3"]),
    (["--offset", "x"], ["--offset", "x"]),
    (["--limit", "5", "--all"], ["--limit", "--all"]),
])
def test_bad_paging_options_are_usage_errors(graph, args, words):
    r = run("query", graph, "--name", "documents", *args)
    assert r.exit_code == 2
    assert r.stdout == ""
    for w in words:
        assert w in r.stderr


def test_own_query_is_whole_unless_limited(graph):
    q = "SELECT ?e WHERE { ?e a kg:Enterprise } ORDER BY ?e"
    whole = csv_body(run("query", graph, q, "--format", "csv").stdout)
    assert len(whole) == 71  # no default page for the user's own query
    r = run("query", graph, q, "--format", "csv", "--limit", 4, "--offset", 10)
    assert csv_body(r.stdout) == [whole[0]] + whole[11:15]
    assert "More rows follow" in r.stderr
    r = run("query", graph, "ASK { ?s ?p ?o }", "--limit", 3)
    assert r.exit_code == 2 and "SELECT" in r.stderr


def test_help_and_list_state_the_default_limit():
    r = run("query", "--help")
    assert "--limit N" in r.stdout and f"{paging.DEFAULT_LIMIT}" in r.stdout
    assert "--offset N" in r.stdout and "--all" in r.stdout
    r = run("query", "--list")
    assert f"first {paging.DEFAULT_LIMIT} rows" in r.stdout.splitlines()[0]


@pytest.mark.parametrize("name", sorted(kstore.named_queries()))
def test_rewritten_queries_agree_with_rdflib(graph, store, name):
    """The paged text is still portable SPARQL: a second engine gives the same rows for the
    busiest zone (or no parameter) on this larger world."""
    from rdflib import Graph

    q = kstore.named_queries()[name]
    params = q.bind({p[0]: BUSY for p in q.params if p[0] in ("zone", "name", "place")})
    text = kstore.portable_query(q.sparql, params)
    theirs = sorted(tuple(_norm(None if t is None else str(t)) for t in row)
                    for row in Graph().parse(graph).query(text))
    ours = sorted(tuple(map(_norm, r)) for r in
                  _values(paging.run_request(store, _request(name, params), limit=None).result))
    assert ours == theirs
