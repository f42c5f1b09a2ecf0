"""Load `kg serve` with concurrent clients on loopback; print requests per second and errors.

    .venv/bin/python benchmarks/serve_load.py [--graph GRAPH] [--clients 16] [--requests 50]
                                              [--workers 2] [--mix simple|named] [--url URL]

Without --graph the seeds are built into a temporary folder. The server is `kg.query.serve.make_server`
in this process (or an already running endpoint given by --url); each client is a thread with
its own keep-alive HTTP connection that sends --requests queries and reads every answer.
Mixes: `simple` (one small SELECT, GET), `named` (every named query in turn, with the seeds'
parameters, POST application/sparql-query). An error is any answer other than 200 or any
connection failure. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIMPLE = "SELECT ?l WHERE { ?z a kg:Zone ; rdfs:label ?l } ORDER BY ?l"
PARAMS = {"zone": "兰州新区", "industry": "新材料", "place": "甘肃省", "name": "兰州新区",
          "start": "2024-01-01", "end": "2024-12-31"}


def requests_for(mix: str) -> list[tuple[str, str, bytes | None, dict]]:
    """(method, path, body, headers) requests a client cycles through."""
    from kg.query.store import named_queries, portable_query

    if mix == "simple":
        path = "/sparql?" + urllib.parse.urlencode({"query": SIMPLE})
        return [("GET", path, None, {"Accept": "application/sparql-results+json"})]
    out = []
    for q in named_queries().values():
        given = {p[0]: PARAMS[p[0]] for p in q.params if p[0] in PARAMS}
        text = portable_query(q.sparql, q.bind(given))
        out.append(("POST", "/sparql", text.encode("utf-8"),
                    {"Content-Type": "application/sparql-query", "Accept": "text/csv"}))
    return out


def client(host, port, reqs, n, latencies, errors, lock):
    conn = http.client.HTTPConnection(host, port, timeout=120)
    mine, errs = [], []
    for i in range(n):
        method, path, body, headers = reqs[i % len(reqs)]
        t = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errs.append(f"HTTP {resp.status}")
        except (OSError, http.client.HTTPException) as exc:
            errs.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=120)
        mine.append(time.perf_counter() - t)
    conn.close()
    with lock:
        latencies.extend(mine)
        errors.extend(errs)


def run_load(host, port, reqs, clients, per_client):
    latencies, errors, lock = [], [], threading.Lock()
    threads = [threading.Thread(target=client,
                                args=(host, port, reqs, per_client, latencies, errors, lock))
               for _ in range(clients)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - t, latencies, errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", type=Path)
    ap.add_argument("--url", help="load a running endpoint instead of starting one")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=50, help="requests per client")
    ap.add_argument("--workers", type=int, default=2, help="query worker processes")
    ap.add_argument("--mix", choices=("simple", "named", "both"), default="both")
    a = ap.parse_args(argv)

    server = thread = out = None
    if a.url:
        u = urllib.parse.urlsplit(a.url)
        host, port, label = u.hostname, u.port or 80, a.url
    else:
        from kg.query.serve import make_server

        graph = a.graph
        if graph is None:
            from kg.build import build

            out = Path(tempfile.mkdtemp(prefix="kg-serve-load-"))
            graph = Path(build([ROOT / "seeds"], out, html=False).output)
        server = make_server(graph, "127.0.0.1", 0, workers=a.workers, quiet=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.server_address[:2]
        label = f"{graph} ({a.workers} workers)"
    print(f"endpoint: {label}; {a.clients} clients x {a.requests} requests each")
    try:
        mixes = ("simple", "named") if a.mix == "both" else (a.mix,)
        for mix in mixes:
            reqs = requests_for(mix)
            run_load(host, port, reqs, 2, len(reqs))  # warm-up: workers open the store
            wall, lat, errors = run_load(host, port, reqs, a.clients, a.requests)
            lat.sort()
            n = len(lat)
            pct = {p: lat[min(n - 1, int(p / 100 * n))] * 1000 for p in (50, 95, 99)}
            print(f"{mix:7s} {n} requests in {wall:.2f} s = {n / wall:,.0f} requests/s; "
                  f"errors {len(errors)}; latency ms p50 {pct[50]:.1f} p95 {pct[95]:.1f} "
                  f"p99 {pct[99]:.1f} max {lat[-1] * 1000:.1f} "
                  f"(mean {statistics.mean(lat) * 1000:.1f})")
            if errors:
                print("  errors:", ", ".join(sorted(set(errors))))
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
            thread.join(5)
        if out is not None:
            import shutil

            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
