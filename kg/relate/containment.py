"""locatedIn from what names and the text say about containment: a government body lies in its
jurisdiction, and what lies in a part of a zone lies in the zone (the closure over zone chains)."""

from __future__ import annotations

from typing import Iterator

from ..model import Fact
from .context import PLACES, RelContext, listed_before, zone_rank

_LOCATABLE = ("Zone", "Project", "Enterprise", "Organization")
_BODY_RULES = ("rel.locatedIn.body", "rel.locatedIn.bare_body")


def bodies(rc: RelContext) -> Iterator[Fact]:
    """A government or party body lies in the innermost place its name gives (广州市南沙区政府 ->
    南沙区, 中共X组团工作委员会 -> X组团) when that place is an entity of the document; a body named
    by its level alone (省发展改革委, 自治区商务厅, 工业和信息化厅) lies in the document's own region."""
    lex = rc.ctx.lex
    rest_ok, bare = lex.pattern("located.body_rest"), lex.pattern("located.bare_body")
    rule, bare_rule = lex.rule("located.body_rest"), lex.rule("located.bare_body")
    places = [(form, key) for t in PLACES for key in rc.keys(t) for form in rc.forms(key)]
    written_after = _region_before(rc)
    for key in rc.keys("Organization"):
        name = rc.entities[key].name
        place = _jurisdiction(rc, name, places, rest_ok)
        m = bare.fullmatch(name) if place is None else None
        if place is None and m is None and rest_ok.search(name) and key in written_after:
            place = written_after[key]  # 内蒙古|包头市政府: the region written before the body
        if place is not None:
            if place != key:
                yield rc.fact(key, "locatedIn", place, rule, rc.first_sid(key))
        elif m is not None:
            home = rc.home_region("city" if m.group("city") else "province")
            if home is not None:
                yield rc.fact(key, "locatedIn", home, bare_rule, rc.first_sid(key))


def _region_before(rc: RelContext) -> dict:
    """Organization -> the region written right before one of its mentions."""
    out: dict = {}
    for spans in rc.by_sid.values():
        ends = {s.end: s for s in spans if s.type == "Region"}
        for s in spans:
            if s.type == "Organization" and s.start in ends:
                out.setdefault(rc.res.key_of(s), rc.res.key_of(ends[s.start]))
    return out


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


def stated(rc: RelContext) -> Iterator[Fact]:
    """Containment that names and the text state: a zone named after another zone (X经开区Y飞地园),
    `P(Q)` of two zones, `Q特色产业园——P` and `Q企业P`, parts listed `在核心区内` of the larger zone
    named before them, things that `相继落地` in a paragraph about a zone, a zone written after the
    regions it lies in (X区Y街道Z产业园), and firms of a region (`A、B等香港知名企业`)."""
    yield from _zone_prefix(rc)
    yield from _brackets(rc)
    yield from _appositions(rc)
    yield from _list_parts(rc)
    yield from _settled_in_topic(rc)
    yield from _region_chains(rc)
    yield from _region_firms(rc)


def _zone_prefix(rc: RelContext) -> Iterator[Fact]:
    """A zone whose name starts with another zone's name is part of it (长兴经开区安吉飞地园); so is a
    project named so, in a text without a focal zone (the focus rule names those otherwise)."""
    lex = rc.ctx.lex
    refs = set(lex.trigger("zone_ref"))
    own = lex.pattern("located.own_project")
    zones = [(form, key) for key in rc.keys("Zone") for form in rc.forms(key) if len(form) >= 3 and form not in refs]
    subjects = rc.keys("Zone") + (rc.keys("Project") if rc.focal_zone is None else [])
    for key in subjects:
        name = rc.entities[key].name
        for form, zkey in zones:
            rest = name[len(form):]
            if zkey != key and name.startswith(form) and len(rest) >= 2 and not own.fullmatch(rest):
                yield rc.fact(key, "locatedIn", zkey, "rel.locatedIn.zone_prefix", rc.first_sid(key))
                break


