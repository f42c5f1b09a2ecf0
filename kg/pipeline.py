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

from .errors import InputError, KgError
from .resolve import DocResult
from .vocab import DEFAULT_BASE

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
STAGES = ("ingest", "segmentation", "extraction", "resolution", "graph", "serialisation")
SPOOL_BYTES = 256 << 20          # results held in memory before the spool moves to a temporary file
GRAPH_BUFFER_CHARS = 64 << 20    # triples held in memory before the graph spills partitions to disk

# Seconds per stage while timing is on (see `enable_timing`); None = off, and the hooks cost one test.
_TIMES: dict[str, float] | None = None


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


# ---------------------------------------------------------------------------- timing hooks


def enable_timing(on: bool = True) -> dict | None:
    """Turn the per-stage timers on (returns the dict they add seconds to) or off.

    Segmentation is timed by wrapping `rjieba.tag`, the one tokeniser extraction calls; its time
    is taken out of extraction so the stages add up."""
    global _TIMES
    if on:
        _TIMES = dict.fromkeys(STAGES, 0.0)
        _time_rjieba()
    else:
        _TIMES = None
    return _TIMES


def timings() -> dict | None:
    return _TIMES


def _time_rjieba() -> None:
    import rjieba

    if getattr(rjieba.tag, "kg_timed", False):
        return
    original = rjieba.tag

    def tag(*args, **kwargs):
        t = _TIMES
        if t is None:
            return original(*args, **kwargs)
        t0 = perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            t["segmentation"] += perf_counter() - t0

    tag.kg_timed = True
    rjieba.tag = tag


class _Stage:
    """`with _Stage("graph"):` adds the block's wall time to that stage when timing is on."""

    __slots__ = ("name", "t0")

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.t0 = perf_counter() if _TIMES is not None else 0.0

    def __exit__(self, *exc):
        if _TIMES is not None:
            _TIMES[self.name] += perf_counter() - self.t0


# ---------------------------------------------------------------------------- per document


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


@lru_cache(maxsize=4)
def resources(lexicons: tuple = ()):
    """Lexicon, gazetteer and affix automata, built once per set of user lexicons."""
    from .extract import Affixes
    from .lexicon import load
    from .match import Gazetteer

    lex = load(lexicons)
    return lex, Gazetteer(lex.surfaces), Affixes(lex)


def process_document(doc, lexicons: tuple = ()) -> DocResult:
    """One Document -> its entities and facts (no corpus-level state)."""
    from .extract import Context, extract
    from .relations import RelContext, relate
    from .resolve import DocResolver

    lex, gaz, aff = resources(lexicons)
    t = _TIMES
    if t is not None:
        t0, seg0 = perf_counter(), t["segmentation"]
    ctx = Context(doc, lex, gaz, aff)
    spans = extract(ctx)
    _speaker(doc, spans)
    if t is not None:
        t1 = perf_counter()
    resolver = DocResolver(doc, spans, lex)
    result = resolver.resolve()
    if t is not None:
        t2 = perf_counter()
    result.facts = relate(RelContext(ctx, resolver))
    result.metadata = dict(doc.metadata)
    if t is not None:
        t3 = perf_counter()
        t["resolution"] += t2 - t1
        t["extraction"] += (t1 - t0) + (t3 - t2) - (t["segmentation"] - seg0)
    return result


def _speaker(doc, spans) -> None:
    """A line that is only `POST NAME` before the body is the speaker of a speech."""
    for s in spans:
        if s.label == "Official" and s.sid < 8:
            sent = doc.sentences[s.sid]
            if s.end == sent.end and len(sent.text) <= 30:
                doc.metadata.setdefault("speaker", s.text)
                doc.metadata.setdefault("authors", [s.text])
                return


def process_path(path, rel: str, lexicons: tuple = ()) -> DocResult:
    from .ingest import read_document

    with _Stage("ingest"):
        doc = read_document(path)
        doc.rel_path = rel
    return process_document(doc, lexicons)


def iter_results(files, lexicons: tuple, on_error: Callable, progress: Callable | None = None) -> Iterator[DocResult]:
    """Process files one after another in this process (failures go to on_error)."""
    for i, (path, rel) in enumerate(files, 1):
        try:
            yield process_path(path, rel, lexicons)
        except KgError as exc:
            on_error(str(path), str(exc))
        if progress:
            progress(i, len(files), rel)


# ---------------------------------------------------------------------------- corpus level


def pack(result: DocResult) -> bytes:
    """A DocResult as compact bytes (pickle + zlib level 1: ~0.3x the input text, ~50 ms/MB)."""
    return zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> DocResult:
    return pickle.loads(zlib.decompress(blob))


def pack_entities(result: DocResult) -> bytes:
    """Only the entities of a result: all the corpus merge reads of a stored document."""
    return zlib.compress(pickle.dumps(result.entities, protocol=pickle.HIGHEST_PROTOCOL), 1)


def relabel(result: DocResult, rel: str) -> DocResult:
    """The result of the same bytes under another name (a renamed or copied file)."""
    old = result.rel_path
    if old == rel:
        return result
    result.rel_path = rel
    for ent in result.entities.values():
        if old in ent.docs:
            ent.docs.discard(old)
            ent.docs.add(rel)
    for f in getattr(result, "facts", ()):
        if f.doc == old:
            f.doc = rel
    return result


class EntityPart:
    """The entity part of a result: all the corpus merge reads of a document."""

    __slots__ = ("rel_path", "entities")

    def __init__(self, rel_path: str, entities: dict):
        self.rel_path, self.entities = rel_path, entities


