"""What relation rules share for one document: its resolved mentions by sentence, its entities,
the focal zone, the facts earlier rules assigned, how to make a Fact with its evidence, and the
document's structure (paragraphs, the places it names, its home regions)."""

from __future__ import annotations

from collections import Counter

from ..extract.context import Context
from ..model import Fact, Span
from ..resolve.document import DocResolver, lead_event_regions, lead_sentences
from ..text import fold_name

PLACES = ("Zone", "Region")
_LEVEL_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3}


class RelContext:
    def __init__(self, ctx: Context, res: DocResolver):
        self.ctx, self.res = ctx, res
        self.doc = ctx.doc
        self.by_sid: dict[int, list[Span]] = {}
        for s in res.spans:
            if res.key_of(s):
                self.by_sid.setdefault(s.sid, []).append(s)
        for spans in self.by_sid.values():
            spans.sort(key=lambda s: (s.start, s.end))
        self.entities = res.entities
        self.focal_zone = ("Zone", fold_name(res.focal_zone.name)) if res.focal_zone else None
        self._first: dict | None = None
        self._assigned: dict[str, list[Fact]] = {}
        self._paragraphs: list[int] | None = None
        self._forms: dict = {}
        self._focal_region: tuple | None = None
        self._focal_region_done = False

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

    # ------------------------------------------------------------------ document structure

    def paragraph(self, sid: int) -> int:
        """The index of the paragraph (body line) that sentence sid lies in."""
        if self._paragraphs is None:
            sents, text, para = self.doc.sentences, self.ctx.text, 0
            self._paragraphs = []
            for i, sent in enumerate(sents):
                if i and text.find("\n", sents[i - 1].end, sent.start) >= 0:
                    para += 1
                self._paragraphs.append(para)
        return self._paragraphs[sid]

    def spans(self, sid: int, types=None) -> list[Span]:
        """The resolved spans of sentence sid in text order (of these types, if given)."""
        spans = self.by_sid.get(sid, [])
        return spans if types is None else [s for s in spans if s.type in types]

    def forms(self, key) -> tuple[str, ...]:
        """The names a place or body is written with: its name, the document's other forms, and for a
        listed region or zone the lexicon's aliases; longest first."""
        found = self._forms.get(key)
        if found is None:
            ent = self.entities[key]
            names = {ent.name, *ent.aliases}
            entry = self.ctx.lex.regions_by_name.get(ent.name) if key[0] == "Region" else self.ctx.lex.lookup(ent.name)
            if entry is not None and entry.type == key[0] and entry.name == ent.name:
                names |= set(entry.aliases)
            found = self._forms[key] = tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))
        return found

    def short_forms(self, key) -> tuple[str, ...]:
        """A county-level region's name without its last character (汨罗市 -> 汨罗, 南沙区 -> 南沙),
        for reading it inside a zone's name (X经开区汨罗飞地园); the lexicon does not match these
        short forms in running text."""
        name = self.entities[key].name
        if self.level(key) != "county" or len(name) < 3 or not self.ctx.lex.pattern("located.county_tail").search(name):
            return ()
        return (name[:-1],)

    def only_inside_projects(self, types=("Organization", "Enterprise")) -> set:
        """The entities of these types named only inside project names (青岛X研究院(…)项目,
        X产业基地项目): the project is placed, its owner or namesake need not be."""
        inside, outside = set(), set()
        for spans in self.by_sid.values():
            projects = [s for s in spans if s.type == "Project"]
            for s in spans:
                if s.type in types:
                    nested = any(p.start <= s.start and s.end <= p.end and p is not s for p in projects)
                    (inside if nested else outside).add(self.res.key_of(s))
        return inside - outside

    def level(self, key) -> str:
        """A region's level in the division lexicon (province, prefecture, county), or ''."""
        entry = self.ctx.lex.regions_by_name.get(self.entities[key].name) if key and key[0] == "Region" else None
        return entry.level if entry is not None else ""

    def region_counts(self) -> Counter:
        """Mentions per Region entity, outside breadcrumb lines (首页 > 新闻 > 镇江)."""
        crumb = self.ctx.lex.pattern("focal_zone.breadcrumb")
        return Counter(self.res.key_of(s) for sid, spans in self.by_sid.items()
                       if not crumb.search(self.doc.sentences[sid].text) for s in spans if s.type == "Region")

    def focal_region(self):
        """In a text about a city or province rather than a zone: the region of the lead's event or visit
        (`到X调研`, `X召开`, `X…工作报告`), the innermost such; else the region named most (3+ times)."""
        if not self._focal_region_done:
            self._focal_region_done = True
            self._focal_region = self._lead_region() or self._most_named_region()
        return self._focal_region

    def _lead_region(self):
        """The innermost region of the lead's event, visit or report frame (resolve.document)."""
        found = [k for s in lead_event_regions(self.doc, self.res.spans, self.ctx.lex) if (k := self.res.key_of(s))]
        if not found:  # the region may be named only inside a body (X市政府工作报告)
            lead = "".join(s.text for s in lead_sentences(self.doc, lex=self.ctx.lex))
            for m in self.ctx.lex.pattern("focal_zone.region_lead").finditer(lead):
                found += [k for k in self.keys("Region") for f in self.forms(k)
                          if f in m.group(0) or lead.endswith(f, 0, m.start() + 1)]
        found = [k for k in found if self.level(k) in ("province", "prefecture", "county")]
        return max(found, key=lambda k: _LEVEL_RANK[self.level(k)], default=None)

    def _most_named_region(self):
        """The region named most, three times or more and more than any other; 我省/全省 (我市/全市)
        count for the one province (city) the text names outside its breadcrumb line."""
        counts = self.region_counts()
        counts.pop(None, None)
        mentioned = set(counts)
        refs = self.ctx.lex.pattern("industry.home_ref")
        for sent in self.doc.sentences:
            for m in refs.finditer(sent.text):
                level = "city" if m.group("city") else "province"
                only = [k for k in self.keys("Region") if self._is_level(k, level) and k in mentioned]
                if len(only) == 1:
                    counts[only[0]] += 1
        if not counts:
            return None
        (key, n), *rest = counts.most_common()
        if n < 3 or (rest and rest[0][1] == n):
            return None
        entry = self.ctx.lex.regions_by_name.get(self.entities[key].name)
        return key if entry is None or entry.level in ("province", "prefecture", "county") else None

    def home_region(self, level: str):
        """The document's own region of a level (`province`, or `city`: a prefecture or a county-level
        X市), for bare bodies (省发改委) and pronouns (我省): the one region of that level it names
        (outside its breadcrumb line), else the first of them on the way up from its focal place."""
        mentioned = self.region_counts()
        regions = [k for k in self.keys("Region") if self._is_level(k, level) and k in mentioned]
        if len(regions) <= 1:
            return regions[0] if regions else None
        place = self.focal_region() or self.focal_zone
        if place is None:
            return None
        lex, names = self.ctx.lex, {self.entities[k].name: k for k in regions}
        entry = lex.regions_by_name.get(self.entities[place].name) if place[0] == "Region" else lex.lookup(self.entities[place].name)
        for _ in range(5):  # a division chain is at most country > province > prefecture > county
            if entry is None:
                break
            if entry.name in names:
                return names[entry.name]
            entry = lex.regions_by_name.get(entry.host) if entry.host else None
        return None

    def _is_level(self, key, level: str) -> bool:
        lev = self.level(key)
        if level == "city":
            return lev == "prefecture" or lev == "county" and bool(self.ctx.lex.pattern("located.city_name").search(
                self.entities[key].name))
        return lev == level


