"""Time every named query on a graph of about a million triples: its first page and its full answer.

    .venv/bin/python benchmarks/queries.py [--mb 30] [--seed 1] [--work DIR] [--repeat 5]
    .venv/bin/python benchmarks/queries.py --graph GRAPH.ttl      # time an existing graph
    .venv/bin/python benchmarks/queries.py --before 049abc1       # and the queries of a commit

Makes a synthetic corpus of --mb MB (benchmarks/make_corpus.py: seed sentences with names from
large generated pools; 30 MB gives about 1.05 million triples), builds it with
`kg.build.build(..., jobs=0, html=False)` (what `kg build --no-html` does) and opens the
on-disk Oxigraph store that `kg query GRAPH` uses (kg.query.store.open_store). Then, for each
named query (`kg query --list`), with a typical parameter (the busiest zone, a one-month date
range; values read from the graph; evidence-for also for the entity mentioned in most
documents) and, when it runs without one, with none (the full listing):

- first page: the first 100 rows, as `kg query --name NAME` prints them
  (kg.query.paging.run_request, rows written as CSV), the median of --repeat runs after one
  warm-up run, in wall and in CPU milliseconds (CPU time is the steadier figure on a shared
  machine: a query runs in the calling thread);
- full: the whole answer, as `kg query --name NAME --all` prints it, one run, in seconds;
- with --before REF: the same two figures for the .rq files of commit REF (git show), run as
  they were: in full, and with LIMIT 100 appended (the cheapest way to get 100 rows then).

Also checks that page 1 + page 2 equal the first 200 rows of the full answer. Prints
figures, asserts nothing. Reuses WORK/corpus and WORK/out/graph.ttl when they exist.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PAGE = 100


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
        report = build([corpus], work / "out", jobs=0, html=False)
        print(f"build: {report.triples:,} triples, {report.entities:,} entities "
              f"in {time.perf_counter() - t:.1f} s", flush=True)
    return graph


def pick_params(store) -> dict[str, dict[str, str]]:
    """Typical parameter values, read from the graph: the zone with most enterprises, the
    industry most zones develop, a busy official's place, the busiest month of documents, and
    the entity mentioned in most documents (few statements in each: the slow case of
    evidence-for, which reads documents in date order)."""
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
    mentioned = one("SELECT ?l (COUNT(?d) AS ?n) WHERE { ?x rdfs:label ?l ; kg:mentionedIn ?d } "
                    "GROUP BY ?x ?l ORDER BY DESC(?n) ?l LIMIT 1")
    z = zone[0] if zone else "兰州新区"
    m = month[0] if month else "2024-03"
    return {
        "zone": {"zone": z}, "industry": {"industry": industry[0] if industry else "新材料"},
        "place": {"place": place[0] if place else "甘肃省"}, "name": {"name": z},
        "month": {"start": f"{m}-01", "end": f"{m}-31"},
        "mentioned": {"name": mentioned[0] if mentioned else z},
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
        if name == "evidence-for" and picked["mentioned"] != picked["name"]:
            label = f"name={picked['mentioned']['name']}"
            out.append((name, label, q.bind(picked["mentioned"])))
    return out


def timed(run) -> tuple[float, float, bytes]:
    """(wall s, CPU s, CSV bytes) of one call of ``run`` (which returns a QueryResult)."""
    buf = io.BytesIO()
    w, c = time.perf_counter(), time.process_time()
    run().write(buf, "csv")
    return time.perf_counter() - w, time.process_time() - c, buf.getvalue()


def csv_rows(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")[1:-1]


def time_case(store, name: str, params: dict, repeat: int) -> dict:
    """First page (median wall and CPU of ``repeat`` runs after a warm-up), full answer (one
    run), rows, and whether page 1 + page 2 equal the full answer's first 200 rows."""
    from kg.query.paging import run_request
    from kg.query.request import QueryRequest
    from kg.query.store import named_queries

    request = QueryRequest(named_queries()[name].sparql, params, name, name)
    page = [timed(lambda: run_request(store, request, limit=PAGE).result)
            for _ in range(1 + repeat)][1:]
    second = timed(lambda: run_request(store, request, limit=PAGE, offset=PAGE).result)
    full = timed(lambda: run_request(store, request, limit=None).result)
    rows = csv_rows(full[2])
    return {
        "page_wall": statistics.median(t[0] for t in page),
        "page_cpu": statistics.median(t[1] for t in page),
        "full": full[0], "rows": len(rows),
        "stable": csv_rows(page[0][2]) + csv_rows(second[2]) == rows[:2 * PAGE],
    }


