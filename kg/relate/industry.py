"""developsIndustry (areas) and inIndustry (enterprises)."""

from __future__ import annotations

from typing import Iterator

from ..extract.context import clause_start
from ..model import Fact
from .context import RelContext


def develops(rc: RelContext) -> Iterator[Fact]:
    """The focal zone develops the industries its document names; a zone named after an
    industry (大数据产业园) develops that industry."""
    industries = rc.keys("Industry")
    if rc.focal_zone is not None:
        for ikey in industries:
            yield rc.fact(rc.focal_zone, "developsIndustry", ikey, "rel.developsIndustry.focus", rc.first_sid(ikey))
    elif industries:
        region = rc.focal_region()
        if region is not None:
            for ikey in industries:
                yield rc.fact(region, "developsIndustry", ikey, "rel.developsIndustry.focus_region", rc.first_sid(ikey))
    yield from _stated_development(rc)
    for zkey in rc.keys("Zone"):
        zname = rc.entities[zkey].name
        for ikey in industries:
            iname = rc.entities[ikey].name
            if zkey != rc.focal_zone and len(iname) >= 2 and iname in zname:
                yield rc.fact(zkey, "developsIndustry", ikey, "rel.developsIndustry.name", rc.first_sid(zkey))


def _stated_development(rc: RelContext) -> Iterator[Fact]:
    """`X重点发展A、B`, `X的主导产业是A`: the zone named before the trigger in the same sentence
    (the nearest), or a region that opens the sentence, develops the industries after it."""
    triggers = sorted(rc.ctx.lex.trigger("area_develop"), key=len, reverse=True)
    text = rc.ctx.text
    object_of = rc.ctx.lex.pattern("industry.object_of")  # 围绕X打造…: X is the object, not the one developing
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
                     and ";" not in text[z.end:at] and not object_of.search(text[max(sent.start, z.start - 3):z.start])]
            zones = [(z, k) for z, k in areas if k[0] == "Zone"]
            if zones:
                subject = zones[-1][1]
            elif areas and keyed[0][0] is areas[0][0] and keyed[0][0].start - sent.start <= 6:
                subject = areas[0][1]
            else:
                continue
            yield rc.fact(subject, "developsIndustry", ikey, "rel.developsIndustry.stated", sid)


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
        yield from _same_sentence(rc, sid, spans)


def _same_sentence(rc: RelContext, sid: int, spans: list) -> Iterator[Fact]:
    """Enterprises named in an explicit `等企业` enumeration or by their full name, next to at most
    three industries (or before 专注于/从事 and the industries after it); bare lists of places
    visited say nothing about sectors."""
    e_spans = [s for s in spans if s.type == "Enterprise" and s.rule.startswith(("enum.", "suffix.", "doc."))]
    i_spans = [s for s in spans if s.type == "Industry"]
    if not e_spans or not i_spans:
        return
    sent = rc.doc.sentences[sid]
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
