"""Relation rules over one document's resolved mentions. Each rule is a small named function
registered in RULES; every Fact carries the id of the rule that produced it."""

from __future__ import annotations

import re
from typing import Callable, Iterator

from .extract import Context, clause_start, find_post_strings
from .model import Span
from .normalize import fold_name
from .resolve import DocResolver, Fact

RULES: dict[str, Callable] = {}


def rule(name: str):
    def deco(fn):
        if name in RULES:
            raise ValueError(f"relation rule {name!r} registered twice")
        RULES[name] = fn
        return fn
    return deco


class RelContext:
    def __init__(self, ctx: Context, res: DocResolver):
        self.ctx, self.res = ctx, res
        self.doc = ctx.doc
        self.by_sid: dict[int, list[Span]] = {}
        for s in res.spans:
            if res.key_of(s):
                self.by_sid.setdefault(s.sid, []).append(s)
        self.entities = res.entities
        self.focal = ("Zone", fold_name(res.focal.name)) if res.focal else None
        self._first: dict | None = None

    def fact(self, subj, pred, obj, rule_id, sid) -> Fact:
        sent = self.doc.sentences[sid]
        return Fact(subj, pred, obj, rule_id, self.doc.rel_path, sent.start, sent.end, sent.text)

    def first_sid(self, key) -> int:
        """The first sentence that mentions the entity (0 if none does)."""
        if self._first is None:
            self._first = {}
            for sid, spans in sorted(self.by_sid.items()):
                for s in spans:
                    self._first.setdefault(self.res.key_of(s), sid)
        return self._first.get(key, 0)

    def keys(self, label: str):
        return [k for k in self.entities if k[0] == label]


# ------------------------------------------------------------------------ officials


@rule("holdsPost")
def officials(rc: RelContext) -> Iterator[Fact]:
    """`[ORG]POST、POST NAME` and `NAME POST`: holdsPost each title; servesIn the body before it."""
    ctx, res = rc.ctx, rc.res
    authors = rc.doc.metadata.get("authors", [])
    for sid, sent in enumerate(rc.doc.sentences):
        spans = rc.by_sid.get(sid, [])
        for name_s, name_e, posts, org_end in find_post_strings(ctx, sid):
            person = None
            if name_s is not None:
                person = next((res.key_of(s) for s in spans if s.start == name_s and s.label == "Official"), None)
            elif authors and re.search(r"(作者|作者系|作者为)", ctx.text[sent.start:posts[0][0]]):
                person = ("Official", fold_name(authors[0]))
                if person not in rc.entities:
                    from .resolve import Entity

                    rc.entities[person] = Entity("Official", authors[0], docs={rc.doc.rel_path},
                                                 rules={"official.author_note"})
            if person is None:
                continue
            for ps, pe in posts:
                yield rc.fact(person, "holdsPost", ctx.text[ps:pe], "rel.holdsPost.title", sid)
            if org_end is None:
                continue
            body = next((s for s in spans if s.end == org_end and s.label in
                         {"Zone", "Region", "Organization", "Enterprise"} and res.key_of(s)), None)
            if body is None and ctx.text[org_end:org_end + 1] in "省市区县州":
                # 合肥市委书记: the region's own 市 opens the post title
                body = next((s for s in spans if s.end == org_end + 1 and s.label == "Region" and res.key_of(s)), None)
            if body is not None:
                yield rc.fact(person, "servesIn", res.key_of(body), "rel.servesIn.title_org", sid)
            elif rc.focal is not None and org_end == posts[0][0] and ctx.text[org_end - 1:org_end] not in _PLACE_END \
                    and ctx.text.startswith(_ZONE_OWN_POSTS, posts[0][0]):
                # 区委书记朱芝松, 区长吴金城 with no body named: in a text about a zone, its own posts
                yield rc.fact(person, "servesIn", rc.focal, "rel.servesIn.focus", sid)


_PLACE_END = tuple("省市区县州镇乡村旗盟")
_ZONE_OWN_POSTS = ("区委", "区长", "副区长", "区政府", "区人大", "区政协", "党工委", "管委会")


# ------------------------------------------------------------------------ locatedIn

NATIONAL_PREFIX = ("中国", "国家", "全国", "中央", "中共", "国务院", "省", "中电", "中科")


