"""Corpus-level resolution: one node per thing across documents.

Same type and same folded name are one entity already (the key); here a company or body named in
one document by a name that begins exactly one longer name of the same type joins it.
"""

from __future__ import annotations

from ..model import DocResult, Entity, Fact


def merge(results: list[DocResult]) -> tuple[dict, list[Fact]]:
    """Merge per-document results into corpus entities (one node per thing) and facts."""
    entities: dict[tuple[str, str], Entity] = {}
    facts: list[Fact] = []
    for res in sorted(results, key=lambda r: r.rel_path):
        for key, ent in res.entities.items():
            cur = entities.get(key)
            if cur is None:
                cur = entities[key] = Entity(ent.type, ent.name)
            cur.aliases |= ent.aliases
            cur.originals |= ent.originals
            cur.docs |= ent.docs
            cur.rules |= ent.rules
        facts.extend(res.facts)
    remap = join_short_names(entities)
    for f in facts:
        f.subject = follow(remap, f.subject)
        if isinstance(f.object, tuple):
            f.object = follow(remap, f.object)
    return entities, facts


def join_short_names(entities: dict, complete: tuple[str, ...] | None = None) -> dict:
    """Join, in place, a company or body named in one document by a name that begins exactly one
    longer name of the same type (the full name another document gives); returns the key remap.

    The longer names are found by binary search in the sorted names, not by a scan of every
    pair, which is quadratic in the number of distinct enterprises (~75 s at 100 MB of text)."""
    from bisect import bisect_left

    if complete is None:
        complete = complete_suffixes()
    remap: dict = {}
    for etype in ("Enterprise", "Organization"):
        group = [e for e in entities.values() if e.type == etype]
        ordered = sorted(group, key=lambda e: e.name)
        names = [e.name for e in ordered]
        for short in group:
            name = short.name
            if len(name) < 2 or name.endswith(complete):
                continue
            longer = None
            i = bisect_left(names, name)
            while i < len(names) and names[i].startswith(name):
                e = ordered[i]
                i += 1
                if e is short or len(e.name) <= len(name):
                    continue
                if longer is not None:
                    longer = None
                    break
                longer = e
            else:
                if longer is not None:
                    remap[short.key] = longer.key
    for src, dst in remap.items():
        while dst in remap and remap[dst] != src:
            dst = remap[dst]
        s, d = entities.pop(src), entities[dst]
        d.aliases |= s.aliases | {s.name}
        d.originals |= s.originals
        d.docs |= s.docs
        d.rules |= s.rules
    for ent in entities.values():
        ent.aliases.discard(ent.name)
    return remap


def complete_suffixes(lexicon=None) -> tuple[str, ...]:
    """The strong name suffixes (有限公司, 研究院, ...): a name ending in one is complete."""
    if lexicon is None:
        from ..extract.resources import load_resources

        lexicon = load_resources().lexicon
    return tuple(suf for suf, _, strong, _ in lexicon.suffixes if strong)


def follow(remap, key):
    seen = set()
    while key in remap and key not in seen:
        seen.add(key)
        key = remap[key]
    return key
