"""The build: paths -> documents -> spans -> entities and facts -> graph, one document at a time.

`build()` is the one entry point the CLI, the tests and the benchmarks call, whatever runs the
per-document work: this process, worker processes or a Dask cluster (`executors`; the work is
pure and picklable in and out). Documents stream through: each outcome is folded into the corpus
entity table and its packed result spooled (or filed in the store) as it arrives, and the graph
is written partition by partition (`kg.rdf.writer.SpoolingGraphBuilder`), so memory follows the
number of distinct entities, not the size of the corpus. The output is the same bytes whatever
the executor, the number of workers and the order of the inputs.
"""

from __future__ import annotations

import logging
import os
from contextlib import ExitStack
from fnmatch import fnmatchcase
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import InputError
from ..ingest.formats import SUFFIXES
from ..rdf.vocab import DEFAULT_BASE
from ..resolve.corpus import complete_suffixes
from .executors import Doc, DocError, Outcome, Work, executor
from .merge import EntityTable, ResultSpool
from .timing import Stages

log = logging.getLogger(__name__)

TEXT_SUFFIXES = tuple(SUFFIXES)   # what a folder is searched for: every kind kg reads (kg.ingest.formats)
HTML_MAX_NODES = 2000         # what a browser lays out and searches without freezing (benchmarks/viz_bench.py)
HTML_MAX_TRIPLES = 1_000_000  # beyond this, parsing the graph for the page costs more than the build


@dataclass
class BuildReport:
    documents: int = 0                                  # documents in the graph
    errors: list[DocError] = field(default_factory=list)   # documents skipped, sorted by path
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
    unsupported: list[str] = field(default_factory=list)  # files in the folders of kinds kg does not read

    @property
    def failed(self) -> list[tuple[str, str]]:
        """(path, "path: reason") per skipped document: how the CLI reports them."""
        return [(e.path, str(e)) for e in self.errors]


@dataclass(frozen=True)
class Progress:
    """One document done: counts and bytes (file sizes) so far and in all, and how it went."""

    done: int
    total: int
    bytes_done: int
    bytes_total: int
    rel: str
    status: str      # "processed", "reused" (from the store) or "failed"


def discover(paths: Iterable, include: Iterable[str] = (), exclude: Iterable[str] = (),
             unsupported: list | None = None) -> list[tuple[Path, str]]:
    """Files of the kinds kg reads under the given files and folders, as (path, stable relative
    name), sorted.

    A file given by itself is named by its base name, a file found in a folder by the folder's
    name and its path inside it. Different files that would share a name are told apart by as
    many trailing folders of their real path as it takes, whatever order they were given in;
    the same file given twice is read once. `include` and `exclude` are shell globs matched
    against a file's path inside the folder given (`sub/a.pdf`) and against its name: a file is
    taken when it matches an `include` (any file when there is none) and no `exclude`. Files in
    the folders that pass these but are of no kind kg reads are added to `unsupported` (their
    relative names), not read; a file given by itself is always read (as text if of no known kind).
    """
    include, exclude = tuple(p.lower() for p in include), tuple(p.lower() for p in exclude)
    named: dict[str, dict[Path, Path]] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            _walk(p, include, exclude, named, unsupported)
        elif p.exists():
            if _wanted(p.name, include, exclude):
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


def _walk(folder: Path, include: tuple, exclude: tuple, named: dict, unsupported: list | None) -> None:
    """The files of `folder` (recursively, hidden ones left out) that pass the globs, by name:
    those of a kind kg reads into `named`, the others into `unsupported`."""
    for f in sorted(folder.rglob("*")):
        inner = f.relative_to(folder).as_posix()
        if f.name.startswith(".") or f.is_dir() or not _wanted(inner, include, exclude):
            continue
        key = f"{folder.resolve().name}/{inner}"
        if f.suffix.lower() in TEXT_SUFFIXES:
            # pipes, sockets and broken links are read (and refused, with a reason), not skipped
            named.setdefault(key, {}).setdefault(f.resolve(), f)
        elif unsupported is not None:
            unsupported.append(key)


def _wanted(inner: str, include: tuple, exclude: tuple) -> bool:
    """Whether a file (its path inside the folder given) passes the include and exclude globs
    (lower case: matched case-insensitively, like the suffixes)."""
    inner = inner.lower()
    name = inner.rpartition("/")[2]

    def hit(pattern: str) -> bool:
        return fnmatchcase(inner, pattern) or fnmatchcase(name, pattern)

    return (not include or any(map(hit, include))) and not any(map(hit, exclude))


# ---------------------------------------------------------------------------- the build


def inputs(paths: Iterable, include: Iterable[str] = (), exclude: Iterable[str] = (),
           unsupported: list | None = None) -> list[Doc]:
    """The documents under `paths` (`discover`) with their sizes; an error if there are none."""
    docs, others = [], []
    found = discover(paths, include, exclude, others)
    if unsupported is not None:
        unsupported.extend(sorted(set(others)))
    for path, rel in found:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0  # reported by the reader
        docs.append(Doc(path, rel, size))
    if not docs:
        kinds = ", ".join(TEXT_SUFFIXES)
        raise InputError(", ".join(map(str, paths)), f"no files of a kind kg reads ({kinds}) found"
                         + (f"; {len(set(others))} file(s) of other kinds" if others else ""))
    return docs


