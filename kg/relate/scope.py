"""locatedIn by where the text puts things: the projects of a signing or groundbreaking event lie
where it is held (`X举行…集中签约`, `在X与…签署`), the projects of a paragraph that opens with
`在X,` lie in X, the institutions of a ceremony lie at its venue (`A挂牌仪式在X举行`), and in a text
about a city or province (no focal zone) its projects lie in that region."""

from __future__ import annotations

from typing import Iterator

from ..model import Fact, Span
from .context import PLACES, RelContext, chain_end, listed_before
from .located import zone_entry

_SCOPED = ("Project",)
_BODY_RULES = ("rel.locatedIn.body", "rel.locatedIn.bare_body")
_AT_VENUE = ("Organization", "Project", "Enterprise")


def scopes(rc: RelContext) -> dict[int, tuple]:
    """sid -> (place key, rule id) for the sentences in a scope: a `在X,` or `X:` place holds for the
    rest of its paragraph; a heading line that names a place (`二、X片区`) holds until the next
    numbered line; an event place holds from the paragraph of its event on, until another event."""
    memo = rc.ctx.memo.get("relate.scopes")
    if memo is not None:
        return memo
    lex = rc.ctx.lex
    event_rule, para_rule = lex.rule("located.event_after"), lex.rule("located.paragraph_lead")
    head_rule = lex.rule("located.heading")
    events = {sid: place for sid in range(len(rc.doc.sentences)) if (place := _event_place(rc, sid))}
    starts = {rc.paragraph(sid): place for sid, place in sorted(events.items(), reverse=True)}
    out: dict[int, tuple] = {}
    event, heading, para, para_place = None, None, -1, None
    for sid in range(len(rc.doc.sentences)):
        p = rc.paragraph(sid)
        if p != para:
            para, para_place = p, None
            event = starts.get(p, event)
            heading = _heading(rc, sid, heading)
        lead = _paragraph_place(rc, sid)
        if lead is not None:
            para_place = lead
        if para_place is not None:
            out[sid] = (para_place, para_rule)
        elif heading is not None:
            out[sid] = (heading, head_rule)
        elif event is not None:
            out[sid] = (event, event_rule)
    rc.ctx.memo["relate.scopes"] = out
    return out


def _heading(rc: RelContext, sid: int, current):
    """The place of a heading line (`二、X片区`, `(三)X新区篇`: a numbered line that is a place and a
    few words); a numbered line that names none ends the current one."""
    lex, text = rc.ctx.lex, rc.ctx.text
    sent = rc.doc.sentences[sid]
    mark = lex.pattern("located.section_mark").match(text, sent.start)
    chain = chain_end(rc.spans(sid, PLACES), mark.end())
    line_end = text.find("\n", sent.start)
    line_end = len(text) if line_end < 0 else line_end
    if mark.end() == sent.start:
        return current  # an unnumbered line (a site's name, a caption) is no heading
    if chain is not None and lex.pattern("located.heading").fullmatch(text, chain.end, line_end) \
            and rc.level(rc.res.key_of(chain)) != "country":
        return rc.res.key_of(chain)
    return None


def _event_place(rc: RelContext, sid: int):
    """The place a sentence holds a signing or groundbreaking event in: `(在)X(隆重)举行…签约`,
    `X集中开工`, `X设置分会场`, `在X与…签署`; the innermost of a chain of places (在广州南沙)."""
    lex, text = rc.ctx.lex, rc.ctx.text
    sent = rc.doc.sentences[sid]
    if not lex.pattern("located.event_word").search(sent.text):
        return None
    places = rc.spans(sid, PLACES)
    for i, p in enumerate(places):
        m = lex.pattern("located.event_after").match(text, p.end)
        if not m:
            continue
        j = i
        while j > 0 and places[j - 1].end == places[j].start:
            j -= 1
        opener = text[places[j].start - 1] if places[j].start > sent.start else ","
        at = opener in lex.words("at_prep")
        if (at or opener in ",;:") and (m.group("held") or m.group("with" if at else "own")) \
                and rc.level(rc.res.key_of(p)) != "country":
            return rc.res.key_of(p)
    return None


