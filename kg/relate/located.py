"""locatedIn: zones in their host regions, local things in the focal zone, stated locations."""

from __future__ import annotations

from typing import Iterator

from ..model import Fact
from ..text import fold_name
from .context import RelContext, zone_rank

_BODY_RULES = ("rel.locatedIn.body", "rel.locatedIn.bare_body")
_SCOPE_RULES = ("rel.locatedIn.event", "rel.locatedIn.paragraph", "rel.locatedIn.venue", "rel.locatedIn.heading")


def zone_host(rc: RelContext) -> Iterator[Fact]:
    """A zone lies in its host region (lexicon) or in the region its name starts with or names a
    part after (X自贸区长沙片区), when the document mentions it; a national new area (administered by
    its province) also in the mentioned regions above that."""
    lex = rc.ctx.lex
    regions = {rc.entities[k].name: k for k in rc.keys("Region")}
    for key in rc.keys("Zone"):
        entry = zone_entry(lex, rc.entities[key].name)
        every = entry is not None and entry.zone_kind in lex.words("province_zone_kind")
        seen = set()
        for t in _host_names(rc, key, regions):
            for name in _up_the_chain(lex, t) if every else (t,):
                if name in regions and name not in seen:
                    seen.add(name)
                    yield rc.fact(key, "locatedIn", regions[name], "rel.locatedIn.host", rc.first_sid(key))


def zone_entry(lex, name: str):
    """The listed zone a name denotes with its host region (a user lexicon entry of the same name
    without a host does not hide it)."""
    return next((e for e in lex.surfaces.get(name, ()) if e.type == "Zone" and e.host), None)


def _up_the_chain(lex, name: str) -> Iterator[str]:
    """A region and the regions above it (division lexicon)."""
    seen = set()
    while name and name not in seen:
        seen.add(name)
        yield name
        entry = lex.regions_by_name.get(name)
        name = entry.host if entry is not None else ""


def _host_names(rc: RelContext, key, regions: dict) -> list[str]:
    """The regions a zone lies in directly: its host in the lexicon, the mentioned regions its
    name starts with (unless it is named after another zone), or the one province mentioned."""
    lex = rc.ctx.lex
    ent = rc.entities[key]
    targets = []
    entry = zone_entry(lex, ent.name)
    if entry is not None:
        targets.append(entry.host)
    inner = any(ent.name.startswith(rc.entities[z].name) for z in rc.keys("Zone") if z != key)
    part = lex.pattern("located.part_of_zone")
    named_part = [rname for rname, rkey in regions.items() for f in rc.forms(rkey) + rc.short_forms(rkey)
                  if (at := ent.name.find(f, 1)) > 0 and part.fullmatch(ent.name, at + len(f))]
    if named_part:
        return named_part[:1]  # 湖南自贸区长沙片区 lies in 长沙市, not where its parent zone is
    for rname in regions:
        r_entry = lex.regions_by_name.get(rname)
        forms = {rname, *(r_entry.aliases if r_entry else ())}
        if not inner and any(ent.name.startswith(f) for f in forms):
            targets.append(rname)
    if key == rc.focal_zone and not targets:
        # a zone no list knows, in a document that names one province: it lies there
        provinces = [n for n in regions if (e := lex.regions_by_name.get(n)) and e.level == "province"]
        if len(provinces) == 1:
            targets.append(provinces[0])
    return targets


def in_focal_zone(rc: RelContext) -> Iterator[Fact]:
    """Local things of a document about one zone lie in that zone: its sub-parks, projects,
    enterprises and bodies, unless their name ties them to the nation or another place, or they
    are not its contents (`_not_contents`)."""
    if rc.focal_zone is None:
        return
    lex = rc.ctx.lex
    region_names = [rc.entities[k].name for k in rc.keys("Region")]
    region_forms = set(region_names)
    for n in region_names:
        e = lex.regions_by_name.get(n)
        if e:
            region_forms |= set(e.aliases)
    excluded = _not_contents(rc)
    for key, ent in rc.entities.items():
        if key == rc.focal_zone or ent.type not in {"Zone", "Enterprise", "Organization", "Project"}:
            continue
        if key not in excluded:
            yield from _in_focal_zone(rc, key, region_names, region_forms)


def _not_contents(rc: RelContext) -> set:
    """What a document about a zone names that is not in it: partners it cooperates with, bodies
    and things that earlier rules placed elsewhere (by name, event, paragraph, venue), zones it is
    stated to lie in, the organisers of its event (`由A、B联合举办`), its siblings in a list
    (`A、B(focal)、C等N个园`), zones of a larger kind (a 集聚区 around an 产业园), firms and bodies
    named only inside project names, and groups that invest in its parks (X集团 of X集团Y产业园)."""
    focal, lex = rc.focal_zone, rc.ctx.lex
    out = {f.object for f in rc.facts("facts.cooperatesWith") if f.subject == focal}
    for f in rc.facts("facts.locatedIn"):
        if f.subject == focal:
            out.add(f.object)  # the focal zone lies in it
        elif f.rule in _BODY_RULES or (f.rule in _SCOPE_RULES and f.object != focal):
            out.add(f.subject)
    out |= _organisers(rc) | _siblings(rc) | rc.only_inside_projects() | _parent_groups(rc)
    rank = zone_rank(lex, rc.entities[focal].name)
    out |= {k for k in rc.keys("Zone") if zone_rank(lex, rc.entities[k].name) > rank
            and not lex.pattern("located.container").search(rc.entities[k].name)}
    return out


