"""Name + type suffix (有限公司, 研究所, 高新区, 项目)."""

from __future__ import annotations

from typing import Iterator

from ..model import Span
from .context import PROPER_POS, Context, _is_name_char
from .known import known_head, known_spans
from .stems import generic_stem, strong_stem


def suffix_spans(ctx: Context) -> Iterator[Span]:
    """Name + type suffix (有限公司, 研究所, 高新区, 项目): the name-like words before the suffix; and
    the firm named before a company post (甲乙科技总经理 -> 甲乙科技)."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for suffix, s, e in ctx.affixes.suffixes.find(ctx.text, sent.start, sent.end):
            span = _suffix_span(ctx, sid, suffix, s, e)
            if span is not None:
                yield span
        for title, s, _e in ctx.affixes.posts.find(ctx.text, sent.start, sent.end):
            if ctx.lex.posts.get(title) == "enterprise":
                span = _firm_before_post(ctx, sid, s)
                if span is not None:
                    yield span


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


def _suffix_span(ctx: Context, sid: int, suffix: str, s: int, e: int) -> Span | None:
    """The name that ends in the suffix found at text[s:e], if it is one."""
    lex, text = ctx.lex, ctx.text
    sent = ctx.doc.sentences[sid]
    etype, strong, prio = ctx.affixes.suffix_info[suffix]
    inside = ctx.token_at(sid, e)
    if inside is not None and inside[1] != e and not ctx.affixes.posts.find(text, e, min(sent.end, e + 6))[:1]:
        return None  # the suffix runs on into a longer word (集团化, 公司法)
    if text[e:e + 1] in ("”", '"'):
        quoted = _quoted_name(ctx, sid, s, e, etype, prio)
        if quoted is not None:
            return quoted
    start = ctx.extend_left(sid, s, company=etype == "Enterprise")
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
    name = text[start:e]
    if lex.is_generic(name) or name in lex.suppressed or (len(suffix) == 1 and name[-2:] in lex.generic_names):
        return None
    return Span(start, e, name, etype, f"suffix.{etype.lower()}", priority=prio, sid=sid)


LISTED_HEAD_REACH = 8   # how far left of a unit's name a listed company that opens it may start


def _business_unit(ctx: Context, sid: int, start: int, s: int, e: int) -> Span | None:
    """A company's unit (普华永道数字化转型运营中心, X股份有限公司长沙超级卡车工厂, X公司Y分公司): an
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
    """A registered company name (…有限公司) runs on over characters jieba reads as verbs (腾迈通用
    of 投资方为腾迈通用航空科技有限公司) up to a function word or punctuation close before where the walk
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


def _quoted_name(ctx: Context, sid: int, s: int, e: int, etype: str, prio: int) -> Span | None:
    """`“X”` + suffix + closing quote: the quoted name, unless it is an honour (荣获“X示范基地”)."""
    lex, text = ctx.lex, ctx.text
    sent = ctx.doc.sentences[sid]
    q = max(text.rfind("“", sent.start, s), text.rfind('"', sent.start, s))
    honour = lex.pattern("suffix.honour").search(text[max(sent.start, q - 12):q])
    if q >= 0 and s - q <= 14 and not honour and not any(c in text[q + 1:s] for c in "“”\",。、"):
        name = text[q + 1:e]
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
    inside = next((t for t in ctx.tokens(sid) if t[0] <= s < t[1]), None)
    before = ctx.token_at(sid, s)
    if inside is not None and inside[0] < s and inside[3] not in PROPER_POS:
        return False  # the suffix is the tail of an ordinary word (格局, 布局, 工厂)
    lo = s - len(stem)
    while before is not None and before[0] > lo and before[2] in ctx.lex.generic_modifiers:
        before = ctx.token_at(sid, before[0])   # 卡赫全球研发中心: the name before 全球, 国际
    return "×" in stem or (before is not None and before[3] in PROPER_POS)
