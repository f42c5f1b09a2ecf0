"""Names of the big general lists (companies, universities, institutes) and county short forms,
each counted only where the text supports it.

The lists hold about 24,000 forms, many of them short (京东方, 中粮, 北大, 海淀), so a bare string
match is not enough: a form must stand on word boundaries (not 建发 inside 创建发展); a form that is
also an ordinary word or phrase (ambiguous_names.tsv: 美的, 国家电网, 清华) needs an entity word in
the same clause or a list of known names around it (triggers.tsv `name_context`); a county short
form (海淀, 扬中) needs the county, its city or its province named in the same document.
"""

from __future__ import annotations


from ..model import Span
from .context import Context, _is_name_char, clause_start

_MEMO = "known_spans"
# below every other rule: where an enumeration, a list or a suffix finds the same name, its rule id stays
LIST_PRIORITY = 9
CONTEXT_REACH = 6   # how far (characters, within the clause) an entity word may stand from an ambiguous form


def known_spans(ctx: Context, sid: int) -> list[Span]:
    """The list names and county short forms of sentence `sid` that their context supports
    (cached per document)."""
    memo = ctx.memo.setdefault(_MEMO, {})
    spans = memo.get(sid)
    if spans is None:
        spans = memo[sid] = _find(ctx, sid)
    return spans


def known_at(ctx: Context, sid: int, start: int, end: int) -> Span | None:
    """The span of `known_spans` that covers exactly text[start:end], if any."""
    memo = ctx.memo.setdefault(_MEMO + ".at", {})
    at = memo.get(sid)
    if at is None:
        at = memo[sid] = {(k.start, k.end): k for k in known_spans(ctx, sid)}
    return at.get((start, end))


def known_entry_of(ctx: Context, span: Span):
    """The list entry a kept company or school name stands for (None: not a list name): the entry
    of the same text that `known_spans` found, whatever rule kept the span, or for a company name
    with a legal form that the list does not give (宁德时代新能源科技有限公司), the entry of the
    name without it (宁德时代新能源科技), unless that is an ambiguous form."""
    if span.sid < 0 or span.type not in ("Enterprise", "Organization"):
        return None
    k = known_at(ctx, span.sid, span.start, span.end)
    if k is not None:
        return ctx.lex.known_entry(k.text)
    entry = ctx.lex.known_entry(span.text) if span.text not in ctx.lex.ambiguous else None
    if entry is not None and entry.type == span.type:
        return entry   # a full name, which the suffix rule found (…股份有限公司, …大学)
    if span.type == "Enterprise":
        core = ctx.lex.pattern("company.legal_form").sub("", span.text)
        entry = ctx.lex.known_entry(core) if core != span.text and core not in ctx.lex.ambiguous else None
        if entry is not None and entry.type == "Enterprise":
            return entry
    return None


KNOWN_RULE = "gazetteer.known"
KNOWN_HEAD_RULE = "nested.known_owner"
# the ambiguity reasons (ambiguous_names.tsv) of a brand that is also a word (日立, 美的, 华为): at the
# head of a longer name it is the brand; a place or phrase reading (智慧城市, 上海电气) is not taken there
BRAND_WORD = ("common_word", "frequent_name", "particle")


def _doc_hits(ctx: Context) -> dict[int, list]:
    """The list forms in the whole text, found in one pass and filed by sentence (a form across a
    sentence boundary is dropped)."""
    hits = ctx.memo.get(_MEMO + ".hits")
    if hits is None:
        hits = ctx.memo[_MEMO + ".hits"] = {}
        lex = ctx.lex
        for sid, found in ctx.hits_by_sentence(ctx.affixes.known.find(ctx.text)).items():
            for surface, s, e in found:
                entry = lex.known_entry(surface)
                if entry is not None and surface not in lex.suppressed:
                    hits.setdefault(sid, []).append((surface, s, e, entry))
    return hits


def _find(ctx: Context, sid: int) -> list[Span]:
    lex = ctx.lex
    hits = _doc_hits(ctx).get(sid, [])
    spans = []
    for surface, s, e, entry in hits:
        # the cheap tests first: the word edges need the sentence's tokens
        if entry.type == "Region":
            if _county_supported(ctx, entry, surface) and _on_word_edges(ctx, sid, s, e):
                spans.append(Span(s, e, surface, "Region", "gazetteer.county_short", priority=entry.priority,
                                  canonical=entry.name, sid=sid))
            continue
        rule = f"{KNOWN_RULE}.{entry.type.lower()}"
        if surface in lex.ambiguous:
            if not _context_supports(ctx, sid, s, e, entry.type, hits):
                continue
            rule += ".context"
        if _on_word_edges(ctx, sid, s, e):
            spans.append(Span(s, e, surface, entry.type, rule, priority=LIST_PRIORITY, sid=sid))
    return spans