def zone_rank(lex, name: str) -> int:
    """How large a zone of this kind is (1 a park or building ... 4 a programme zone), by the longest
    kind it ends with (triggers.tsv zone_rank); 1 if none."""
    ranks = lex.trigger("zone_rank")
    best = max((w for w in ranks if name.endswith(w)), key=len, default=None)
    return int(ranks[best]) if best else 1


def listed_before(rc: RelContext, sid: int, pos: int) -> list[Span]:
    """The names of the list that ends at pos (`A、B和C` + pos), last first."""
    return listed(rc, rc.spans(sid), pos, leftwards=True)


def listed(rc: RelContext, spans: list[Span], pos: int, leftwards: bool) -> list[Span]:
    """The names of a list that ends (leftwards) or starts at pos: the longest span there and,
    away from pos, those joined to it by 、/和/及."""
    text = rc.ctx.text
    joins = ("、",) + rc.ctx.lex.words("conjunction")
    out: list[Span] = []
    while True:
        here = [s for s in spans if (s.end if leftwards else s.start) == pos]
        if not here:
            return out
        item = max(here, key=lambda s: s.end - s.start)
        out.append(item)
        if leftwards:
            join = next((j for j in joins if text.endswith(j, 0, item.start)), None)
            pos = item.start - len(join) if join else -1
        else:
            join = next((j for j in joins if text.startswith(j, item.end)), None)
            pos = item.end + len(join) if join else -1
        if join is None:
            return out


def chain_end(places: list[Span], at: int) -> Span | None:
    """The last of the places that follow each other from position at (江夏区|金口街道|星辰产业园)."""
    last = None
    for p in places:
        if p.start < at:
            continue
        if p.start != at:
            break
        last, at = p, p.end
    return last