def _brackets(rc: RelContext) -> Iterator[Fact]:
    """`P(Q)` with P and Q zones: P lies in Q (浙江X产业园(长兴经开区安吉飞地园))."""
    text = rc.ctx.text
    for sid, spans in sorted(rc.by_sid.items()):
        zones = [s for s in spans if s.type == "Zone"]
        starts = {s.start: s for s in zones}
        for p in zones:
            q = starts.get(p.end + 1) if text[p.end:p.end + 1] == "(" else None
            if q is not None and text[q.end:q.end + 1] == ")" and rc.res.key_of(q) != rc.res.key_of(p):
                yield rc.fact(rc.res.key_of(p), "locatedIn", rc.res.key_of(q), "rel.locatedIn.bracket", sid)


def _appositions(rc: RelContext) -> Iterator[Fact]:
    """`Q特色产业园——P`, `Q企业P`: what follows the zone Q and the apposition word lies in Q."""
    text, pattern = rc.ctx.text, rc.ctx.lex.pattern("located.apposition")
    rule = rc.ctx.lex.rule("located.apposition")
    for sid, spans in sorted(rc.by_sid.items()):
        starts = {}
        for s in spans:
            starts.setdefault(s.start, s)
        for q in spans:
            m = pattern.match(text, q.end) if q.type == "Zone" else None
            p = starts.get(m.end()) if m else None
            if p is not None and p.type in _LOCATABLE and rc.res.key_of(p) != rc.res.key_of(q):
                yield rc.fact(rc.res.key_of(p), "locatedIn", rc.res.key_of(q), rule, sid)


def _list_parts(rc: RelContext) -> Iterator[Fact]:
    """`在核心区内,建设A园、B园、C园等3个X园`: the listed parks lie in the nearest larger zone named
    before them in the paragraph."""
    lex, text = rc.ctx.lex, rc.ctx.text
    inside, rule = lex.pattern("located.inside_ref"), lex.rule("located.inside_ref")
    joins = ("、",) + lex.words("conjunction")
    for sid, sent in enumerate(rc.doc.sentences):
        m = inside.search(sent.text)
        if not m:
            continue
        zones = [s for s in rc.spans(sid, ("Zone",)) if s.start >= sent.start + m.end()]
        items = zones[:1]
        for s in zones[1:]:
            if text[items[-1].end:s.start] not in joins:
                break
            items.append(s)
        if len(items) < 2:
            continue
        rank = max(zone_rank(lex, s.name) for s in items)
        outer = _larger_zone_before(rc, sid, items[0].start, rank)
        for s in items:
            if outer is not None and rc.res.key_of(s) != outer:
                yield rc.fact(rc.res.key_of(s), "locatedIn", outer, rule, sid)


def _larger_zone_before(rc: RelContext, sid: int, pos: int, rank: int):
    """The nearest zone of a larger kind named before pos in the paragraph of sentence sid."""
    lex, para = rc.ctx.lex, rc.paragraph(sid)
    for k in range(sid, -1, -1):
        if rc.paragraph(k) != para:
            return None
        for s in reversed(rc.spans(k, ("Zone",))):
            if s.end <= pos and zone_rank(lex, s.name) > rank:
                return rc.res.key_of(s)
    return None