class EntityTable:
    """The union of every document's entities, folded in as results arrive in any order.

    Equivalent to the first loop of `resolve.merge` over results sorted by path: an entity keeps
    the spelling of the first document (by path) that names it, and the union of the rest."""

    def __init__(self):
        from .resolve import Entity

        self._entity = Entity
        self.entities: dict = {}
        self._first: dict = {}

    def add(self, result: DocResult) -> None:
        intern = sys.intern
        rel = intern(result.rel_path)
        for key, ent in result.entities.items():
            cur = self.entities.get(key)
            if cur is None:
                cur = self.entities[key] = self._entity(ent.label, ent.name)
                self._first[key] = rel
            elif rel < self._first[key]:
                cur.name = ent.name
                self._first[key] = rel
            cur.aliases |= ent.aliases
            cur.originals |= ent.originals
            cur.docs |= {intern(d) for d in ent.docs}
            cur.rules |= {intern(r) for r in ent.rules}

    def merge(self) -> tuple[dict, dict]:
        """Corpus entities (one node per thing) and the key remap for facts: the same as
        `resolve.merge` (tests compare them), with the same short-name join."""
        from .resolve import _follow, join_short_names

        entities = self.entities
        remap = join_short_names(entities)
        final = {key: _follow(remap, key) for key in remap}
        self.entities, self._first = {}, {}
        return entities, {k: v for k, v in final.items() if v != k}


class ResultSpool:
    """Packed per-document results by path: in memory, moving to a temporary file past SPOOL_BYTES."""

    def __init__(self, spool_dir=None):
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=spool_dir)
        self._index: dict[str, tuple[int, int]] = {}

    def put(self, rel: str, blob: bytes) -> None:
        self._file.seek(0, os.SEEK_END)
        self._index[rel] = (self._file.tell(), len(blob))
        self._file.write(blob)

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[DocResult]:
        for rel in sorted(self._index):
            off, n = self._index[rel]
            self._file.seek(off)
            yield unpack(self._file.read(n))

    def close(self) -> None:
        self._file.close()


def write_graph(results: Iterable[DocResult], table: EntityTable, out: Path, *, base: str = DEFAULT_BASE,
                lexicons: tuple = (), work_dir=None) -> dict:
    """Merge the corpus and write it as Turtle to `out` (atomically); results come sorted by path."""
    from .graph import SpoolingGraphBuilder

    lex = resources(lexicons)[0]
    with _Stage("resolution"):
        entities, remap = table.merge()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".kg-graph-", dir=work_dir or out.parent) as spool:
        with _Stage("graph"):
            gb = SpoolingGraphBuilder(base, spool, buffer_chars=GRAPH_BUFFER_CHARS)
            n_rel = 0
            for r in results:
                gb.add_documents([{"rel_path": r.rel_path, "sha256": r.sha256, "encoding": r.encoding,
                                   "script": r.script, "metadata": r.metadata}])
                if remap:
                    for f in r.facts:
                        f.subject = remap.get(f.subject, f.subject)
                        if isinstance(f.object, tuple):
                            f.object = remap.get(f.object, f.object)
                n_rel += gb.add_facts(entities, r.facts)
            gb.add_entities(entities, {e.name: e.kind for e in lex.industries_by_id.values()})
        with _Stage("serialisation"):
            from .fsutil import atomic_writer

            with atomic_writer(out, "w") as fh:
                triples = gb.write_turtle(fh)
    by_class: dict = {}
    for e in entities.values():
        by_class[e.label] = by_class.get(e.label, 0) + 1
    return {"entities": len(entities), "relations": n_rel, "triples": triples, "by_class": by_class}


def graph_turtle(results: list[DocResult], *, base: str = DEFAULT_BASE, lexicons: tuple = ()) -> tuple[str, dict]:
    """Merge per-document results and serialise the corpus graph as Turtle, all in memory.

    The reference the streaming writer (`write_graph`) is tested against."""
    from .graph import GraphBuilder
    from .resolve import merge

    lex = resources(lexicons)[0]
    entities, facts = merge(results)
    gb = GraphBuilder(base)
    gb.add_documents([{"rel_path": r.rel_path, "sha256": r.sha256, "encoding": r.encoding, "script": r.script,
                       "metadata": r.metadata} for r in results])
    gb.add_entities(entities, {e.name: e.kind for e in lex.industries_by_id.values()})
    n_rel = gb.add_facts(entities, facts)
    by_class: dict = {}
    for e in entities.values():
        by_class[e.label] = by_class.get(e.label, 0) + 1
    return gb.turtle(), {"entities": len(entities), "relations": n_rel, "triples": len(gb), "by_class": by_class}


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
    from .parallel import default_jobs, run

    lexicons = tuple(str(p) for p in lexicons)
    resources(lexicons)  # load lexicons first: a bad lexicon fails before any work
    files = discover(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)), "no .txt files found")
    jobs = default_jobs() if not jobs or jobs < 1 else jobs
    report = BuildReport()
    rstore = spool = None
    if store is not None:
        from .storebuild import ResultStore

        rstore = ResultStore.open(store, lexicons)
    try:
        todo, cached = (files, []) if rstore is None else rstore.plan(files)
        table = EntityTable()
        spool = ResultSpool() if rstore is None else None
        total, done = len(files), 0

        for outcome in run(todo, lexicons, jobs, timing=_TIMES is not None):
            done += 1
            if outcome.times:
                for k, v in outcome.times.items():
                    _TIMES[k] += v
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
        from .viz import render

        report.html = str(render(out, out.with_suffix(".html"), max_nodes=HTML_MAX_NODES).path)
    if _TIMES is not None:
        report.stages = dict(_TIMES)
    return report
