"""The corpus merge: per-document results folded into one entity table as they arrive, spooled,
and written as one graph (partition by partition, so memory follows the number of entities)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from ..model import DocResult, Entity
from ..rdf.vocab import DEFAULT_BASE
from .document import unpack
from .timing import Stages

SPOOL_BYTES = 256 << 20          # results held in memory before the spool moves to a temporary file
GRAPH_BUFFER_CHARS = 64 << 20    # triples held in memory before the graph spills partitions to disk


class Merged(NamedTuple):
    """The corpus entities (one node per thing) and where each joined entity key went."""

    entities: dict
    remap: dict


class EntityTable:
    """The union of every document's entities, folded in as results arrive in any order.

    An entity keeps the spelling of the first document (by path) that names it and the union of
    what the others know; the result does not depend on the order documents arrive in."""

    def __init__(self):
        self.entities: dict = {}
        self._first: dict = {}

    def add(self, rel: str, entities: dict) -> None:
        """Fold in the entities of document `rel` (they may be modified: pass a copy you keep)."""
        intern = sys.intern
        rel = intern(rel)
        for key, ent in entities.items():
            cur = self.entities.get(key)
            if cur is None:
                cur = self.entities[key] = Entity(ent.type, ent.name)
                self._first[key] = rel
            elif rel < self._first[key]:
                cur.name = ent.name
                self._first[key] = rel
            # one string per path and rule, however many entities name them (a large corpus has millions)
            ent.docs = {intern(d) for d in ent.docs}
            ent.rules = {intern(r) for r in ent.rules}
            cur.absorb(ent)

    def merge(self, complete: tuple[str, ...]) -> Merged:
        """The corpus entities, with a short company or body name joined to the one longer name it
        begins (`resolve.corpus.join_short_names`; `complete`: its complete-name suffixes)."""
        from ..resolve.corpus import join_short_names

        entities = self.entities
        remap = join_short_names(entities, complete)
        self.entities, self._first = {}, {}
        return Merged(entities, remap)


class ResultSpool:
    """Packed per-document results by path, for writing the graph in path order.

    Results given as bytes are kept in memory, moving to a temporary file past SPOOL_BYTES; a
    result an executor already keeps in a file is kept as that reference (file, offset, length)."""

    def __init__(self, spool_dir=None):
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=spool_dir)
        self._index: dict[str, tuple] = {}

    def put(self, outcome) -> None:
        """Keep the result of a processed document (an `executors.Outcome`)."""
        if outcome.blob is not None:
            self._file.seek(0, os.SEEK_END)
            self._index[outcome.rel] = (None, self._file.tell(), len(outcome.blob))
            self._file.write(outcome.blob)
        else:
            self._index[outcome.rel] = outcome.ref

    def forget(self, rel: str) -> None:
        """A document that gave no result (nothing kept)."""
        self._index.pop(rel, None)

    def __len__(self) -> int:
        return len(self._index)

    def results(self) -> Iterator[DocResult]:
        """Every result, sorted by path."""
        from .executors import read_ref

        for rel in sorted(self._index):
            name, off, n = ref = self._index[rel]
            if name is None:
                self._file.seek(off)
                yield unpack(self._file.read(n))
            else:
                yield unpack(read_ref(ref))

    def write_graph(self, merged: Merged, out: Path, res, *, base: str, clock: Stages) -> dict:
        """Write the graph of the spooled results to `out` (see `write_graph`)."""
        return write_graph(self.results(), merged, out, res, base=base, clock=clock)

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def industry_concepts(res) -> dict:
    """Industry name -> concept id in the SKOS scheme, from the build's lexicon."""
    return {e.name: e.concept for e in res.lexicon.industries_by_id.values()}


def class_counts(entities: dict) -> dict:
    by_class: dict = {}
    for e in entities.values():
        by_class[e.type] = by_class.get(e.type, 0) + 1
    return by_class


def write_graph(results: Iterable[DocResult], merged: Merged, out: Path, res, *, base: str = DEFAULT_BASE,
                clock: Stages | None = None, work_dir=None) -> dict:
    """Write the merged corpus as Turtle to `out` (atomically); `results` come sorted by path."""
    from ..fsutil import atomic_writer
    from ..rdf.writer import SpoolingGraphBuilder

    clock = clock or Stages()
    entities, remap = merged
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".kg-graph-", dir=work_dir or out.parent) as spool:
        with clock.stage("graph"):
            gb = SpoolingGraphBuilder(base, spool, buffer_chars=GRAPH_BUFFER_CHARS)
            n_rel = 0
            for r in results:
                gb.add_documents([r.record()])
                if remap:
                    for f in r.facts:
                        f.remap(remap)
                n_rel += gb.add_facts(entities, r.facts)
            gb.add_entities(entities, industry_concepts(res))
        with clock.stage("serialisation"):
            with atomic_writer(out, "w") as fh:
                triples = gb.write_turtle(fh)
    return {"entities": len(entities), "relations": n_rel, "triples": triples, "by_class": class_counts(entities)}
