"""Resolution: mentions -> entities, within a document and across documents.

Within a document: the focal zone (the zone the text is about) absorbs `新区`/`我区`/`高新区`;
`新区X` names are expanded with the focal zone's name; short forms join the full name the
document gives (德晟源 -> 兰州德晟源新技术有限责任公司). Across documents: same type and
same folded name -> one node; a short form that is part of exactly one full name elsewhere joins it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ..extract.known import KNOWN_HEAD_RULE, KNOWN_RULE, known_entry_of
from .corpus import NESTED_RULE
from ..extract.lexicon import Lexicon
from ..extract.registry import Step
from ..model import DocResult, Document, Entity, Span
from ..text import fold_name


# Resolution as a step of the pipeline (kg.relate.registry checks the order): it reads the settled
# spans, the title and the authors, and gives the relation rules the span -> entity keys
# ("mentions"), the entities, the focal zone and the officials of author notes.
RESOLVE = Step("document:DocResolver", requires=("spans", "doc.metadata.title", "doc.metadata.authors"),
               assigns=("mentions", "entities", "focal_zone", "author_notes"))


class ZoneKinds:
    """Zone kinds written short or in full (triggers.tsv zone_kind_short) and the bare references
    to a focal zone of a kind (zone_ref)."""

    def __init__(self, lex: Lexicon):
        self.full = lex.trigger("zone_kind_short")    # short -> full, in file order
        self.refs = lex.trigger("zone_ref")           # reference word -> the kind it needs ('' any)

    def is_kind(self, name: str, kind: str) -> bool:
        """A zone name of this kind, written short or in full (高新区: 成都高新技术产业开发区 too)."""
        return name.endswith(kind) or (kind in self.full and name.endswith(self.full[kind]))

    def expand(self, short: str, names) -> str | None:
        """The full form of an abbreviated zone name when `names` has it (长沙经开区 -> 长沙经济技术开发区)."""
        for abbr, kind in self.full.items():
            if short.endswith(abbr) and len(short) > len(abbr) + 1 and short[:-len(abbr)] + kind in names:
                return short[:-len(abbr)] + kind
        return None


class DocResolver:
    """Maps each span of one document to an entity key and collects the entities."""

    def __init__(self, doc: Document, spans: list[Span], lex: Lexicon, ctx=None):
        self.doc, self.lex, self.ctx = doc, lex, ctx
        self.spans = spans
        self.kinds = ZoneKinds(lex)
        self.ref_rule = lex.rule("ref.focal_zone")
        self.entities: dict[tuple[str, str], Entity] = {}
        self.span_key: dict[tuple[int, int], tuple[str, str]] = {}
        self.author_notes: dict[tuple[int, int], tuple[str, str]] = {}
        self.registered: dict[tuple[str, str], str] = {}   # (type, name) -> the list entry it names
        self.listed_spans: set[tuple[int, int]] = set()      # spans that name a listed company or school
        self.standalone: set[tuple[str, str]] = set()        # (type, name) written somewhere outside a longer name
        self.heads: set[tuple[str, str]] = set()             # (type, name) of listed companies heading a longer name
        self.focal_zone = self._find_focal_zone()

    # ------------------------------------------------------------------ the focal zone

    def _find_focal_zone(self) -> Span | None:
        """The zone the text is about: the zone named most, counting its short and full forms as one,
        three more if the title names it, and the bare references of its kind (高新区). Zones named
        only inside a project's name do not count; when the lead (headline and first sentence) is
        about a region (X政府工作报告, 到X调研), a zone it does not name must be named three times."""
        counts, first, forms = self._zone_counts()
        title = self.doc.metadata.get("title", "")
        refs = Counter(s.text for s in self.spans if s.rule == self.ref_rule)
        for name in counts:
            if any(form in title for form in forms[name]):
                counts[name] += 3
            counts[name] += sum(n for word, n in refs.items()
                                if self.kinds.refs.get(word) and self.kinds.is_kind(name, self.kinds.refs[word]))
        if not counts:
            return None
        name, n = max(counts.items(), key=lambda kv: (kv[1], -first[kv[0]].start))
        if n < 2 or (self.lex.pattern("focal_zone.area_title").search(title)
                     and not any(form in title for form in forms[name])):
            return None  # a text about a whole city or province (全市, 我省) that names some zones
        lead = title + "".join(s.text for s in lead_sentences(self.doc))
        if n < 3 and not any(form in lead for form in forms[name]) and (
                self.lex.pattern("focal_zone.region_lead").search(lead)
                or lead_event_regions(self.doc, self.spans, self.lex)):
            return None  # a report about a region that names a platform twice in passing
        return first[name]

    def _zone_counts(self) -> tuple[Counter, dict, dict]:
        """Mentions per zone name (short and full forms of a kind together), the first mention of
        each, and the forms each name was written in; a zone inside a project's name is no mention."""
        counts: Counter = Counter()
        first: dict[str, Span] = {}
        written: dict[str, set] = {}
        projects = [(s.start, s.end) for s in self.spans if s.type == "Project"]
        for s in self.spans:
            if s.type == "Zone" and s.rule != self.ref_rule and not any(
                    a <= s.start and s.end <= b and (a, b) != (s.start, s.end) for a, b in projects):
                counts[s.name] += 1
                first.setdefault(s.name, s)
                written.setdefault(s.name, set()).add(s.text)
        forms = {name: {name} | written[name] for name in counts}
        for short in list(counts):
            full = self.kinds.expand(short, counts)
            if full:  # 长沙经开区 and 长沙经济技术开发区 count as one zone
                counts[full] += counts.pop(short)
                forms[full] |= forms.pop(short)
        return counts, first, forms

    def focal_zone_name(self) -> str | None:
        return self.focal_zone.name if self.focal_zone else None

    def ref_target(self, word: str) -> str | None:
        """The focal zone a bare reference (新区, 我区, 高新区) stands for, if it fits."""
        focal = self.focal_zone_name()
        if not focal or word not in self.kinds.refs:
            return None
        return focal if self.kinds.is_kind(focal, self.kinds.refs[word]) else None

    # ------------------------------------------------------------------ mentions -> entities

    def resolve(self) -> DocResult:
        """Every span's entity: focal-zone references and `新区X` names, short forms joined to the
        full name the document gives, `X(简称Y)` aliases; then the author-note officials."""
        doc = self.doc
        names = self._mention_names()
        self._industry_surface_names(names)
        full_by_label: dict[str, set[str]] = {}
        for etype, name, _ in names.values():
            full_by_label.setdefault(etype, set()).add(name)
        remap = self._industry_remap(names, full_by_label.get("Industry", set()))
        remap.update(self._short_form_remap(full_by_label))
        self._registered_remap(remap)
        self._bracket_aliases(names, remap)
        # after the bracket aliases: X(Y) may join the focal zone Y to X (长岳合作Y(Y)), and Y then has no entity
        if self.focal_zone is not None and ("Zone", self.focal_zone.name) in remap:
            self.focal_zone = replace(self.focal_zone, canonical=remap[("Zone", self.focal_zone.name)])
        self._build_entities(names, remap)
        self._author_note_officials()
        focal_key = ("Zone", fold_name(self.focal_zone.name)) if self.focal_zone else None
        return DocResult(doc.rel_path, doc.sha256, doc.encoding, doc.script, dict(doc.metadata),
                         len(doc.sentences), self.entities, [], focal_key)

    def _mention_names(self) -> dict[tuple[int, int], tuple[str, str, set]]:
        """(type, name, aliases) per span: a bare reference is the focal zone (or nothing), and a
        name opening with one (新区科技局) is written out with the focal zone's name."""
        names: dict[tuple[int, int], tuple[str, str, set]] = {}
        refs = sorted(self.kinds.refs, key=len, reverse=True)
        for s in self.spans:
            if s.rule == self.ref_rule:
                target = self.ref_target(s.text)
                if target:
                    names[(s.start, s.end)] = ("Zone", target, {s.text})
                continue
            name, aliases = s.name, set()
            if s.text != name:
                aliases.add(s.text)
            if not s.rule.startswith(NESTED_RULE):
                self.standalone.add((s.type, name))
            elif s.rule == KNOWN_HEAD_RULE:
                self.heads.add((s.type, name))
            listed = known_entry_of(self.ctx, s) if self.ctx is not None else None
            if listed is not None:
                self.registered[(s.type, name)] = listed.name
                self.listed_spans.add((s.start, s.end))
            for ref in refs:
                if ref and name.startswith(ref) and len(name) > len(ref) + 1:
                    target = self.ref_target(ref)
                    if target and not name.startswith(target):
                        aliases.add(name)
                        name = target + name[len(ref):]
                    break
            names[(s.start, s.end)] = (s.type, name, aliases)
        return names

    def _industry_surface_names(self, names: dict) -> None:
        """An industry the document writes only in a form of its own (文旅 for 文化旅游, 蓝色经济
        for 海洋经济, 光电子信息 for 光电子) is named as written, the vocabulary's name an alias;
        a qualified form (国际航运, 新一代人工智能, 高端装备, 现代服务) or a document that also writes
        the concept's own name keeps the concept's name (GUIDELINES: qualified variants are aliases)."""
        by_concept: dict[str, set[str]] = {}
        spans = {(s.start, s.end): s for s in self.spans}
        for key, (etype, name, aliases) in names.items():
            span = spans.get(key)
            if etype == "Industry" and span is not None and span.canonical and not span.rule.endswith(".shared_head"):
                by_concept.setdefault(name, set()).add(span.text)
        renamed = {}
        for concept, surfaces in by_concept.items():
            own = {t for t in surfaces if not self._base_form(t, concept)}
            if len(own) == 1 and len(surfaces) == 1:
                renamed[concept] = own.pop()
        for key, (etype, name, aliases) in names.items() if renamed else ():
            if etype == "Industry" and name in renamed:
                names[key] = (etype, renamed[name], (aliases | {name}) - {renamed[name]})

    def _base_form(self, surface: str, concept: str) -> bool:
        """`surface` is a form of the concept's name: the name itself, the name in a longer or a
        shorter form (太阳能光伏, 船舶工业, 现代服务), with a qualifier (国际航运, 新一代人工智能) or its
        head (高端装备 of 装备制造), or a Latin code (AI, IDC). Abbreviations and synonyms written
        otherwise (文旅, 蓝色经济, 网络安全) are forms of their own."""
        if surface.isascii():
            return True
        m = self.lex.pattern("industry.alias_qualifier").match(surface)
        forms = {surface, surface[m.end():]} if m else {surface}
        return any(form in concept or concept in form for form in forms)

    def _industry_remap(self, names: dict, industries: set[str]) -> dict:
        """A qualified variant (人用疫苗, 高性能铜箔) of an industry the document also names is that
        industry, unless the vocabulary knows the variant as an industry of its own; a shortening
        of a longer form the document uses for another industry (数据信息 of 大数据信息) is that one."""
        remap = {}
        for name in industries:
            entry = self.lex.lookup(name)
            if entry is not None and entry.type == "Industry" and entry.name == name:
                continue
            base = [b for b in industries if b != name and name.endswith(b) and 1 <= len(name) - len(b) <= 3]
            if len(base) == 1:
                remap[("Industry", name)] = base[0]
                continue
            if entry is None and len(name) >= 3:
                longer = {n for lab, n, al in names.values() if lab == "Industry" and n != name
                          for form in al | {n} if name in form and form != name}
                if len(longer) == 1:
                    remap[("Industry", name)] = longer.pop()
        return remap

    def _short_form_remap(self, full_by_label: dict[str, set[str]]) -> dict:
        """Short forms -> the one full name of the same type the same document gives (德晟源 ->
        兰州德晟源新技术有限责任公司, 长沙经开区 -> 长沙经济技术开发区, X集团 -> X集团有限公司)."""
        remap = {}
        joins = tuple(w for w, flags in self.lex.trigger("legal_form").items() if "joins" in flags.split("|"))
        strong = tuple(suf for suf, _, is_strong, _ in self.lex.suffixes if is_strong)
        for etype, group in full_by_label.items():
            if etype in {"Region", "Official", "Industry"}:
                continue
            for short in group:
                full = self._full_form(etype, short, group, joins, strong)
                if full is not None:
                    remap[(etype, short)] = full
        return remap

    def _full_form(self, etype: str, short: str, group: set[str], joins: tuple, strong: tuple) -> str | None:
        if etype == "Zone":
            full = self.kinds.expand(short, group)
            if full:  # 长沙经开区 in a text that also writes 长沙经济技术开发区
                return full
        if short == self.focal_zone_name():
            return None
        if etype == "Project":  # X产业园 and X产业园项目: one project
            forms = tuple(short + suf for suf, kind, _, _ in self.lex.suffixes if kind == "Project")
            named = [n for n in group if n.endswith(forms)]  # (系列)X基地 | X基地项目
            if len(named) == 1:
                return named[0]
        return self._longer_form(etype, short, group, joins, strong)

    def _longer_form(self, etype: str, short: str, group: set[str], joins: tuple, strong: tuple) -> str | None:
        """The one longer name of the group that `short` abbreviates (X集团 = X集团有限公司), unless
        `short` is a listed company's own name written inside another's."""
        complete = short.endswith(strong)
        longer = [n for n in group if n != short and len(n) > len(short) and _abbreviates(short, n)
                  and (not (complete and short in n and not n.endswith(short))
                       or n[len(short):] in joins)]  # X集团 = X集团有限公司
        if len(longer) == 1 and len(short) >= 2 and short not in self.lex.generic_names:
            listed = self.registered.get((etype, short))
            own = listed is not None or (etype, short) in self.heads
            if (own and (etype, short) not in self.standalone and longer[0][len(short):] not in strong
                    and (listed is None or self.registered.get((etype, longer[0])) != listed)):
                return None  # a listed company named only inside another's name is its own (华能 of 华能青海发电有限公司)
            return longer[0]
        return None

    def _registered_remap(self, remap: dict) -> None:
        """Names of one listed company or school (宁德时代新能源科技有限公司,
        宁德时代新能源科技股份有限公司, 宁德时代) are one entity, named by the registered name when the text gives it, else by the
        longest form the text gives."""
        groups: dict[tuple[str, str], list[str]] = {}
        for (etype, name), registered in sorted(self.registered.items()):
            target = remap.get((etype, name), name)
            groups.setdefault((etype, registered), [])
            if target not in groups[(etype, registered)]:
                groups[(etype, registered)].append(target)
        for (etype, registered), forms in groups.items():
            if len(forms) < 2:
                continue
            best = registered if registered in forms else max(forms, key=lambda f: (len(f), f))
            for (et, name), reg in self.registered.items():
                if et == etype and reg == registered and remap.get((et, name), name) != best:
                    remap[(et, name)] = best

    def _bracket_aliases(self, names: dict, remap: dict) -> None:
        """`X(Y)` and `X(简称Y)`: Y is another name of X."""
        text = self.doc.text
        bracket = self.lex.pattern("resolve.alias_bracket")
        by_start = {st: (en, v) for (st, en), v in names.items()}
        for (start, end), (etype, name, aliases) in names.items():
            m = bracket.match(text[end:end + 6])
            if not m:
                continue
            inner = by_start.get(end + m.end())
            if inner and text[inner[0]:inner[0] + 1] == ")" and inner[1][0] == etype and inner[1][1] != name:
                if etype == "Zone" and not m.group(1) and not _abbreviates(inner[1][1], name):
                    continue  # X产业园(Y经开区Z飞地园): the zone it lies in, not another name (kg.relate.containment)
                remap.setdefault((etype, inner[1][1]), name)
            elif m.group(1):
                close = text.find(")", end, end + 20)
                short = text[end + m.end():close] if close > 0 else ""
                if 2 <= len(short) <= 10:
                    aliases.add(short)

    def _build_entities(self, names: dict, remap: dict) -> None:
        doc = self.doc
        for (start, end), (etype, name, aliases) in names.items():
            listed = self.registered.get((etype, name))
            full = remap.get((etype, name))
            if full:
                aliases = aliases | {name}
                if self.registered.get((etype, full)) != listed:
                    listed = None   # 华为 of 华为技术有限公司: the group's registered name is not the subsidiary's
                name = full
            if listed:
                aliases = aliases | {listed}   # the registered name of a listed company or school
            ent = self.entities.get((etype, fold_name(name)))
            if ent is None:
                ent = self.entities[(etype, fold_name(name))] = Entity(etype, name)
                if etype == "Zone":
                    aliases = aliases | self._zone_forms(name)
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
                if (s.start, s.end) in self.listed_spans:   # whatever rule kept it, the list knows it too
                    self.entities[key].rules.add(f"{KNOWN_RULE}.{s.type.lower()}")

    def _zone_forms(self, name: str) -> set[str]:
        """The zone's name without the places it opens with (江夏区金口街道星辰产业园 -> 星辰产业园,
        浙江省临平高新技术产业开发区 -> 临平高新技术产业开发区): another name of the same zone."""
        from ..extract.suffix import named_rest, zone_rest

        rest = zone_rest(self.lex, name)
        if rest == name:
            return set()
        kind = max((suf for suf, etype, _, _ in self.lex.suffixes if etype == "Zone" and rest.endswith(suf)),
                   key=len, default="")
        if not named_rest(self.lex, rest, rest[:len(rest) - len(kind)]):
            return set()
        return {rest}

    def _author_note_officials(self) -> None:
        """`作者系…POST`: a title string with no name after an author note names the document's
        first author (doc.metadata.authors), who becomes an Official of this document."""
        authors = self.doc.metadata.get("authors", [])
        if not authors or self.ctx is None:
            return
        from ..extract.official import post_strings

        note, rule = self.lex.pattern("official.author_note"), self.lex.rule("official.author_note")
        for sid, sent in enumerate(self.doc.sentences):
            for name_s, _name_e, posts, _org_end in post_strings(self.ctx, sid):
                if name_s is None and note.search(self.doc.text[sent.start:posts[0][0]]):
                    person = ("Official", fold_name(authors[0]))
                    if person not in self.entities:
                        self.entities[person] = Entity("Official", authors[0], docs={self.doc.rel_path}, rules={rule})
                    self.author_notes[(sid, posts[0][0])] = person

    def key_of(self, span: Span):
        return self.span_key.get((span.start, span.end))


