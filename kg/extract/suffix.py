"""Name + type suffix (有限公司, 研究所, 高新区, 项目)."""

from __future__ import annotations

from typing import Iterator

from ..model import Span
from .context import PROPER_POS, Context
from .stems import generic_stem, strong_stem


def suffix_spans(ctx: Context) -> Iterator[Span]:
    """Name + type suffix (有限公司, 研究所, 高新区, 项目): the name-like words before the suffix."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for suffix, s, e in ctx.affixes.suffixes.find(ctx.text, sent.start, sent.end):
            span = _suffix_span(ctx, sid, suffix, s, e)
            if span is not None:
                yield span


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
    stem = text[start:s]
    if not stem and suffix in ctx.affixes.bare_zones:
        return Span(s, e, suffix, etype, "suffix.bare_zone", priority=prio, sid=sid)
    if generic_stem(lex, stem) or (len(suffix) == 1 and stem.isdigit()):
        return None
    if not _stem_fits(ctx, sid, suffix, etype, start, s):
        return None
    if any(ps < e and s < pe and pe > e for _, ps, pe in ctx.affixes.posts.find(text, s, min(sent.end, e + 4))):
        return None  # 局 of 局长: a post title, not a name
    if not strong and not _weak_suffix_fits(ctx, sid, s, stem):
        return None
    name = text[start:e]
    if lex.is_generic(name) or name in lex.suppressed or (len(suffix) == 1 and name[-2:] in lex.generic_names):
        return None
    return Span(start, e, name, etype, f"suffix.{etype.lower()}", priority=prio, sid=sid)


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
    return "×" in stem or (before is not None and before[3] in PROPER_POS)
