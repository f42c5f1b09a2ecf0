"""SpoolingGraphBuilder against GraphBuilder: same bytes and count for graphs of entities, documents
and evidence (duplicates, pages, conflicting evidence), held in memory or spilled many times."""

from __future__ import annotations

import random

import pytest

from kg.model import RELATIONS, Entity, Fact
from kg.rdf.writer import GraphBuilder, SpoolingGraphBuilder

BASE = "https://example.org/kg/"
TYPES = ["Zone", "Region", "Enterprise", "Organization", "Official"]
SENTENCES = ["甲乙丙。", '他说"好"\n然后', "a\tb\\c", "\u2028x\x07", "重复的句子"]


def _corpus(rng: random.Random):
    """Entities, documents and facts, some facts given twice, some on pages."""
    entities = {}
    for i in range(40):
        e = Entity(rng.choice(TYPES), f"名{i}", docs={f"d{rng.randrange(5)}.txt"}, aliases={f"别{i}"})
        entities[e.key] = e
    keys = list(entities)
    docs = [{"rel_path": f"d{i}.txt", "sha256": f"{i:064x}", "encoding": "utf-8" if i % 2 else None,
             "script": "Hans", "metadata": {"title": f"标题{i}", "authors": ["甲", "乙"][: i % 3]}} for i in range(5)]
    facts = []
    for _ in range(300):
        obj = rng.choice(keys) if rng.random() < 0.7 else rng.choice(["职务", "主任"])
        doc = rng.choice(docs)["rel_path"]
        start = rng.randrange(50)
        f = Fact(rng.choice(keys), rng.choice(RELATIONS), obj, rng.choice(["r1", "r2"]), doc, start,
                 start + rng.randrange(1, 30), rng.choice(SENTENCES), rng.choice([None, None, 0, 3]))
        facts.append(f)
        if rng.random() < 0.2:
            facts.append(f)   # the same fact again: the same evidence node
    return entities, docs, facts


def _fill(builder: GraphBuilder, seed: int) -> None:
    entities, docs, facts = _corpus(random.Random(seed))
    builder.add_documents(docs)
    builder.add_facts(entities, facts)
    builder.add_entities(entities)


@pytest.mark.parametrize("buffer_chars,fanout", [(10**9, 2), (300, 2), (300, 1), (1, 2)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_evidence_graphs_match_graph_builder(tmp_path, seed, buffer_chars, fanout):
    ref = GraphBuilder(BASE)
    spooled = SpoolingGraphBuilder(BASE, tmp_path, buffer_chars=buffer_chars, fanout=fanout)
    _fill(ref, seed)
    _fill(spooled, seed)
    text = ref.turtle()
    assert "kg:page" in text and "rdf:Statement" in text   # the graph has evidence, paged and not
    assert spooled.turtle() == text
    assert len(spooled) == len(ref)
    spills = sorted(tmp_path.iterdir())
    if buffer_chars < 10**9:
        assert len(spills) > 1   # spilled, one file per spill
    else:
        assert not spills


@pytest.mark.parametrize("buffer_chars", [10**9, 1])
def test_evidence_given_differing_fields_or_other_triples(tmp_path, buffer_chars):
    """An evidence node given twice with different fields, or also given plain triples, is written
    as the union of its triples, as GraphBuilder does."""
    ref = GraphBuilder(BASE)
    spooled = SpoolingGraphBuilder(BASE, tmp_path, buffer_chars=buffer_chars)
    one = ("<https://example.org/kg/zone-1>", "kg:locatedIn", "<https://example.org/kg/region-2>",
           "<https://example.org/kg/doc-3>", '"句子"@zh', "0", "4", "", '"r1"')
    other = one[:4] + ('"另一句"@zh', "0", "9", "2", '"r1"')
    for b in (ref, spooled):
        b.add_evidence("<https://example.org/kg/ev-aa>", one)
        b.add_evidence("<https://example.org/kg/ev-aa>", other)
        b.add_evidence("<https://example.org/kg/ev-bb>", one)
        b.add("<https://example.org/kg/ev-bb>", "rdfs:comment", '"x"')
        b.add_evidence("<https://example.org/kg/ev-cc>", other)
        b.add_evidence("<https://example.org/kg/ev-cc>", other)
    text = ref.turtle()
    assert spooled.turtle() == text
    assert len(spooled) == len(ref)
    assert text.count("kg:sentence") == 3 and text.count('"句子"@zh') == 2   # ev-aa: both sentences


def test_evidence_in_one_partition_when_partitions_are_not_in_order(tmp_path):
    """Subject forms whose partition order is not their sort order (`A` a prefix of `A-12`): the
    evidence nodes are sorted in with everything else."""
    ref, spooled = GraphBuilder(BASE), SpoolingGraphBuilder(BASE, tmp_path, buffer_chars=1)
    fields = ("<https://e.org/A-1234>", "kg:locatedIn", '"x"@zh', "<https://e.org/d-1>", '"s"@zh', "1", "2", "", '"r"')
    for b in (ref, spooled):
        for s in ["https://e.org/A-1234", "https://e.org/A-12-5678", "<https://e.org/A-0>"]:
            b.add(s, "a", "kg:Zone")
        for e in ["<https://e.org/A-12-ev>", "<https://e.org/A-0a>", "<https://e.org/B-ev-1>"]:
            b.add_evidence(e, fields)
    assert spooled._partitions() == []
    assert spooled.turtle() == ref.turtle()
    assert len(spooled) == len(ref)


def test_more_spill_files_than_may_be_open(tmp_path, monkeypatch):
    """A graph spilled to more files than are kept open reads them again as it needs them."""
    import kg.rdf.writer as writer

    monkeypatch.setattr(writer, "SPILL_FILES_OPEN", 2)
    ref, spooled = GraphBuilder(BASE), SpoolingGraphBuilder(BASE, tmp_path, buffer_chars=200)
    _fill(ref, 4)
    _fill(spooled, 4)
    assert spooled.turtle() == ref.turtle()
    assert len(list(tmp_path.iterdir())) > 2