def _on_word_edges(ctx: Context, sid: int, s: int, e: int) -> bool:
    """The form starts where a word starts and ends where a word ends (not 建发 inside 创建发展);
    a form that ends in its entity word (有限公司, 集团, 大学) may run on into more name. The
    sentence's tokens are read only where a name character touches the form."""
    text = ctx.text
    glued_left = s > ctx.doc.sentences[sid].start and _is_name_char(text[s - 1])
    glued_right = e < len(text) and _is_name_char(text[e]) and not text[s:e].endswith(ctx.affixes.known_complete)
    if glued_left and not ctx._token_aligned(sid, s):
        return False
    return not glued_right or ctx.token_end_at(sid, e)


def _context_supports(ctx: Context, sid: int, s: int, e: int, etype: str, hits: list) -> bool:
    """An ambiguous form (美的, 国家电网) counts with an entity word of its type close by in the same
    clause (与美的签约, 美的集团, 引进美的; 清华校友), or as an item of a 、 list that has an
    unambiguous known name of the same type."""
    text = ctx.text
    sent = ctx.doc.sentences[sid]
    lo = clause_start(text, sent.start, s)
    hi = min((i for i in (text.find(c, e, sent.end) for c in ",;:。") if i >= 0), default=sent.end)
    before = text[max(lo, s - CONTEXT_REACH):s].rpartition("、")[2]   # not from a neighbouring list item
    near = before + "|" + text[e:min(hi, e + CONTEXT_REACH)].partition("、")[0]
    if any(w in near for w in ctx.affixes.name_context.get(etype, ())):
        return True
    listed = text[s - 1:s] == "、" or text[e:e + 1] == "、"
    return listed and any(lo <= hs < hi and h != text[s:e] and h not in ctx.lex.ambiguous and en.type == etype
                          for h, hs, _he, en in hits)


def _county_supported(ctx: Context, entry, surface: str) -> bool:
    """A county short form names the county when the document also names the county in full,
    its city or its province (扬中 in a text that says 扬中市 or 镇江; 海淀 in a text about 北京); a
    short form that is also a frequent word (新建, 平原, 东湖) only when the county is named in full."""
    places = _places_named(ctx)
    if surface in ctx.lex.county_common:
        return entry.name in places
    return bool(_chain(ctx, entry.name) & places)


def county_name_supported(ctx: Context, name: str) -> bool:
    """A county name that is also an ordinary word (新城区 of 现代化新城区) names the county only where
    the document names its city or province."""
    return bool((_chain(ctx, name) - {name}) & _places_named(ctx))


def _chain(ctx: Context, name: str) -> set[str]:
    """A division and the divisions above it (of every division of that name: 新城区 is in 西安 and
    in 呼和浩特)."""
    chain, todo = set(), [name]
    while todo:
        name = todo.pop()
        if name and name not in chain:
            chain.add(name)
            todo.extend(ctx.lex.region_hosts.get(name, ()))
    return chain


def _places_named(ctx: Context) -> set[str]:
    """Full names of the regions the document names anywhere by a core-lexicon form (once per document)."""
    places = ctx.memo.get("known_places")
    if places is None:
        places = ctx.memo["known_places"] = {g.name for sid in range(len(ctx.doc.sentences))
                                             for g in ctx.gaz_spans(sid) if g.type == "Region"}
    return places


def known_head(ctx: Context, span: Span) -> Span | None:
    """A listed company at the head of a longer name (比亚迪 of 比亚迪新能源汽车研发总部, 华润 of
    华润(韶关乳源)云岭风电项目, 迈瑞医疗 after the place in 武汉迈瑞医疗研究院): the firm the project,
    facility, unit or subsidiary is named after. Being the head of a name is context enough for an
    ambiguous form (美的 of 美的智能家居体验中心)."""
    text, lex = ctx.text, ctx.lex
    starts = [span.start] + [g.end for g in ctx.gaz_spans(span.sid)   # or after a leading place
                             if g.start == span.start and g.type == "Region" and g.end < span.end]
    best = None
    for surface, s, e in (h for start in starts for h in ctx.affixes.known.find(text, start, span.end - 1)[:1]):
        entry = lex.known_entry(surface)
        if s not in starts or entry is None or entry.type != "Enterprise" or surface in lex.suppressed:
            continue
        if lex.pattern("company.form_only").match(text, e, span.end):
            return None   # the same company with its legal form (魏桥创业 of 魏桥创业集团)
        if surface in lex.ambiguous and not lex.ambiguous[surface].startswith(BRAND_WORD):
            continue      # a place or phrase reading (智慧城市 of 智慧城市运营中心)
        if e - s >= 2 and _on_word_edges(ctx, span.sid, s, e):
            best = Span(s, e, surface, "Enterprise", KNOWN_HEAD_RULE, priority=10, sid=span.sid)
    return best
