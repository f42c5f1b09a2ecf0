"""Name + type suffix (有限公司, 研究所, 高新区, 项目), with the zone rules: named parts of a zone
(经开组团, 南沙片区, 生物医药谷), two zone names written together, honorary titles."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import PROPER_POS, Context, _is_name_char
from .known import known_head, known_spans
from .stems import generic_stem, strong_stem, token_covering, tokens_in, word_edge


class _ZoneWords:
    """The zone words of one lexicon (built once per set of affixes): suffixes of zone parts,
    the suffixes of zone kinds, honorary kinds and the words that never open a zone's name."""

    def __init__(self, ctx: Context):
        lex = ctx.lex
        self.parts = tuple(lex.words("zone_part"))
        self.kinds = frozenset(suf for suf, (etype, _, _) in ctx.affixes.suffix_info.items()
                               if etype == "Zone" and len(suf) >= 2)
        self.honours = tuple(lex.words("honour_kind"))
        self.honour_rx = re.compile("|".join(map(re.escape, sorted(self.honours, key=len, reverse=True))) or "(?!)")
        self.not_lead = tuple(sorted(lex.words("zone_not_lead"), key=len, reverse=True))
        words = sorted(set(lex.words("project_category") + lex.words("enum_head")), key=len, reverse=True)
        self.categories = re.compile("|".join(map(re.escape, words)) or "(?!)")


def zone_words(ctx: Context) -> _ZoneWords:
    """The zone words of the context's lexicon, cached on its affixes."""
    found = getattr(ctx.affixes, "_zone_words", None)
    if found is None:
        found = _ZoneWords(ctx)
        ctx.affixes._zone_words = found
    return found


def suffix_spans(ctx: Context) -> Iterator[Span]:
    """Name + type suffix (有限公司, 研究所, 高新区, 项目): the name-like words before the suffix;
    the firm named before a company post (甲乙科技总经理 -> 甲乙科技); then the short forms the
    document uses for its zones (航空港实验区 of 郑州航空港实验区)."""
    found: list[Span] = []
    kinds = ctx.memo.setdefault("zone_kinds", {})  # sid -> where zone kinds of 3+ characters start (lists.py)
    info = ctx.affixes.suffix_info
    for sid, sent in enumerate(ctx.doc.sentences):
        zones: dict[int, Span] = {}   # zones of this sentence so far, by where they end
        for suffix, s, e in ctx.affixes.suffixes.find(ctx.text, sent.start, sent.end):
            if len(suffix) >= 3 and info[suffix][0] == "Zone":
                kinds.setdefault(sid, []).append(s)
            span = _suffix_span(ctx, sid, suffix, s, e, zones)
            if span is not None:
                if span.type == "Zone":
                    zones[span.end] = span
                found.append(span)
        for title, s, _e in ctx.affixes.posts.find(ctx.text, sent.start, sent.end):
            if ctx.lex.posts.get(title) == "enterprise":
                span = _firm_before_post(ctx, sid, s)
                if span is not None:
                    found.append(span)
    yield from found
    yield from _zone_short_forms(ctx, [z for z in found if z.type == "Zone"])


POST_FIRM_RULE = "suffix.post_firm"


def _firm_before_post(ctx: Context, sid: int, s: int) -> Span | None:
    """The firm a company post belongs to, written right before it from the start of a clause or
    list item (,青海某某光伏总经理宋某): a name-like stem of 3-10 characters that is no known body or
    place and not a company named with its legal form (the suffix rule's), nor a person (张某总经理)."""
    text, lex = ctx.text, ctx.lex
    start = ctx.extend_left(sid, s, company=True)
    qualifier = next((q for q in lex.words("firm_post_qualifier") if text.endswith(q, start, s)), "")
    s -= len(qualifier)   # 华为高级副总裁: 高级 belongs to the post
    stem = text[start:s]
    sent = ctx.doc.sentences[sid]
    if not 3 <= len(stem) <= 10 or (start > sent.start and text[start - 1] not in lex.words("post_firm_edge")):
        return None
    if stem.endswith(ctx.affixes.known_complete) or generic_stem(lex, stem) or lex.is_generic(stem):
        return None
    if stem[0] in lex.surnames and len(stem) <= 3:
        return None
    if any(g.end == s and g.type in ("Region", "Zone", "Organization") for g in ctx.gaz_spans(sid)):
        return None
    if not strong_stem(ctx, sid, start, s):
        return None
    return Span(start, s, stem, "Enterprise", POST_FIRM_RULE, priority=12, sid=sid)


