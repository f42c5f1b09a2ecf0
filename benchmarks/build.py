"""Benchmark `kg build` at several corpus sizes, with 1 and with all workers, against anchors.

    .venv/bin/python benchmarks/build.py --mb 10 --mb 100 [--jobs 1 --jobs 2] [--corpora DIR]

For each size it makes (or reuses) a synthetic corpus from the sentences of the seeds and the
development texts (benchmarks/make_corpus.py, which says how), then prints,
per worker count: wall time, MB/s, characters/s, peak RSS (the whole process tree, sampled),
the time share of each stage (ingest, segmentation, extraction, resolution, graph,
serialisation; summed over workers), triples and entities per MB. In the same run it measures
the anchors on the same text: a plain read of the files, and raw `jieba.lcut` (precise mode) on
an even sample of the documents (--anchor-mb, default 4 MB; jieba runs at 0.4-1.3 MB/s,
depending on the machine), and
prints the ratios (on wall time, and on CPU time, which other load on the machine disturbs
less). Machines are noisy: compare ratios from one run, and read the `load` column (the 1-minute
load average before and after each build: above the number of workers, other processes shared
the cores and wall times are inflated). Before each multi-worker build it also measures the
speed-up the machine gives N copies of a pure-Python busy loop at that moment, the ceiling for
kg's own speed-up. Figures are printed, never asserted. Each build runs in
a fresh Python process.

    .venv/bin/python benchmarks/build.py --incremental 100 [--batch-mb 0.2] [--jobs 2]

times `kg build --store` on that corpus: the full build into an empty store, a re-run with
nothing changed, a batch of new documents added (made with another seed), and one document
removed, each against the full build.

Query timings on a large store are in benchmarks/queries.py.
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

from kg.build.executors import ENGINES  # noqa: E402  (after the path: the repository's kg)
from kg.build.timing import STAGES  # noqa: E402


def corpus(base: Path, mb: float, seed: int) -> tuple[Path, dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_corpus import RECIPE, make_corpus, source_digest

    # the name says what the corpus was made from: a changed recipe or source text makes a new one
    folder = base / f"corpus-{mb:g}mb-s{seed}-r{RECIPE}-{source_digest()[:8]}"
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


def _spin(n: int = 3_000_000) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t0


def anchor_parallel(jobs: int, repeat: int = 3) -> float:
    """The speed-up the machine gives right now to `jobs` copies of a pure-Python busy loop
    against one (median of `repeat`): the ceiling for kg's speed-up with that many workers,
    lower than `jobs` when other processes share the cores."""
    import multiprocessing as mp
    import statistics

    if jobs <= 1:
        return 1.0
    ratios = []
    with mp.get_context("fork").Pool(jobs) as pool:
        pool.map(_spin, [10_000] * jobs)
        for _ in range(repeat):
            one = _spin()
            t0 = time.perf_counter()
            pool.map(_spin, [3_000_000] * jobs)
            ratios.append(jobs * one / (time.perf_counter() - t0))
    return statistics.median(ratios)


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

    from kg.build import build

    t0 = time.perf_counter()
    c0 = time.process_time()
    report = build([args.child], args.out, jobs=args.child_jobs, store=args.store, html=False, engine=args.engine,
                   timing=True)
    wall = time.perf_counter() - t0
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "cpu_parent": time.process_time() - c0,
                      "cpu_children": ru_kids.ru_utime + ru_kids.ru_stime,
                      "maxrss_parent_mb": ru_self.ru_maxrss / 1024, "maxrss_child_mb": ru_kids.ru_maxrss / 1024,
                      "documents": report.documents, "failed": len(report.failed), "entities": report.entities,
                      "relations": report.relations, "triples": report.triples, "stages": report.stages,
                      "extracted": report.extracted, "reused": report.reused, "removed": len(report.removed),
                      "output_bytes": os.path.getsize(report.output)}))


def run_build(folder: Path, jobs: int, engine: str = "local", store: Path | None = None) -> dict:
    """One build in a fresh process, its peak RSS sampled from here; the 1-minute load average
    before and after tells how busy the machine was."""
    with tempfile.TemporaryDirectory(prefix="kg-bench-out-") as out:
        cmd = [sys.executable, __file__, "--child", str(folder), "--out", out, "--child-jobs", str(jobs),
               "--engine", engine]
        if store is not None:
            cmd += ["--store", str(store)]
        load0 = os.getloadavg()[0]
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
        fig["load"] = (load0, os.getloadavg()[0])
        fig["peak_tree_mb"] = sampler.peak / 2**20 or max(fig["maxrss_parent_mb"], fig["maxrss_child_mb"])
        return fig


def link_tree(src: Path, dst: Path) -> int:
    """Hard-link (or copy) every .txt file under src into dst, same relative paths; returns the count."""
    import shutil

    n = 0
    for f in files_of(src):
        target = dst / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, target)
        except OSError:
            shutil.copy2(f, target)
        n += 1
    return n


def incremental(args, mb: float, jobs: int) -> dict:
    """A store holding the corpus of `mb` MB, then: a re-run with nothing changed, a batch of new
    documents added, one document removed; each timed against the full build."""
    folder, summary = corpus(args.corpora, mb, args.seed)
    batch, bsum = corpus(args.corpora, args.batch_mb, args.seed + 1000)
    figs = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-inc-", dir=args.corpora) as work:
        work = Path(work)
        docs, store = work / "corpus", work / "store"
        link_tree(folder, docs)
        print(f"\n== incremental, {mb:g} MB corpus, {jobs} worker(s); batch of {bsum['documents']} new documents "
              f"({bsum['bytes'] / 2**20:.2f} MB)")
        print(f"{'step':<34} {'wall s':>8} {'CPU s':>7} {'processed':>9} {'reused':>7} {'removed':>7} "
              f"{'triples':>9} {'x full':>7} {'load':>9}")

        def step(name):
            fig = run_build(docs, jobs, store=store)
            figs[name] = fig
            full = figs["full build into an empty store"]["wall"]
            print(f"{name:<34} {fig['wall']:>8.1f} {fig['cpu_parent'] + fig['cpu_children']:>7.1f} "
                  f"{fig['extracted']:>9} {fig['reused']:>7} {fig['removed']:>7} {fig['triples']:>9} "
                  f"{fig['wall'] / full:>7.3f} {fig['load'][0]:>4.1f}-{fig['load'][1]:<4.1f}", flush=True)

        step("full build into an empty store")
        step("re-run, nothing changed")
        link_tree(batch, docs / "new")
        step("batch of new documents added")
        victim = files_of(docs / "new")[0]
        victim.unlink()
        step("one document removed")
    return figs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=f"Writes to disk: the generated corpora, kept and reused by later runs, in --corpora "
               f"(default {Path(tempfile.gettempdir()) / 'kg-bench'}), each the size asked for; each "
               f"build's output in a temporary folder that is removed afterwards.")
    ap.add_argument("--mb", type=float, action="append", help="corpus size in MB (repeatable)")
    ap.add_argument("--jobs", type=int, action="append", help="worker counts (default: 1 and all cores)")
    ap.add_argument("--engine", choices=list(ENGINES), default="local")
    ap.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench",
                    help="where generated corpora are kept between runs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--anchor-mb", type=float, default=4.0, help="jieba anchor sample size")
    ap.add_argument("--json", type=Path, help="also write all figures to this file")
    ap.add_argument("--incremental", type=float, metavar="MB",
                    help="instead: time a store build of MB megabytes, then a batch of new documents added "
                    "and one removed (kg build --store)")
    ap.add_argument("--batch-mb", type=float, default=0.2, help="size of the new batch for --incremental")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--child-jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--store", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args)
        return 0
    from kg.build.executors import default_jobs

    if args.incremental:
        args.corpora.mkdir(parents=True, exist_ok=True)
        jobs = (args.jobs or [default_jobs()])[-1]
        figs = incremental(args, args.incremental, jobs)
        if args.json:
            args.json.write_text(json.dumps(figs, indent=1), encoding="utf-8")
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
                  + " ".join(f"{s[:6]:>6}" for s in STAGES) + f" {'load':>9}")
        print(header)
        for jobs in jobs_list:
            machine = anchor_parallel(jobs)
            fig = run_build(folder, jobs, args.engine)
            stages = fig["stages"]
            total = sum(stages.values()) or 1.0
            mbs = size_mb / fig["wall"]
            cpu = fig["cpu_parent"] + fig["cpu_children"]
            row = (f"{jobs:>7} {fig['wall']:>8.1f} {cpu:>7.1f} {mbs:>6.2f} {chars / fig['wall'] / 1000:>8.0f} "
                   f"{fig['peak_tree_mb']:>11.0f} {fig['triples']:>9} {fig['entities'] / size_mb:>7.0f} "
                   f"{mbs / jieba_mbs:>7.2f} {size_mb / cpu / jieba_cpu_mbs:>6.2f} {read_mbs / mbs:>8.0f} "
                   + " ".join(f"{100 * stages.get(s, 0) / total:>5.1f}%" for s in STAGES)
                   + f" {fig['load'][0]:>4.1f}-{fig['load'][1]:<4.1f}")
            print(row, flush=True)
            fig.update(mb=mb, size_mb=size_mb, chars=chars, jobs=jobs, read_mbs=read_mbs, jieba_mbs=jieba_mbs,
                       machine_speedup=machine,
                       jieba_cpu_mbs=jieba_cpu_mbs, cpu=cpu,
                       kg_mbs=mbs, documents_in=summary["documents"], pools=summary.get("pools"))
            all_figs.append(fig)
    print("\nratios (same run):")
    by = {(f["mb"], f["jobs"]): f for f in all_figs}
    for mb in sizes:
        one, many = by.get((mb, 1)), by.get((mb, max(jobs_list)))
        if one and many and many is not one:
            print(f"  {mb:g} MB: speed-up with {max(jobs_list)} workers {one['wall'] / many['wall']:.2f}x; "
                  f"a pure-Python busy loop got {many['machine_speedup']:.2f}x from {max(jobs_list)} processes "
                  f"just before (the machine's ceiling then)")
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