@rule("locatedIn.host")
def zone_host(rc: RelContext) -> Iterator[Fact]:
    """A zone lies in its host region (lexicon) or in the region its name starts with, when the
    document mentions that region; also in the region's province when that is mentioned."""
    lex = rc.ctx.lex
    regions = {rc.entities[k].name: k for k in rc.keys("Region")}
    for key in rc.keys("Zone"):
        ent = rc.entities[key]
        targets = []
        entry = lex.lookup(ent.name)
        if entry is not None and entry.label == "Zone" and entry.host:
            targets.append(entry.host)
        inner = any(ent.name.startswith(rc.entities[z].name) for z in rc.keys("Zone") if z != key)
        for rname, rkey in regions.items():
            r_entry = lex.regions_by_name.get(rname)
            forms = {rname, *(r_entry.aliases if r_entry else ())}
            if not inner and any(ent.name.startswith(f) for f in forms):
                targets.append(rname)
        if key == rc.focal and not targets:
            # a zone no list knows, in a document that names one province: it lies there
            provinces = [n for n in regions if (e := lex.regions_by_name.get(n)) and e.kind == "province"]
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


@rule("locatedIn.focus")
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
        if key == rc.focal or ent.label not in {"Zone", "Enterprise", "Organization", "Project"}:
            continue
        if key in partners:
            continue  # a partner the zone works with is not thereby in the zone
        name = ent.name
        entry = lex.lookup(name)
        if entry is not None and entry.label in {"Zone", "Organization"} and entry.priority < 100:
            continue  # a listed national zone or body has its own place
        if name.startswith(NATIONAL_PREFIX) and ent.label != "Project":
            continue
        if ent.label == "Zone" and re.search(r"(国家自主创新示范区|自创区)$", name):
            yield rc.fact(rc.focal, "locatedIn", key, "rel.locatedIn.container", rc.first_sid(key))
            continue
        if not name.startswith(focal_name) and _foreign_prefix(lex, name, focal_name, rc):
            continue
        if ent.label == "Organization" and not name.startswith(focal_name):
            if any(name.startswith(f) for f in region_forms) or any(f in name[:8] for f in region_forms):
                for rn in region_names:
                    forms = {rn, *(lex.regions_by_name[rn].aliases if rn in lex.regions_by_name else ())}
                    if any(f in name[:10] for f in forms):
                        yield rc.fact(key, "locatedIn", ("Region", fold_name(rn)), "rel.locatedIn.name_region",
                                      rc.first_sid(key))
                        break
                continue
        if ent.label == "Zone" and not name.startswith(focal_name) and (
                any(name.startswith(f) for f in region_forms)
                or any(name.endswith(k) and len(name) > len(k) + 1 for k in _PEER_ZONE_KINDS)):
            continue  # 合肥经开区 in a text about 合肥高新区: a peer, not a part
        yield rc.fact(key, "locatedIn", rc.focal, "rel.locatedIn.focus", rc.first_sid(key))

        # a project or body named after a sub-zone lies in that sub-zone too
        for zkey in rc.keys("Zone"):
            zname = rc.entities[zkey].name
            if zkey != rc.focal and zkey != key and len(zname) >= 3 and name.startswith(zname) and ent.label != "Zone":
                yield rc.fact(key, "locatedIn", zkey, "rel.locatedIn.name_zone", rc.first_sid(key))


_PEER_ZONE_KINDS = ("新区", "高新区", "经开区", "开发区", "自贸区", "自贸试验区", "自由贸易试验区", "自创区",
                    "自主创新示范区")


def _foreign_prefix(lex, name: str, focal_name: str, rc: RelContext) -> bool:
    """The name starts with a place (浙江大学, 天津…) that is not where the focal zone is and
    that the document does not mention as a region: it belongs elsewhere."""
    host = lex.lookup(focal_name)
    home = set()
    entry = host if host is not None and host.label == "Zone" else None
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
        if entry is not None and entry.label == "Region":
            if entry.name in home or name[:n] in home or focal_name.startswith(name[:n]):
                return False
            return entry.name not in mentioned
    return False


def _leading_region(lex, name: str) -> str:
    """The region a zone's name starts with (长沙经济技术开发区 -> 长沙市), if any."""
    for n in range(min(6, len(name) - 1), 1, -1):
        entry = lex.lookup(name[:n])
        if entry is not None and entry.label == "Region":
            return entry.name
    return ""


