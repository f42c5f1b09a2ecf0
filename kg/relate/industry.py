"""developsIndustry (areas) and inIndustry (enterprises)."""

from __future__ import annotations

from typing import Iterator

from ..extract.context import clause_start
from ..extract.nested import FIRM_TRADE_RULE
from ..model import Fact
from .context import PLACES, RelContext, listed_before
from .scope import scopes


def develops(rc: RelContext) -> Iterator[Fact]:
    """Each industry mention is developed by the area its own sentence gives (`_attribute`: stated,
    glued, purpose clause, 我省/全市, the `在X,` paragraph); a mention that gives none goes to the
    focal zone, else the focal region (in a text about a region, not when the sentence is about a
    firm or project), unless another mention of that industry names its own area. A zone named
    after an industry develops it; the parks of `A、B等N个X特色产业园` each develop X."""
    specific: dict = {}
    default: set = set()
    for sid, spans in sorted(rc.by_sid.items()):
        for s in spans:
            if s.type != "Industry" or s.rule == FIRM_TRADE_RULE:   # a firm's trade, not the area's
                continue
            ikey = rc.res.key_of(s)
            found = _attribute(rc, sid, s)
            if found is None or found[1] == "rel.developsIndustry.glued":
                default.add((ikey, sid))  # 安徽制造业: Anhui's, and maybe the focal zone's too
            if found is not None and found[0] is not None:
                specific.setdefault((found[0], ikey), (found[1], sid))
    for (area, ikey), (rule, sid) in specific.items():
        if area != ikey:
            yield rc.fact(area, "developsIndustry", ikey, rule, sid)
    yield from _by_default(rc, default, {k: v for k, v in specific.items() if v[0] != "rel.developsIndustry.glued"})
    yield from _named_zones(rc)
    yield from _list_heads(rc)


def _by_default(rc: RelContext, default: set, specific: dict) -> Iterator[Fact]:
    """The focal zone (else the focal region) develops the industries mentioned without an area of
    their own, unless a mention of the industry names another area and none names it."""
    area, rule = rc.focal_zone, "rel.developsIndustry.focus"
    if area is None:
        area, rule = rc.focal_region(), "rel.developsIndustry.focus_region"
    if area is None:
        return
    elsewhere = {ikey for (a, ikey) in specific if a != area}
    here = {ikey for (a, ikey) in specific if a == area}
    done = set()
    for ikey, sid in sorted(default, key=lambda x: (x[1], x[0])):
        if ikey not in done and ikey not in elsewhere and ikey not in here:  # `here`: already given
            done.add(ikey)
            yield rc.fact(area, "developsIndustry", ikey, rule, rc.first_sid(ikey))


def _attribute(rc: RelContext, sid: int, s):
    """(area, rule) an industry mention is developed by: a stated area, the area of a purpose clause's
    next clause, the `在X,` paragraph's place, an area glued before it (安徽制造业); in a text about
    a region also its own region for 我省/全市. (None, '') when, in a text about a region, the
    sentence is about a firm (no area develops it); None when it gives no area."""
    stated = _stated_area(rc, sid, s)
    if stated is not None:
        return stated, "rel.developsIndustry.stated"
    lex, text = rc.ctx.lex, rc.ctx.text
    keyed = _places(rc, sid)
    sent = rc.doc.sentences[sid]
    clause = clause_start(text, sent.start, s.start)
    if lex.pattern("industry.purpose").match(text, clause):
        # 为支撑X产业发展,A打造B: the area of the next clause
        nxt = next((k for p, k in keyed if p.start > s.end and k != rc.focal_zone), None)
        if nxt is not None:
            return nxt, "rel.developsIndustry.purpose"
    scope = scopes(rc).get(sid)
    if scope is not None and scope[1] in (lex.rule("located.paragraph_lead"), lex.rule("located.heading")):
        return scope[0], "rel.developsIndustry.paragraph"
    glued = next((k for p, k in keyed if p.end == s.start or p.end == s.start - 1
                  and text[p.end] in lex.words("locate_link")), None)
    if glued is not None:
        return glued, "rel.developsIndustry.glued"
    if rc.focal_zone is not None:
        return None
    home = lex.pattern("industry.home_ref").search(text, sent.start, sent.end)
    if home:
        region = rc.home_region("city" if home.group("city") else "province")
        if region is not None:
            return region, "rel.developsIndustry.home"
    if not keyed and _about_a_firm(rc, sid, s):
        return None, ""
    return None


