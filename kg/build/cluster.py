"""The Dask executor (`build(..., engine="dask")`): per-document work on a Dask cluster, and
N-Quads shards of the graph for bulk loading.

The documents to process (sorted by path) are cut into consecutive partitions balanced by bytes.
Each Dask task processes one partition, appends its packed results to a spool file next to the
output and returns only their outcomes (packed entities, where each result lies in the spool), so
results do not travel through the scheduler; the driver reads them from the spool files (the
graph, the store) like any executor's. After the merge, each partition's task writes its shard
`nquads/part-NNNNN.nq` from its own spool (one named graph per document: the document node, its
evidence nodes, the relations it asserts and `kg:mentionedIn` links), and the client writes
`nquads/entities.nq` (types, labels, aliases of the merged entities, default graph) and, for an
incremental build, `nquads/stored.nq` with the documents taken from the store. Every shard is
sorted, so the output is deterministic for a given partition count. The spool folder and the
output must be on storage every worker can reach (a shared file system) when the cluster spans
machines. Needs the `dask` extra: pip install "kg[dask]".
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from ..model import Entity
from ..rdf.writer import GraphBuilder, nquad
from .executors import Doc, EngineError, Executor, Outcome, Work, process, read_ref

NQ_DIR = "nquads"
PARTITION_BYTES = 32 << 20   # default partition size, at least two partitions per worker


def partitions(docs: list, n: int) -> list[list]:
    """n consecutive slices of the sorted documents, balanced by bytes (`Doc.size`)."""
    sizes = [doc.size for doc in docs]
    n = max(1, min(n, len(docs)))
    target = sum(sizes) / n
    parts, cur, acc = [], [], 0.0
    for doc, size in zip(docs, sizes):
        cur.append(doc)
        acc += size
        if acc >= target * (len(parts) + 1) and len(parts) < n - 1:
            parts.append(cur)
            cur = []
    if cur:
        parts.append(cur)
    return parts


# ---------------------------------------------------------------------------- tasks (run on workers)


def extract_partition(index: int, docs: list, work: Work, spool: str) -> tuple[int, list, set]:
    """Process one partition, appending each packed result to `spool`; returns its index, the
    outcomes (results by reference into the spool) and the entity keys its documents use."""
    outcomes, keys = [], set()
    with open(spool, "wb") as fh:
        for doc in docs:
            out, result = process(doc, work)
            if result is not None:
                out.ref = (spool, fh.tell(), len(out.blob))
                fh.write(out.blob)
                out.blob = None
                keys.update(result.entities)
                for f in result.facts:
                    keys.add(f.subject)
                    if isinstance(f.object, tuple):
                        keys.add(f.object)
            outcomes.append(out)
    return index, outcomes, keys


def read_spool(refs: Iterable[tuple]) -> Iterator:
    """The results at these (file, offset, length) references, in order."""
    from .document import unpack

    for ref in refs:
        yield unpack(read_ref(ref))


def shard_task(refs: list, keymap: dict, base: str, out: str) -> int:
    """Write one partition's shard from its spooled results; `keymap`: entity key -> (final key,
    name) for the keys the partition uses. Returns the number of quads."""
    entities = {final: Entity(final[0], name) for final, name in keymap.values()}
    remap = {k: final for k, (final, _) in keymap.items()}
    return write_shard(read_spool(refs), entities, remap, base, out)


def write_shard(results: Iterable, entities: dict, remap: dict, base: str, out: str) -> int:
    """Write the named graphs of these documents as one sorted N-Quads file; returns the quad count."""
    from ..rdf.vocab import KG
    from ..rdf.writer import _q, doc_iri, entity_iri, iri

    qw = QuadWriter(base)
    mentioned = _q(KG.mentionedIn)
    for r in results:
        d = doc_iri(r.rel_path, base)
        qw.graph = d
        qw.add_documents([r.record()])
        for key in r.entities:
            e = entities[remap.get(key, key)]
            qw.lines.add(nquad(entity_iri(e.type, e.name, base), mentioned, iri(d), d))
        for f in r.facts:
            f.remap(remap)
        qw.add_facts(entities, r.facts)
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


# ---------------------------------------------------------------------------- the executor


class Dask(Executor):
    """Partitions of documents as Dask tasks: on `scheduler` (an address), or on a LocalCluster of
    `jobs` worker processes; `partitions` (default: two per worker, 32 MB at most each)."""

    options = ("scheduler", "partitions")

    def __init__(self, work: Work, jobs: int, out_dir, scheduler: str | None = None, partitions: int | None = None):
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise EngineError('the dask engine needs Dask distributed: pip install "kg[dask]"') from None
        super().__init__(work, jobs, out_dir)
        self.scheduler, self.n_partitions = scheduler, partitions
        self.client = self.cluster = self.spool_dir = None
        self.parts: dict[int, tuple[list, set]] = {}   # partition -> (result refs, entity keys)

    def _connect(self):
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self.client = Client(self.scheduler)
            except (OSError, TimeoutError, ValueError) as exc:
                raise EngineError(f"cannot reach the Dask scheduler {self.scheduler}: {exc}") from None
        else:
            self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)

    def run(self, docs: list[Doc]) -> Iterator[Outcome]:
        from dask.distributed import as_completed

        if not docs:
            return
        self._connect()
        out_dir = Path(self.out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        self.spool_dir = Path(tempfile.mkdtemp(prefix=".kg-dask-", dir=out_dir))
        total = sum(doc.size for doc in docs)
        parts = partitions(docs, self.n_partitions or max(2 * self.jobs, total // PARTITION_BYTES))
        futures = [self.client.submit(extract_partition, i, part, self.work,
                                      str(self.spool_dir / f"part-{i:05d}.bin"), pure=False)
                   for i, part in enumerate(parts)]
        for fut in as_completed(futures):
            index, outcomes, keys = fut.result()
            self.parts[index] = ([o.ref for o in outcomes if o.ref is not None], keys)
            yield from outcomes

    def finish(self, merged, *, base: str, stored, clock, documents: int, graph: str) -> dict:
        """Write OUT/nquads/: a shard per partition (by its task), entities.nq, stored.nq, manifest.json."""
        from ..fsutil import atomic_write_text
        from ..rdf.vocab import KG
        from ..rdf.writer import _q
        from .merge import industry_concepts

        nq = Path(self.out_dir) / NQ_DIR
        nq.mkdir(parents=True, exist_ok=True)
        for old in nq.glob("*.nq"):
            old.unlink()
        entities, remap = merged
        futures = []
        for i, (refs, keys) in sorted(self.parts.items()):
            keymap = {}
            for key in keys:
                final = remap.get(key, key)
                if final in entities:
                    keymap[key] = (final, entities[final].name)
            futures.append(self.client.submit(shard_task, refs, keymap, base, str(nq / f"part-{i:05d}.nq"),
                                              pure=False))
        with clock.stage("graph"):
            qw = QuadWriter(base, skip={_q(KG.mentionedIn)})
            qw.add_entities(entities, industry_concepts(self.work.resources))
            _write_lines(str(nq / "entities.nq"), qw.lines)
            quads = len(qw.lines)
            reused = stored()
            if reused is not None:
                quads += write_shard(reused, entities, remap, base, str(nq / "stored.nq"))
        if futures:
            quads += sum(self.client.gather(futures))
        shards = sorted(p.name for p in nq.glob("*.nq"))
        manifest = {"shards": shards, "quads": quads, "documents": documents, "partitions": len(self.parts),
                    "graph": graph}
        atomic_write_text(nq / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        return {"quads": quads}

    def close(self) -> None:
        try:
            if self.client is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self.client = self.cluster = None
            if self.spool_dir is not None:
                shutil.rmtree(self.spool_dir, ignore_errors=True)
                self.spool_dir = None


def load_nquads(shard_dir, store_dir) -> int:
    """Bulk-load every shard of a build into a pyoxigraph on-disk store; returns the quad count."""
    import pyoxigraph as ox

    store = ox.Store(str(store_dir))
    for shard in sorted(Path(shard_dir).glob("*.nq")):
        store.bulk_load(path=str(shard), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return len(store)
