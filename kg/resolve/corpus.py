"""Corpus-level resolution: one node per thing across documents.

Same type and same folded name are one entity already (the key); here a company or body named in
one document by a name that begins exactly one longer name of the same type joins it, unless it was
found only inside longer names (a parent group, a project's owner: an entity of its own).
"""

from __future__ import annotations

from ..extract.known import KNOWN_RULE

NESTED_RULE = "nested."   # the rules of kg/extract/nested.py: names found inside longer names


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
            nested_only = _nested_only(short)
            longer = None
            i = bisect_left(names, name)
            while i < len(names) and names[i].startswith(name):
                e = ordered[i]
                i += 1
                if e is short or len(e.name) <= len(name) or (nested_only and e.name[len(name):] not in complete):
                    continue
                if longer is not None:
                    longer = None
                    break
                longer = e
            else:
                if longer is not None:
                    remap[short.key] = longer.key
    # aliases are replaced, not changed in place: the corpus table keeps them as frozensets
    for src, dst in remap.items():
        s, d = entities.pop(src), entities[dst]
        d.absorb(s)
        d.aliases = d.aliases | {s.name}
    for ent in entities.values():
        if ent.name in ent.aliases:
            ent.aliases = ent.aliases - {ent.name}
    return remap


def _nested_only(entity) -> bool:
    """A company named only inside longer names (the parent group of a subsidiary, the owner of a
    project: 华能 of 华能青海发电有限公司, 博世 of 博世汽车部件(株洲)有限公司) is a name of its own, not
    the short form of a longer name that begins with it, unless that name only adds a legal form or
    a group word (山河智能 of 山河智能集团). (The list rule, which also knows a listed company inside a
    name, says nothing about where it stands.)"""
    rules = [r for r in entity.rules if not r.startswith(KNOWN_RULE)]
    return bool(rules) and all(r.startswith(NESTED_RULE) for r in rules)


def complete_suffixes(lexicon) -> tuple[str, ...]:
    """The strong name suffixes of the lexicon (有限公司, 研究院, ...): a name ending in one is complete."""
    return tuple(suf for suf, _, strong, _ in lexicon.suffixes if strong)