_PLACES = {"Zone", "Region"}
_LOCATABLE = {"Enterprise", "Organization", "Project", "Zone"}


_BUILD_VERBS = ("开工", "建设", "投资", "设立", "落地", "投产", "布局", "建成", "启动", "开业", "注册", "成立",
                "新建", "扩建", "打造", "实施", "动工")


@rule("locatedIn.trigger")
def located_by_trigger(rc: RelContext) -> Iterator[Fact]:
    """Stated location: `位于X的Y`, `Y落户/入驻/位于X`, and a sentence opening `在X,Y…`."""
    text = rc.ctx.text
    verbs = sorted(rc.ctx.lex.trigger("locate"), key=len, reverse=True)
    for sid, spans in rc.by_sid.items():
        sent = rc.doc.sentences[sid]
        spans = sorted(spans, key=lambda s: s.start)
        key = rc.res.key_of
        for i, place in enumerate(spans):
            if place.label not in _PLACES:
                continue
            before = text[max(sent.start, place.start - 3):place.start]
            verb = next((v for v in verbs if before.endswith(v)), None)
            if verb:
                # 位于X的Y
                nxt = next((s for s in spans[i + 1:] if s.label in _LOCATABLE), None)
                if nxt is not None and text[place.end:nxt.start] in ("的", "区的", "内的"):
                    yield rc.fact(key(nxt), "locatedIn", key(place), "rel.locatedIn.trigger", sid)
                # Y落户X
                prev = next((s for s in reversed(spans[:i]) if s.label in _LOCATABLE), None)
                if prev is not None and text[prev.end:place.start - len(verb)] in ("", "已", "将", "正式", "成功", "已经"):
                    yield rc.fact(key(prev), "locatedIn", key(place), "rel.locatedIn.trigger", sid)
            if before.endswith("在") and text.startswith(_BUILD_VERBS, place.end):
                # Y在X开工建设/投资/设立
                prev = next((s for s in reversed(spans[:i]) if s.label in _LOCATABLE), None)
                if prev is not None and text[prev.end:place.start - 1] in ("", "已", "将", "正式", "已经", "计划"):
                    yield rc.fact(key(prev), "locatedIn", key(place), "rel.locatedIn.zai", sid)
            if place.start - sent.start <= 1 and text[sent.start] == "在":
                # 在X(B区),Y…
                comma = text.find(",", place.end, min(sent.end, place.end + 6))
                if comma >= 0:
                    nxt = next((s for s in spans if s.start == comma + 1 and s.label in _LOCATABLE), None)
                    if nxt is not None:
                        yield rc.fact(key(nxt), "locatedIn", key(place), "rel.locatedIn.trigger", sid)


# ------------------------------------------------------------------------ industries


@rule("developsIndustry")
def develops(rc: RelContext) -> Iterator[Fact]:
    """The focal zone develops the industries its document names; a zone named after an
    industry (大数据产业园) develops that industry."""
    industries = rc.keys("Industry")
    if rc.focal is not None:
        for ikey in industries:
            yield rc.fact(rc.focal, "developsIndustry", ikey, "rel.developsIndustry.focus", rc.first_sid(ikey))
    elif industries:
        region = _focal_region(rc)
        if region is not None:
            for ikey in industries:
                yield rc.fact(region, "developsIndustry", ikey, "rel.developsIndustry.focus_region", rc.first_sid(ikey))
    yield from _stated_development(rc)
    for zkey in rc.keys("Zone"):
        zname = rc.entities[zkey].name
        for ikey in industries:
            iname = rc.entities[ikey].name
            if zkey != rc.focal and len(iname) >= 2 and iname in zname:
                yield rc.fact(zkey, "developsIndustry", ikey, "rel.developsIndustry.name", rc.first_sid(zkey))


# a zone right after these is the object of a clause (围绕X打造…), not the one developing
_OBJECT_OF = re.compile(r"(围绕|依托|借助|对接|服务|联合|携手|与|和|同|跟|向|对|帮助|支持|推动)$")


