"""The corpus merge: per-document results folded into one entity table as they arrive, spooled,
and written as one graph (partition by partition, so memory follows the number of entities)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from ..model import DocResult
from ..rdf.vocab import DEFAULT_BASE
from . import timing
from .document import resources, unpack

SPOOL_BYTES = 256 << 20          # results held in memory before the spool moves to a temporary file
GRAPH_BUFFER_CHARS = 64 << 20    # triples held in memory before the graph spills partitions to disk


class EntityTable:
    """The union of every document's entities, folded in as results arrive in any order.

    Equivalent to the first loop of `resolve.merge` over results sorted by path: an entity keeps
    the spelling of the first document (by path) that names it, and the union of the rest."""

    def __init__(self):
        from ..model import Entity

        self._entity = Entity
        self.entities: dict = {}
        self._first: dict = {}

    def add(self, result: DocResult) -> None:
        intern = sys.intern
        rel = intern(result.rel_path)
        for key, ent in result.entities.items():
            cur = self.entities.get(key)
            if cur is None:
                cur = self.entities[key] = self._entity(ent.type, ent.name)
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
        from ..resolve.corpus import follow, join_short_names

        entities = self.entities
        remap = join_short_names(entities)
        final = {key: follow(remap, key) for key in remap}
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
    from ..rdf.writer import SpoolingGraphBuilder

    lex = resources(lexicons)[0]
    with timing._Stage("resolution"):
        entities, remap = table.merge()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".kg-graph-", dir=work_dir or out.parent) as spool:
        with timing._Stage("graph"):
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
            gb.add_entities(entities, {e.name: e.concept for e in lex.industries_by_id.values()})
        with timing._Stage("serialisation"):
            from ..fsutil import atomic_writer

            with atomic_writer(out, "w") as fh:
                triples = gb.write_turtle(fh)
    by_class: dict = {}
    for e in entities.values():
        by_class[e.type] = by_class.get(e.type, 0) + 1
    return {"entities": len(entities), "relations": n_rel, "triples": triples, "by_class": by_class}


def graph_turtle(results: list[DocResult], *, base: str = DEFAULT_BASE, lexicons: tuple = ()) -> tuple[str, dict]:
    """Merge per-document results and serialise the corpus graph as Turtle, all in memory.

    The reference the streaming writer (`write_graph`) is tested against."""
    from ..rdf.writer import GraphBuilder
    from ..resolve.corpus import merge

    lex = resources(lexicons)[0]
    entities, facts = merge(results)
    gb = GraphBuilder(base)
    gb.add_documents([{"rel_path": r.rel_path, "sha256": r.sha256, "encoding": r.encoding, "script": r.script,
                       "metadata": r.metadata} for r in results])
    gb.add_entities(entities, {e.name: e.concept for e in lex.industries_by_id.values()})
    n_rel = gb.add_facts(entities, facts)
    by_class: dict = {}
    for e in entities.values():
        by_class[e.type] = by_class.get(e.type, 0) + 1
    return gb.turtle(), {"entities": len(entities), "relations": n_rel, "triples": len(gb), "by_class": by_class}
