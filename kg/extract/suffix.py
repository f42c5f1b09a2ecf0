"""Name + type suffix (有限公司, 研究所, 高新区, 项目)."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import PROPER_POS, Context
from .stems import generic_stem, strong_stem


def suffix_spans(ctx: Context) -> Iterator[Span]:
    """Name + type suffix (有限公司, 研究所, 高新区, 项目): the name-like words before the suffix."""
    lex = ctx.lex
    for sid, sent in enumerate(ctx.doc.sentences):
        for suffix, s, e in ctx.affixes.suffixes.find(ctx.text, sent.start, sent.end):
            etype, strong, prio = ctx.affixes.suffix_info[suffix]
            inside = ctx.token_at(sid, e)
            if inside is not None and inside[1] != e and not ctx.affixes.posts.find(ctx.text, e, min(sent.end, e + 6))[:1]:
                continue  # the suffix runs on into a longer word (集团化, 公司法)
            if ctx.text[e:e + 1] in ("”", '"'):
                q = max(ctx.text.rfind("“", sent.start, s), ctx.text.rfind('"', sent.start, s))
                honour = re.search(r"(获评|荣获|评为|认定为|入选|获得|授予|列为|命名为)[^,。;“]{0,6}$", ctx.text[max(sent.start, q - 12):q])
                if q >= 0 and s - q <= 14 and not honour and not any(c in ctx.text[q + 1:s] for c in "“”\",。、"):
                    name = ctx.text[q + 1:e]
                    if not generic_stem(lex, ctx.text[q + 1:s]) and not lex.is_generic(name):
                        yield Span(q + 1, e, name, etype, f"suffix.{etype.lower()}.quoted", priority=prio + 5, sid=sid)
                        continue
            start = ctx.extend_left(sid, s, company=etype == "Enterprise")
            stem = ctx.text[start:s]
            if not stem and suffix in ctx.affixes.bare_zones:
                yield Span(s, e, suffix, etype, "suffix.bare_zone", priority=prio, sid=sid)
                continue
            if generic_stem(lex, stem) or (len(suffix) == 1 and stem.isdigit()):
                continue
            # 有限公司 is a legal form: any name before it (三一重工股份有限公司) is a company
            legal_form = etype == "Enterprise" and suffix.endswith("有限公司") and s - start >= 2
            if etype in ("Zone", "Project", "Organization", "Enterprise") and not legal_form and not strong_stem(ctx, sid, start, s):
                if etype != "Organization" or suffix in ctx.affixes.weak_org:
                    continue
            if any(ps < e and s < pe and pe > e for _, ps, pe in ctx.affixes.posts.find(ctx.text, s, min(sent.end, e + 4))):
                continue  # 局 of 局长: a post title, not a name
            if not strong:
                inside = next((t for t in ctx.tokens(sid) if t[0] <= s < t[1]), None)
                before = ctx.token_at(sid, s)
                if inside is not None and inside[0] < s and inside[3] not in PROPER_POS:
                    continue  # the suffix is the tail of an ordinary word (格局, 布局, 工厂)
                if "×" not in stem and (before is None or before[3] not in PROPER_POS):
                    continue
            name = ctx.text[start:e]
            if lex.is_generic(name) or name in lex.suppressed or (len(suffix) == 1 and name[-2:] in lex.generic_names):
                continue
            yield Span(start, e, name, etype, f"suffix.{etype.lower()}", priority=prio, sid=sid)