def _zone_short_forms(ctx: Context, zones: list[Span]) -> Iterator[Span]:
    """A zone named with its place or parent zone (临沂临港经济区, 合肥滨湖新区生命健康谷) is the
    same zone where the document writes it without them (临港经济区, 生命健康谷); resolution joins
    the short form to the full name."""
    shorts: dict[str, str] = {}
    for z in zones:
        rest = zone_rest(ctx.lex, z.name)
        if rest != z.name and named_rest(ctx.lex, rest, _without_kind(ctx, rest)):
            shorts.setdefault(rest, z.name)
    if not shorts:
        return
    from .match import Gazetteer

    gaz = Gazetteer(shorts, "nfa")
    for sid, sent in enumerate(ctx.doc.sentences):
        for surface, s, e in gaz.find(ctx.text, sent.start, sent.end):
            if word_edge(ctx, sid, s) and not any(
                    g.start < s < g.end for g in ctx.gaz_spans(sid) if g.type in ("Region", "Zone")):
                yield Span(s, e, surface, "Zone", "suffix.zone_short", priority=8, sid=sid)


def zone_rest(lex, name: str) -> str:
    """A zone's name without the places and the parent zone it opens with (浙江省临平高新技术产业开发区
    -> 临平高新技术产业开发区, 江夏区金口街道星辰产业园 -> 星辰产业园, 合肥滨湖新区生命健康谷 -> 生命健康谷)."""
    rest = name
    for _ in range(3):
        m = lex.pattern("zone.place_lead").match(rest)
        head = next((rest[:k] for k in range(min(len(rest) - 2, 9), 1, -1)
                     if (en := lex.lookup(rest[:k])) is not None and en.type in ("Region", "Zone")), None)
        if head is None and m and len(rest) - m.end() >= 4:
            head = m.group()
        if head is None or len(rest) - len(head) < 3 or not _is_name_char(rest[len(head)]):
            break
        rest = rest[len(head):]
    return rest


def named_rest(lex, rest: str, stem: str) -> bool:
    """A zone's name without its places still names it: four or more characters and a stem that
    is no generic word and no industry (not 人工智能产业园 of 东湖南区人工智能产业园: a kind of park)."""
    tail = next((t for t in lex.words("industry_tail") if stem.endswith(t) and len(stem) > len(t)), "")
    return len(rest) >= 4 and len(stem) >= 2 and not generic_stem(lex, stem) and lex.lookup(stem) is None and (
        not tail or lex.lookup(stem[:-len(tail)]) is None)


def _without_kind(ctx: Context, name: str) -> str:
    """The name without the zone-kind suffix it ends in."""
    kind = max((k for k in zone_words(ctx).kinds if name.endswith(k)), key=len, default="")
    return name[:len(name) - len(kind)]


def _suffix_span(ctx: Context, sid: int, suffix: str, s: int, e: int, zones: dict) -> Span | None:
    """The name that ends in the suffix found at text[s:e], if it is one."""
    lex, text = ctx.lex, ctx.text
    sent = ctx.doc.sentences[sid]
    etype, strong, prio = ctx.affixes.suffix_info[suffix]
    inside = ctx.token_at(sid, e)
    if inside is not None and inside[1] != e and not ctx.affixes.posts.find(text, e, min(sent.end, e + 6))[:1]:
        return None  # the suffix runs on into a longer word (集团化, 公司法)
    early = _part_or_quoted(ctx, sid, suffix, s, e, zones)
    if early is not None:
        return early or None
    start = _after_zone(ctx, sid, ctx.extend_left(sid, s, company=etype == "Enterprise"), s, zones)
    if etype == "Project":
        start = _over_conjunction(ctx, sid, _into_token(ctx, sid, start, s))
    if suffix.endswith(ctx.affixes.any_name_forms) and start < s:
        start = _legal_name_start(ctx, sid, start)
    if suffix in ctx.affixes.business_units:
        return _business_unit(ctx, sid, start, s, e)
    return _stem_name(ctx, sid, suffix, start, s, e)