def _paragraph_place(rc: RelContext, sid: int):
    """The place of a sentence that opens with `在X,` (在佛山,…) or `(一、)X:`, the innermost of a
    chain of places."""
    lex, text = rc.ctx.lex, rc.ctx.text
    sent = rc.doc.sentences[sid]
    places = rc.spans(sid, PLACES)
    if text[sent.start:sent.start + 1] in lex.words("at_prep"):
        last = chain_end(places, sent.start + 1)
        follows = lex.pattern("located.paragraph_lead")
    else:
        last = chain_end(places, lex.pattern("located.section_mark").match(text, sent.start).end())
        follows = lex.pattern("located.colon_lead")
    if last is not None and follows.match(text, last.end) and rc.level(rc.res.key_of(last)) != "country":
        return rc.res.key_of(last)
    return None


def in_scope(rc: RelContext) -> Iterator[Fact]:
    """Projects in the scope of an event or a `在X,` paragraph lie in its place; in a paragraph's scope
    also the institutions it names (a project's research centre), unless a body's name placed them."""
    local = (rc.ctx.lex.rule("located.paragraph_lead"), rc.ctx.lex.rule("located.heading"))
    bodies = {f.subject for f in rc.facts("facts.locatedIn") if f.rule in _BODY_RULES}
    for sid, (place, rule) in sorted(scopes(rc).items()):
        for s in rc.spans(sid, _SCOPED + (("Organization",) if rule in local else ())):
            key = rc.res.key_of(s)
            if key != place and key not in bodies:
                yield rc.fact(key, "locatedIn", place, rule, sid)


def at_venue(rc: RelContext) -> Iterator[Fact]:
    """`A、B(揭牌|挂牌|签约)仪式在X举行`: the institutions and projects of the ceremony lie at its
    venue X (the innermost of a chain of places)."""
    lex, text = rc.ctx.lex, rc.ctx.text
    venue_re, rule = lex.pattern("located.venue"), lex.rule("located.venue")
    hint = lex.pattern("located.venue_hint")
    for sid, sent in enumerate(rc.doc.sentences):
        m = venue_re.search(sent.text) if hint.search(sent.text) else None
        if not m:
            continue
        at = sent.start + m.end()
        places = [p for p in rc.spans(sid, PLACES) if p.start >= at]
        venue = chain_end(places, at)
        if venue is None or not lex.pattern("located.venue_verb").match(text, venue.end):
            continue
        for s in listed_before(rc, sid, sent.start + m.start()):
            if s.type in _AT_VENUE:
                yield rc.fact(rc.res.key_of(s), "locatedIn", rc.res.key_of(venue), rule, sid)


def in_focal_region(rc: RelContext) -> Iterator[Fact]:
    """In a text about a city or province (no focal zone): a project named after a region the text
    names lies there (华为深圳基地); the other projects, the zones no rule placed, the firms a visit
    goes to (`到A项目和B公司现场调研`) and its own firms (`A、B等四大国资公司`) lie in that region,
    unless their name ties them to a place outside it."""
    if rc.focal_zone is not None:
        return
    placed = {f.subject for f in rc.facts("facts.locatedIn")}
    region = rc.focal_region()
    inside = _chain_forms(rc, region) if region is not None else ()
    for f in _named_after_region(rc, placed, inside):
        placed.add(f.subject)
        yield f
    if region is None:
        return
    visited = _visited(rc) | _local_firms(rc)
    nested = rc.only_inside_projects(("Zone", "Enterprise"))
    for key in rc.keys("Project") + rc.keys("Zone") + rc.keys("Enterprise"):
        if key in placed or key in nested or key == region or key[0] == "Enterprise" and key not in visited \
                or key[0] == "Zone" and zone_entry(rc.ctx.lex, rc.entities[key].name) is not None:
            continue  # a listed zone lies in its host region, when the text names it (zone_host)
        name = rc.entities[key].name
        if not any(f in name for f in inside) and _names_another_region(rc, name, region):
            continue
        yield rc.fact(key, "locatedIn", region, "rel.locatedIn.focus_region", rc.first_sid(key))