def _stated_development(rc: RelContext) -> Iterator[Fact]:
    """`X重点发展A、B`, `X的主导产业是A`: the zone named before the trigger in the same sentence
    (the nearest), or a region that opens the sentence, develops the industries after it."""
    triggers = sorted(rc.ctx.lex.trigger("area_develop"), key=len, reverse=True)
    text = rc.ctx.text
    for sid, spans in sorted(rc.by_sid.items()):
        spans = sorted(spans, key=lambda s: s.start)
        keyed = [(s, rc.res.key_of(s)) for s in spans]
        sent = rc.doc.sentences[sid]
        for s, ikey in keyed:
            if ikey[0] != "Industry":
                continue
            clause = clause_start(text, sent.start, s.start)
            before = text[clause:s.start]
            at = max((before.rfind(t) for t in triggers), default=-1)
            if at < 0:
                continue
            at += clause
            areas = [(z, k) for z, k in keyed if z.end <= at and k[0] in ("Zone", "Region")
                     and at - z.end <= 20 and sum(text.count(c, z.end, at) for c in ",;:") <= 1
                     and ";" not in text[z.end:at] and not _OBJECT_OF.search(text[max(sent.start, z.start - 3):z.start])]
            zones = [(z, k) for z, k in areas if k[0] == "Zone"]
            if zones:
                subject = zones[-1][1]
            elif areas and keyed[0][0] is areas[0][0] and keyed[0][0].start - sent.start <= 6:
                subject = areas[0][1]
            else:
                continue
            yield rc.fact(subject, "developsIndustry", ikey, "rel.developsIndustry.stated", sid)


def _focal_region(rc: RelContext):
    """In a text about a city or province rather than a zone: the region it names most (3+ times)."""
    from collections import Counter

    counts = Counter(rc.res.key_of(s) for spans in rc.by_sid.values() for s in spans if s.label == "Region")
    counts.pop(None, None)
    if not counts:
        return None
    (key, n), *rest = counts.most_common()
    if n < 3 or (rest and rest[0][1] == n):
        return None
    entry = rc.ctx.lex.regions_by_name.get(rc.entities[key].name)
    return key if entry is None or entry.kind in ("province", "prefecture", "county") else None


@rule("inIndustry")
def in_industry(rc: RelContext) -> Iterator[Fact]:
    """An enterprise works in the industries named in its own name, in the name of its project
    (原子高科同位素项目), or in a short sentence that lists it with them."""
    ents = rc.keys("Enterprise")
    industries = {rc.entities[k].name: k for k in rc.keys("Industry")}
    for ekey in ents:
        name = rc.entities[ekey].name
        for iname, ikey in industries.items():
            if len(iname) >= 2 and iname in name:
                yield rc.fact(ekey, "inIndustry", ikey, "rel.inIndustry.name", rc.first_sid(ekey))
    for pkey in rc.keys("Project"):
        pname = rc.entities[pkey].name
        for ekey in ents:
            ename = rc.entities[ekey].name
            if pname.startswith(ename):
                for iname, ikey in industries.items():
                    if iname in pname[len(ename):]:
                        yield rc.fact(ekey, "inIndustry", ikey, "rel.inIndustry.project", rc.first_sid(pkey))
    yield from _topic_examples(rc)
    for sid, spans in rc.by_sid.items():
        # enterprises named in an explicit `等企业` enumeration or by their full name, next to
        # at most three industries; bare lists of places visited say nothing about sectors
        e_spans = [s for s in spans if s.label == "Enterprise" and s.rule.startswith(("enum.", "suffix.", "doc."))]
        i_spans = [s for s in spans if s.label == "Industry"]
        if not e_spans or not i_spans:
            continue
        sent = rc.doc.sentences[sid]
        focus = _FOCUS_VERB.search(sent.text)
        if focus:
            pos = sent.start + focus.start()
            for e in e_spans:
                if e.end <= pos:
                    for i in i_spans:
                        if i.start > pos:
                            yield rc.fact(rc.res.key_of(e), "inIndustry", rc.res.key_of(i), "rel.inIndustry.focus_verb", sid)
            continue
        if len({rc.res.key_of(i) for i in i_spans}) > 3:
            continue
        for e in e_spans:
            for i in i_spans:
                yield rc.fact(rc.res.key_of(e), "inIndustry", rc.res.key_of(i), "rel.inIndustry.sentence", sid)