def _stem_name(ctx: Context, sid: int, suffix: str, start: int, s: int, e: int) -> Span | None:
    """text[start:e] as a name ending in the suffix at text[s:e], unless the stem is generic, not
    name-like enough for the suffix, or the suffix opens a post title (局长)."""
    lex, text = ctx.lex, ctx.text
    sent = ctx.doc.sentences[sid]
    etype, strong, prio = ctx.affixes.suffix_info[suffix]
    if text.endswith(lex.words("suffix_word"), 0, e):
        return None   # 新格局, 大局: an ordinary word that ends like a name
    if suffix in lex.words("place_body") and after_place(ctx, sid, s, e) != "Zone":
        return None   # a division's government is bodies.py's; 数字政府, 代表市政府 are none
    stem = text[start:s]
    if not stem and suffix in ctx.affixes.bare_zones:
        return Span(s, e, suffix, etype, "suffix.bare_zone", priority=prio, sid=sid)
    if generic_stem(lex, stem) or (len(suffix) == 1 and stem.isdigit()):
        return None
    if not _stem_fits(ctx, sid, suffix, etype, start, s):
        return None
    if not suffix.endswith(ctx.affixes.any_name_forms) and any(
            ps < e and s < pe and pe > e for _, ps, pe in ctx.affixes.posts.find(text, s, min(sent.end, e + 4))):
        return None  # 局 of 局长: a post title, not a name (but 有限公司长沙: no 司长)
    if not strong and not _weak_suffix_fits(ctx, sid, s, stem):
        return None
    if etype in ("Zone", "Project"):
        return _zone_or_project(ctx, sid, etype, start, s, e, prio)
    name = text[start:e]
    if lex.is_generic(name) or name in lex.suppressed or (len(suffix) == 1 and name[-2:] in lex.generic_names):
        return None
    return Span(start, e, name, etype, f"suffix.{etype.lower()}", priority=prio, sid=sid)


LISTED_HEAD_REACH = 8   # how far left of a unit's name a listed company that opens it may start


def _business_unit(ctx: Context, sid: int, start: int, s: int, e: int) -> Span | None:
    """A company's unit (比亚迪华南运营中心, X股份有限公司株洲智能工厂, X公司Y分公司): an
    Enterprise when the name opens with a listed company or holds a company named in full; else no
    name (政务服务中心, 智慧工厂)."""
    text = ctx.text
    lo = max(ctx.doc.sentences[sid].start, start - LISTED_HEAD_REACH)
    for surface, hs, he in ctx.affixes.known.find(text, lo, start):
        if he == start and getattr(ctx.lex.known_entry(surface), "type", "") == "Enterprise":
            start = hs   # a listed company the walk stopped at (日立 is an adjective to jieba)
    if not unit_of_company(ctx, sid, start, s, e):
        return None
    return Span(start, e, text[start:e], "Enterprise", "suffix.business_unit", priority=ctx.affixes.suffix_info[text[s:e]][2],
                sid=sid)


def after_place(ctx: Context, sid: int, s: int, e: int) -> str:
    """The type of the division or zone that ends right before text[s:e] ("Region", "Zone"), or ""
    when there is none or a title word follows (政府工作报告)."""
    if ctx.text.startswith(ctx.lex.words("body_not_before"), e):
        return ""
    places = ctx.gaz_spans(sid) + [k for k in known_spans(ctx, sid) if k.type == "Region"]
    return next((g.type for g in places if g.end == s and g.type in ("Region", "Zone")), "")


LEGAL_NAME_REACH = 3   # how many more characters a registered name may take in before a function word


def _legal_name_start(ctx: Context, sid: int, start: int) -> int:
    """A registered company name (…有限公司) runs on over characters jieba reads as verbs (振飞通用
    of 投资方为振飞通用航空服务有限公司) up to a function word or punctuation close before where the walk
    stopped; without one so close, where the walk stopped."""
    text = ctx.text
    lo = max(ctx.doc.sentences[sid].start, start - LEGAL_NAME_REACH - 1)
    for i in range(start - 1, lo - 1, -1):
        ch = text[i]
        if ch in ctx.affixes.function_words or ch in ctx.affixes.lead_preps or not _is_name_char(ch):
            return i + 1 if i + 1 < start and not ctx._stops_name(text[i + 1:start], "") else start
    return start