def _places(rc: RelContext, sid: int) -> list:
    """(span, key) of the zones and regions (not countries) of sentence sid, once per sentence."""
    memo = rc.ctx.memo.setdefault("relate.develop_places", {})
    found = memo.get(sid)
    if found is None:
        found = memo[sid] = [(p, k) for p in rc.spans(sid, PLACES)
                             if (k := rc.res.key_of(p)) and rc.level(k) != "country"]
    return found


def _about_a_firm(rc: RelContext, sid: int, s) -> bool:
    """An industry of a sentence about a firm (希望X集团…强化新能源项目) or of a firm's or project's
    business (X项目主要从事Y): the firm's, not the region's."""
    before = [p for p in rc.spans(sid) if p.end <= s.start]
    if any(p.type == "Enterprise" for p in before):
        return True
    specialty = rc.ctx.lex.pattern("industry.specialty_verb")
    return any(p.type == "Project" and specialty.search(rc.ctx.text, p.end, s.start) for p in before)


def _stated_area(rc: RelContext, sid: int, s):
    """`X重点发展A、B`, `X的主导产业是A`: the zone named before the trigger in the clause (the
    nearest), or a region that opens the sentence, develops the industries after it."""
    triggers = rc.ctx.memo.get("relate.area_develop")
    if triggers is None:
        triggers = rc.ctx.memo["relate.area_develop"] = sorted(rc.ctx.lex.trigger("area_develop"), key=len, reverse=True)
    text = rc.ctx.text
    object_of = rc.ctx.lex.pattern("industry.object_of")  # 围绕X打造…: X is the object, not the one developing
    sent = rc.doc.sentences[sid]
    clause = clause_start(text, sent.start, s.start)
    before = text[clause:s.start]
    at = max((before.rfind(t) for t in triggers), default=-1)
    if at < 0:
        return None
    at += clause
    keyed = [(z, rc.res.key_of(z)) for z in rc.spans(sid)]
    areas = [(z, k) for z, k in keyed if z.end <= at and k[0] in PLACES
             and at - z.end <= 20 and sum(text.count(c, z.end, at) for c in ",;:") <= 1
             and ";" not in text[z.end:at] and not object_of.search(text[max(sent.start, z.start - 3):z.start])]
    zones = [k for z, k in areas if k[0] == "Zone"]
    if zones:
        return zones[-1]
    if areas and keyed[0][0] is areas[0][0] and keyed[0][0].start - sent.start <= 6:
        return areas[0][1]
    return None


def _named_zones(rc: RelContext) -> Iterator[Fact]:
    """A zone named after an industry (大数据产业园) develops it (not one named only inside a
    project's name); of nested industry words only the longest."""
    nested = rc.only_inside_projects(("Zone",))
    industries = [(k, rc.entities[k].name) for k in rc.keys("Industry")]
    for zkey in rc.keys("Zone"):
        zname = rc.entities[zkey].name
        if zkey == rc.focal_zone or zkey in nested:
            continue
        named = [(k, n) for k, n in industries if len(n) >= 2 and n in zname]
        for ikey, iname in named:   # the longest word only (X生物医药谷: 生物医药, not also 生物)
            if not any(iname in other and iname != other for _, other in named):
                yield rc.fact(zkey, "developsIndustry", ikey, "rel.developsIndustry.name", rc.first_sid(zkey))


def _list_heads(rc: RelContext) -> Iterator[Fact]:
    """`A、B、C等4个人工智能主题产业园`: each listed zone develops the industry of the head."""
    lex, text = rc.ctx.lex, rc.ctx.text
    count, head = lex.pattern("industry.list_count"), lex.pattern("industry.list_head")
    for sid, spans in sorted(rc.by_sid.items()):
        for ind in spans:
            if ind.type != "Industry":
                continue
            m = count.search(text, max(rc.doc.sentences[sid].start, ind.start - 8), ind.start)
            if not m or m.end() != ind.start or not head.match(text, ind.end):
                continue
            for z in listed_before(rc, sid, m.start()):
                if z.type == "Zone":
                    yield rc.fact(rc.res.key_of(z), "developsIndustry", rc.res.key_of(ind),
                                  "rel.developsIndustry.list_head", sid)


