"""cooperatesWith: `A与B(开展)合作/共建`, `A携手B`."""

from __future__ import annotations

from typing import Iterator

from ..extract.context import clause_start
from ..model import Fact, Span
from .context import RelContext

_PARTIES = {"Zone", "Enterprise", "Organization"}


def cooperation(rc: RelContext) -> Iterator[Fact]:
    """`A与B(开展)合作/共建`: A is the entity before 与 in the clause, else the focal zone;
    `A携手B`: both named right next to the verb."""
    triggers = sorted(rc.ctx.lex.trigger("cooperate"), key=len, reverse=True)
    for sid, sent in enumerate(rc.doc.sentences):
        if not any(t in sent.text for t in triggers):
            continue
        spans = [s for s in rc.by_sid.get(sid, []) if s.type in _PARTIES]
        yield from _with_partner(rc, sid, spans, triggers)
        yield from _hand_in_hand(rc, sid, spans)


def _with_partner(rc: RelContext, sid: int, spans: list[Span], triggers: list[str]) -> Iterator[Fact]:
    """`A与B合作`: B right after 与/同/和 with a cooperation word soon after it."""
    lex, text = rc.ctx.lex, rc.ctx.text
    sent = rc.doc.sentences[sid]
    rule = lex.rule("coop.with")
    for m in lex.pattern("coop.with").finditer(sent.text):
        pos = sent.start + m.end()
        partner = next((s for s in spans if s.start == pos), None)
        if partner is None:
            continue
        tail = text[partner.end:min(sent.end, partner.end + 12)]
        if not any(t in tail for t in triggers):
            continue
        before = _subjects(rc, sid, spans, pos)
        subj = rc.res.key_of(before[-1]) if before else rc.focal_zone
        obj = rc.res.key_of(partner)
        if subj and obj and subj != obj:
            yield rc.fact(subj, "cooperatesWith", obj, rule, sid)


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