def unit_of_company(ctx: Context, sid: int, start: int, s: int, e: int) -> bool:
    """text[start:e], ending in the unit suffix text[s:e], opens with a listed company or holds a
    company named in full."""
    stem = Span(start, e, ctx.text[start:e], "Enterprise", "", sid=sid)
    return known_head(ctx, stem) is not None or ctx.lex.pattern("company.inner_form").search(ctx.text, start, s) is not None


def _part_or_quoted(ctx: Context, sid: int, suffix: str, s: int, e: int, zones: dict):
    """The span of a zone part (赣江新区经开组团) or of a quoted name (“X”项目); False when the
    suffix is a part's kind that makes no zone (片区, 组团, “X之谷”); None: neither, go on."""
    etype, _, prio = ctx.affixes.suffix_info[suffix]
    if etype == "Zone" and suffix.endswith(zone_words(ctx).parts):
        part = _zone_part(ctx, sid, suffix, s, e, zones)
        if part is not None or suffix in zone_words(ctx).parts:
            return part or False
    if ctx.text[e:e + 1] in ("”", '"'):
        return _quoted_name(ctx, sid, s, e, etype, prio)
    return None


def _after_zone(ctx: Context, sid: int, start: int, s: int, zones: dict) -> int:
    """A name whose leftward walk stopped at the end of (or inside) a zone found just before it
    goes on over the zone (中共临港新区东区组团|工作委员会: 组团 is also a verb)."""
    for zone in zones.values():
        if zone.start < start <= zone.end <= s:
            return min(zone.start, ctx.extend_left(sid, zone.start))
    return start


def _into_token(ctx: Context, sid: int, start: int, s: int) -> int:
    """A project suffix glued into one word with what precedes it (配套建设|项目 read as 建设项目):
    the name goes on left of that word."""
    tok = token_covering(ctx, sid, s) if start == s else None
    tok = tok if tok is not None and tok[0] < s else None
    if tok is None or s - tok[0] < 2:
        return start
    return ctx.extend_left(sid, tok[0]) if ctx.extend_left(sid, tok[0]) < tok[0] else start


def _over_conjunction(ctx: Context, sid: int, start: int) -> int:
    """`A生产线及B项目`: a project name goes on over 及/和/与 when a facility word ends the part
    before it (年产10万吨电池材料生产线及码头建设项目)."""
    text = ctx.text
    conj = next((w for w in ctx.lex.words("conjunction") if text.endswith(w, 0, start)), None)
    if conj is None:
        return start
    before = start - len(conj)
    if not text.endswith(ctx.lex.words("project_item_end"), 0, before):
        return start
    left = ctx.extend_left(sid, before)
    return left if before - left >= 3 else start


def _inner_kinds(ctx: Context, start: int, s: int) -> list[tuple[int, int, bool]]:
    """Zone-kind suffixes (新区, 自贸试验区, 示范区) inside text[start:s]: (start, end, honorary)."""
    words = zone_words(ctx)
    return [(ks, ke, suf in words.honours) for suf, ks, ke in ctx.affixes.suffixes.find(ctx.text, start, s)
            if suf in words.kinds]


def _begins_with_place(ctx: Context, sid: int, pos: int) -> bool:
    """A known region or zone name starts at pos (a new name starts there)."""
    return any(g.start == pos and g.type in ("Region", "Zone") for g in ctx.gaz_spans(sid))


