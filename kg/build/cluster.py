"""`kg build --engine dask`: per-document extraction on a Dask cluster, N-Quads shards out.

The corpus (sorted by path) is cut into consecutive partitions. Each Dask task processes one
partition, packs its results into a spool file next to the output and returns only the entity
table of its documents. The client merges the entities (the one corpus-level step), then each
partition's task writes its shard `nquads/part-NNNNN.nq` (one named graph per document: the
document node, its evidence nodes, the relations it asserts and `kg:mentionedIn` links), and
the client writes `nquads/entities.nq` (types, etypes, aliases of the merged entities, default
graph) and `graph.ttl` (the same bytes as a local build). Every shard is sorted, so the output
is deterministic for a given partition count. Needs the `dask` extra: pip install "kg[dask]".
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from ..errors import InputError, KgError
from ..rdf.writer import GraphBuilder, nquad

NQ_DIR = "nquads"


class EngineError(KgError):
    """The distributed engine is missing or the cluster cannot be reached."""


def partitions(files: list, n: int) -> list[list]:
    """n consecutive slices of the sorted file list, balanced by bytes."""
    sizes = []
    for path, _ in files:
        try:
            sizes.append(os.path.getsize(path))
        except OSError:
            sizes.append(0)
    n = max(1, min(n, len(files)))
    target = sum(sizes) / n
    parts, cur, acc = [], [], 0.0
    for f, size in zip(files, sizes):
        cur.append(f)
        acc += size
        if acc >= target * (len(parts) + 1) and len(parts) < n - 1:
            parts.append(cur)
            cur = []
    if cur:
        parts.append(cur)
    return parts


# ---------------------------------------------------------------------------- tasks (run on workers)


def extract_partition(index: int, files: list, lexicons: tuple, spool: str, timing: bool) -> dict:
    """Process one partition; results go to `spool`, the entity tables come back."""
    import pickle

    from . import document, timing as timers
    from .executors import _one

    if timing and timers._TIMES is None:
        timers.enable_timing(True)
    document.resources(lexicons)
    docs, failed, entities, times = [], [], [], {}
    with open(spool, "wb") as fh:
        for path, rel in files:
            out = _one(path, rel, lexicons, packed=True)
            for k, v in (out.times or {}).items():
                times[k] = times.get(k, 0.0) + v
            if out.error is not None:
                failed.append((out.path, out.error))
                continue
            result = document.unpack(out.blob)
            pickle.dump((rel, out.blob), fh, protocol=pickle.HIGHEST_PROTOCOL)
            docs.append(rel)
            entities.append((rel, result.entities, _fact_keys(result)))
    return {"index": index, "docs": docs, "failed": failed, "entities": entities, "times": times}


def _fact_keys(result) -> set:
    keys = set()
    for f in result.facts:
        keys.add(f.subject)
        if isinstance(f.object, tuple):
            keys.add(f.object)
    return keys


def read_spool(spool: str):
    """The packed results of one partition, in path order."""
    import pickle

    from .document import unpack

    with open(spool, "rb") as fh:
        while True:
            try:
                rel, blob = pickle.load(fh)
            except EOFError:
                return
            yield unpack(blob)


def write_shard(spool: str, keymap: dict, base: str, out: str) -> int:
    """Write one partition's N-Quads shard (sorted); returns the number of quads."""
    from ..rdf.writer import _q, doc_iri, entity_iri, iri
    from ..model import Entity
    from ..rdf.vocab import KG

    ents = {final: Entity(final[0], name) for final, name in keymap.values()}
    remap = {k: final for k, (final, _) in keymap.items()}
    qw = QuadWriter(base)
    mentioned = _q(KG.mentionedIn)
    for r in read_spool(spool):
        d = doc_iri(r.rel_path, base)
        qw.graph = d
        qw.add_documents([{"rel_path": r.rel_path, "sha256": r.sha256, "encoding": r.encoding, "script": r.script,
                           "metadata": r.metadata}])
        for key in r.entities:
            e = ents[remap[key]]
            qw.lines.add(nquad(entity_iri(e.type, e.name, base), mentioned, iri(d), d))
        for f in r.facts:
            f.subject = remap.get(f.subject, f.subject)
            if isinstance(f.object, tuple):
                f.object = remap.get(f.object, f.object)
        qw.add_facts(ents, r.facts)
    _write_lines(out, qw.lines)
    return len(qw.lines)


def _write_lines(out: str, lines) -> None:
    from ..fsutil import atomic_write_text

    atomic_write_text(out, "".join(sorted(lines)))


class QuadWriter(GraphBuilder):
    """GraphBuilder's triples as N-Quads lines in the current named graph (None: the default graph)."""

    def __init__(self, base, skip=()):
        super().__init__(base)
        self.graph = None
        self.skip = set(skip)
        self.lines: set[str] = set()

    def add(self, s, p, o):
        if p not in self.skip:
            self.lines.add(nquad(s, p, o, self.graph))


# ---------------------------------------------------------------------------- client


