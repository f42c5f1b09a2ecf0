"""The build: paths -> documents -> spans -> entities and facts -> graph, one document at a time.

`build()` is the one entry point the CLI, the tests and parallel runners call. Per-document
work (`process_path` / `process_document`) is pure and picklable in and out, so it runs in
worker processes (`kg.parallel`) or on a cluster (`kg.distributed`); documents stream through:
each result is folded into the corpus entity table and spooled (compressed) as it arrives, and
the graph is written partition by partition (`kg.graph.SpoolingGraphBuilder`), so memory
follows the number of distinct entities, not the size of the corpus. The output is the same
bytes whatever the number of workers and the order of the inputs.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from time import perf_counter
from typing import Callable, Iterable, Iterator

from ..errors import InputError, KgError
from ..model import DocResult
from ..rdf.vocab import DEFAULT_BASE
from . import timing
from .document import EntityPart, pack, pack_entities, resources, unpack
from .merge import EntityTable, ResultSpool, write_graph

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)

@dataclass
class BuildReport:
    documents: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    triples: int = 0
    output: str = ""
    by_class: dict = field(default_factory=dict)
    extracted: int = 0            # documents processed in this run (the rest came from the store)
    reused: int = 0
    removed: list[str] = field(default_factory=list)   # documents dropped from the store
    stages: dict = field(default_factory=dict)          # seconds per stage, when timing was on
    store: dict = field(default_factory=dict)           # how the Oxigraph store was brought up to date
    quads: int = 0                                      # N-Quads written by the dask engine
    html: str = ""                                      # the graph page, when one was written


HTML_MAX_NODES = 2000         # what a browser lays out and searches without freezing (benchmarks/viz_bench.py)
HTML_MAX_TRIPLES = 1_000_000  # beyond this, parsing the graph for the page costs more than the build

def discover(paths: Iterable) -> list[tuple[Path, str]]:
    """Text files under the given files and folders, as (path, stable relative name), sorted.

    A file given by itself is named by its base name, a file found in a folder by the folder's
    name and its path inside it. Different files that would share a name are told apart by as
    many trailing folders of their real path as it takes, whatever order they were given in;
    the same file given twice is read once.
    """
    named: dict[str, dict[Path, Path]] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.suffix.lower() in TEXT_SUFFIXES and not f.name.startswith(".") and not f.is_dir():
                    # pipes, sockets and broken links are read (and refused, with a reason), not skipped
                    named.setdefault(f"{p.resolve().name}/{f.relative_to(p).as_posix()}", {}).setdefault(f.resolve(), f)
        elif p.exists():
            named.setdefault(p.name, {}).setdefault(p.resolve(), p)
        else:
            raise InputError(p, "no such file or directory")
    keys: dict[Path, str] = {}
    for key in sorted(named):
        for real in named[key]:
            keys.setdefault(real, key)
    named = {key: {r: f for r, f in files.items() if keys[r] == key} for key, files in named.items()}
    found: dict[str, Path] = {}
    for key, files in named.items():
        if not files:
            continue
        if len(files) == 1:
            found[key] = next(iter(files.values()))
            continue
        real = sorted(files)
        depth = len(Path(key).parts) + 1
        while len({Path(*r.parts[-depth:]).as_posix() for r in real}) < len(real):
            depth += 1
        for r in real:
            found[Path(*r.parts[-depth:]).as_posix().lstrip("/")] = files[r]
    return [(found[k], k) for k in sorted(found)]


# ---------------------------------------------------------------------------- the build


def build(paths: Iterable, out_dir="output", *, base: str = DEFAULT_BASE, lexicons: Iterable = (),
          strict: bool = False, progress: Callable | None = None, filename: str = "graph.ttl",
          jobs: int = 1, store=None, html: bool = False) -> BuildReport:
    """Build the graph of all text files under `paths` into `out_dir/graph.ttl` (atomically).

    A document that cannot be read is reported in `BuildReport.failed` and skipped; with
    `strict=True` the first failure raises instead. Nothing is written if no document succeeds.
    `jobs` > 1 spreads documents over that many worker processes (0 = one per core); the output
    is the same bytes. With `store` (a folder), per-document results are kept by content hash
    and only new or changed documents are processed; the folder also holds an Oxigraph store of
    the graph, updated in place (`kg.storebuild`). With `html`, `out_dir/graph.html` is the
    offline page of `kg viz` (the `HTML_MAX_NODES` best-connected entities; skipped, with
    `report.html` empty, when the graph has more than `HTML_MAX_TRIPLES` triples).
    """
    from .executors import default_jobs, run

    lexicons = tuple(str(p) for p in lexicons)
    resources(lexicons)  # load lexicons first: a bad lexicon fails before any work
    files = discover(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)), "no .txt files found")
    jobs = default_jobs() if not jobs or jobs < 1 else jobs
    report = BuildReport()
    rstore = spool = None
    if store is not None:
        from .store import ResultStore

        rstore = ResultStore.open(store, lexicons)
    try:
        todo, cached = (files, []) if rstore is None else rstore.plan(files)
        table = EntityTable()
        spool = ResultSpool() if rstore is None else None
        total, done = len(files), 0

        for outcome in run(todo, lexicons, jobs, timing=timing._TIMES is not None):
            done += 1
            if outcome.times:
                for k, v in outcome.times.items():
                    timing._TIMES[k] += v
            if outcome.error is not None:
                if strict:
                    raise InputError(outcome.path, outcome.error.split(": ", 1)[-1])
                log.info("skipped %s", outcome.error)
                report.failed.append((outcome.path, outcome.error))
                if rstore is not None:
                    rstore.forget(outcome.rel)
            else:
                if outcome.result is not None:  # in this process
                    r = outcome.result
                    blob, sha, part = pack(r), r.sha256, r
                    ents = pack_entities(r) if rstore is not None else None
                else:                           # packed by a worker: unpack only the entities
                    blob, ents, sha = outcome.blob, outcome.ents, outcome.sha256
                    part = EntityPart(outcome.rel, unpack(ents))
                table.add(part)
                if rstore is not None:
                    rstore.put(outcome.rel, sha, blob, ents)
                else:
                    spool.put(outcome.rel, blob)
                report.extracted += 1
            if progress:
                progress(done, total, outcome.rel)
        for rel in cached:
            table.add(rstore.entities(rel))
            report.reused += 1
            done += 1
            if progress:
                progress(done, total, rel)
        if rstore is not None:
            report.removed = rstore.prune({rel for _, rel in files})
            rstore.commit()
        n_docs = len(spool) if spool is not None else len(rstore)
        if not n_docs:
            raise InputError(", ".join(map(str, paths)), "no document could be read")
        out = Path(out_dir) / filename
        results = iter(spool) if spool is not None else rstore.results()
        if rstore is not None:
            stats = rstore.write_graph(results, table, out, base=base, lexicons=lexicons)
        else:
            stats = write_graph(results, table, out, base=base, lexicons=lexicons)
    finally:
        if rstore is not None:
            rstore.close()
        if spool is not None:
            spool.close()
    report.documents = n_docs
    report.failed.sort()  # workers finish in any order; the report does not depend on it
    report.entities, report.relations, report.triples = stats["entities"], stats["relations"], stats["triples"]
    report.by_class = stats["by_class"]
    report.output = str(out)
    report.store = stats.get("store", {})
    if html and report.triples <= HTML_MAX_TRIPLES:
        from ..viz.page import render

        report.html = str(render(out, out.with_suffix(".html"), max_nodes=HTML_MAX_NODES).path)
    if timing._TIMES is not None:
        report.stages = dict(timing._TIMES)
    return report
