"""Reference implementations the streaming build is checked against: plain, all in memory.

`merge` folds results in path order and follows join chains; `graph_turtle` writes the whole
graph with the in-memory GraphBuilder. The build itself uses `kg.build.merge.EntityTable` and
the spooling writer; tests compare the two.
"""

from __future__ import annotations

from kg.model import DocResult, Entity, Fact
from kg.rdf.vocab import DEFAULT_BASE


def follow(remap: dict, key):
    seen = set()
    while key in remap and key not in seen:
        seen.add(key)
        key = remap[key]
    return key


def merge(results: list[DocResult], lexicon=None) -> tuple[dict, list[Fact]]:
    """Corpus entities (one node per thing) and facts of per-document results."""
    from kg.extract.resources import load_resources
    from kg.resolve.corpus import complete_suffixes, join_short_names

    lexicon = lexicon or load_resources().lexicon
    entities: dict[tuple[str, str], Entity] = {}
    facts: list[Fact] = []
    for res in sorted(results, key=lambda r: r.rel_path):
        for key, ent in res.entities.items():
            cur = entities.get(key)
            if cur is None:
                cur = entities[key] = Entity(ent.type, ent.name)
            cur.absorb(ent)
        facts.extend(res.facts)
    remap = join_short_names(entities, complete_suffixes(lexicon))
    final = {key: follow(remap, key) for key in remap}
    for f in facts:
        f.remap(final)
    return entities, facts


def graph_turtle(results: list[DocResult], *, base: str = DEFAULT_BASE, lexicons: tuple = ()) -> tuple[str, dict]:
    """The corpus graph of per-document results as Turtle, all in memory, and its counts."""
    from kg.build.merge import class_counts, industry_concepts
    from kg.extract.resources import load_resources
    from kg.rdf.writer import GraphBuilder

    res = load_resources(lexicons)
    entities, facts = merge(results, res.lexicon)
    gb = GraphBuilder(base)
    gb.add_documents([r.record() for r in results])
    gb.add_entities(entities, industry_concepts(res))
    n_rel = gb.add_facts(entities, facts)
    return gb.turtle(), {"entities": len(entities), "relations": n_rel, "triples": len(gb),
                         "by_class": class_counts(entities)}