def _zone_start(ctx: Context, sid: int, etype: str, start: int, s: int) -> int | None:
    """Where a zone or project name that ends at s really starts: after a glued honorary title
    or another zone name when a place opens a new name (…合作示范区|浙江自贸试验区); None when
    the name is a zone kind plus a generic word (…示范区|特色产业园, …产业园|园区): the name is
    the inner zone, found by its own suffix."""
    text = ctx.text
    for _ks, ke, honour in reversed(_inner_kinds(ctx, start, s)):
        if etype == "Zone" and generic_stem(ctx.lex, text[ke:s]):
            return None
        if honour or _begins_with_place(ctx, sid, ke):
            return ke
    lo = max(ctx.doc.sentences[sid].start, start - 4)  # a title may end inside the stem (示范|基地X)
    title = max((m.end() for m in zone_words(ctx).honour_rx.finditer(text, lo, s)), default=-1)
    if title > start and s - title >= 2 and not generic_stem(ctx.lex, text[title:s]):
        return title  # …绿色能源示范基地|晶曜2GW…制造基地: a title before the name
    if etype == "Zone":
        for g in ctx.gaz_spans(sid):
            if start < g.start < s and g.type == "Region" and any(
                    t[3] in ("v", "vn") for t in tokens_in(ctx, sid, start, g.start)):
                return g.start  # 长岳合作|湖南…产业园: a verb before a place, the name starts at the place
    return start


def _zone_or_project(ctx: Context, sid: int, etype: str, start: int, s: int, e: int, prio: int) -> Span | None:
    """A zone or project name: not a title given to a place (获评…示范基地), not a zone kind plus
    a generic word, not opened by a party prefix or a pronoun (中共, 这是)."""
    lex, text = ctx.lex, ctx.text
    sent = ctx.doc.sentences[sid]
    start = _zone_start(ctx, sid, etype, start, s)
    if start is None:
        return None
    words = zone_words(ctx)
    lead = next((w for w in words.not_lead if text.startswith(w, start)), None)
    if lead and s - start - len(lead) >= 2:
        start += len(lead)
    if lex.pattern("suffix.honour").search(text[max(sent.start, start - 12):start]):
        return None  # 获评国家级新型工业化产业示范基地: a title, not a zone
    if etype == "Zone" and _aimed_title(ctx, sid, start, s, e):
        return None
    stem, name = text[start:s], text[start:e]
    if generic_stem(lex, stem) or lex.is_generic(name) or name in lex.suppressed:
        return None
    if etype == "Project" and not project_name(ctx, sid, start, s):
        return None
    return Span(start, e, name, etype, f"suffix.{etype.lower()}", priority=prio, sid=sid)


def _aimed_title(ctx: Context, sid: int, start: int, s: int, e: int) -> bool:
    """A title kind (示范区, 试验区, 先行区) that a place is to become (打造X全面合作示范区) or that
    is written before a zone's name (X示范区|浙江自贸试验区): a title, not a zone. A title named
    by its place alone (洛阳示范区) is a zone."""
    text = ctx.text
    if not text.endswith(zone_words(ctx).honours, s, e) or e - s not in {len(w) for w in zone_words(ctx).honours}:
        return False
    if any(g.start == start and g.end == s and g.type == "Region" for g in ctx.gaz_spans(sid)):
        return False
    sent = ctx.doc.sentences[sid]
    return bool(ctx.lex.pattern("zone.aim").search(text, max(sent.start, start - 6), start)) or _begins_with_place(ctx, sid, e)


def _zone_part(ctx: Context, sid: int, suffix: str, s: int, e: int, zones: dict) -> Span | None:
    """A named part of a zone or region (赣江新区经开组团, 湖南自贸区长沙片区, 江北新区生物医药谷):
    the zone or region it is a part of ends at most ten name characters before the suffix, and the
    name starts with it. `A片区和B片区`: B片区 is a part of A's zone too (canonical 湖南自贸区B片区)."""
    text, lex = ctx.text, ctx.lex
    suffix = max((w for w in zone_words(ctx).parts if suffix.endswith(w)), key=len)
    s = e - len(suffix)  # 药谷 of 生物医药谷: the part's kind is 谷
    if not word_edge(ctx, sid, s):
        return None  # the tail of a word (光谷, 之谷, 低谷), not a part's kind
    parent = _parent_before(ctx, sid, s, zones)
    if parent is None:
        return None
    start = parent[0]
    if parent[2] == "Zone" and parent[1] == s:
        return None  # 赣江新区组团: the parts of a zone, no part's name
    name = text[start:e]
    if e - start - len(suffix) < 2 or lex.is_generic(name) or name in lex.suppressed:
        return None
    canonical = ""
    joint = next((w for w in ("、",) + lex.words("conjunction") if text.endswith(w, 0, start)), "")
    sibling = zones.get(start - len(joint)) if joint else None
    if sibling is not None and parent[2] == "Region" and sibling.rule == "suffix.zone_part" and sibling.name.endswith(suffix):
        outer = _parent_before(ctx, sid, sibling.end - len(suffix), zones, floor=sibling.start)
        if outer is not None and outer[2] == "Zone":
            canonical = text[outer[0]:outer[1]] + name
    return Span(start, e, name, "Zone", "suffix.zone_part", priority=ctx.affixes.suffix_info[suffix][2] + 2,
                canonical=canonical, sid=sid)


