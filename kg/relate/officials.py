"""holdsPost and servesIn from title strings (`[ORG]POST、POST NAME`, `NAME POST`)."""

from __future__ import annotations

import re
from typing import Iterator

from ..extract.official import find_post_strings
from ..model import Entity, Fact
from ..text import fold_name
from .context import RelContext


def officials(rc: RelContext) -> Iterator[Fact]:
    """`[ORG]POST、POST NAME` and `NAME POST`: holdsPost each title; servesIn the body before it."""
    ctx, res = rc.ctx, rc.res
    authors = rc.doc.metadata.get("authors", [])
    for sid, sent in enumerate(rc.doc.sentences):
        spans = rc.by_sid.get(sid, [])
        for name_s, name_e, posts, org_end in find_post_strings(ctx, sid):
            person = None
            if name_s is not None:
                person = next((res.key_of(s) for s in spans if s.start == name_s and s.type == "Official"), None)
            elif authors and re.search(r"(作者|作者系|作者为)", ctx.text[sent.start:posts[0][0]]):
                person = ("Official", fold_name(authors[0]))
                if person not in rc.entities:
                    rc.entities[person] = Entity("Official", authors[0], docs={rc.doc.rel_path},
                                                 rules={"official.author_note"})
            if person is None:
                continue
            for ps, pe in posts:
                yield rc.fact(person, "holdsPost", ctx.text[ps:pe], "rel.holdsPost.title", sid)
            if org_end is None:
                continue
            body = next((s for s in spans if s.end == org_end and s.type in
                         {"Zone", "Region", "Organization", "Enterprise"} and res.key_of(s)), None)
            if body is None and ctx.text[org_end:org_end + 1] in "省市区县州":
                # 合肥市委书记: the region's own 市 opens the post title
                body = next((s for s in spans if s.end == org_end + 1 and s.type == "Region" and res.key_of(s)), None)
            if body is not None:
                yield rc.fact(person, "servesIn", res.key_of(body), "rel.servesIn.title_org", sid)
            elif rc.focal is not None and org_end == posts[0][0] and ctx.text[org_end - 1:org_end] not in _PLACE_END \
                    and ctx.text.startswith(_ZONE_OWN_POSTS, posts[0][0]):
                # 区委书记朱芝松, 区长吴金城 with no body named: in a text about a zone, its own posts
                yield rc.fact(person, "servesIn", rc.focal, "rel.servesIn.focus", sid)


_PLACE_END = tuple("省市区县州镇乡村旗盟")
_ZONE_OWN_POSTS = ("区委", "区长", "副区长", "区政府", "区人大", "区政协", "党工委", "管委会")