def in_industry(rc: RelContext) -> Iterator[Fact]:
    """An enterprise works in the industries of its own short name (北大软件, X汽车部件(株洲)有限公司;
    not the registered scope word before a legal form, X新材料有限公司), of the name of its project
    or unit (中科星源同位素项目, X家电全球研发中心), of a project it invests in (`P…,投资方为E`), of
    an industry-qualified list (`A、B等新能源企业`), of a sentence about it in a text about a
    region, or of a short sentence that lists it with them."""
    ents = rc.keys("Enterprise")
    industries = {rc.entities[k].name: k for k in rc.keys("Industry")}
    scope_word = rc.ctx.lex.pattern("industry.scope_slot")
    iforms = [(ikey, rc.forms(ikey)) for ikey in industries.values()]
    for ekey in ents:
        name = rc.entities[ekey].name
        for ikey, forms in iforms:
            if any((at := name.find(f)) >= 0 and not scope_word.match(name, at + len(f)) for f in forms):
                yield rc.fact(ekey, "inIndustry", ikey, "rel.inIndustry.name", rc.first_sid(ekey))
    for pkey in rc.keys("Project") + rc.keys("Organization") + rc.keys("Zone"):
        pname = rc.entities[pkey].name
        for ekey in ents:
            ename = rc.entities[ekey].name
            if pname.startswith(ename) and len(pname) > len(ename) + 1:
                for iname, ikey in industries.items():
                    if iname in pname[len(ename):]:
                        yield rc.fact(ekey, "inIndustry", ikey, "rel.inIndustry.project", rc.first_sid(pkey))
    yield from _topic_examples(rc)
    yield from _products(rc)
    yield from _investors(rc, industries)
    yield from _qualified_lists(rc)
    yield from _firm_sentences(rc)
    for sid, spans in rc.by_sid.items():
        yield from _same_sentence(rc, sid, spans)


def _products(rc: RelContext) -> Iterator[Fact]:
    """`E<industry>技术/产品/业务` (X智能语音技术): the firm works in that industry, also where the
    industry word there is not a mention of its own (an industry the document names elsewhere)."""
    text, pattern = rc.ctx.text, rc.ctx.lex.pattern("industry.product")
    forms = sorted(((f, k) for k in rc.keys("Industry") for f in rc.forms(k)), key=lambda x: -len(x[0]))
    for sid, spans in sorted(rc.by_sid.items()):
        for e in spans:
            if e.type != "Enterprise":
                continue
            ikey = next((k for f, k in forms if text.startswith(f, e.end) and pattern.match(text, e.end + len(f))), None)
            if ikey is not None:
                yield rc.fact(rc.res.key_of(e), "inIndustry", ikey, rc.ctx.lex.rule("industry.product"), sid)


def _investors(rc: RelContext, industries: dict) -> Iterator[Fact]:
    """`P项目…,投资方为E`: E works in the industries named in P's name."""
    pattern, rule = rc.ctx.lex.pattern("industry.investor"), rc.ctx.lex.rule("industry.investor")
    for sid, spans in sorted(rc.by_sid.items()):
        sent = rc.doc.sentences[sid]
        for m in pattern.finditer(sent.text):
            at = sent.start + m.end()
            investor = next((s for s in spans if s.start == at and s.type == "Enterprise"), None)
            project = next((s for s in reversed(spans) if s.end <= sent.start + m.start() and s.type == "Project"), None)
            if investor is None or project is None:
                continue
            for iname, ikey in industries.items():
                if iname in rc.entities[rc.res.key_of(project)].name:
                    yield rc.fact(rc.res.key_of(investor), "inIndustry", ikey, rule, sid)


def _qualified_lists(rc: RelContext) -> Iterator[Fact]:
    """`A、B、C等新能源(龙头)企业`: each listed firm works in that industry."""
    lex, text = rc.ctx.lex, rc.ctx.text
    head, rule = lex.pattern("industry.firm_head"), lex.rule("industry.firm_head")
    etc = lex.words("enum_etc")
    for sid, spans in sorted(rc.by_sid.items()):
        for ind in spans:
            if ind.type != "Industry" or not text.endswith(etc, 0, ind.start) or not head.match(text, ind.end):
                continue
            mark = next(e for e in etc if text.endswith(e, 0, ind.start))
            for s in listed_before(rc, sid, ind.start - len(mark)):
                if s.type == "Enterprise":
                    yield rc.fact(rc.res.key_of(s), "inIndustry", rc.res.key_of(ind), rule, sid)