def build_dask(paths, out_dir="output", *, base: str, lexicons: tuple = (), strict: bool = False,
               progress: Callable | None = None, scheduler: str | None = None, workers: int | None = None,
               n_partitions: int | None = None, filename: str = "graph.ttl"):
    """Build with per-document work on a Dask cluster: `scheduler` (an address) or a LocalCluster
    of `workers` processes. Writes OUT/graph.ttl and OUT/nquads/*.nq; returns a BuildReport."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise EngineError('the dask engine needs Dask distributed: pip install "kg[dask]"') from None
    from . import document, timing as timers
    from ..rdf.writer import _q
    from .executors import default_jobs
    from .document import EntityPart, resources
    from .driver import BuildReport, discover
    from .merge import EntityTable, write_graph
    from ..rdf.vocab import KG

    lexicons = tuple(str(p) for p in lexicons)
    lex = resources(lexicons)[0]
    files = discover(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)), "no .txt files found")
    workers = workers or default_jobs()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    total_bytes = sum(os.path.getsize(p) for p, _ in files if os.path.exists(p))
    n_partitions = n_partitions or max(2 * workers, total_bytes // (32 << 20))
    parts = partitions(files, n_partitions)
    report = BuildReport()
    timing = timers._TIMES is not None
    work = Path(tempfile.mkdtemp(prefix=".kg-dask-", dir=out_dir))
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
        with client:
            spools = [str(work / f"part-{i:05d}.bin") for i in range(len(parts))]
            futs = [client.submit(extract_partition, i, [(str(p), r) for p, r in part], lexicons, spools[i], timing,
                                  pure=False) for i, part in enumerate(parts)]
            table = EntityTable()
            keys_of: dict[int, set] = {}
            done = 0
            for fut in as_completed(futs):
                summary = fut.result()
                for k, v in summary["times"].items():
                    timers._TIMES[k] += v
                if summary["failed"] and strict:
                    for f in futs:
                        f.cancel()
                    path, message = summary["failed"][0]
                    raise InputError(path, message.split(": ", 1)[-1])
                report.failed.extend(summary["failed"])
                keys = keys_of.setdefault(summary["index"], set())
                for rel, ents, fact_keys in summary["entities"]:
                    table.add(EntityPart(rel, ents))
                    keys |= set(ents) | fact_keys
                report.documents += len(summary["docs"])
                done += len(summary["docs"]) + len(summary["failed"])
                if progress:
                    progress(done, len(files), summary["docs"][-1] if summary["docs"] else "")
            report.failed.sort()
            if not report.documents:
                raise InputError(", ".join(map(str, paths)), "no document could be read")
            with timers._Stage("resolution"):
                entities, remap = table.merge()
            nq = out_dir / NQ_DIR
            if nq.is_dir():
                for old in nq.glob("*.nq"):
                    old.unlink()
            nq.mkdir(exist_ok=True)
            shard_futs = []
            for i in range(len(parts)):
                keymap = {}
                for key in keys_of.get(i, ()):
                    final = remap.get(key, key)
                    if final in entities:
                        keymap[key] = (final, entities[final].name)
                shard_futs.append(client.submit(write_shard, spools[i], keymap, base, str(nq / f"part-{i:05d}.nq"),
                                                pure=False))
            with timers._Stage("graph"):
                qw = QuadWriter(base, skip={_q(KG.mentionedIn)})
                qw.add_entities(entities, {e.name: e.concept for e in lex.industries_by_id.values()})
                _write_lines(str(nq / "entities.nq"), qw.lines)
            quads = len(qw.lines) + sum(client.gather(shard_futs))
            # the Turtle graph: the same merge and writer as a local build, over the spooled results
            results = (r for s in spools for r in read_spool(s))
            stats = write_graph(results, _Merged(entities, remap), out_dir / filename, base=base, lexicons=lexicons)
    finally:
        if cluster is not None:
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)
    report.entities, report.relations, report.triples = stats["entities"], stats["relations"], stats["triples"]
    report.by_class = stats["by_class"]
    report.output = str(out_dir / filename)
    report.extracted = report.documents
    manifest = {"shards": sorted(p.name for p in (out_dir / NQ_DIR).glob("*.nq")), "quads": quads,
                "documents": report.documents, "partitions": len(parts), "graph": filename}
    from ..fsutil import atomic_write_text

    atomic_write_text(out_dir / NQ_DIR / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    report.quads = quads
    if timers._TIMES is not None:
        report.stages = dict(timers._TIMES)
    return report


class _Merged:
    """An EntityTable whose merge is already done (write_graph calls merge())."""

    def __init__(self, entities, remap):
        self._r = (entities, remap)

    def merge(self):
        return self._r


def load_nquads(shard_dir, store_dir) -> int:
    """Bulk-load every shard of a build into a pyoxigraph on-disk store; returns the quad count."""
    import pyoxigraph as ox

    store = ox.Store(str(store_dir))
    for shard in sorted(Path(shard_dir).glob("*.nq")):
        store.bulk_load(path=str(shard), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return len(store)
