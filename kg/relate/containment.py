"""locatedIn from what names and the text say about containment: a government body lies in its
jurisdiction, and what lies in a part of a zone lies in the zone (the closure over zone chains)."""

from __future__ import annotations

from typing import Iterator

from ..model import Fact
from .context import PLACES, RelContext


def bodies(rc: RelContext) -> Iterator[Fact]:
    """A government or party body lies in the innermost place its name gives (广州市南沙区政府 ->
    南沙区, 中共X组团工作委员会 -> X组团) when that place is an entity of the document; a body named
    by its level alone (省发展改革委, 自治区商务厅, 工业和信息化厅) lies in the document's own region."""
    lex = rc.ctx.lex
    rest_ok, bare = lex.pattern("located.body_rest"), lex.pattern("located.bare_body")
    rule, bare_rule = lex.rule("located.body_rest"), lex.rule("located.bare_body")
    places = [(form, key) for t in PLACES for key in rc.keys(t) for form in rc.forms(key)]
    for key in rc.keys("Organization"):
        name = rc.entities[key].name
        place = _jurisdiction(rc, name, places, rest_ok)
        if place is not None:
            if place != key:
                yield rc.fact(key, "locatedIn", place, rule, rc.first_sid(key))
            continue
        m = bare.fullmatch(name)
        if m:
            home = rc.home_region("city" if m.group("city") else "province")
            if home is not None:
                yield rc.fact(key, "locatedIn", home, bare_rule, rc.first_sid(key))


def _jurisdiction(rc: RelContext, name: str, places: list, rest_ok):
    """The place a body's name is made of: `[中共]<places><body words>`, the last place before the
    body words (the innermost); None when the name is not a body's."""
    best = None
    for form, pkey in places:
        at = name.find(form)
        while at >= 0:
            end = at + len(form)
            if rest_ok.fullmatch(name, end) and _only_places(rc, name[:at]):
                if best is None or (end, len(form)) > best[:2]:
                    best = (end, len(form), pkey)
            at = name.find(form, at + 1)
    return best[2] if best else None


def _only_places(rc: RelContext, prefix: str) -> bool:
    """`中共` and place names only (鄂州市 before 鄂城区, 内蒙古 before 鄂尔多斯市)."""
    lex = rc.ctx.lex
    prefix = prefix[lex.pattern("located.body_lead").match(prefix).end():]
    while prefix:
        n = next((n for n in range(min(len(prefix), 8), 1, -1)
                  if (e := lex.lookup(prefix[:n])) is not None and e.type in PLACES), 0)
        if not n:
            return False
        prefix = prefix[n:]
    return True


def closure(rc: RelContext) -> Iterator[Fact]:
    """What lies in a zone lies in every zone that zone lies in (a park of a sub-zone of a new area
    is in the new area): locatedIn closed over Zone -> Zone links; zones are not closed into regions,
    and not into a programme zone that the focal zone is only said to belong to (自创区)."""
    up: dict = {}
    container = rc.ctx.lex.rule("located.container")  # a programme zone (自创区) over the focal zone: not closed
    for f in rc.facts("facts.locatedIn"):
        if f.subject != f.object and f.rule != container:
            up.setdefault(f.subject, {}).setdefault(f.object, f)
    rule = "rel.locatedIn.closure"
    for subj in sorted(up):
        have = up[subj]
        todo = [z for z in have if z[0] == "Zone"]
        seen = set(todo)
        while todo:
            zone = todo.pop()
            for outer, via in up.get(zone, {}).items():
                if outer[0] != "Zone" or outer in seen or outer == subj:
                    continue
                seen.add(outer)
                todo.append(outer)
                if outer not in have:
                    first = have.get(zone)
                    f = first or via
                    yield Fact(subj, "locatedIn", outer, rule, f.doc, f.sent_start, f.sent_end, f.sentence)