def _firm_sentences(rc: RelContext) -> Iterator[Fact]:
    """In a text about a region, the industries of a sentence about one firm and no area (希望X集团
    …强化新能源项目) are that firm's."""
    if rc.focal_zone is not None:
        return
    for sid, spans in sorted(rc.by_sid.items()):
        if any(s.type in PLACES for s in spans):
            continue
        firms = {rc.res.key_of(s) for s in spans if s.type == "Enterprise"}
        if len(firms) != 1:
            continue
        firm = next(s for s in spans if s.type == "Enterprise")
        for s in spans:
            if s.type == "Industry" and s.start > firm.end and s.rule != FIRM_TRADE_RULE and not any(
                    p.type == "Project" and p.start <= s.start and s.end <= p.end for p in spans):
                yield rc.fact(rc.res.key_of(firm), "inIndustry", rc.res.key_of(s), "rel.inIndustry.firm_sentence", sid)


def _same_sentence(rc: RelContext, sid: int, spans: list) -> Iterator[Fact]:
    """Enterprises named in an explicit `等企业` enumeration or by their full name, next to at most
    three industries (or before 专注于/从事 and the industries after it); bare lists of places
    visited say nothing about sectors, nor does a firm named as the employer of one of several
    people (X公司副总裁Y、Z公司总经理W出席…: an attendance list), nor an industry word inside
    another name, nor, for several firms, one before a park noun (the tenants of a 人工智能特色产业园
    are not thereby in 人工智能; one firm building a 新材料产业园 is)."""
    sent = rc.doc.sentences[sid]
    e_spans, i_spans = _sentence_pairs(rc, sent, spans)
    if not e_spans or not i_spans:
        return
    key = rc.res.key_of
    specialty = rc.ctx.lex.pattern("industry.specialty_verb").search(sent.text)
    if specialty:
        rule = rc.ctx.lex.rule("industry.specialty_verb")
        pos = sent.start + specialty.start()
        for e in e_spans:
            if e.end <= pos:
                for i in i_spans:
                    if i.start > pos:
                        yield rc.fact(key(e), "inIndustry", key(i), rule, sid)
        return
    if len({key(i) for i in i_spans}) > 3:
        return
    for e in e_spans:
        for i in i_spans:
            yield rc.fact(key(e), "inIndustry", key(i), "rel.inIndustry.sentence", sid)


def _sentence_pairs(rc: RelContext, sent, spans: list) -> tuple[list, list]:
    """The firms and the industries `_same_sentence` may pair: not the employers of several people,
    not industry words inside other names, nor (for several firms) an industry park's theme."""
    serving = [f for f in rc.facts("facts.servesIn") if f.sent_start == sent.start]
    employers = {f.object for f in serving} if len({f.subject for f in serving}) >= 2 else set()
    e_spans = [s for s in spans if s.type == "Enterprise" and s.rule.startswith(("enum.", "suffix.", "doc."))
               and rc.res.key_of(s) not in employers]
    park = rc.ctx.lex.pattern("industry.list_head") if len(e_spans) >= 2 else None   # tenants, not a builder
    i_spans = [s for s in spans if s.type == "Industry" and not _named_inside(s, spans)
               and not (park and park.match(rc.ctx.text, s.end))]
    return e_spans, i_spans


def _named_inside(s, spans: list) -> bool:
    """The industry word is part of another name of the sentence (X人工智能产业园, X新能源项目):
    the park's or project's business, not one the sentence gives to the firms it lists."""
    return any(o.type != "Industry" and o.start <= s.start and s.end <= o.end and o is not s for o in spans)


def _topic_examples(rc: RelContext) -> Iterator[Fact]:
    """Enterprises named right after an industry topic clause (this sentence and the next two,
    within the paragraph, until another industry is named) work in that industry."""
    text, sents, lex = rc.ctx.text, rc.doc.sentences, rc.ctx.lex
    # an industry as the topic of a report passage: `装备制造多点突破,兰石…` (examples follow)
    lead, verb, rule = lex.pattern("industry.topic_lead"), lex.pattern("industry.topic_verb"), lex.rule("industry.topic_verb")
    for sid, spans in sorted(rc.by_sid.items()):
        sent = sents[sid]
        for ind in sorted((s for s in spans if s.type == "Industry"), key=lambda s: s.start):
            clause = clause_start(text, sent.start, ind.start)
            if not lead.match(text[clause:ind.start]) or not verb.match(text, ind.end):
                continue
            ikey = rc.res.key_of(ind)
            for k in range(sid, min(sid + 3, len(sents))):
                if k > sid and (text.find("\n", sents[k - 1].end, sents[k].start) >= 0
                                or any(s.type == "Industry" for s in rc.by_sid.get(k, []))):
                    break
                for e in rc.by_sid.get(k, []):
                    if e.type == "Enterprise" and (k > sid or e.start > ind.end):
                        yield rc.fact(rc.res.key_of(e), "inIndustry", ikey, rule, k)
            break
