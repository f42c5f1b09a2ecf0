"""Industries: when an industry word is used as one, and `X产业`/`X行业` noun phrases."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import PUNCT, Context, clause_start
from .stems import generic_stem, token_covering, word_edge


def _glued_left(ctx: Context, sid: int, span: Span) -> bool:
    """The word before the hit is a noun it belongs to (科技|保险, 民俗|文化, 生态|环保)."""
    if ctx.text[span.start - 1:span.start] in ("、", ",", ";", ":", "“", "(", "") or span.start == ctx.doc.sentences[sid].start:
        return False
    prev = ctx.token_at(sid, span.start)
    if prev is None or prev[1] != span.start:
        return True  # the hit starts inside a word
    return prev[3] in {"n", "nz", "ns", "nr", "j", "oov", "zg", "an", "b", "a"}


def industry_context(ctx: Context, sid: int, span: Span) -> str:
    """'' when an industry word is used as an ordinary word; else why it counts as an industry:
    a list of industries (with at least one specific, 3+ character member), an industry head
    after it (产业, 企业, 等), or a development verb near it (发展, 培育, 壮大)."""
    text, lex = ctx.text, ctx.lex
    sent = ctx.doc.sentences[sid]
    after = text[span.end:span.end + 4]
    if after.startswith(lex.words("industry_not_after")) or not _on_word_edge(ctx, sid, span):
        return ""
    if text[span.start - 1:span.start] in ("“", '"') and not lex.pattern("industry.quoted_ok").match(after):
        return ""  # part of a quoted title (“西部航空货运枢纽”)
    glued = _glued_left(ctx, sid, span)
    if after.startswith(lex.words("industry_after")) and not glued:
        return "head"
    clause_s = clause_start(text, sent.start, span.start)
    clause_e = min([i for i in (text.find(p, span.end, sent.end) for p in ",;:") if i >= 0] + [sent.end])
    before = text[max(clause_s, span.start - 10):span.start]
    behind = text[span.end:min(clause_e, span.end + 6)]
    if ctx.affixes.develop_rx.search(before) or ctx.affixes.develop_after_rx.match(behind):
        return "trigger"
    if text[span.start - 1:span.start] in lex.words("enum_etc") and _list_verdict(ctx, sid, clause_s, span.start - 1):
        return "list"   # the industry that heads a list of its kinds (A、B等大宗商品贸易)
    if (text[span.start - 1:span.start] == "、" or after[:1] == "、") and not glued and (
            after[:1] in ctx.affixes.industry_list_next or after.startswith(lex.words("industry_after"))):
        return _list_verdict(ctx, sid, clause_s, clause_e)
    return _pair_verdict(ctx, sid, span)


def _on_word_edge(ctx: Context, sid: int, span: Span) -> bool:
    """The hit ends where a word does, or inside a word that goes on with an industry's tail
    (制造|业), and when it starts inside a word it ends with one (not 化工 of 常态化|工作)."""
    end = token_covering(ctx, sid, span.end)
    if end is None or end[0] == span.end:
        return True
    rest = ctx.text[span.end:end[1]]
    tails = ctx.lex.words("industry_word_end") + ctx.lex.words("industry_tail")
    return word_edge(ctx, sid, span.start) and (rest in tails or rest.startswith(tails))


def _list_verdict(ctx: Context, sid: int, clause_s: int, clause_e: int) -> str:
    """An industry word in a 、 list counts when the list has a specific (3+ character) member or
    ends in an industry head (、和及与等 产业)."""
    run = [g for g in ctx.gaz_spans(sid) if g.type == "Industry" and clause_s <= g.start and g.end <= clause_e]
    if any(g.end - g.start >= 3 for g in run):
        return "list"
    tail = ctx.text[max(g.end for g in run):clause_e] if run else ""
    if ctx.lex.pattern("industry.list_tail").match(tail):
        return "list"
    return ""


def _pair_verdict(ctx: Context, sid: int, span: Span) -> str:
    """An industry word joined to another by a conjunction (A和B) counts."""
    text, joins = ctx.text, ctx.lex.words("conjunction")
    for other in ctx.gaz_spans(sid):
        if other is not span and other.type == "Industry" and (
                text[other.end:span.start] in joins or text[span.end:other.start] in joins):
            return "pair"
    return ""


def _phrase_bounds(ctx: Context, s: int, e: int) -> tuple[int, int]:
    """An industry phrase without its tail (产业, 领域), scale (千亿级), qualifiers (三大主导, 国家级),
    the verb of its clause (大力发展) and quote marks."""
    text, lex = ctx.text, ctx.lex
    for tail in lex.words("industry_tail"):
        if text.endswith(tail, s, e) and e - len(tail) - s >= 2:
            e -= len(tail)
            break
    m = lex.pattern("industry.scale").search(text[s:e])
    if m:
        e = s + m.start()
    m = lex.pattern("industry.qualifier_tail").search(text[s:e])
    if m and m.start() >= 2:
        e = s + m.start()
    m = lex.pattern("industry.count").search(text[s:e])
    if m:
        e = s + m.start()
    m = lex.pattern("industry.qualifier_head").match(text[s:e])
    if m and e - s - m.end() >= 2:
        s += m.end()
    s = _without_lead_verb(ctx, _without_place(ctx, _without_lead_verb(ctx, s, e), e), e)
    m = lex.pattern("industry.frame_tail").search(text, s, e)
    if m and m.start() - s >= 2:
        e = m.start()  # 公共安全为引领: the frame is not part of the industry
    while s < e and text[s] in "“\"":
        s += 1
    while e > s and text[e - 1] in "”\"":
        e -= 1
    return s, e


def _without_lead_verb(ctx: Context, s: int, e: int) -> int:
    """大力发展人工智能, 共谋清洁能源: the verb of the clause is not part of the industry."""
    rx = getattr(ctx.affixes, "_lead_verb_rx", None)
    if rx is None:  # one pattern over the lead verbs, longest first (built once per lexicon)
        rx = ctx.affixes._lead_verb_rx = re.compile("|".join(map(re.escape, ctx.affixes.lead_verbs)) or "(?!)")
    m = rx.match(ctx.text, s, e)
    return m.end() if m and e - m.end() >= 2 else s


def _without_place(ctx: Context, s: int, e: int) -> int:
    """An industry phrase without the places or zones that open it (江北新区|生物医药, 青海省|清洁能源):
    the place develops the industry, it is no part of its name."""
    text, lex = ctx.text, ctx.lex
    for _ in range(3):
        places = [m[2] - s for m in ctx.gazetteer.find(text, s, min(e - 2, s + 9))
                  if m[1] == s and getattr(lex.lookup(m[0]), "type", None) in ("Region", "Zone")]
        head = places[0] if places else None
        if head is None:
            kinds = [m for m in ctx.affixes.suffixes.find(text, s, e) if ctx.affixes.suffix_info[m[0]][0] == "Zone"]
            head = kinds[0][2] - s if kinds and e - kinds[0][2] >= 2 else None
        if head is None:
            break
        s += head
    return s


def _known_industry(lex, name: str):
    """The lexicon entry of an industry phrase, also without a last 业 (物流业 -> 物流)."""
    entry = lex.lookup(name)
    if entry is None and name.endswith(lex.words("industry_word_end")) and lex.lookup(name[:-1]) is not None:
        entry = lex.lookup(name[:-1])
    m = lex.pattern("industry.alias_qualifier").match(name) if entry is None else None
    if m and len(name) - m.end() >= 2:
        entry = _known_industry(lex, name[m.end():])  # 国际航运, 先进光伏: the base industry
    return entry if entry is None or entry.type == "Industry" or m is None else None


def known_industry(lex, name: str):
    """The industry entry a phrase names (物流业 -> 物流, 国际贸易 -> 贸易), or None."""
    entry = _known_industry(lex, name)
    return entry if entry is not None and entry.type == "Industry" else None


def industry_items(ctx: Context, sid: int, s: int, e: int, rule: str, allow_unknown: bool = True) -> Iterator[Span]:
    """An industry phrase -> industry spans: known terms, compounds of known terms
    (新能源新材料 -> 新能源, 新材料), or the phrase itself without scale words and tails."""
    lex = ctx.lex
    s, e = _phrase_bounds(ctx, s, e)
    if e - s < 2:
        return
    name = ctx.text[s:e]
    entry = _known_industry(lex, name)
    listed = rule.startswith("enum.") and entry is not None and entry.type == "Industry" and entry.name == name
    if (name in lex.abstract or lex.is_generic(name) or name in lex.suppressed) and not listed:
        return  # (能源 is a word of aims too, but an industry as an item of `A、B等领域`)
    if entry is not None:  # a known industry, even one that is also a generic word of names (金融)
        if entry.type == "Industry":
            yield Span(s, e, name, "Industry", rule, priority=20, canonical=entry.name, sid=sid)
        return
    if generic_stem(lex, name):
        return
    parts = _coordinated(ctx, s, e)
    if parts:
        yield from _coordinated_items(ctx, sid, parts, rule, allow_unknown)
        return
    found = _composed_industry(ctx, sid, s, e, name, rule)
    if found:
        yield from found
        return
    if e - s > 10 or any(ch in PUNCT for ch in name):
        return
    if not name.endswith(ctx.affixes.industry_heads) and (
            not allow_unknown or len(name) < 3 or name.endswith(lex.words("industry_not_end"))):
        return  # 港澳合作, 基础设施建设, 工商: list items that name no industry
    yield Span(s, e, name, "Industry", rule, priority=16, sid=sid)


def _coordinated(ctx: Context, s: int, e: int) -> list[tuple[int, int]]:
    """`A及B`, `A与B`, `A和B` with two sides of two or more characters each: the sides; []
    if the phrase is no such pair."""
    m = ctx.lex.pattern("industry.coordination").search(ctx.text, s + 2, e - 2)
    if m is None or any(generic_stem(ctx.lex, ctx.text[a:b]) for a, b in ((s, m.start()), (m.end(), e))):
        return []  # 5G设备及应用: 应用 is no industry of its own
    return [(s, m.start()), (m.end(), e)]


def _coordinated_items(ctx: Context, sid: int, parts: list, rule: str, allow_unknown: bool) -> Iterator[Span]:
    """The industries of `A及B`: each side, and A with B's head when that names an industry
    (新能源及网联汽车 -> 新能源汽车, 网联汽车)."""
    (a_s, a_e), (b_s, b_e) = parts
    text, lex = ctx.text, ctx.lex
    head = next((h for h in sorted(ctx.affixes.industry_heads, key=len, reverse=True)
                 if text.endswith(h, b_s, b_e) and b_e - b_s > len(h)), "")
    shared = known_industry(lex, text[a_s:a_e] + head) if head else None
    if shared is not None and not text.endswith(head, a_s, a_e):
        yield Span(a_s, a_e, text[a_s:a_e], "Industry", rule + ".shared_head", priority=60,  # over the bare word
                   canonical=shared.name, sid=sid)
    else:
        yield from industry_items(ctx, sid, a_s, a_e, rule, allow_unknown)
    yield from industry_items(ctx, sid, b_s, b_e, rule, allow_unknown)


def _composed_industry(ctx: Context, sid: int, s: int, e: int, name: str, rule: str) -> list[Span]:
    """A known industry plus a generic rest (大数据信息 -> 大数据), or a compound of known
    industries covered end to end (新能源新材料 -> 新能源, 新材料); [] if neither."""
    lex, text = ctx.lex, ctx.text
    for h in ctx.gazetteer.find(text, s, e):
        en = lex.lookup(h[0])
        if en is not None and en.type == "Industry" and h[1] == s and text[h[2]:e] in lex.words("industry_generic_rest"):
            return [Span(s, e, name, "Industry", rule + ".head", priority=20, canonical=en.name, sid=sid)]
    hits = [h for h in ctx.gazetteer.find(text, s, e) if (en := lex.lookup(h[0])) and en.type == "Industry"]
    joins = ("",) + lex.words("conjunction")
    if hits and hits[0][1] == s and hits[-1][2] == e and all(text[a[2]:b[1]] in joins for a, b in zip(hits, hits[1:])):
        return [Span(hs, he, surface, "Industry", rule + ".split", priority=20, canonical=lex.lookup(surface).name, sid=sid)
                for surface, hs, he in hits]
    return []


def industry_spans(ctx: Context) -> Iterator[Span]:
    """`X产业` / `X行业` / `X领域` / `X产业集群`: the noun phrase X is an industry."""
    suffix = ctx.lex.pattern("industry.suffix")
    rule = ctx.lex.rule("industry.suffix")
    for sid, sent in enumerate(ctx.doc.sentences):
        for m in suffix.finditer(ctx.text, sent.start, sent.end):
            start = ctx.extend_left(sid, m.start(), max_chars=10)
            if start == m.start():
                continue
            yield from industry_items(ctx, sid, start, m.start(), rule, allow_unknown=False)
