"""Bare references to the document's focal zone (`新区`, `我区`, `高新区`)."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import Context

_FOCUS_REF = re.compile(r"(?<![\u4e00-\u9fff×])(新区|我区|全区|本区|高新区|开发区|经开区)")


def focus_references(ctx: Context) -> Iterator[Span]:
    """Bare `新区` / `我区` / `高新区`: references to the document's focal zone (resolved later)."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for m in _FOCUS_REF.finditer(ctx.text, sent.start, sent.end):
            yield Span(m.start(), m.end(), m.group(), "Zone", "ref.focus", priority=1, sid=sid)