_FOCUS_VERB = re.compile(r"专注于|专注|致力于|从事|主营|主攻|深耕|聚焦于")
# an industry as the topic of a report passage: `装备制造多点突破,兰石…` (examples follow)
_TOPIC_VERB = re.compile(r"(产业|业)?(多点突破|持续壮大|不断壮大|发展壮大|加快发展|快速发展|蓬勃发展|稳步发展|提质增效|"
                         r"实现突破|取得突破|增势强劲|势头强劲|持续增长|量质齐升|提速发展|集聚成势)")
_TOPIC_LEAD = re.compile(r"^(新区|全区|全市|全省|我区|我市|我省|其中|同时|此外)?$")


def _topic_examples(rc: RelContext) -> Iterator[Fact]:
    """Enterprises named right after an industry topic clause (this sentence and the next two,
    within the paragraph, until another industry is named) work in that industry."""
    text, sents = rc.ctx.text, rc.doc.sentences
    for sid, spans in sorted(rc.by_sid.items()):
        sent = sents[sid]
        for ind in sorted((s for s in spans if s.label == "Industry"), key=lambda s: s.start):
            clause = clause_start(text, sent.start, ind.start)
            if not _TOPIC_LEAD.match(text[clause:ind.start]) or not _TOPIC_VERB.match(text, ind.end):
                continue
            ikey = rc.res.key_of(ind)
            for k in range(sid, min(sid + 3, len(sents))):
                if k > sid and (text.find("\n", sents[k - 1].end, sents[k].start) >= 0
                                or any(s.label == "Industry" for s in rc.by_sid.get(k, []))):
                    break
                for e in rc.by_sid.get(k, []):
                    if e.label == "Enterprise" and (k > sid or e.start > ind.end):
                        yield rc.fact(rc.res.key_of(e), "inIndustry", ikey, "rel.inIndustry.topic", k)
            break


# ------------------------------------------------------------------------ cooperation

_PARTIES = {"Zone", "Enterprise", "Organization"}


@rule("cooperatesWith")
def cooperation(rc: RelContext) -> Iterator[Fact]:
    """`A与B(开展)合作/共建`: A is the entity before 与 in the clause, else the focal zone."""
    triggers = sorted(rc.ctx.lex.trigger("cooperate"), key=len, reverse=True)
    text = rc.ctx.text
    for sid, sent in enumerate(rc.doc.sentences):
        if not any(t in sent.text for t in triggers):
            continue
        spans = [s for s in rc.by_sid.get(sid, []) if s.label in _PARTIES]
        for m in re.finditer(r"(与|同|和)", sent.text):
            pos = sent.start + m.end()
            partner = next((s for s in spans if s.start == pos), None)
            if partner is None:
                continue
            tail = text[partner.end:min(sent.end, partner.end + 12)]
            if not any(t in tail for t in triggers):
                continue
            clause = clause_start(text, sent.start, pos)
            before = [s for s in spans if clause <= s.start and s.end <= pos - 1]
            if not before and re.match(r"(并且|并|同时|还|也|又|进而|此外)", text[clause:pos]):
                # `X与A共建B,并同Y合作`: the sentence's subject carries on
                before = [s for s in spans if s.start == sent.start][:1]
            elif not before:
                # `X,与Y合作`: the subject ends the clause before
                before = [s for s in spans if s.end <= pos - 1 and text[s.end:clause] in (",", "")]
            subj = rc.res.key_of(before[-1]) if before else rc.focal
            obj = rc.res.key_of(partner)
            if subj and obj and subj != obj:
                yield rc.fact(subj, "cooperatesWith", obj, "rel.cooperatesWith.yu", sid)
        for m in re.finditer(r"携手|联手", sent.text):
            # A携手B: both named right next to the verb
            pos = sent.start + m.start()
            partner = next((s for s in spans if s.start == sent.start + m.end()), None)
            subj = next((s for s in reversed(spans) if s.end <= pos and text[s.end:pos] in ("", "将", "正式", "再次")), None)
            if partner is not None and subj is not None and rc.res.key_of(subj) != rc.res.key_of(partner):
                yield rc.fact(rc.res.key_of(subj), "cooperatesWith", rc.res.key_of(partner), "rel.cooperatesWith.xieshou", sid)


def relate(rc: RelContext) -> list[Fact]:
    facts = []
    for fn in RULES.values():
        facts.extend(fn(rc))
    return facts
