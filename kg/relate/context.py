"""What relation rules share for one document: its resolved mentions by sentence, its entities,
the focal zone, the facts earlier rules assigned, and how to make a Fact with its evidence."""

from __future__ import annotations

from ..extract.context import Context
from ..model import Fact, Span
from ..resolve.document import DocResolver
from ..text import fold_name


class RelContext:
    def __init__(self, ctx: Context, res: DocResolver):
        self.ctx, self.res = ctx, res
        self.doc = ctx.doc
        self.by_sid: dict[int, list[Span]] = {}
        for s in res.spans:
            if res.key_of(s):
                self.by_sid.setdefault(s.sid, []).append(s)
        self.entities = res.entities
        self.focal_zone = ("Zone", fold_name(res.focal_zone.name)) if res.focal_zone else None
        self._first: dict | None = None
        self._assigned: dict[str, list[Fact]] = {}

    def assign(self, label: str, facts: list[Fact]) -> None:
        """Keep facts a rule found for later rules (registry: the rule `assigns` label)."""
        self._assigned.setdefault(label, []).extend(facts)

    def facts(self, label: str) -> list[Fact]:
        """Facts an earlier rule assigned (`facts.cooperatesWith`); KeyError if none ran."""
        return self._assigned[label]

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

    def keys(self, etype: str):
        return [k for k in self.entities if k[0] == etype]
