"""The corpus entity table (kg.build.merge.EntityTable): compact records (documents by number,
shared rule sets) that read like `model.Entity` and do not depend on the order documents arrive in."""

from __future__ import annotations

import copy
import random

from kg.build.merge import EntityTable
from kg.model import Entity
from kg.text import fold_name


def _docs(rng: random.Random, n: int = 25) -> list[tuple[str, dict]]:
    """Documents (path, entities) naming a few shared entities, in varying spellings."""
    names = ["华泰新区", "恒瑞科技有限公司", "恒瑞科技", "滨海新区", "甘肃省", "王小明"]
    out = []
    for i in range(n):
        rel = f"dir{i % 3}/doc{rng.randrange(1000):03d}-{i}.txt"
        ents = {}
        for name in rng.sample(names, rng.randint(1, len(names))):
            etype = "Enterprise" if "恒瑞" in name else "Zone"
            spelled = name if rng.random() < 0.7 else name.replace("新区", "新區")  # another spelling
            ent = Entity(etype, spelled, docs={rel}, rules={rng.choice(["r.a", "r.b", "r.c"])})
            if rng.random() < 0.4:
                ent.aliases.add(name + "管委会")
            if rng.random() < 0.3:
                ent.originals.add(spelled + "區")
            ents[(etype, fold_name(name))] = ent
        out.append((rel, ents))
    return out


def _view(table_entities: dict) -> dict:
    """Everything the writer reads of each entity, with documents in the order `docs` gives them."""
    return {k: (e.type, e.name, sorted(e.aliases), sorted(e.originals), list(e.docs), sorted(e.rules))
            for k, e in table_entities.items()}


def test_same_table_whatever_order_documents_arrive_in():
    """Every arrival order gives the same names (the spelling of the first document by path),
    the same sets, and documents listed in path order."""
    rng = random.Random(7)
    docs = _docs(rng)
    first = None
    for _ in range(6):
        order = docs[:]
        rng.shuffle(order)
        table = EntityTable()
        for rel, ents in order:
            table.add(rel, ents)
        merged, remap = table.merge(())
        got = _view(merged)
        assert remap == {("Enterprise", "恒瑞科技"): ("Enterprise", "恒瑞科技有限公司")}
        for k, (_, name, _, _, names, _) in got.items():
            own = sorted(rel for rel, ents in docs if k in ents)
            joined = sorted(rel for rel, ents in docs if k in ents or any(remap.get(j) == k for j in ents))
            assert names == joined  # a joined entity has the documents of both names
            assert name == dict(docs)[own[0]][k].name
        if first is None:
            first = got
        assert got == first


def test_docs_round_trip_names_and_read_like_a_set():
    """Names of documents go in and come out (also one that is not the document being added:
    a result stored under another name); `docs` compares, counts and tests membership like a set."""
    table = EntityTable()
    table.add("b.txt", {("Zone", "华泰新区"): Entity("Zone", "华泰新区", docs={"b.txt"})})
    table.add("a.txt", {("Zone", "华泰新区"): Entity("Zone", "华泰新区", docs={"a.txt", "c.txt"})})
    table.add("c.txt", {("Zone", "华泰新区"): Entity("Zone", "华泰新区", docs={"c.txt"})})
    merged, _ = table.merge(())
    docs = merged[("Zone", "华泰新区")].docs
    assert list(docs) == ["a.txt", "b.txt", "c.txt"]  # distinct, in path order
    assert len(docs) == 3 and "b.txt" in docs and "d.txt" not in docs
    assert docs == {"a.txt", "b.txt", "c.txt"} and {"a.txt", "b.txt", "c.txt"} == docs
    assert docs != {"a.txt", "b.txt"}


def test_add_reads_the_entities_without_changing_them():
    """The table keeps none of the given records and changes none of them."""
    rng = random.Random(3)
    docs = _docs(rng, 8)
    before = copy.deepcopy(docs)
    table = EntityTable()
    for rel, ents in docs:
        table.add(rel, ents)
    assert docs == before
    given = {id(e) for _, ents in docs for e in ents.values()}
    assert not any(id(e) in given for e in table.entities.values())


def test_rule_sets_are_shared_between_entities():
    """Entities with the same rules hold one frozenset (a corpus has millions of entities and a
    few hundred rule sets), and the union of rules from several documents is kept."""
    table = EntityTable()
    table.add("a.txt", {("Zone", "甲新区"): Entity("Zone", "甲新区", docs={"a.txt"}, rules={"r1", "r2"}),
                        ("Zone", "乙新区"): Entity("Zone", "乙新区", docs={"a.txt"}, rules={"r2"})})
    table.add("b.txt", {("Zone", "乙新区"): Entity("Zone", "乙新区", docs={"b.txt"}, rules={"r1"})})
    a, b = table.entities[("Zone", "甲新区")], table.entities[("Zone", "乙新区")]
    assert a.rules == {"r1", "r2"} and a.rules is b.rules


def test_short_name_join_in_the_table():
    """A short company name joins the one longer name it begins: documents, aliases and rules
    of both, the documents still distinct and in path order."""
    table = EntityTable()
    full, short = ("Enterprise", "甲乙光电科技有限公司"), ("Enterprise", "甲乙光电")
    table.add("b.txt", {full: Entity("Enterprise", "甲乙光电科技有限公司", docs={"b.txt"}, rules={"r1"}),
                        short: Entity("Enterprise", "甲乙光电", docs={"b.txt"}, rules={"r2"})})
    table.add("a.txt", {short: Entity("Enterprise", "甲乙光电", docs={"a.txt"}, rules={"r2"})})
    merged, remap = table.merge(("有限公司",))
    assert remap == {short: full}
    ent = merged[full]
    assert list(ent.docs) == ["a.txt", "b.txt"]
    assert ent.aliases == {"甲乙光电"} and ent.rules == {"r1", "r2"}
