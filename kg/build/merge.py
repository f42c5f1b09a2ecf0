"""The corpus merge: per-document results folded into one entity table as they arrive, spooled,
and written as one graph (partition by partition, so memory follows the number of entities)."""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from ..model import DocResult, EntityKey
from ..text import fold_name
from ..rdf.vocab import DEFAULT_BASE
from .document import unpack
from .timing import Stages

SPOOL_BYTES = 32 << 20           # results held in memory before the spool moves to a temporary file (read
#                                  back in path order: a seek a document, from the page cache; 256 MB cost
#                                  as much of the parent's memory on a large corpus)
GRAPH_BUFFER_CHARS = 64 << 20    # triples held in memory before the graph spills partitions to disk


class Merged(NamedTuple):
    """The corpus entities (one node per thing) and where each joined entity key went."""

    entities: dict
    remap: dict


class DocNames(AbstractSet):
    """The documents an entity is found in, by name: a read-only set over document numbers.

    Kept as numbers (4 bytes each, `array('I')`) into the table's list of paths rather than as a
    set of names (~59 bytes a name): a large corpus has millions of entity-document pairs."""

    __slots__ = ("_nums", "_paths")

    def __init__(self, nums: array, paths: list):
        self._nums, self._paths = nums, paths

    def __iter__(self) -> Iterator[str]:
        return map(self._paths.__getitem__, self._nums)

    def __len__(self) -> int:
        return len(self._nums)

    def __contains__(self, name) -> bool:
        return any(self._paths[i] == name for i in self._nums)

    def __repr__(self) -> str:
        return f"DocNames({sorted(self)!r})"


class CorpusEntity:
    """An entity of the corpus table: the fields of `model.Entity` in slots, for memory.

    The writer and `resolve.corpus.join_short_names` read it as they read an Entity: `type`,
    `name`, `key`, `aliases`, `originals` and `rules` (frozensets; rule sets are shared between
    entities), `docs` (a `DocNames`: names of documents) and `absorb`. `first` is the number of
    the document (first by path) whose spelling `name` is."""

    __slots__ = ("type", "name", "aliases", "originals", "rules", "nums", "paths", "first")

    def __init__(self, etype: str, name: str, rules: frozenset, paths: list, first: int):
        self.type, self.name, self.rules, self.paths, self.first = etype, name, rules, paths, first
        self.aliases = self.originals = _EMPTY
        self.nums = array("I")

    @property
    def docs(self) -> DocNames:
        return DocNames(self.nums, self.paths)

    @property
    def key(self) -> EntityKey:
        return (self.type, fold_name(self.name))

    def absorb(self, other: "CorpusEntity") -> None:
        """Take in what another entity of the table knows (`join_short_names`); the document
        numbers of both are sorted and distinct (`EntityTable.merge`), and stay so."""
        self.aliases = self.aliases | other.aliases
        self.originals = self.originals | other.originals
        self.rules = self.rules | other.rules
        self.nums = array("I", sorted(set(self.nums).union(other.nums)))

    def __repr__(self) -> str:
        return (f"CorpusEntity({self.type!r}, {self.name!r}, aliases={set(self.aliases)!r}, "
                f"originals={set(self.originals)!r}, docs={set(self.docs)!r}, rules={set(self.rules)!r})")


_EMPTY: frozenset = frozenset()


class EntityTable:
    """The union of every document's entities, folded in as results arrive in any order.

    An entity keeps the spelling of the first document (by path) that names it and the union of
    what the others know; the result does not depend on the order documents arrive in. Entities
    are `CorpusEntity` records: documents by number (numbered as they arrive, renumbered in path
    order by `merge`), each distinct rule set and type name held once."""

    def __init__(self):
        self.entities: dict = {}
        self.paths: list[str] = []             # document number -> path
        self._numbers: dict[str, int] = {}     # path -> document number
        self._rules: dict[frozenset, frozenset] = {}
        self._types: dict[str, str] = {}

    def _number(self, rel: str) -> int:
        num = self._numbers.get(rel)
        if num is None:
            num = self._numbers[rel] = len(self.paths)
            self.paths.append(rel)
        return num

    def _ruleset(self, rules) -> frozenset:
        """The shared frozenset of these rules (a corpus has a few hundred distinct rule sets)."""
        rules = frozenset(rules)
        return self._rules.setdefault(rules, rules)

    def add(self, rel: str, entities: dict) -> None:
        """Fold in the entities of document `rel` (read only: they are not kept)."""
        num, paths, table, types = self._number(rel), self.paths, self.entities, self._types
        for key, ent in entities.items():
            cur = table.get(key)
            if cur is None:
                etype = types.setdefault(ent.type, ent.type)
                name = ent.name
                # the key's folded name is often the name itself: hold the string once
                key = (types.setdefault(key[0], key[0]), name if key[1] == name else key[1])
                cur = table[key] = CorpusEntity(etype, name, self._ruleset(ent.rules), paths, num)
            else:
                if rel < paths[cur.first]:
                    cur.name, cur.first = ent.name, num
                if not ent.rules <= cur.rules:
                    cur.rules = self._ruleset(cur.rules | ent.rules)
            if ent.aliases and not ent.aliases <= cur.aliases:
                cur.aliases = cur.aliases | ent.aliases
            if ent.originals and not ent.originals <= cur.originals:
                cur.originals = cur.originals | ent.originals
            docs = ent.docs
            if len(docs) == 1 and rel in docs:
                cur.nums.append(num)
            else:
                cur.nums.extend(self._number(d) for d in docs)

    def merge(self, complete: tuple[str, ...]) -> Merged:
        """The corpus entities, with a short company or body name joined to the one longer name it
        begins (`resolve.corpus.join_short_names`; `complete`: its complete-name suffixes).

        Documents are first renumbered in path order, each entity's numbers sorted and distinct,
        so that `docs` gives names in path order, whatever the order documents arrived in."""
        from ..resolve.corpus import join_short_names

        entities, paths = self.entities, self.paths
        order = sorted(range(len(paths)), key=paths.__getitem__)
        rank = array("I", bytes(4 * len(paths)))
        for r, i in enumerate(order):
            rank[i] = r
        by_path = [paths[i] for i in order]
        for ent in entities.values():
            nums = ent.nums
            if len(nums) == 1:
                nums[0] = rank[nums[0]]
            else:
                ent.nums = array("I", sorted(set(map(rank.__getitem__, nums))))
            ent.paths, ent.first = by_path, rank[ent.first]
        remap = join_short_names(entities, complete)
        self.__init__()
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