def _settled_in_topic(rc: RelContext) -> Iterator[Fact]:
    """In a paragraph that opens with a zone other than the focal one (`X合作区是…`), the things
    listed before `相继落地`, `在此落地`, `入驻` with no place after it lie in that zone."""
    lex = rc.ctx.lex
    settle, rule = lex.pattern("located.settle"), lex.rule("located.settle")
    hint = lex.pattern("located.settle_hint")
    topic, para = None, -1
    for sid, sent in enumerate(rc.doc.sentences):
        if rc.paragraph(sid) != para:
            para = rc.paragraph(sid)
            first = rc.spans(sid, PLACES)[:1]
            topic = rc.res.key_of(first[0]) if first and first[0].type == "Zone" else None
        if topic is None or topic == rc.focal_zone or not hint.search(sent.text):
            continue
        for m in settle.finditer(sent.text):
            end = sent.start + m.end()
            if any(s.start >= end and s.start - end <= 2 for s in rc.spans(sid, PLACES)):
                continue  # 落户X: the place is stated
            for s in listed_before(rc, sid, sent.start + m.start()):
                if s.type in _LOCATABLE and rc.res.key_of(s) != topic:
                    yield rc.fact(rc.res.key_of(s), "locatedIn", topic, rule, sid)


def _region_chains(rc: RelContext) -> Iterator[Fact]:
    """A zone written right after the regions it lies in (江夏区金口街道星辰产业园): it lies in each."""
    for sid, spans in sorted(rc.by_sid.items()):
        ends = {}
        for s in spans:
            if s.type == "Region":
                ends.setdefault(s.end, s)
        for z in spans:
            if z.type != "Zone":
                continue
            pos = z.start
            while pos in ends:
                r = ends[pos]
                yield rc.fact(rc.res.key_of(z), "locatedIn", rc.res.key_of(r), "rel.locatedIn.region_chain", sid)
                pos = r.start


def _region_firms(rc: RelContext) -> Iterator[Fact]:
    """`A、B等香港本土品牌企业`: the listed firms lie in that region. In a text without a focal zone, a
    firm whose legal name opens with a region the text names (X省港航集团有限公司) lies there."""
    lex, text = rc.ctx.lex, rc.ctx.text
    head, rule = lex.pattern("located.region_firms"), lex.rule("located.region_firms")
    etc = lex.words("enum_etc")
    for sid in sorted(rc.by_sid):
        for r in rc.spans(sid, ("Region",)):
            if text[r.start - 1:r.start] in etc and head.match(text, r.end):
                for s in listed_before(rc, sid, r.start - 1):
                    if s.type == "Enterprise":
                        yield rc.fact(rc.res.key_of(s), "locatedIn", rc.res.key_of(r), rule, sid)
    if rc.focal_zone is not None:
        return
    legal, rule = lex.pattern("located.firm_region"), lex.rule("located.firm_region")
    regions = [(f, k) for k in rc.keys("Region") if rc.level(k) in ("province", "prefecture", "county") for f in rc.forms(k)]
    for key in rc.keys("Enterprise"):
        name = rc.entities[key].name
        if legal.search(name):
            # X省Y有限公司, or a group's subsidiary in a province (华电X省发电有限公司)
            place = next((k for f, k in regions if name.startswith(f) or rc.level(k) == "province"
                          and name.find(f) == 2), None)
            if place is not None:
                yield rc.fact(key, "locatedIn", place, rule, rc.first_sid(key))


def named_orgs(rc: RelContext) -> Iterator[Fact]:
    """In a text without a focal zone, an institution whose name opens with a region the text names
    (X市Y研究院, X区·Y大学Z研究院) lies there (the focus rule places them in a text about a zone)."""
    if rc.focal_zone is not None:
        return
    bodies = {f.subject for f in rc.facts("facts.locatedIn") if f.rule in _BODY_RULES}
    regions = [(f, k) for k in rc.keys("Region") if rc.level(k) in ("province", "prefecture", "county") for f in rc.forms(k)]
    zone_body = rc.ctx.lex.pattern("located.zone_body")
    for key in rc.keys("Organization"):
        name = rc.entities[key].name
        if zone_body.search(name):
            continue  # X经济区管委会 is its zone's, not the city's
        place = next((k for f, k in regions if name.startswith(f) and len(name) > len(f) + 1), None)
        if key not in bodies and place is not None:
            yield rc.fact(key, "locatedIn", place, "rel.locatedIn.name_region", rc.first_sid(key))
