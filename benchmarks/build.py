"""Benchmark `kg build` at several corpus sizes, with 1 and with all workers, against anchors.

    .venv/bin/python benchmarks/build.py --mb 10 --mb 100 [--jobs 1 --jobs 2] [--corpora DIR]

For each size it makes (or reuses) a synthetic corpus (benchmarks/make_corpus.py), then prints,
per worker count: wall time, MB/s, characters/s, peak RSS (the whole process tree, sampled),
the time share of each stage (ingest, segmentation, extraction, resolution, graph,
serialisation; summed over workers), triples and entities per MB. In the same run it measures
the anchors on the same text: a plain read of the files, and raw `jieba.lcut` (precise mode) on
an even sample of the documents (--anchor-mb, default 4 MB; jieba runs at ~0.4 MB/s), and
prints the ratios (on wall time, and on CPU time, which other load on the machine disturbs
less). Machines are noisy: compare ratios from one run. Figures are printed, never
asserted. Each build runs in a fresh Python process.

    .venv/bin/python benchmarks/build.py --queries 30

builds a corpus of that many MB into a store (`kg build --store`, kept between runs, so a
second run is incremental) and times every named query of `kg query --list` on its Oxigraph
store (>= 1 million triples from about 25 MB): first run and median of 5, with and without
parameters, rows returned.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STAGES = ("ingest", "segmentation", "extraction", "resolution", "graph", "serialisation")


def corpus(base: Path, mb: float, seed: int) -> tuple[Path, dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_corpus import make_corpus

    folder = base / f"corpus-{mb:g}mb-s{seed}"
    info = folder / "corpus.json"
    if info.exists():
        return folder, json.loads(info.read_text(encoding="utf-8"))
    tmp = base / f".tmp-{folder.name}-{os.getpid()}"
    summary = make_corpus(tmp, mb, seed)
    os.rename(tmp, folder)
    return folder, summary


def files_of(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.txt"))


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def anchor_read(files: list[Path]) -> tuple[float, int, int]:
    """Seconds to read every file, bytes, characters (decoded)."""
    t0 = time.perf_counter()
    total = 0
    for f in files:
        total += len(f.read_bytes())
    seconds = time.perf_counter() - t0
    chars = sum(len(decode(f.read_bytes())) for f in files)
    return seconds, total, chars


def anchor_jieba(files: list[Path], mb: float) -> tuple[float, float, int]:
    """jieba.lcut precise mode on an even sample of about `mb` MB: wall and CPU seconds, bytes
    (dictionary load excluded)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    total = sum(f.stat().st_size for f in files)
    step = max(1, round(total / (mb * 2**20)))
    sample = files[::step]
    texts = [decode(f.read_bytes()) for f in sample]
    t0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        jieba.lcut(t)
    return time.perf_counter() - t0, time.process_time() - c0, sum(f.stat().st_size for f in sample)