def time_before(store, ref: str, name: str, params: dict) -> dict | None:
    """The query of commit ``ref`` run as it was: full, and with LIMIT 100 appended."""
    from kg.query.store import run_query

    got = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:kg/query/queries/{name}.rq"],
                         capture_output=True, text=True)
    if got.returncode:
        return None
    text = got.stdout
    full = timed(lambda: run_query(store, text, params=params))
    first = timed(lambda: run_query(store, f"{text.rstrip()}\nLIMIT {PAGE}\n", params=params))
    return {"full": full[0], "page_wall": first[0], "rows": len(csv_rows(full[2]))}


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def fmt_s(seconds: float) -> str:
    return f"{seconds:,.2f}" if seconds < 10 else f"{seconds:,.1f}"


def print_table(results: dict, before: dict, n_triples: int, size: float, repeat: int) -> None:
    print()
    print(f"Named queries on {n_triples:,} triples ({size / 2**20:.1f} MB of Turtle): first "
          f"{PAGE} rows (median of {repeat}, ms) and the full answer (--all, s)")
    print()
    head = "| query | parameters | rows | first page ms | first page CPU ms | full s |"
    rule = "| --- | --- | ---: | ---: | ---: | ---: |"
    if before:
        head += " before: LIMIT 100 ms | before: full s |"
        rule += " ---: | ---: |"
    print(head)
    print(rule)
    for (name, label), r in results.items():
        line = (f"| {name} | {label} | {r['rows']:,} | {fmt_ms(r['page_wall'])} | "
                f"{fmt_ms(r['page_cpu'])} | {fmt_s(r['full'])} |")
        if before:
            b = before.get((name, label))
            line += (f" {fmt_ms(b['page_wall'])} | {fmt_s(b['full'])} |" if b else " - | - |")
        print(line)
    slow = [f"{k[0]} {k[1]}" for k, r in results.items() if r["page_wall"] >= 0.2]
    unstable = [f"{k[0]} {k[1]}" for k, r in results.items() if not r["stable"]]
    print()
    print("first page under 200 ms (wall) for every query" if not slow else
          "first page at 200 ms or more (wall): " + "; ".join(slow))
    print("page 1 + page 2 = the first 200 rows of the full answer for every query"
          if not unstable else "pages differ from the full answer: " + "; ".join(unstable))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, help="folder for corpus, build and store "
                                              "(default: a new temporary folder)")
    ap.add_argument("--graph", type=Path, help="time this graph file instead of building one")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--before", metavar="REF", help="also time the queries of this commit")
    ap.add_argument("--only", nargs="*", default=(), metavar="NAME", help="these queries only")
    a = ap.parse_args(argv)

    import pyoxigraph

    from kg.query import store as kstore

    work = a.work or Path(tempfile.mkdtemp(prefix="kg-queries-"))
    work.mkdir(parents=True, exist_ok=True)
    graph = a.graph or make_graph(work, a.mb, a.seed)
    size = graph.stat().st_size
    t = time.perf_counter()
    kstore.cached_store_path(graph)
    load = time.perf_counter() - t
    store = kstore.open_store(graph)
    n = int(next(kstore.run_query(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows())[0].value)
    print(f"graph: {graph} ({size / 2**20:.1f} MB), {n:,} triples; store ready in {load:.1f} s; "
          f"pyoxigraph {pyoxigraph.__version__}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    picked = pick_params(store)
    results, before = {}, {}
    for name, label, params in cases(picked):
        if a.only and name not in a.only:
            continue
        results[(name, label)] = r = time_case(store, name, params, a.repeat)
        print(f"  {name} {label}: {r['rows']:,} rows, first page {fmt_ms(r['page_wall'])} ms "
              f"({fmt_ms(r['page_cpu'])} ms CPU), full {fmt_s(r['full'])} s"
              f"{'' if r['stable'] else ', PAGES DIFFER FROM THE FULL ANSWER'}", flush=True)
        if a.before:
            before[(name, label)] = b = time_before(store, a.before, name, params)
            if b:
                print(f"    before ({a.before}): LIMIT {PAGE} {fmt_ms(b['page_wall'])} ms, "
                      f"full {fmt_s(b['full'])} s, {b['rows']:,} rows", flush=True)
    print_table(results, before, n, size, a.repeat)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