def _named_after_region(rc: RelContext, placed: set, inside: tuple) -> Iterator[Fact]:
    """A project no event or paragraph placed, whose name holds a region the text names on its own
    (华为深圳基地 -> 深圳市), unless it also holds the focal region (`inside`: its forms and those of
    the regions above it)."""
    regions = [(f, k) for k in rc.keys("Region") if rc.level(k) in ("province", "prefecture", "county")
               for f in rc.forms(k)]
    for key in rc.keys("Project"):
        if key in placed or any(f in rc.entities[key].name for f in inside):
            continue
        name = rc.entities[key].name
        found = [(name.rfind(f), len(f), k) for f, k in regions if f in name]
        if found:  # the last place named: X公司宜宾基地 is in 宜宾, whatever X's home
            yield rc.fact(key, "locatedIn", max(found)[2], "rel.locatedIn.project_region", rc.first_sid(key))


def _chain_forms(rc: RelContext, region) -> tuple[str, ...]:
    """The forms of a region and of the regions above it (a name with 青海 is at home in 海南州)."""
    lex, forms = rc.ctx.lex, list(rc.forms(region))
    entry = lex.regions_by_name.get(rc.entities[region].name)
    while entry is not None and entry.host:
        entry = lex.regions_by_name.get(entry.host)
        if entry is not None and entry.level != "country":
            forms += [entry.name, *entry.aliases]
    return tuple(forms)


def _visited(rc: RelContext) -> set:
    """What a visit goes to: the names between 到/来到/走进 and 现场调研/考察 in a clause."""
    out = set()
    for sid, sent in enumerate(rc.doc.sentences):
        for m in rc.ctx.lex.pattern("located.visit_object").finditer(sent.text):
            lo, hi = sent.start + m.start(1), sent.start + m.end(1)
            out |= {rc.res.key_of(s) for s in rc.spans(sid) if lo <= s.start and s.end <= hi}
    return out


def _local_firms(rc: RelContext) -> set:
    """The firms listed as the place's own (A、B等四大国资公司, 本地企业)."""
    out, pattern = set(), rc.ctx.lex.pattern("located.local_firms")
    for sid, sent in enumerate(rc.doc.sentences):
        for m in pattern.finditer(sent.text):
            out |= {rc.res.key_of(s) for s in listed_before(rc, sid, sent.start + m.start()) if s.type == "Enterprise"}
    return out


def _names_another_region(rc: RelContext, name: str, region) -> bool:
    """A division's name or short form inside a name (宁波正一…项目, 华为深圳基地) that is not the
    region, nor one of its parts (X区Y项目 in a text about the city of X区)."""
    lex, own = rc.ctx.lex, rc.entities[region].name
    for i in range(len(name) - 1):
        for n in range(min(8, len(name) - i), 1, -1):
            e = lex.lookup(name[i:i + n])
            if e is not None and e.type == "Region" and own not in _above(lex, e.name):
                return True
    return False


def _above(lex, name: str) -> list[str]:
    """A division and those above it (division lexicon)."""
    out = []
    while name and name not in out and len(out) < 6:
        out.append(name)
        entry = lex.regions_by_name.get(name)
        name = entry.host if entry is not None else ""
    return out


def built_in(rc: RelContext) -> Iterator[Fact]:
    """`在X(Y区)投资建设P项目`: the project built after the place lies in it (the innermost of a
    chain of places)."""
    lex, text = rc.ctx.lex, rc.ctx.text
    verb, rule = lex.pattern("located.build_object"), lex.rule("located.build_object")
    at = lex.words("at_prep")
    for sid, spans in sorted(rc.by_sid.items()):
        places = [s for s in spans if s.type in PLACES]
        for p in places:
            if text[p.start - 1:p.start] not in at:
                continue
            place = chain_end(places, p.start)
            m = verb.match(text, place.end)
            project = next((s for s in spans if m and s.start == m.end() and s.type == "Project"), None)
            if project is not None:
                yield rc.fact(rc.res.key_of(project), "locatedIn", rc.res.key_of(place), rule, sid)
