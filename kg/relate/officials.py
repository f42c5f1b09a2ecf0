"""holdsPost and servesIn from title strings (`[ORG]POST、POST NAME`, `NAME POST`)."""

from __future__ import annotations

from typing import Iterator

from ..extract.official import post_strings
from ..model import Fact
from .context import RelContext

_BODIES = {"Zone", "Region", "Organization", "Enterprise"}


def officials(rc: RelContext) -> Iterator[Fact]:
    """`[ORG]POST、POST NAME` and `NAME POST`: holdsPost each title; servesIn the body before it.
    A title string after an author note is held by the author (resolution made that Official)."""
    ctx, res = rc.ctx, rc.res
    for sid in range(len(rc.doc.sentences)):
        spans = rc.by_sid.get(sid, [])
        for name_s, _name_e, posts, org_end in post_strings(ctx, sid):
            if name_s is not None:
                person = next((res.key_of(s) for s in spans if s.start == name_s and s.type == "Official"), None)
            else:
                person = res.author_notes.get((sid, posts[0][0]))
            if person is None:
                continue
            for p in posts:
                yield rc.fact(person, "holdsPost", ctx.text[p.start:p.end], "rel.holdsPost.title", sid)
            if org_end is not None:
                yield from _serves_in(rc, sid, spans, person, posts, org_end)


def _serves_in(rc: RelContext, sid: int, spans: list, person, posts: list, org_end: int) -> Iterator[Fact]:
    """The body named right before the posts; in a text about a zone, its own posts (区委书记, 区长)
    with no body named serve the focal zone."""
    text, lex, res = rc.ctx.text, rc.ctx.lex, rc.res
    body = next((s for s in spans if s.end == org_end and s.type in _BODIES and res.key_of(s)), None)
    if body is None and org_end < len(text) and text[org_end] in lex.words("region_post_char"):
        # 合肥市委书记: the region's own 市 opens the post title
        body = next((s for s in spans if s.end == org_end + 1 and s.type == "Region" and res.key_of(s)), None)
    if body is not None:
        yield rc.fact(person, "servesIn", res.key_of(body), "rel.servesIn.title_org", sid)
    elif rc.focal_zone is not None and org_end == posts[0][0] and text[org_end - 1:org_end] not in lex.words("place_end") \
            and text.startswith(lex.words("zone_own_post"), posts[0][0]):
        yield rc.fact(person, "servesIn", rc.focal_zone, "rel.servesIn.focus", sid)