def _parent_before(ctx: Context, sid: int, s: int, zones: dict, floor: int | None = None):
    """The zone or region that a zone part ending at s is named after: (start, end, type); a zone
    before a region (湖南自贸区 of 湖南自贸区长沙片区), else the one ending nearest before s, with at
    most ten name characters between it and s (no function word: 开发区的东片区 is no name)."""
    text = ctx.text
    lo = max(ctx.doc.sentences[sid].start, s - 10 if floor is None else floor)
    found = [(z.start, z.end, "Zone") for z in zones.values() if lo <= z.end <= s]
    found += [(g.start, g.end, g.type) for g in ctx.gaz_spans(sid) if g.type in ("Region", "Zone") and lo <= g.end <= s]
    found = [f for f in found if f[0] >= (floor or 0) and _name_gap(ctx, sid, f[1], s)]
    if not found:
        return None
    return min(found, key=lambda f: (f[2] != "Zone", s - f[1], f[0]))


def _name_gap(ctx: Context, sid: int, a: int, b: int) -> bool:
    """text[a:b] may stand inside a name: name characters, no function word or particle."""
    if not all(_is_name_char(c) for c in ctx.text[a:b]):
        return False
    return not any(ctx._stops_name(t[2], t[3]) for t in tokens_in(ctx, sid, a, b))


def _quoted_name(ctx: Context, sid: int, s: int, e: int, etype: str, prio: int) -> Span | None:
    """`“X”` + suffix + closing quote: the quoted name, unless it is an honour (荣获“X示范基地”)."""
    lex, text = ctx.lex, ctx.text
    sent = ctx.doc.sentences[sid]
    q = max(text.rfind("“", sent.start, s), text.rfind('"', sent.start, s))
    honour = lex.pattern("suffix.honour").search(text[max(sent.start, q - 12):q])
    if q >= 0 and s - q <= 14 and not honour and not any(c in text[q + 1:s] for c in "“”\",。、"):
        name = text[q + 1:e]
        if etype == "Project" and not project_name(ctx, sid, q + 1, s):
            return None  # “头号工程”
        if not generic_stem(lex, text[q + 1:s]) and not lex.is_generic(name):
            return Span(q + 1, e, name, etype, f"suffix.{etype.lower()}.quoted", priority=prio + 5, sid=sid)
    return None


def _stem_fits(ctx: Context, sid: int, suffix: str, etype: str, start: int, s: int) -> bool:
    """A zone, project, body or company needs a name-like stem, except after a legal form that
    makes any name a company (三一重工股份有限公司) and before a strong body suffix."""
    # 有限公司 is a legal form: any name before it (三一重工股份有限公司) is a company
    legal_form = etype == "Enterprise" and suffix.endswith(ctx.affixes.any_name_forms) and s - start >= 2
    if etype in ("Zone", "Project", "Organization", "Enterprise") and not legal_form and not strong_stem(ctx, sid, start, s):
        if etype != "Organization" or suffix in ctx.affixes.weak_org:
            return False
    return True


def _weak_suffix_fits(ctx: Context, sid: int, s: int, stem: str) -> bool:
    """A weak suffix (科技, 中心) counts only after a proper-name-like token, not as a word's tail."""
    inside = token_covering(ctx, sid, s)
    before = ctx.token_at(sid, s)
    if inside is not None and inside[0] < s and inside[3] not in PROPER_POS:
        return False  # the suffix is the tail of an ordinary word (格局, 布局, 工厂)
    lo = s - len(stem)
    while before is not None and before[0] > lo and before[2] in ctx.lex.generic_modifiers:
        before = ctx.token_at(sid, before[0])   # 卡赫全球研发中心: the name before 全球, 国际
    return "×" in stem or (before is not None and before[3] in PROPER_POS)


