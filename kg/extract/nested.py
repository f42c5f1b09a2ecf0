"""Names inside kept names, and names repeated elsewhere in the same document."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import Context
from .match import Gazetteer, filter_spans
from .bodies import BODY_RULE, region_spans
from .context import PROPER_POS
from .known import known_head, known_spans
from .stems import entry_free, generic_stem, strong_stem
from .suffix import zones_inside

FIRM_TRADE_RULE = "nested.firm_trade"   # an industry read from a company's name (甲乙软件 -> 软件)


def settle_spans(ctx: Context, candidates: list[Span]) -> list[Span]:
    """The overlap policy (`match.filter_spans`) over the candidates, then the parts that a kept
    name is made of (`nested_spans`) and the names the document repeats (`repeated_names`)."""
    kept = filter_spans(candidates)
    nested = list(nested_spans(ctx, kept))
    kept = filter_spans(kept + list(repeated_names(ctx, kept + nested)))
    return sorted(kept + list(nested_spans(ctx, kept)), key=lambda s: (s.start, s.end, s.type))


def company_core(ctx: Context, name: str) -> str | None:
    """The short name a company goes by: its full name without the legal form, the place and
    the trade (兰州德晟源新技术有限责任公司 -> 德晟源, 禾润达(兰州)膜材料有限公司 -> 禾润达)."""
    core = ctx.lex.pattern("company.legal_form").sub("", name)
    if core == name:
        return None
    core = re.sub(r"\([^)]{1,8}\)", "", core)
    for _ in range(2):
        entry = ctx.lex.lookup(core[:3]) or ctx.lex.lookup(core[:2])
        head = core[:3] if ctx.lex.lookup(core[:3]) else core[:2]
        if entry is not None and entry.type == "Region" and len(core) - len(head) >= 2:
            core = core[len(head):]
    core = ctx.lex.pattern("company.trade").sub("", core)
    if len(core) < 2 or len(core) > 6 or generic_stem(ctx.lex, core) or ctx.lex.lookup(core) is not None:
        return None
    return core


def repeated_names(ctx: Context, kept: list[Span]) -> Iterator[Span]:
    """One sense per discourse: a name found once (by any rule) is the same entity wherever
    else the document writes it, even where no rule would have found it."""
    names: dict[str, str] = {}
    for span in kept:
        if span.type in ("Enterprise", "Organization", "Zone", "Project") and len(span.text) >= 2 and (
                not span.rule.startswith(("ref.", "gazetteer."))):
            names.setdefault(span.text, span.type)
    for span in kept:
        if span.type == "Enterprise":
            core = company_core(ctx, span.text)
            if core and core != span.text:
                names.setdefault(core, "Enterprise")
    if not names:
        return
    gaz = Gazetteer(names, "nfa")
    for sid, sent in enumerate(ctx.doc.sentences):
        for surface, s, e in gaz.find(ctx.text, sent.start, sent.end):
            if len(surface) <= 2 and not ctx._token_aligned(sid, s):
                continue
            yield Span(s, e, surface, names[surface], "doc.repeat", priority=5, sid=sid)


def nested_spans(ctx: Context, kept: list[Span]) -> Iterator[Span]:
    """Names inside names: the division a body is named after (西宁市政府 -> 西宁市), the owner of
    a project named `<company><industry|二期>`
    (华峰药业二期, 中科星源同位素项目), the industries a project or zone is named after, the
    listed company a project, zone, body or unit is named after (比亚迪新能源汽车研发总部 ->
    比亚迪), and the company named in full inside a longer name (临港新区城投集团数科公司 ->
    临港新区城投集团, 远航重工股份有限公司株洲智能工厂 -> 远航重工股份有限公司), and the zones
    inside the name of a body or zone."""
    firms = tuple({s.text for s in kept if s.type == "Enterprise" and not s.rule.startswith("nested.")})
    for span in kept:
        if span.type not in ("Project", "Zone", "Organization", "Enterprise"):
            continue
        if span.rule == BODY_RULE:
            yield from _body_regions(ctx, span)
            continue
        head = known_head(ctx, span)
        if head is not None:
            yield head
        if span.type == "Project":
            yield from _project_parts(ctx, span, firms, owned=head is not None)
        if span.type == "Enterprise":
            yield from _firm_trade(ctx, span)
        yield from _group_of(ctx, span)
        if span.type in ("Organization", "Zone"):
            yield from zones_inside(ctx, span)


def _body_regions(ctx: Context, span: Span) -> Iterator[Span]:
    """The division a body is named after is named too (西宁市政府 -> 西宁市; 成都市武侯区人民政府 ->
    武侯区, the innermost): the body's jurisdiction, where the body is (regions inside other names are
    not named)."""
    inside = [g for g in region_spans(ctx, span.sid) if span.start <= g.start and g.end <= span.end]
    if inside:
        g = max(inside, key=lambda r: (r.end, -r.start))
        yield Span(g.start, g.end, g.text, "Region", "nested.body_region", g.priority, g.canonical, span.sid)


def _project_parts(ctx: Context, span: Span, firms: tuple = (), owned: bool = False) -> Iterator[Span]:
    """The zone, the industries and the owner (a company or an academy) a project is named after;
    the industries only when a company owns it (铠欣半导体材料研发 of an unnamed firm is no industry
    the text develops). `owned`: a listed company heads the name, so no other owner is guessed."""
    text = ctx.text
    inner = [h for h in ctx.affixes.suffixes.find(text, span.start, span.end)
             if ctx.affixes.suffix_info[h[0]][0] == "Zone" and h[2] < span.end - 1
             and h[0] not in ctx.lex.words("zone_part")]
    if inner:
        zs, ze = span.start, inner[-1][2]
        if (ze - zs > len(inner[-1][0]) and strong_stem(ctx, span.sid, zs, inner[-1][1]) and "(" not in text[zs:ze]
                and not ctx.lex.pattern("project.zone_rest").fullmatch(text, ze, span.end)):
            yield Span(zs, ze, text[zs:ze], "Zone", "nested.project_zone", 10, sid=span.sid)
    inds = [g for g in ctx.gaz_spans(span.sid) if g.type == "Industry" and span.start <= g.start and g.end <= span.end]
    for g in inds if owned or _firm_owned(ctx, span, firms, _project_owner(ctx, span, inds)) else ():
        if g.end - g.start < 3:
            continue
        yield Span(g.start, g.end, g.text, "Industry", "nested.project_industry", g.priority, g.canonical, span.sid)
    org = ctx.lex.pattern("project.org").match(text[span.start:span.end])
    if org and org.end() < span.end - span.start:
        yield Span(span.start, span.start + org.end(), org.group(), "Organization", ctx.lex.rule("project.org"), 10,
                   sid=span.sid)
        return
    owner = None if owned else _project_owner(ctx, span, inds)
    if owner is not None:
        yield owner


def _firm_trade(ctx: Context, span: Span) -> Iterator[Span]:
    """The industry a company's name gives after its brand: the last word of a short name (甲乙软件,
    丙丁新能源) or the trade before a bracketed place (X汽车部件(长沙)有限公司); not the registered
    scope word before a legal form (X新材料有限公司), a whole name, or a word that opens it."""
    inds = [g for g in ctx.gaz_spans(span.sid) if g.type == "Industry" and span.start < g.start and g.end <= span.end]
    if not inds:
        return
    g = max(inds, key=lambda g: (g.end, g.end - g.start))
    if g.start - span.start >= 2 and (g.end == span.end or ctx.lex.pattern("industry.trade_bracket").match(ctx.text, g.end)):
        yield Span(g.start, g.end, g.text, "Industry", FIRM_TRADE_RULE, g.priority, g.canonical, span.sid)


def _firm_owned(ctx: Context, span: Span, firms: tuple, owner: Span | None) -> bool:
    """The project's name opens with a company: one the document names, a known one, a group or
    legal form (宏远集团新能源电池制造园), or an owner name of three or more characters that no place
    opens (中科星源同位素项目; not 恒睿 or 青岛海川, brand-like prefixes)."""
    gaz = ctx.gaz_spans(span.sid)
    if span.text.startswith(firms) or any(g.start == span.start and g.type == "Enterprise" for g in gaz):
        return True
    if owner is not None and owner.end - owner.start >= 3 and not any(
            g.start == span.start and g.type == "Region" for g in gaz):
        return True
    return any(w in span.text for w in ctx.lex.words("company_group") + tuple(ctx.lex.trigger("legal_form")))


def _project_owner(ctx: Context, span: Span, inds: list[Span]) -> Span | None:
    """The company a project is named after: the name before its phase, number or industry (with
    the industry when a capacity follows it: 甲乙新能源2GW光伏项目 -> 甲乙新能源)."""
    text, lex = ctx.text, ctx.lex
    end = _owner_end(ctx, span, inds)
    if end is None or not 2 <= end - span.start <= 6:
        return None
    owner = text[span.start:end]
    places = ctx.gaz_spans(span.sid) + [k for k in known_spans(ctx, span.sid) if k.type == "Region"]
    if any(g.start < end and span.start < g.end and (g.type == "Zone" or (g.type == "Region" and g.end >= end))
           for g in places):
        return None
    if (entry_free(lex, owner) and lex.lookup(owner) is None and strong_stem(ctx, span.sid, span.start, end)
            and not any(c in owner for c in "“”\"()") and not lex.pattern("project.owner_not").search(owner)
            and _owner_like(ctx, span, end, places)):
        return Span(span.start, end, owner, "Enterprise", "nested.project_owner", 10, sid=span.sid)
    return None


def _owner_end(ctx: Context, span: Span, inds: list[Span]) -> int | None:
    """Where the owner's name ends: at the phase, number or first industry word (after the industry
    word when a capacity follows it); None when the project name has none."""
    cut = ctx.lex.pattern("project.owner_cut").search(ctx.text, span.start, span.end)
    if cut and inds and inds[0].end == cut.start() and ctx.text[cut.start()].isdigit():
        return cut.start()
    if cut and inds:
        return min(cut.start(), inds[0].start)
    if cut:
        return cut.start()
    return inds[0].start if inds else None


def _owner_like(ctx: Context, span: Span, end: int, places: list[Span]) -> bool:
    """An owner has Han characters (not CIDM), does not open or end with a generic modifier (重点续建,
    X产业), and is not a place: a county's short form, a place plus an industry word, or a place
    plus ordinary words (甲市河豚: a product of the place)."""
    owner = ctx.text[span.start:end]
    if not any("\u4e00" <= c <= "\u9fff" for c in owner):
        return False
    toks = [t for t in ctx.tokens(span.sid) if span.start <= t[0] < end]
    if toks and any(len(t[2]) >= 2 and t[2] in ctx.lex.generic_modifiers for t in (toks[0], toks[-1])):
        return False   # 重点续建, 甲乙产业
    known = ctx.lex.known_entry(owner)
    if known is not None and known.type == "Region":
        return False   # a county's short form (甲山智慧物流园: the county's park)
    place = next((g.end for g in places if g.start == span.start and g.type == "Region" and g.end < end), None)
    if place is not None and _is_industry(ctx.lex, ctx.text[place:end]):
        return False   # a place and a trade (乙国冷链仓储物流): what the place's project does
    rest = [t for t in toks if place is not None and t[0] >= place]
    return not rest or any(t[3] in PROPER_POS and t[3] != "ns" for t in rest)


def _is_industry(lex, word: str) -> bool:
    entry = lex.lookup(word)
    return entry is not None and entry.type == "Industry"


def _group_of(ctx: Context, span: Span) -> Iterator[Span]:
    """The company a longer name opens with, named in full up to its group word or legal form
    (X集团Y公司 -> X集团, X股份有限公司Y工厂 -> X股份有限公司, X集团Y产业园 -> X集团); not a
    prefix that leaves a bracket open (X工业(集团)有限责任公司 is one name)."""
    m = ctx.lex.pattern("company.inner_form").search(span.text)
    if m is None or m.end() >= len(span.text) or m.start() < 2:
        return
    if ctx.lex.pattern("company.form_only").match(span.text, m.end()):
        return   # X集团股份有限公司: one name with its legal form
    prefix = span.text[:m.end()]
    if prefix.count("(") != prefix.count(")") or not entry_free(ctx.lex, prefix[:m.start()]):
        return
    yield Span(span.start, span.start + m.end(), prefix, "Enterprise", "nested.group", 10, sid=span.sid)