class _Tally:
    """Counts documents and bytes done and tells the progress callback."""

    def __init__(self, progress: Callable | None, docs: list[Doc]):
        self.progress, self.total, self.bytes_total = progress, len(docs), sum(d.size for d in docs)
        self.done = self.bytes_done = 0

    def __call__(self, rel: str, size: int, status: str) -> None:
        self.done += 1
        self.bytes_done += size
        if self.progress is not None:
            self.progress(Progress(self.done, self.total, self.bytes_done, self.bytes_total, rel, status))


def build(paths: Iterable, out_dir="output", *, base: str = DEFAULT_BASE, lexicons: Iterable = (),
          strict: bool = False, progress: Callable | None = None, filename: str = "graph.ttl",
          jobs: int = 1, store=None, html: bool = False, engine: str = "local", scheduler: str | None = None,
          partitions: int | None = None, timing: bool = False, include: Iterable[str] = (),
          exclude: Iterable[str] = ()) -> BuildReport:
    """Build the graph of all documents under `paths` into `out_dir/graph.ttl` (atomically).

    A document that cannot be read is reported in `BuildReport.errors` and skipped; with
    `strict=True` the first failure raises instead. Nothing is written if no document succeeds.
    `engine` "local" works in this process (`jobs=1`) or in `jobs` worker processes (0 = one per
    core); "dask" on a Dask cluster (`scheduler`, or a local one of `jobs` workers; `partitions`),
    which also writes `out_dir/nquads/`. The output is the same bytes either way. With `store` (a
    folder), per-document results are kept by content hash and only new or changed documents are
    processed; the folder also holds an Oxigraph store of the graph, updated in place
    (`kg.build.store`). With `html`, `out_dir/graph.html` is the offline page of `kg viz` (the
    `HTML_MAX_NODES` best-connected entities; skipped, with `report.html` empty, when the graph has
    more than `HTML_MAX_TRIPLES` triples). `progress` is called with a `Progress` per document;
    with `timing`, `report.stages` has the seconds per stage (`kg.build.timing.STAGES`).
    `include`/`exclude` narrow what is taken from folders (`discover`); files there of kinds kg
    does not read are listed in `report.unsupported`.
    """
    from ..extract.resources import load_resources

    res = load_resources(lexicons)  # read the lexicons first: a bad lexicon fails before any work
    clock, report = Stages(), BuildReport()
    docs = inputs(paths, include, exclude, report.unsupported)
    out = Path(out_dir) / filename
    with ExitStack() as stack:
        rstore = _open_store(stack, store, res)
        todo, cached = (docs, []) if rstore is None else rstore.plan(docs)
        ex = stack.enter_context(executor(engine, Work(res, timing), jobs=jobs, docs=len(todo), out_dir=out_dir,
                                          scheduler=scheduler, partitions=partitions))
        sink = rstore if rstore is not None else stack.enter_context(ResultSpool())
        table, tally = EntityTable(), _Tally(progress, docs)
        for outcome in ex.run(todo):
            _file(outcome, sink, table, report, strict)
            clock.add(outcome.times)
            tally(outcome.rel, outcome.size, "failed" if outcome.error else "processed")
        report.errors.sort()  # outcomes arrive in any order; the report does not depend on it
        for doc in cached:
            table.add(doc.rel, rstore.entities(doc.rel))
            report.reused += 1
            tally(doc.rel, doc.size, "reused")
        if rstore is not None:
            report.removed = rstore.prune({doc.rel for doc in docs})
            rstore.commit()
        report.documents = len(sink)
        if not report.documents:
            raise InputError(", ".join(map(str, paths)), "no document could be read")
        with clock.stage("resolution"):
            merged = table.merge(complete_suffixes(res.lexicon))
        stats = sink.write_graph(merged, out, res, base=base, clock=clock)
        stored = lambda: rstore.results(only={d.rel for d in cached}) if cached else None  # noqa: E731
        report.quads = ex.finish(merged, base=base, stored=stored, clock=clock, documents=report.documents,
                                 graph=filename).get("quads", 0)
    _report(report, stats, out)
    if html and report.triples <= HTML_MAX_TRIPLES:
        from ..viz.page import render

        report.html = str(render(out, out.with_suffix(".html"), max_nodes=HTML_MAX_NODES).path)
    if timing:
        report.stages = dict(clock.seconds)
    return report


def _open_store(stack: ExitStack, store, res):
    """The result store in folder `store` for results of these resources and this code, or None."""
    if store is None:
        return None
    from .fingerprint import fingerprint
    from .store import ResultStore

    return stack.enter_context(ResultStore.open(store, fingerprint(res)))


def _file(outcome: Outcome, sink, table: EntityTable, report: BuildReport, strict: bool) -> None:
    """Fold one outcome into the build: its entities into the table, its result into the sink
    (a `ResultSpool`, or the `ResultStore`), or its error into the report (raised with `strict`)."""
    from .document import unpack

    if outcome.error is not None:
        if strict:
            raise InputError(outcome.error.path, outcome.error.message)
        log.info("skipped %s", outcome.error)
        report.errors.append(outcome.error)
        sink.forget(outcome.rel)
        return
    table.add(outcome.rel, unpack(outcome.ents))
    sink.put(outcome)
    report.extracted += 1


def _report(report: BuildReport, stats: dict, out: Path) -> None:
    report.entities, report.relations, report.triples = stats["entities"], stats["relations"], stats["triples"]
    report.by_class = stats["by_class"]
    report.output = str(out)
    report.store = stats.get("store", {})