def zones_inside(ctx: Context, span: Span) -> Iterator[Span]:
    """Zones named inside a kept name: the zone of a zone's own body (洛阳示范区|管委会, 中共西宁空港
    经济区|工作委员会) and the zone a named part belongs to (兰州新区|秦川片区)."""
    text, lex = ctx.text, ctx.lex
    if span.type == "Organization":
        body = next((w for w in lex.words("zone_body") if span.text.endswith(w)), None)
        if body is None:
            return
        start, end = span.start, span.end - len(body)
        lead = next((w for w in zone_words(ctx).not_lead if text.startswith(w, start)), None)
        if lead:
            start += len(lead)
        found = _zone_or_project(ctx, span.sid, "Zone", start, _kind_start(ctx, start, end), end, 10) \
            if _kind_start(ctx, start, end) is not None else None
        if found is not None and found.start == start:
            yield Span(found.start, found.end, found.text, "Zone", "nested.body_zone", 10, sid=span.sid)
    elif span.type == "Zone" and span.rule == "suffix.zone_part":
        inner = [k for k in _inner_kinds(ctx, span.start, span.end) if k[1] < span.end]
        gaz = [g for g in ctx.gaz_spans(span.sid) if g.type == "Zone" and g.start == span.start and g.end < span.end]
        if gaz:
            g = max(gaz, key=lambda g: g.end)
            yield Span(g.start, g.end, g.text, "Zone", "nested.zone_parent", 10, g.canonical, span.sid)
        elif inner and strong_stem(ctx, span.sid, span.start, inner[-1][0]):
            yield Span(span.start, inner[-1][1], text[span.start:inner[-1][1]], "Zone", "nested.zone_parent", 10,
                       sid=span.sid)


def _kind_start(ctx: Context, start: int, end: int) -> int | None:
    """Where the zone-kind suffix that ends text[start:end] begins (None: it ends in none)."""
    ends = [k for k in _inner_kinds(ctx, start, end) if k[1] == end]
    return ends[-1][0] if ends else None


def project_name(ctx: Context, sid: int, start: int, s: int) -> bool:
    """The stem text[start:s] of a phrase ending in 项目/工程 names a project: it is no amount,
    batch or category (201亿元项目, 2017年第二批重点项目), no count (X两个园中园项目), no event
    (X文化节项目) and no part of another project (项目场平工程)."""
    stem = ctx.text[start:s]
    return not (project_category(ctx, sid, start, s) or ctx.lex.pattern("project.count").search(stem)
                or ctx.lex.pattern("project.not_name").search(stem))


def project_category(ctx: Context, sid: int, s: int, e: int, industries: bool = False) -> bool:
    """A phrase that counts or sorts projects rather than naming one: places, years, batches,
    amounts and category words only (2024年第三批重点, 86亿元, 长沙市招商引资暨重点); with
    `industries`, industry words too (the 新能源装备 of 5个新能源装备项目)."""
    lex, text = ctx.lex, ctx.text
    if s == e:
        return True
    pos = s
    for g in sorted(ctx.gaz_spans(sid), key=lambda g: g.start):
        if g.start == pos and g.end <= e and g.type in ("Region", "Zone"):
            pos = g.end
    kinds = _inner_kinds(ctx, pos, e)
    if kinds and _name_gap(ctx, sid, pos, kinds[-1][0]) and lex.pattern("project.batch_lead").match(text, kinds[-1][1], e):
        pos = kinds[-1][1]  # a zone's name opening a batch (临沂临港经济区|2024年第三批)
    m = lex.pattern("project.batch_lead").match(text, pos, e)
    if m:
        pos = m.end()
    rest = text[pos:e]
    for g in ctx.gaz_spans(sid) if industries else ():
        if g.type == "Industry" and pos <= g.start and g.end <= e:
            rest = rest.replace(g.text, "")
    return generic_stem(lex, zone_words(ctx).categories.sub("", rest))