def _organisers(rc: RelContext) -> set:
    """The parties of `由A、B、C联合举办/主办`: they run an event of the zone, they are not in it."""
    pattern, out = rc.ctx.lex.pattern("located.organiser"), set()
    for sid, sent in enumerate(rc.doc.sentences):
        for m in pattern.finditer(sent.text):
            lo, hi = sent.start + m.start(1), sent.start + m.end(1)
            out |= {rc.res.key_of(s) for s in rc.spans(sid) if lo <= s.start and s.end <= hi}
    return out


def _parent_groups(rc: RelContext) -> set:
    """A group whose name opens the name of a park or project of the text (X集团 of X集团Y产业园):
    it invests there, its seat is elsewhere."""
    groups = rc.ctx.lex.words("company_group")
    names = [rc.entities[k].name for t in ("Project", "Zone") for k in rc.keys(t)]
    out = set()
    for key in rc.keys("Enterprise"):
        name = rc.entities[key].name
        group = next((g for g in groups if name.endswith(g)), None)
        stem = name[:-len(group)] if group else ""
        if len(stem) >= 2 and any(other.startswith(stem) and len(other) > len(name) for other in names):
            out.add(key)  # X集团 of X集团汨罗产业园 and of X汨罗产业园
    return out


def _siblings(rc: RelContext) -> set:
    """Zones listed with the focal zone (A、B、C joined by 、): its peers, not its parts."""
    text, out = rc.ctx.text, set()
    joins = ("、",) + rc.ctx.lex.words("conjunction")
    for sid, spans in rc.by_sid.items():
        zones = [s for s in spans if s.type == "Zone"]
        keys = [rc.res.key_of(s) for s in zones]
        if rc.focal_zone not in keys:
            continue
        run = [keys[0]]
        for prev, cur, key in zip(zones, zones[1:], keys[1:]):
            if text[prev.end:cur.start] in joins:
                run.append(key)
                continue
            if rc.focal_zone in run:
                out |= set(run)
            run = [key]
        if rc.focal_zone in run:
            out |= set(run)
    out.discard(rc.focal_zone)
    return out


def _in_focal_zone(rc: RelContext, key, region_names: list[str], region_forms: set[str]) -> Iterator[Fact]:
    """Where one local thing lies: the focal zone (and a sub-zone it is named after), a region its
    name starts with (bodies), or nowhere (national names, foreign places, peer zones); a zone of a
    containing kind (自创区) contains the focal zone instead."""
    lex, ent = rc.ctx.lex, rc.entities[key]
    focal_name = rc.entities[rc.focal_zone].name
    name = ent.name
    if _national(lex, ent):
        return
    if ent.type == "Zone" and lex.pattern("located.container").search(name):
        yield rc.fact(rc.focal_zone, "locatedIn", key, lex.rule("located.container"), rc.first_sid(key))
        return
    local = name.startswith(focal_name)
    if not local and ent.type != "Project" and _foreign_prefix(lex, name, focal_name, rc):
        # an investor's home in a project's name (宁波X配件项目) does not take the project there
        return
    if ent.type == "Organization" and not local and (
            any(name.startswith(f) for f in region_forms) or any(f in name[:8] for f in region_forms)):
        if not lex.pattern("located.zone_body").search(name):  # X经济区管委会 is its zone's, not the city's
            yield from _named_region(rc, key, region_names)
        return
    if ent.type == "Zone" and not local and _peer_zone(lex, name, region_forms):
        return  # 合肥经开区 in a text about 合肥高新区: a peer, not a part
    yield rc.fact(key, "locatedIn", rc.focal_zone, "rel.locatedIn.focus", rc.first_sid(key))
    # a project or body named after a sub-zone lies in that sub-zone too
    for zkey in rc.keys("Zone"):
        zname = rc.entities[zkey].name
        if zkey != rc.focal_zone and zkey != key and len(zname) >= 3 and name.startswith(zname) and ent.type != "Zone":
            yield rc.fact(key, "locatedIn", zkey, "rel.locatedIn.name_zone", rc.first_sid(key))


def _national(lex, ent) -> bool:
    """A listed national zone or body, or a body or zone whose name ties it to the nation (国家, 中科);
    a firm named so (中科X科技) is a local firm."""
    entry = lex.lookup(ent.name)
    if entry is not None and entry.type in {"Zone", "Organization"} and entry.priority < 100:
        return True  # a listed national zone or body has its own place
    return ent.name.startswith(lex.words("national_prefix")) and ent.type in ("Organization", "Zone")


def _peer_zone(lex, name: str, region_forms: set[str]) -> bool:
    """A zone named after a mentioned region, or of a kind of its own (X经开区): a peer."""
    return (any(name.startswith(f) for f in region_forms)
            or any(name.endswith(k) and len(name) > len(k) + 1 for k in lex.words("peer_zone_kind")))


