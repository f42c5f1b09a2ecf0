"""locatedIn: zones in their host regions, local things in the focal zone, stated locations."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Fact
from ..text import fold_name
from .context import RelContext
from .cooperation import cooperation

NATIONAL_PREFIX = ("中国", "国家", "全国", "中央", "中共", "国务院", "省", "中电", "中科")

def zone_host(rc: RelContext) -> Iterator[Fact]:
    """A zone lies in its host region (lexicon) or in the region its name starts with, when the
    document mentions that region; also in the region's province when that is mentioned."""
    lex = rc.ctx.lex
    regions = {rc.entities[k].name: k for k in rc.keys("Region")}
    for key in rc.keys("Zone"):
        ent = rc.entities[key]
        targets = []
        entry = lex.lookup(ent.name)
        if entry is not None and entry.type == "Zone" and entry.host:
            targets.append(entry.host)
        inner = any(ent.name.startswith(rc.entities[z].name) for z in rc.keys("Zone") if z != key)
        for rname, rkey in regions.items():
            r_entry = lex.regions_by_name.get(rname)
            forms = {rname, *(r_entry.aliases if r_entry else ())}
            if not inner and any(ent.name.startswith(f) for f in forms):
                targets.append(rname)
        if key == rc.focal and not targets:
            # a zone no list knows, in a document that names one province: it lies there
            provinces = [n for n in regions if (e := lex.regions_by_name.get(n)) and e.level == "province"]
            if len(provinces) == 1:
                targets.append(provinces[0])
        seen = set()
        for t in list(targets):
            r_entry = lex.regions_by_name.get(t)
            while r_entry is not None and r_entry.host:
                targets.append(r_entry.host)
                r_entry = lex.regions_by_name.get(r_entry.host)
        for t in targets:
            if t in regions and t not in seen:
                seen.add(t)
                yield rc.fact(key, "locatedIn", regions[t], "rel.locatedIn.host", rc.first_sid(key))


def in_focal_zone(rc: RelContext) -> Iterator[Fact]:
    """Local things of a document about one zone lie in that zone: its sub-parks, projects,
    enterprises and bodies, unless their name ties them to the nation or another place."""
    if rc.focal is None:
        return
    lex = rc.ctx.lex
    focal_name = rc.entities[rc.focal].name
    region_names = [rc.entities[k].name for k in rc.keys("Region")]
    region_forms = set(region_names)
    for n in region_names:
        e = lex.regions_by_name.get(n)
        if e:
            region_forms |= set(e.aliases)
    partners = {f.object for f in cooperation(rc) if f.subject == rc.focal}
    for key, ent in rc.entities.items():
        if key == rc.focal or ent.type not in {"Zone", "Enterprise", "Organization", "Project"}:
            continue
        if key in partners:
            continue  # a partner the zone works with is not thereby in the zone
        name = ent.name
        entry = lex.lookup(name)
        if entry is not None and entry.type in {"Zone", "Organization"} and entry.priority < 100:
            continue  # a listed national zone or body has its own place
        if name.startswith(NATIONAL_PREFIX) and ent.type != "Project":
            continue
        if ent.type == "Zone" and re.search(r"(国家自主创新示范区|自创区)$", name):
            yield rc.fact(rc.focal, "locatedIn", key, "rel.locatedIn.container", rc.first_sid(key))
            continue
        if not name.startswith(focal_name) and _foreign_prefix(lex, name, focal_name, rc):
            continue
        if ent.type == "Organization" and not name.startswith(focal_name):
            if any(name.startswith(f) for f in region_forms) or any(f in name[:8] for f in region_forms):
                for rn in region_names:
                    forms = {rn, *(lex.regions_by_name[rn].aliases if rn in lex.regions_by_name else ())}
                    if any(f in name[:10] for f in forms):
                        yield rc.fact(key, "locatedIn", ("Region", fold_name(rn)), "rel.locatedIn.name_region",
                                      rc.first_sid(key))
                        break
                continue
        if ent.type == "Zone" and not name.startswith(focal_name) and (
                any(name.startswith(f) for f in region_forms)
                or any(name.endswith(k) and len(name) > len(k) + 1 for k in _PEER_ZONE_KINDS)):
            continue  # 合肥经开区 in a text about 合肥高新区: a peer, not a part
        yield rc.fact(key, "locatedIn", rc.focal, "rel.locatedIn.focus", rc.first_sid(key))

        # a project or body named after a sub-zone lies in that sub-zone too
        for zkey in rc.keys("Zone"):
            zname = rc.entities[zkey].name
            if zkey != rc.focal and zkey != key and len(zname) >= 3 and name.startswith(zname) and ent.type != "Zone":
                yield rc.fact(key, "locatedIn", zkey, "rel.locatedIn.name_zone", rc.first_sid(key))


_PEER_ZONE_KINDS = ("新区", "高新区", "经开区", "开发区", "自贸区", "自贸试验区", "自由贸易试验区", "自创区",
                    "自主创新示范区")


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


_BUILD_VERBS = ("开工", "建设", "投资", "设立", "落地", "投产", "布局", "建成", "启动", "开业", "注册", "成立",
                "新建", "扩建", "打造", "实施", "动工")


def located_by_trigger(rc: RelContext) -> Iterator[Fact]:
    """Stated location: `位于X的Y`, `Y落户/入驻/位于X`, and a sentence opening `在X,Y…`."""
    text = rc.ctx.text
    verbs = sorted(rc.ctx.lex.trigger("locate"), key=len, reverse=True)
    for sid, spans in rc.by_sid.items():
        sent = rc.doc.sentences[sid]
        spans = sorted(spans, key=lambda s: s.start)
        key = rc.res.key_of
        for i, place in enumerate(spans):
            if place.type not in _PLACES:
                continue
            before = text[max(sent.start, place.start - 3):place.start]
            verb = next((v for v in verbs if before.endswith(v)), None)
            if verb:
                # 位于X的Y
                nxt = next((s for s in spans[i + 1:] if s.type in _LOCATABLE), None)
                if nxt is not None and text[place.end:nxt.start] in ("的", "区的", "内的"):
                    yield rc.fact(key(nxt), "locatedIn", key(place), "rel.locatedIn.trigger", sid)
                # Y落户X
                prev = next((s for s in reversed(spans[:i]) if s.type in _LOCATABLE), None)
                if prev is not None and text[prev.end:place.start - len(verb)] in ("", "已", "将", "正式", "成功", "已经"):
                    yield rc.fact(key(prev), "locatedIn", key(place), "rel.locatedIn.trigger", sid)
            if before.endswith("在") and text.startswith(_BUILD_VERBS, place.end):
                # Y在X开工建设/投资/设立
                prev = next((s for s in reversed(spans[:i]) if s.type in _LOCATABLE), None)
                if prev is not None and text[prev.end:place.start - 1] in ("", "已", "将", "正式", "已经", "计划"):
                    yield rc.fact(key(prev), "locatedIn", key(place), "rel.locatedIn.zai", sid)
            if place.start - sent.start <= 1 and text[sent.start] == "在":
                # 在X(B区),Y…
                comma = text.find(",", place.end, min(sent.end, place.end + 6))
                if comma >= 0:
                    nxt = next((s for s in spans if s.start == comma + 1 and s.type in _LOCATABLE), None)
                    if nxt is not None:
                        yield rc.fact(key(nxt), "locatedIn", key(place), "rel.locatedIn.trigger", sid)
