"""cooperatesWith: `A与B(开展)合作/共建`, `A携手B`."""

from __future__ import annotations

import re
from typing import Iterator

from ..extract.context import clause_start
from ..model import Fact
from .context import RelContext

_PARTIES = {"Zone", "Enterprise", "Organization"}


def cooperation(rc: RelContext) -> Iterator[Fact]:
    """`A与B(开展)合作/共建`: A is the entity before 与 in the clause, else the focal zone."""
    triggers = sorted(rc.ctx.lex.trigger("cooperate"), key=len, reverse=True)
    text = rc.ctx.text
    for sid, sent in enumerate(rc.doc.sentences):
        if not any(t in sent.text for t in triggers):
            continue
        spans = [s for s in rc.by_sid.get(sid, []) if s.type in _PARTIES]
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
