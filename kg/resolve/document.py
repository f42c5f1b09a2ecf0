"""Resolution: mentions -> entities, within a document and across documents.

Within a document: the focal zone (the zone the text is about) absorbs `新区`/`我区`/`高新区`;
`新区X` names are expanded with the focal zone's name; short forms join the full name the
document gives (科近泰基 -> 兰州科近泰基新技术有限责任公司). Across documents: same type and
same folded name -> one node; a short form that is part of exactly one full name elsewhere joins it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..extract.lexicon import Lexicon
from ..model import DocResult, Document, Entity, Span
from ..text import fold_name

REF_WORDS = {"新区": "新区", "高新区": "高新区", "开发区": "开发区", "经开区": "经开区",
             "我区": "", "全区": "", "本区": ""}


# short and full forms of a zone kind: the same zone when both follow the same place name
ZONE_KIND_ABBREVIATIONS = (("经开区", "经济技术开发区"), ("高新区", "高新技术产业开发区"), ("自贸区", "自由贸易试验区"),
                           ("自贸试验区", "自由贸易试验区"), ("综保区", "综合保税区"), ("自创区", "自主创新示范区"))
_KIND_FULL = dict(ZONE_KIND_ABBREVIATIONS)
_LEGAL_FORMS = ("有限公司", "股份有限公司", "有限责任公司")


def _is_kind(name: str, kind: str) -> bool:
    """A zone name of this kind, written short or in full (高新区: 成都高新技术产业开发区 too)."""
    return name.endswith(kind) or (kind in _KIND_FULL and name.endswith(_KIND_FULL[kind]))


def _expand_kind(short: str, names) -> str | None:
    """The full form of an abbreviated zone name when `names` has it (长沙经开区 -> 长沙经济技术开发区)."""
    for abbr, kind in ZONE_KIND_ABBREVIATIONS:
        if short.endswith(abbr) and len(short) > len(abbr) + 1 and short[:-len(abbr)] + kind in names:
            return short[:-len(abbr)] + kind
    return None


_AREA_REFS = re.compile(r"全市|全省|全州|全县")  # in a title: the text is about a whole city or province


class DocResolver:
    """Maps each span of one document to an entity key and collects the entities."""

    def __init__(self, doc: Document, spans: list[Span], lex: Lexicon):
        self.doc, self.lex = doc, lex
        self.spans = spans
        self.entities: dict[tuple[str, str], Entity] = {}
        self.span_key: dict[tuple[int, int], tuple[str, str]] = {}
        self.focal = self._focal_zone()

    def _focal_zone(self) -> Span | None:
        counts: Counter = Counter()
        first: dict[str, Span] = {}
        title = self.doc.metadata.get("title", "")
        for s in self.spans:
            if s.type == "Zone" and s.rule != "ref.focus":
                counts[s.name] += 1
                first.setdefault(s.name, s)
        forms = {name: {name} for name in counts}
        for short in list(counts):
            full = _expand_kind(short, counts)
            if full:  # 长沙经开区 and 长沙经济技术开发区 count as one zone
                counts[full] += counts.pop(short)
                forms[full] |= forms.pop(short)
        refs = Counter(s.text for s in self.spans if s.rule == "ref.focus")
        for name in counts:
            if any(form in title for form in forms[name]):
                counts[name] += 3
            counts[name] += sum(n for word, n in refs.items() if REF_WORDS.get(word) and _is_kind(name, REF_WORDS[word]))
        if not counts:
            return None
        name, n = max(counts.items(), key=lambda kv: (kv[1], -first[kv[0]].start))
        if n < 2 or (_AREA_REFS.search(title) and not any(form in title for form in forms[name])):
            return None  # a text about a whole city or province (全市, 我省) that names some zones
        return first[name]

    def focal_name(self) -> str | None:
        return self.focal.name if self.focal else None

    def ref_target(self, word: str) -> str | None:
        """The focal zone a bare reference (新区, 我区, 高新区) stands for, if it fits."""
        focal = self.focal_name()
        if not focal or word not in REF_WORDS:
            return None
        return focal if _is_kind(focal, REF_WORDS[word]) else None

    def resolve(self) -> DocResult:
        doc = self.doc
        names: dict[tuple[int, int], tuple[str, str, set]] = {}
        for s in self.spans:
            if s.rule == "ref.focus":
                target = self.ref_target(s.text)
                if target:
                    names[(s.start, s.end)] = ("Zone", target, {s.text})
                continue
            name, aliases = s.name, set()
            if s.text != name:
                aliases.add(s.text)
            for ref in sorted(REF_WORDS, key=len, reverse=True):
                if ref and name.startswith(ref) and len(name) > len(ref) + 1:
                    target = self.ref_target(ref)
                    if target and not name.startswith(target):
                        aliases.add(name)
                        name = target + name[len(ref):]
                    break
            names[(s.start, s.end)] = (s.type, name, aliases)
        # short forms -> the full name the same document gives
        full_by_label: dict[str, set[str]] = {}
        for etype, name, _ in names.values():
            full_by_label.setdefault(etype, set()).add(name)
        remap = {}
        industries = full_by_label.get("Industry", set())
        for name in industries:
            # a qualified variant (人用疫苗, 高性能铜箔) of an industry the document also names is
            # that industry, unless the vocabulary knows the variant as an industry of its own
            entry = self.lex.lookup(name)
            if entry is not None and entry.type == "Industry" and entry.name == name:
                continue
            base = [b for b in industries if b != name and name.endswith(b) and 1 <= len(name) - len(b) <= 3]
            if len(base) == 1:
                remap[("Industry", name)] = base[0]
                continue
            # a shortening of a longer form the document uses for another industry (数据信息 of 大数据信息)
            if entry is None and len(name) >= 3:
                longer = {n for lab, n, al in names.values() if lab == "Industry" and n != name
                          for form in al | {n} if name in form and form != name}
                if len(longer) == 1:
                    remap[("Industry", name)] = longer.pop()
        for etype, group in full_by_label.items():
            if etype in {"Region", "Official", "Industry"}:
                continue
            for short in group:
                if etype == "Zone":
                    full = _expand_kind(short, group)
                    if full:  # 长沙经开区 in a text that also writes 长沙经济技术开发区
                        remap[(etype, short)] = full
                        continue
                if short == self.focal_name():
                    continue
                complete = any(short.endswith(suf) for suf, _, strong, _ in self.lex.suffixes if strong)
                longer = [n for n in group if n != short and len(n) > len(short) and _abbreviates(short, n)
                          and (not (complete and short in n and not n.endswith(short))
                               or n[len(short):] in _LEGAL_FORMS)]  # X集团 = X集团有限公司
                if len(longer) == 1 and len(short) >= 2 and short not in self.lex.generic_names:
                    remap[(etype, short)] = longer[0]
        if self.focal is not None and ("Zone", self.focal.name) in remap:
            self.focal = replace(self.focal, canonical=remap[("Zone", self.focal.name)])
        # `X(Y)` and `X(简称Y)`: Y is another name of X
        by_start = {st: (en, v) for (st, en), v in names.items()}
        for (start, end), (etype, name, aliases) in names.items():
            m = re.match(r"\((简称|以下简称)?", doc.text[end:end + 6])
            if not m:
                continue
            inner = by_start.get(end + m.end())
            if inner and doc.text[inner[0]:inner[0] + 1] == ")" and inner[1][0] == etype and inner[1][1] != name:
                remap.setdefault((etype, inner[1][1]), name)
            elif m.group(1):
                close = doc.text.find(")", end, end + 20)
                short = doc.text[end + m.end():close] if close > 0 else ""
                if 2 <= len(short) <= 10:
                    aliases.add(short)
        for (start, end), (etype, name, aliases) in names.items():
            full = remap.get((etype, name))
            if full:
                aliases = aliases | {name}
                name = full
            ent = self.entities.get((etype, fold_name(name)))
            if ent is None:
                ent = self.entities[(etype, fold_name(name))] = Entity(etype, name)
            ent.aliases |= {a for a in aliases if a != name}
            orig = doc.original_spelling(start, end)
            if orig != doc.text[start:end]:
                ent.originals.add(orig)
            ent.docs.add(doc.rel_path)
            self.span_key[(start, end)] = ent.key
        for s in self.spans:
            key = self.span_key.get((s.start, s.end))
            if key:
                self.entities[key].rules.add(s.rule)
        focal_key = ("Zone", fold_name(self.focal.name)) if self.focal else None
        return DocResult(doc.rel_path, doc.sha256, doc.encoding, doc.script, dict(doc.metadata),
                         len(doc.sentences), self.entities, [], focal_key)

    def key_of(self, span: Span):
        return self.span_key.get((span.start, span.end))


def _abbreviates(short: str, full: str) -> bool:
    """`科近泰基` in `兰州科近泰基新技术有限责任公司`; `天津工业生物所` a subsequence of
    `中国科学院天津工业生物技术研究所` sharing its last character."""
    if short in full:
        return True
    if len(short) < 3 or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)