class RssSampler(threading.Thread):
    """Peak resident memory of a process and all its children, sampled every 0.1 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self):
        try:
            import psutil
        except ImportError:  # then the build's own getrusage figures are used
            return
        try:
            proc = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.is_set():
            try:
                procs = [proc] + proc.children(recursive=True)
                rss = 0
                for p in procs:
                    try:
                        rss += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, rss)
            except psutil.Error:
                return
            self.stop.wait(0.1)


def child(args) -> None:
    """Run one build in this (fresh) process and print its figures as JSON."""
    import resource

    from kg import pipeline

    pipeline.enable_timing(True)
    t0 = time.perf_counter()
    c0 = time.process_time()
    if args.engine == "dask":
        from kg.distributed import build_dask
        from kg.vocab import DEFAULT_BASE

        report = build_dask([args.child], args.out, base=DEFAULT_BASE, workers=args.child_jobs)
    else:
        report = pipeline.build([args.child], args.out, jobs=args.child_jobs, store=args.store)
    wall = time.perf_counter() - t0
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "cpu_parent": time.process_time() - c0,
                      "cpu_children": ru_kids.ru_utime + ru_kids.ru_stime,
                      "maxrss_parent_mb": ru_self.ru_maxrss / 1024, "maxrss_child_mb": ru_kids.ru_maxrss / 1024,
                      "documents": report.documents, "failed": len(report.failed), "entities": report.entities,
                      "relations": report.relations, "triples": report.triples, "stages": report.stages,
                      "output_bytes": os.path.getsize(report.output)}))


def run_build(folder: Path, jobs: int, engine: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="kg-bench-out-") as out:
        cmd = [sys.executable, __file__, "--child", str(folder), "--out", out, "--child-jobs", str(jobs),
               "--engine", engine]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sampler = RssSampler(proc.pid)
        sampler.start()
        stdout, stderr = proc.communicate()
        sampler.stop.set()
        sampler.join()
        if proc.returncode != 0:
            raise SystemExit(f"build failed ({proc.returncode}):\n{stderr[-3000:]}")
        fig = json.loads(stdout.strip().splitlines()[-1])
        fig["wall_outer"] = time.perf_counter() - t0
        fig["peak_tree_mb"] = sampler.peak / 2**20 or max(fig["maxrss_parent_mb"], fig["maxrss_child_mb"])
        return fig


def pick_params(store) -> dict:
    """Parameter values that make the named queries work hard: the busiest zone and industry."""
    from kg.store import run_query

    def first(q):
        rows = list(run_query(store, q).rows())
        return str(rows[0][0].value) if rows else ""

    zone = first("SELECT ?l WHERE { ?e kg:locatedIn ?z . ?z a kg:Zone ; rdfs:label ?l } GROUP BY ?z ?l "
                 "ORDER BY DESC(COUNT(?e)) LIMIT 1")
    industry = first("SELECT ?l WHERE { ?z kg:developsIndustry ?i . ?i rdfs:label ?l } GROUP BY ?i ?l "
                     "ORDER BY DESC(COUNT(?z)) LIMIT 1")
    party = first("SELECT ?l WHERE { ?a kg:cooperatesWith ?b . ?a rdfs:label ?l } GROUP BY ?a ?l "
                  "ORDER BY DESC(COUNT(?b)) LIMIT 1")
    return {"zone": zone, "industry": industry, "name": zone, "party": party, "start": "2020-01-01",
            "end": "2020-12-31", "type": "Enterprise", "place": "甘肃省"}


def time_one_query(store_dir: str, name: str, params: dict) -> dict:
    """Run one named query 6 times (once if it takes over 2 s): first and median ms, rows."""
    import statistics

    import pyoxigraph as ox

    from kg.store import named_queries, run_query

    store = ox.Store.read_only(store_dir)
    q = named_queries()[name]
    bound = q.bind(params)
    times, rows = [], 0
    for _ in range(6):
        t0 = time.perf_counter()
        res = run_query(store, q.sparql, params=bound)
        rows = sum(1 for _ in res.rows()) if res.kind == "select" else sum(1 for _ in res.triples())
        times.append((time.perf_counter() - t0) * 1000)
        if times[0] > 2000:
            break
    return {"first": times[0], "median": statistics.median(times[1:] or times), "rows": rows}


def time_queries(store_dir: Path, timeout: float = 60) -> None:
    """Each named query (with and without parameters) in its own process, stopped after `timeout` s."""
    import pyoxigraph as ox

    from kg.store import named_queries

    store = ox.Store.read_only(str(store_dir))
    n = len(store)
    values = pick_params(store)
    del store
    print(f"\nnamed queries on {store_dir} ({n:,} triples); params: zone={values['zone']} "
          f"industry={values['industry']} party={values['party']}")
    print(f"{'query':<22} {'params':<34} {'first ms':>9} {'median ms':>10} {'rows':>7}  < 100 ms")
    for name, q in named_queries().items():
        given = {}
        for pname, required, _ in q.params:
            given[pname] = values["party"] if (name == "cooperation" and pname == "name") else values.get(pname, "")
        variants = [given] if any(req for _, req, _ in q.params) else [{}, given] if q.params else [{}]
        for params in variants:
            shown = ",".join(f"{k}={v}" for k, v in params.items() if v) or "-"
            cmd = [sys.executable, __file__, "--query-one", name, "--params", json.dumps(params),
                   "--store", str(store_dir)]
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
                fig = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{name:<22} {shown[:34]:<34} {fig['first']:>9.1f} {fig['median']:>10.1f} {fig['rows']:>7}  "
                      f"{'yes' if fig['median'] < 100 else 'NO'}", flush=True)
            except subprocess.TimeoutExpired:
                print(f"{name:<22} {shown[:34]:<34} {'> ' + str(int(timeout * 1000)):>9} {'':>10} {'':>7}  NO",
                      flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, action="append", help="corpus size in MB (repeatable)")
    ap.add_argument("--jobs", type=int, action="append", help="worker counts (default: 1 and all cores)")
    ap.add_argument("--engine", choices=["local", "dask"], default="local")
    ap.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench",
                    help="where generated corpora are kept between runs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--anchor-mb", type=float, default=4.0, help="jieba anchor sample size")
    ap.add_argument("--json", type=Path, help="also write all figures to this file")
    ap.add_argument("--queries", type=float, metavar="MB",
                    help="only time the named queries on a store built from a corpus of MB megabytes")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--child-jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--store", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--query-one", help=argparse.SUPPRESS)
    ap.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args)
        return 0
    if args.query_one:
        print(json.dumps(time_one_query(args.store, args.query_one, json.loads(args.params))))
        return 0
    from kg.parallel import default_jobs

    if args.queries:
        args.corpora.mkdir(parents=True, exist_ok=True)
        folder, summary = corpus(args.corpora, args.queries, args.seed)
        store = args.corpora / f"store-{args.queries:g}mb-s{args.seed}"
        from kg import pipeline

        t0 = time.perf_counter()
        report = pipeline.build([folder], store / "output", jobs=default_jobs(), store=store)
        print(f"store build: {report.documents} documents, {report.triples:,} triples, {report.extracted} processed, "
              f"{report.reused} reused, {time.perf_counter() - t0:.0f} s")
        time_queries(store / "oxigraph")
        return 0
    sizes = args.mb or [10.0, 100.0]
    jobs_list = args.jobs or sorted({1, default_jobs()})
    args.corpora.mkdir(parents=True, exist_ok=True)
    print(f"machine: {default_jobs()} cores usable, load average {os.getloadavg()[0]:.1f}; python {sys.version.split()[0]}")
    all_figs = []
    for mb in sizes:
        t0 = time.perf_counter()
        folder, summary = corpus(args.corpora, mb, args.seed)
        files = files_of(folder)
        print(f"\n== {mb:g} MB: {summary['documents']} documents, {summary['bytes'] / 2**20:.1f} MB "
              f"(corpus ready in {time.perf_counter() - t0:.0f} s, {folder})")
        read_s, nbytes, chars = anchor_read(files)
        jieba_s, jieba_cpu, jieba_bytes = anchor_jieba(files, args.anchor_mb)
        size_mb = nbytes / 2**20
        read_mbs = size_mb / read_s
        jieba_mbs = jieba_bytes / 2**20 / jieba_s
        jieba_cpu_mbs = jieba_bytes / 2**20 / jieba_cpu
        print(f"anchor read: {read_s:.2f} s, {read_mbs:.0f} MB/s | anchor jieba.lcut precise: "
              f"{jieba_mbs:.2f} MB/s wall, {jieba_cpu_mbs:.2f} MB/s CPU ({jieba_bytes / 2**20:.1f} MB sample)")
        header = (f"{'workers':>7} {'wall s':>8} {'CPU s':>7} {'MB/s':>6} {'kchar/s':>8} {'peak RSS MB':>11} "
                  f"{'triples':>9} {'ent/MB':>7} {'x jieba':>7} {'xj CPU':>6} {'read/kg':>8} "
                  + " ".join(f"{s[:6]:>6}" for s in STAGES))
        print(header)
        for jobs in jobs_list:
            fig = run_build(folder, jobs, args.engine)
            stages = fig["stages"]
            total = sum(stages.values()) or 1.0
            mbs = size_mb / fig["wall"]
            cpu = fig["cpu_parent"] + fig["cpu_children"]
            row = (f"{jobs:>7} {fig['wall']:>8.1f} {cpu:>7.1f} {mbs:>6.2f} {chars / fig['wall'] / 1000:>8.0f} "
                   f"{fig['peak_tree_mb']:>11.0f} {fig['triples']:>9} {fig['entities'] / size_mb:>7.0f} "
                   f"{mbs / jieba_mbs:>7.2f} {size_mb / cpu / jieba_cpu_mbs:>6.2f} {read_mbs / mbs:>8.0f} "
                   + " ".join(f"{100 * stages.get(s, 0) / total:>5.1f}%" for s in STAGES))
            print(row, flush=True)
            fig.update(mb=mb, size_mb=size_mb, chars=chars, jobs=jobs, read_mbs=read_mbs, jieba_mbs=jieba_mbs,
                       jieba_cpu_mbs=jieba_cpu_mbs, cpu=cpu,
                       kg_mbs=mbs, documents_in=summary["documents"], pools=summary.get("pools"))
            all_figs.append(fig)
    print("\nratios (same run):")
    by = {(f["mb"], f["jobs"]): f for f in all_figs}
    for mb in sizes:
        one, many = by.get((mb, 1)), by.get((mb, max(jobs_list)))
        if one and many and many is not one:
            print(f"  {mb:g} MB: speed-up with {max(jobs_list)} workers {one['wall'] / many['wall']:.2f}x")
        if one:
            print(f"  {mb:g} MB: kg build (1 worker) / jieba.lcut = {one['kg_mbs'] / one['jieba_mbs']:.2f} wall, "
                  f"{one['size_mb'] / one['cpu'] / one['jieba_cpu_mbs']:.2f} CPU; "
                  f"plain read / kg build = {one['read_mbs'] / one['kg_mbs']:.0f}")
    if len(sizes) >= 2:
        lo, hi = min(sizes), max(sizes)
        for jobs in jobs_list:
            a, b = by.get((lo, jobs)), by.get((hi, jobs))
            if a and b:
                print(f"  {jobs} worker(s): {hi:g} MB takes {b['wall'] / a['wall']:.1f}x the time of {lo:g} MB "
                      f"(size ratio {b['size_mb'] / a['size_mb']:.1f}); peak RSS {a['peak_tree_mb']:.0f} -> "
                      f"{b['peak_tree_mb']:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(all_figs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
