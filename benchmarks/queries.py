"""Time every named query on a graph of over a million triples, in pyoxigraph and in rdflib.

    .venv/bin/python benchmarks/queries.py [--mb 28] [--seed 1] [--work DIR] [--repeat 5]
    .venv/bin/python benchmarks/queries.py --graph GRAPH.ttl    # time an existing graph

Makes a synthetic corpus of --mb MB (benchmarks/make_corpus.py; 28 MB gives about 1.2 million
triples), builds it with `kg.build.driver.build(..., jobs=0, store=WORK/store)` (what
`kg build --no-html --store` does), then, for each named query (`kg query --list`):
- Oxigraph: the on-disk store that `kg query GRAPH` builds and opens read-only
  (`kg.query.store.open_store`); the time to bulk-load the Turtle into it is reported as its load time;
- rdflib: an in-memory `rdflib.Graph` parsed from the same Turtle (parse time reported); each
  query runs in a forked child so that a runaway query can be stopped at --rdflib-limit seconds.

Each query is timed on its first run and as the median of --repeat further runs (one further
run when the first takes over 5 s), rows fully
read (Oxigraph: written as CSV, as `kg query --format csv` does). Queries with optional
parameters run twice: with a typical parameter (a busy zone, a one-month date range) and with
none (the full listing). Parameter values are taken from the graph before timing. Prints
figures, asserts nothing. Reuses WORK/corpus and WORK/out/graph.ttl when they exist.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def make_graph(work: Path, mb: float, seed: int) -> Path:
    from make_corpus import make_corpus

    from kg.build import build

    corpus = work / "corpus"
    if not corpus.is_dir():
        t = time.perf_counter()
        info = make_corpus(corpus, mb, seed)
        print(f"corpus: {info.get('documents')} documents, {info.get('bytes', 0) / 2**20:.1f} MB "
              f"in {time.perf_counter() - t:.1f} s", flush=True)
    graph = work / "out" / "graph.ttl"
    if not graph.is_file():
        t = time.perf_counter()
        report = build([corpus], work / "out", jobs=0, store=work / "store", html=False)
        print(f"build: {report.triples:,} triples, {report.entities:,} entities "
              f"in {time.perf_counter() - t:.1f} s", flush=True)
    return graph


def pick_params(store) -> dict[str, dict[str, str]]:
    """Typical parameter values, read from the graph: the zone with most enterprises, its
    busiest industry, a region, a busy official's place, and the busiest month of documents."""
    from kg.query.store import run_query

    def one(q):
        rows = list(run_query(store, q).rows())
        return [t.value if t is not None else "" for t in rows[0]] if rows else None

    zone = one("SELECT ?l (COUNT(?e) AS ?n) WHERE { ?z a kg:Zone ; rdfs:label ?l . "
               "?e a kg:Enterprise ; kg:locatedIn ?z } GROUP BY ?z ?l ORDER BY DESC(?n) ?l LIMIT 1")
    industry = one("SELECT ?l (COUNT(?z) AS ?n) WHERE { ?z kg:developsIndustry ?i . "
                   "?i rdfs:label ?l } GROUP BY ?i ?l ORDER BY DESC(?n) ?l LIMIT 1")
    place = one("SELECT ?l (COUNT(?o) AS ?n) WHERE { ?o a kg:Official ; kg:servesIn ?p . "
                "?p rdfs:label ?l } GROUP BY ?p ?l ORDER BY DESC(?n) ?l LIMIT 1")
    month = one("SELECT ?m (COUNT(?d) AS ?n) WHERE { ?d a kg:Document ; dcterms:date ?date "
                "BIND(SUBSTR(STR(?date), 1, 7) AS ?m) } GROUP BY ?m ORDER BY DESC(?n) ?m LIMIT 1")
    z = zone[0] if zone else "兰州新区"
    m = month[0] if month else "2024-03"
    return {
        "zone": {"zone": z}, "industry": {"industry": industry[0] if industry else "新材料"},
        "place": {"place": place[0] if place else "甘肃省"}, "name": {"name": z},
        "month": {"start": f"{m}-01", "end": f"{m}-31"},
    }


def cases(picked) -> list[tuple[str, str, dict]]:
    """(query name, label of the parameters, parameters) for every named query."""
    from kg.query.store import named_queries

    out = []
    for name, q in named_queries().items():
        names = {p[0] for p in q.params}
        given: dict[str, str] = {}
        for key in ("zone", "industry", "place", "name"):
            if key in names:
                given.update(picked[key])
                break
        if {"start", "end"} <= names:
            given.update(picked["month"])
        if given:
            out.append((name, " ".join(f"{k}={v}" for k, v in given.items()), q.bind(given)))
        if not any(p[1] for p in q.params):  # runnable without parameters: the full listing
            out.append((name, "(all)", q.bind({})))
    return out


def time_oxigraph(store, sparql, params, repeat):
    from kg.query.store import run_query

    times, rows = [], 0
    for i in range(1 + repeat):
        if i == 2 and times[0] > 5:  # a slow listing: the median of two repeats will do
            break
        buf = io.BytesIO()
        t = time.perf_counter()
        res = run_query(store, sparql, params=params)
        res.write(buf, "csv")
        times.append(time.perf_counter() - t)
        rows = buf.getvalue().count(b"\r\n") - 1
    return times[0], statistics.median(times[1:]) if repeat else times[0], rows


