"""Corpus-level resolution: one node per thing across documents.

Same type and same folded name are one entity already (the key); here a company or body named in
one document by a name that begins exactly one longer name of the same type joins it.
"""

from __future__ import annotations


def join_short_names(entities: dict, complete: tuple[str, ...]) -> dict:
    """Join, in place, a company or body named in one document by a name that begins exactly one
    longer name of the same type (the full name another document gives); returns the key remap.
    Names ending in one of the `complete` suffixes (`complete_suffixes`) are never short. There
    are no chains: a name that a short name joins begins no longer name of its own, or the short
    name would begin two.

    The longer names are found by binary search in the sorted names, not by a scan of every
    pair, which is quadratic in the number of distinct enterprises (~75 s at 100 MB of text)."""
    from bisect import bisect_left

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
        s, d = entities.pop(src), entities[dst]
        d.absorb(s)
        d.aliases.add(s.name)
    for ent in entities.values():
        ent.aliases.discard(ent.name)
    return remap


def complete_suffixes(lexicon) -> tuple[str, ...]:
    """The strong name suffixes of the lexicon (有限公司, 研究院, ...): a name ending in one is complete."""
    return tuple(suf for suf, _, strong, _ in lexicon.suffixes if strong)