def lead_sentences(doc: Document, n: int = 2, lex: Lexicon | None = None) -> list:
    """The first n sentences with some text (four or more Chinese characters): the headline and the
    first sentence; with a lexicon, breadcrumb lines (首页 > 新闻 > 镇江) are no text."""
    crumb = lex.pattern("focal_zone.breadcrumb") if lex is not None else None
    out = []
    for sent in doc.sentences:
        if sum("\u4e00" <= ch <= "\u9fff" for ch in sent.text) >= 4 and not (crumb and crumb.search(sent.text)):
            out.append(sent)
            if len(out) == n:
                break
    return out


def lead_event_regions(doc: Document, spans: list[Span], lex: Lexicon) -> list[Span]:
    """The region mentions of the lead in an event, visit or report frame (`X召开/举行`,
    `X政府工作报告`, `到X调研`, `在X举行`): the place a text about a region is about."""
    text = doc.text
    event, before, visit = (lex.pattern(p) for p in ("located.lead_event", "located.visit_before", "located.visit_after"))
    lead = lead_sentences(doc, lex=lex)
    found = []
    for s in spans:
        if s.type != "Region" or not any(sent.start <= s.start < sent.end for sent in lead):
            continue
        if event.match(text, s.end) or (before.search(text, max(0, s.start - 2), s.start) and visit.match(text, s.end)):
            found.append(s)
    return found


def _abbreviates(short: str, full: str) -> bool:
    """`德晟源` in `兰州德晟源新技术有限责任公司`; `青岛海洋生物所` a subsequence of
    `中国科学院青岛海洋生物技术研究所` sharing its last character."""
    if short in full:
        return True
    if len(short) < 3 or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)
