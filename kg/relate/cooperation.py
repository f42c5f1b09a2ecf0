"""cooperatesWith: `A与B(开展)合作/共建/签署`, `A、B分别与C`, `A携手B`, `《A·B共建…》`."""

from __future__ import annotations

import re

from typing import Iterator

from ..extract.context import clause_start
from ..model import Fact, Span
from .context import RelContext, listed, listed_before

_PARTIES = {"Zone", "Enterprise", "Organization"}


def cooperation(rc: RelContext) -> Iterator[Fact]:
    """`A(、B)与C(、D)(开展)合作/共建/签署`: each party before 与 with each after it (the parties
    before: the list ending at the entity before 与 in the clause, else the focal zone);
    `A、B、C分别与D…`: each with D; `A携手B`: both named right next to the verb;
    `《A·B共建…》协议`: the parties of the agreement's title."""
    triggers = sorted(rc.ctx.lex.trigger("cooperate"), key=len, reverse=True)
    any_trigger = re.compile("|".join(map(re.escape, triggers)))
    respectively = rc.ctx.lex.pattern("coop.respectively")
    for sid, sent in enumerate(rc.doc.sentences):
        stated = any_trigger.search(sent.text)
        if not stated and not respectively.search(sent.text):
            continue
        spans = [s for s in rc.by_sid.get(sid, []) if s.type in _PARTIES]
        yield from _respectively(rc, sid, spans)
        if not stated:
            continue
        yield from _with_partner(rc, sid, spans, triggers)
        yield from _hand_in_hand(rc, sid, spans)
        yield from _agreement_titles(rc, sid, spans)


def _with_partner(rc: RelContext, sid: int, spans: list[Span], triggers: list[str]) -> Iterator[Fact]:
    """`A与B合作`: B (and the parties listed with it) right after 与/同/和, with a cooperation word
    soon after; each party of the list that ends before 与 with each of them."""
    lex, text = rc.ctx.lex, rc.ctx.text
    sent = rc.doc.sentences[sid]
    rule = lex.rule("coop.with")
    listed_to = -1
    for m in lex.pattern("coop.with").finditer(sent.text):
        pos = sent.start + m.end()
        if pos <= listed_to:
            continue  # the 和 inside a list of partners (与A和B签订)
        partners = _listed_after(rc, spans, pos)
        if not partners:
            continue
        listed_to = partners[-1].end
        tail = text[partners[-1].end:min(sent.end, partners[-1].end + 12)]
        if not any(t in tail for t in triggers):
            continue
        before = _subjects(rc, sid, spans, pos)
        if before:
            subjects = [rc.res.key_of(s) for s in listed_before(rc, sid, before[-1].end) if s.type in _PARTIES] \
                or [rc.res.key_of(before[-1])]
        else:
            subjects = [_company_ref(rc, sid, pos - len(m.group(0))) or rc.focal_zone]
        for subj in subjects:
            for p in partners:
                obj = rc.res.key_of(p)
                if subj and obj and subj != obj:
                    yield rc.fact(subj, "cooperatesWith", obj, rule, sid)


def _company_ref(rc: RelContext, sid: int, pos: int):
    """`公司与X签署` in a firm's release: the bare 公司 (该公司, 本公司) before pos is the first firm
    the text names."""
    text, sent = rc.ctx.text, rc.doc.sentences[sid]
    clause = clause_start(text, sent.start, pos)
    if not rc.ctx.lex.pattern("coop.company_ref").fullmatch(text, clause, pos):
        return None
    for k in range(sid + 1):
        firm = next((s for s in rc.by_sid.get(k, []) if s.type == "Enterprise"), None)
        if firm is not None:
            return rc.res.key_of(firm)
    return None


def _listed_after(rc: RelContext, spans: list[Span], pos: int) -> list[Span]:
    """The parties listed from pos on (A、B和C)."""
    return listed(rc, spans, pos, leftwards=False)


def _respectively(rc: RelContext, sid: int, spans: list[Span]) -> Iterator[Fact]:
    """`A、B、C分别与D(签署…)`: each of A, B, C with D (also where the text is cut after D)."""
    lex, sent = rc.ctx.lex, rc.doc.sentences[sid]
    pattern, rule = lex.pattern("coop.respectively"), lex.rule("coop.respectively")
    for m in pattern.finditer(sent.text):
        partners = _listed_after(rc, spans, sent.start + m.end())
        parties = [s for s in listed_before(rc, sid, sent.start + m.start()) if s.type in _PARTIES]
        for s in parties:
            for p in partners:
                if rc.res.key_of(s) != rc.res.key_of(p):
                    yield rc.fact(rc.res.key_of(s), "cooperatesWith", rc.res.key_of(p), rule, sid)


def _agreement_titles(rc: RelContext, sid: int, spans: list[Span]) -> Iterator[Fact]:
    """`《A·B共建X》协议`: the parties joined by · in the title of a cooperation agreement."""
    lex, text, sent = rc.ctx.lex, rc.ctx.text, rc.doc.sentences[sid]
    pattern, rule = lex.pattern("coop.title"), lex.rule("coop.title")
    for m in pattern.finditer(sent.text):
        lo, hi = sent.start + m.start(1), sent.start + m.end(1)
        inside = [s for s in spans if lo <= s.start and s.end <= hi]
        for a, b in zip(inside, inside[1:]):
            if text[a.end:b.start] in lex.words("coop_joiner") and rc.res.key_of(a) != rc.res.key_of(b):
                yield rc.fact(rc.res.key_of(a), "cooperatesWith", rc.res.key_of(b), rule, sid)


def _subjects(rc: RelContext, sid: int, spans: list[Span], pos: int) -> list[Span]:
    """The parties that may be the subject of `与` at pos: those in its clause; else the
    sentence's subject when the clause carries it on (并, 同时); else one ending the clause before."""
    lex, text = rc.ctx.lex, rc.ctx.text
    sent = rc.doc.sentences[sid]
    clause = clause_start(text, sent.start, pos)
    before = [s for s in spans if clause <= s.start and s.end <= pos - 1]
    if not before and lex.pattern("coop.carry_on").match(text[clause:pos]):
        # `X与A共建B,并同Y合作`: the sentence's subject carries on
        return [s for s in spans if s.start == sent.start][:1]
    if not before:
        # `X,与Y合作`: the subject ends the clause before
        return [s for s in spans if s.end <= pos - 1 and text[s.end:clause] in (",", "")]
    return before


def _hand_in_hand(rc: RelContext, sid: int, spans: list[Span]) -> Iterator[Fact]:
    """`A携手B`: both named right next to the verb (an adverb like 将 may come between A and it)."""
    lex, text = rc.ctx.lex, rc.ctx.text
    sent = rc.doc.sentences[sid]
    adverbs = ("",) + lex.words("coop_adverb")
    rule = lex.rule("coop.hand_in_hand")
    for m in lex.pattern("coop.hand_in_hand").finditer(sent.text):
        pos = sent.start + m.start()
        partner = next((s for s in spans if s.start == sent.start + m.end()), None)
        subj = next((s for s in reversed(spans) if s.end <= pos and text[s.end:pos] in adverbs), None)
        if partner is not None and subj is not None and rc.res.key_of(subj) != rc.res.key_of(partner):
            yield rc.fact(rc.res.key_of(subj), "cooperatesWith", rc.res.key_of(partner), rule, sid)