def _named_region(rc: RelContext, key, region_names: list[str]) -> Iterator[Fact]:
    """A body whose name starts with a mentioned region (兰州市科技局) lies in that region."""
    lex, name = rc.ctx.lex, rc.entities[key].name
    for rn in region_names:
        forms = {rn, *(lex.regions_by_name[rn].aliases if rn in lex.regions_by_name else ())}
        if any(f in name[:10] for f in forms):
            yield rc.fact(key, "locatedIn", ("Region", fold_name(rn)), "rel.locatedIn.name_region", rc.first_sid(key))
            break


def _foreign_prefix(lex, name: str, focal_name: str, rc: RelContext) -> bool:
    """The name starts with a place (浙江大学, 天津…) that is not where the focal zone is and
    that the document does not mention as a region: it belongs elsewhere."""
    host = lex.lookup(focal_name)
    home = set()
    entry = host if host is not None and host.type == "Zone" else None
    place = entry.host if entry else _leading_region(lex, focal_name)
    while place:
        home.add(place)
        r = lex.regions_by_name.get(place)
        if r is None:
            break
        home |= set(r.aliases)
        place = r.host
    mentioned = {rc.entities[k].name for k in rc.keys("Region")}
    for n in range(2, min(6, len(name) - 1) + 1):
        entry = lex.lookup(name[:n])
        if entry is not None and entry.type == "Region":
            if entry.name in home or name[:n] in home or focal_name.startswith(name[:n]):
                return False
            return entry.name not in mentioned
    return False


def _leading_region(lex, name: str) -> str:
    """The region a zone's name starts with (长沙经济技术开发区 -> 长沙市), if any."""
    for n in range(min(6, len(name) - 1), 1, -1):
        entry = lex.lookup(name[:n])
        if entry is not None and entry.type == "Region":
            return entry.name
    return ""


_PLACES = {"Zone", "Region"}
_LOCATABLE = {"Enterprise", "Organization", "Project", "Zone"}


def located_by_trigger(rc: RelContext) -> Iterator[Fact]:
    """Stated location: `位于X的Y`, `Y落户/入驻/位于X`, `Y在X开工建设`, and a sentence opening `在X,Y…`."""
    verbs = sorted(rc.ctx.lex.trigger("locate"), key=len, reverse=True)
    for sid, spans in rc.by_sid.items():
        spans = sorted(spans, key=lambda s: s.start)
        for i, place in enumerate(spans):
            if place.type in _PLACES:
                yield from _stated_place(rc, sid, spans, i, verbs)


def _stated_place(rc: RelContext, sid: int, spans: list, i: int, verbs: list[str]) -> Iterator[Fact]:
    """The things a sentence puts in the place spans[i]."""
    lex, text, key = rc.ctx.lex, rc.ctx.text, rc.res.key_of
    sent = rc.doc.sentences[sid]
    place = spans[i]
    before = text[max(sent.start, place.start - 3):place.start]
    verb = next((v for v in verbs if before.endswith(v)), None)
    if verb:
        yield from _by_verb(rc, sid, spans, i, verb)
    at = lex.words("at_prep")
    if before.endswith(at) and text.startswith(lex.words("build_verb"), place.end):
        # Y在X开工建设/投资/设立
        prev = next((s for s in reversed(spans[:i]) if s.type in _LOCATABLE), None)
        if prev is not None and text[prev.end:place.start - 1] in ("",) + lex.words("build_adverb"):
            yield rc.fact(key(prev), "locatedIn", key(place), "rel.locatedIn.zai", sid)
    if place.start - sent.start <= 1 and text[sent.start] in at:
        # 在X(B区),Y…
        comma = text.find(",", place.end, min(sent.end, place.end + 6))
        if comma >= 0:
            nxt = next((s for s in spans if s.start == comma + 1 and s.type in _LOCATABLE), None)
            if nxt is not None:
                yield rc.fact(key(nxt), "locatedIn", key(place), "rel.locatedIn.trigger", sid)


def _by_verb(rc: RelContext, sid: int, spans: list, i: int, verb: str) -> Iterator[Fact]:
    """`位于X的Y` and `Y落户X`: the place spans[i] right after a locate verb."""
    lex, text, key = rc.ctx.lex, rc.ctx.text, rc.res.key_of
    place = spans[i]
    # 位于X的Y
    nxt = next((s for s in spans[i + 1:] if s.type in _LOCATABLE), None)
    if nxt is not None and text[place.end:nxt.start] in lex.words("locate_link"):
        yield rc.fact(key(nxt), "locatedIn", key(place), "rel.locatedIn.trigger", sid)
    # Y落户X
    prev = next((s for s in reversed(spans[:i]) if s.type in _LOCATABLE), None)
    if prev is not None and text[prev.end:place.start - len(verb)] in ("",) + lex.words("locate_adverb"):
        yield rc.fact(key(prev), "locatedIn", key(place), "rel.locatedIn.trigger", sid)