_RDFLIB_GRAPH = None  # set in the parent before forking: children share it copy-on-write


def _rdflib_child(conn, text, repeat):
    for _ in range(1 + repeat):
        t = time.perf_counter()
        n = len(list(_RDFLIB_GRAPH.query(text)))
        conn.send((time.perf_counter() - t, n))
    conn.close()


def time_rdflib(text, repeat, limit):
    """(first, median, rows) or None values when the child ran out of time."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(child, text, repeat))
    proc.start()
    child.close()
    times, rows = [], None
    deadline = time.monotonic() + limit
    try:
        while len(times) < 1 + repeat:
            left = deadline - time.monotonic()
            if left <= 0 or not parent.poll(left):
                break
            t, rows = parent.recv()
            times.append(t)
            if len(times) == 1 and t * (1 + repeat) > limit:  # no time for repeats
                break
    except EOFError:
        pass
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
    if not times:
        return None, None, None
    return times[0], statistics.median(times[1:]) if len(times) > 1 else None, rows


def ms(x) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:,.1f}" if x < 10 else f"{x * 1000:,.0f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=28.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, help="folder for corpus, build and store "
                                              "(default: a new temporary folder)")
    ap.add_argument("--graph", type=Path, help="time this graph file instead of building one")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--rdflib-limit", type=float, default=120.0,
                    help="seconds per query in rdflib (first run + repeats) before it is stopped")
    a = ap.parse_args(argv)

    import pyoxigraph
    import rdflib

    from kg.query import store as kstore

    work = a.work or Path(tempfile.mkdtemp(prefix="kg-queries-"))
    work.mkdir(parents=True, exist_ok=True)
    graph = a.graph or make_graph(work, a.mb, a.seed)
    size = graph.stat().st_size
    print(f"graph: {graph} ({size / 2**20:.1f} MB); pyoxigraph {pyoxigraph.__version__}, "
          f"rdflib {rdflib.__version__}, {os.cpu_count()} cores", flush=True)

    # Oxigraph: bulk load into the on-disk store next to the graph (as `kg query` does), open it
    t = time.perf_counter()
    kstore.cached_store_path(graph)
    ox_load = time.perf_counter() - t
    t = time.perf_counter()
    store = kstore.open_store(graph)
    ox_open = time.perf_counter() - t
    n = int(next(kstore.run_query(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows())[0].value)
    print(f"triples: {n:,}")
    print(f"oxigraph: bulk load into the on-disk store {ox_load:.1f} s "
          f"(0 s when the store is already there), open read-only {ox_open * 1000:.0f} ms",
          flush=True)
    picked = pick_params(store)
    todo = cases(picked)
    results = {}
    for name, label, params in todo:
        sparql = kstore.named_queries()[name].sparql
        results[(name, label)] = time_oxigraph(store, sparql, params, a.repeat)
        first, med, rows = results[(name, label)]
        print(f"  oxigraph {name} {label}: {rows} rows, first {ms(first)} ms, "
              f"median {ms(med)} ms", flush=True)
    del store

    rd = {}
    if not a.no_rdflib:
        global _RDFLIB_GRAPH
        t = time.perf_counter()
        _RDFLIB_GRAPH = rdflib.Graph().parse(graph, format="turtle")
        rd_parse = time.perf_counter() - t
        print(f"rdflib: parse {rd_parse:.1f} s, {len(_RDFLIB_GRAPH):,} triples", flush=True)
        for name, label, params in todo:
            text = kstore.portable_query(kstore.named_queries()[name].sparql, params)
            rd[(name, label)] = time_rdflib(text, a.repeat, a.rdflib_limit)
            first, med, rows = rd[(name, label)]
            print(f"  rdflib {name} {label}: {rows} rows, first {ms(first)} ms, "
                  f"median {ms(med)} ms", flush=True)

    print()
    print(f"Named queries on {n:,} triples ({size / 2**20:.1f} MB of Turtle); times in ms, "
          f"first run / median of {a.repeat}; '-' = stopped at {a.rdflib_limit:g} s")
    print()
    print("| query | parameters | rows | oxigraph first | oxigraph median | rdflib first "
          "| rdflib median |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, label, _ in todo:
        f1, m1, rows = results[(name, label)]
        f2, m2, rows2 = rd.get((name, label), (None, None, None))
        mark = "" if rows2 in (None, rows) else f" (rdflib: {rows2})"
        print(f"| {name} | {label} | {rows}{mark} | {ms(f1)} | {ms(m1)} | {ms(f2)} | {ms(m2)} |")
    slow = [f"{k[0]} {k[1]}" for k, v in results.items() if v[1] >= 0.1]
    print()
    print("oxigraph: every named query under 100 ms (median)" if not slow else
          "oxigraph: over 100 ms (median): " + "; ".join(slow))
    return 0


if __name__ == "__main__":
    sys.exit(main())
