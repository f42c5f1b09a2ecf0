"""holdsPost and servesIn from title strings (`[BODY]POST、POST NAME`, `NAME POST`).

servesIn points at where the post is held: the body named right before the post (an
organisation over the region inside it; a region's own government or party committee when the
document names that body); along a `POST NAME、POST NAME` list the body carries over; a post
without a body (市委书记, 副省长, 党工委书记) is held in the focal zone (a zone's own posts) or in
the document's home region of the post's level (the region of that level the document names
most, counting the bodies named after it and the title)."""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from ..extract.context import PUNCT, STRONG_POS
from ..extract.official import post_strings
from ..model import Fact
from ..text import fold_name
from .context import RelContext

_BODIES = {"Zone", "Region", "Organization", "Enterprise"}


def officials(rc: RelContext) -> Iterator[Fact]:
    """`[ORG]POST、POST NAME` and `NAME POST`: holdsPost each title; servesIn where it is held.
    A title string after an author note is held by the author (resolution made that Official)."""
    ctx, res = rc.ctx, rc.res
    places = Places(rc)
    for sid in range(len(rc.doc.sentences)):
        spans = rc.by_sid.get(sid, [])
        carried = None  # (where the previous name ends, the body its posts were held in)
        for ts in post_strings(ctx, sid):
            if ts.name_s is not None:
                person = next((res.key_of(s) for s in spans if s.start == ts.name_s and s.type == "Official"), None)
            else:
                person = res.author_notes.get((sid, ts.posts[0][0]))
            if person is None:
                continue
            for p in ts.posts:
                yield rc.fact(person, "holdsPost", ctx.text[p.start:p.end], "rel.holdsPost.title", sid)
            held = list(_held_in(rc, places, sid, spans, ts, carried))
            for obj, rule in dict(held).items():
                yield rc.fact(person, "servesIn", obj, rule, sid)
            if ts.name_e is not None:
                carried = (ts.name_e, held[-1][0] if held and held[-1][1] != "rel.servesIn.home" else None)


def _held_in(rc: RelContext, places: "Places", sid: int, spans: list, ts, carried) -> Iterator[tuple]:
    """(body key, rule) for the posts of one title string."""
    lex = rc.ctx.lex
    first = ts.posts[0]
    kind, body = _body_before(rc, places, sid, spans, first)
    if kind == "unknown":
        return
    if kind == "ref":
        key = places.home_entity(body)  # 公司董事长: the company the text is about
        if key is not None:
            yield key, "rel.servesIn.home_body"
        return
    if kind == "bare":
        bare, body = body, None
    else:
        bare = _bare_body(lex, body.name) if body is not None and body.type == "Organization" else None
    if bare is not None:
        key = places.home(*bare)  # 市人民政府市长: the home city's government
        if key is not None:
            yield key, "rel.servesIn.home"
        return
    if body is not None:
        for p in ts.posts if body.type == "Region" else ts.posts[:1]:
            found = _named_body(rc, places, body, p)  # 合肥市委副书记、市长: 合肥市, 合肥市人民政府
            if found is not None:
                yield found
        return
    yield from _held_without_body(rc, places, ts, carried)


def _held_without_body(rc: RelContext, places: "Places", ts, carried) -> Iterator[tuple]:
    """(body key, rule) for a run of posts with no body before it: the body carried along a
    `POST NAME、POST NAME` list, else each post's own place (`_without_body`), which the posts
    of no level after it share (省委常委、秘书长)."""
    text, lex = rc.ctx.text, rc.ctx.lex
    prev = None
    if carried is not None and text[carried[0]:ts.posts[0].start] in lex.words("post_link") and carried[1] is not None:
        prev = (carried[1], "rel.servesIn.carry")  # 平房区政府区长A、副区长B: B's post is held there too
    for p in ts.posts:
        found = prev if prev is not None and _fits(rc, lex, text, p, prev[0]) else _without_body(rc, places, p)
        if found is None and prev is not None:
            found = prev
        if found is not None:
            yield found
            prev = found


def _bare_words(lex) -> list[tuple[str, tuple]]:
    """The bodies written by their level alone (市政府, 区人民政府, 县委), longest first."""
    levels = [w for w, v in lex.trigger("post_level").items() if v]
    words = [lv + w for lv in levels for w in (*lex.trigger("post_org"), *lex.trigger("post_body"))]
    return [(w, b) for w in sorted(set(words), key=len, reverse=True) if (b := _bare_body(lex, w)) is not None]


def _bare_body(lex, name: str) -> tuple | None:
    """(level, body word, kind) of a body named by its level alone (市人民政府, 区政府, 市政协)."""
    levels = lex.trigger("post_level")
    level = next((w for w in sorted(levels, key=len, reverse=True) if w and name.startswith(w)), None)
    if level is None or not levels[level]:
        return None
    rest = name[len(level):]
    if rest in lex.trigger("post_org"):
        return levels[level], "", lex.trigger("post_org")[rest]
    if rest in lex.trigger("post_body") or level + rest in lex.trigger("post_body"):
        word = rest if rest in lex.trigger("post_body") else level + rest
        return levels[level], word, lex.trigger("post_body")[word]
    return None


def _named_body(rc: RelContext, places: "Places", body, post) -> tuple | None:
    """(key, rule) of the body named before a post: the span's entity; for a region, its own
    government or party body when the document names it (山东省|副省长 -> 山东省人民政府); for a
    zone body (X管委会) and a zone's post, the zone."""
    text, lex = rc.ctx.text, rc.ctx.lex
    key = rc.res.key_of(body)
    if body.type == "Region":
        level = _post_level(lex, text, post)
        if level and _level_of(lex, body.name) != level:
            return None  # 海南|州委书记 read as the province 海南省: not where a 州 post is held
        org = places.body_of(body.name, *_post_kind(lex, text, post))
        return (org, "rel.servesIn.region_body") if org else (key, "rel.servesIn.title_org")
    zone = places.zone_in(body) if body.type == "Organization" and _zone_post(lex, text, post) else None
    return (zone or key), "rel.servesIn.title_org"


def _fits(rc: RelContext, lex, text: str, post, key) -> bool:
    """A body carried along a list fits a post of no level or of the body's level (副区长 in
    平房区政府, not 省长 in 南昌市委)."""
    level = _post_level(lex, text, post)
    return not level or level in rc.entities[key].name


def _without_body(rc: RelContext, places: "Places", post) -> tuple | None:
    """Where a post written without a body is held: a zone's own post in the focal zone, a post
    of a level (市委书记, 副省长) in the document's home region of that level, a company post
    (董事长) in the company the document names most."""
    text, lex = rc.ctx.text, rc.ctx.lex
    if rc.focal_zone is not None and _zone_post(lex, text, post):
        return rc.focal_zone, "rel.servesIn.focus"
    level = _post_level(lex, text, post)
    if not level:
        if lex.posts.get(text[post.base:post.end]) != "enterprise":
            return None
        key = places.home_entity("Enterprise", alone=False)  # 董事长A表示 in a company's release
        return (key, "rel.servesIn.home_body") if key is not None else None
    key = places.home(level, *_post_kind(lex, text, post))
    return (key, "rel.servesIn.home") if key is not None else None


def _zone_post(lex, text: str, post) -> bool:
    return text.startswith(lex.words("zone_own_post"), post.start)


def _body_before(rc: RelContext, places: "Places", sid: int, spans: list, post) -> tuple[str, object]:
    """What is named right before a post: ("entity", span) when a known name ends there (or
    inside the body words the post starts with: 西宁市人大常委会|副主任; or one character into
    it: 合肥市|委书记); ("unknown", None) when another noun does (统战部部长 of an unknown
    统战部); ("none", None) when the post starts the clause or follows a verb or particle."""
    text, lex = rc.ctx.text, rc.ctx.lex
    last = max(post.base, post.start + 1 if text[post.start] in lex.words("region_post_char") else post.start)
    found = [s for s in spans if s.type in _BODIES and s.start < post.start <= s.end <= last]
    if found:
        return "entity", max(found, key=lambda s: (s.end, s.type != "Region"))
    sent_start = rc.doc.sentences[sid].start
    for word, bare in places.bare_words():
        at = post.start - len(word)
        if at >= sent_start and text.startswith(word, at) and (at == sent_start or text[at - 1] in PUNCT):
            return "bare", bare  # ,区政府一级调研员: the home district's government
    ref = next((w for w in sorted(lex.trigger("body_ref"), key=len, reverse=True) if text.startswith(w, post.start - len(w))
                and post.start - len(w) >= sent_start), None)
    if ref is not None and _opens_clause(rc, lex, post.start - len(ref), sent_start):
        return "ref", lex.trigger("body_ref")[ref]
    tok = rc.ctx.token_at(sid, post.start)
    if tok is not None and tok[3] in STRONG_POS and text[post.start - 1] not in PUNCT and (
            tok[2][-1] not in lex.words("post_link")):
        return "unknown", None
    return "none", None


def _opens_clause(rc: RelContext, lex, at: int, sent_start: int) -> bool:
    """Nothing name-like is written right before at: the sentence starts, or punctuation or a
    word after which a name may start (的, 由) stands there."""
    text = rc.ctx.text
    return at == sent_start or text[at - 1] in PUNCT or text[at - 1] in lex.words("name_before_char")


def _post_level(lex, text: str, post) -> str | None:
    """The administrative level a post is of, by how regions of that level end (市 of 常务副市长,
    自治区 of 自治区党委常委), after its qualifiers; None: no level (董事长, 统战部部长)."""
    pos = post.start
    quals = tuple(sorted(lex.words("post_qualifier"), key=len, reverse=True))
    while True:
        q = next((w for w in quals if text.startswith(w, pos) and pos + len(w) < post.end), None)
        if q is None:
            break
        pos += len(q)
    levels = lex.trigger("post_level")
    word = next((w for w in sorted(levels, key=len, reverse=True) if text.startswith(w, pos)), None)
    return levels[word] or None if word is not None and pos + len(word) < post.end else None


def _post_kind(lex, text: str, post) -> tuple[str, str]:
    """The body word a post is written with (人大常委会 of 市人大常委会主任, 市委 of 市委书记; ''
    if none) and its kind (party, government, ...: the body word's, else posts.tsv's)."""
    prefix = text[post.start:post.base]
    bodies = lex.trigger("post_body")
    word = next((w for w in sorted(bodies, key=len, reverse=True) if w in prefix), "")
    return word, bodies.get(word) or lex.posts.get(text[post.base:post.end], "")


class Places:
    """The document's regions and the bodies named after them, for servesIn: the home region of
    each level and a region's own government, party committee or assembly."""

    def __init__(self, rc: RelContext):
        self.rc = rc
        self._homes: dict | None = None
        self._orgs: dict[str, tuple] | None = None

    def bare_words(self) -> list[tuple[str, tuple]]:
        """`_bare_words` of the lexicon, derived once per lexicon (cached on the affixes)."""
        affixes = self.rc.ctx.affixes
        found = getattr(affixes, "_bare_post_bodies", None)
        if found is None:
            found = affixes._bare_post_bodies = _bare_words(self.rc.ctx.lex)
        return found

    def _org_names(self) -> dict[str, tuple]:
        """Organization names of the document (without 中共, with their aliases) -> key."""
        if self._orgs is None:
            self._orgs = {}
            party = self.rc.ctx.lex.words("national_prefix")
            for key, ent in self.rc.entities.items():
                if key[0] == "Organization":
                    for name in {ent.name, *ent.aliases}:
                        for p in party:
                            if name.startswith(p) and len(name) > len(p) + 2:
                                self._orgs.setdefault(name[len(p):], key)
                        self._orgs.setdefault(name, key)
        return self._orgs

    def body_of(self, region: str, word: str, kind: str):
        """The document's body of a region that holds a post: the region + the post's body word
        (R政协, R人大常委会; R委 and R州委 for 州委), else by the post's kind (R人民政府 for
        government posts, R委 for party posts: triggers.tsv post_org)."""
        lex = self.rc.ctx.lex
        if word:
            levels = lex.trigger("post_level")
            suffixes = [word[1:], word] if word[0] in levels and word[0] == region[-1] else [word]
        else:
            suffixes = [w for w, k in lex.trigger("post_org").items() if k == kind]
        for suffix in suffixes:
            for name, key in self._org_names().items():
                if name.endswith(region + suffix):
                    return key
        return None

    def zone_in(self, body):
        """The zone a zone body is named after (赣江新区党工委 -> 赣江新区), if the document has it."""
        name = body.name
        for w in self.rc.ctx.lex.words("zone_own_post"):
            if name.endswith(w):
                key = ("Zone", fold_name(name[:-len(w)]))
                if key in self.rc.entities:
                    return key
        return None

    def home_entity(self, etype: str, alone: bool = True):
        """The entity of a type the document names most (its mentions, three more when the title
        names it), when it leads with two or more (or, `alone`, is the only one): the company of a
        company release."""
        rc = self.rc
        counts: Counter = Counter(k for s in rc.res.spans if s.type == etype and (k := rc.res.key_of(s)))
        title = rc.doc.metadata.get("title", "")
        for key in counts:
            ent = rc.entities[key]
            if any(form in title for form in {ent.name, *ent.aliases}):
                counts[key] += 3
        found = counts.most_common(2)
        if (alone and len(found) == 1) or (found and found[0][1] >= 2 and (len(found) == 1 or found[0][1] > found[1][1])):
            return found[0][0]
        return None

    def home(self, level: str, word: str, kind: str):
        """The body of the document's home region of a level that holds the post, else the
        region itself (when the document names it)."""
        region = self._home_regions().get(level)
        if region is None:
            return None
        org = self.body_of(region, word, kind)
        if org is not None:
            return org
        key = ("Region", fold_name(region))
        return key if key in self.rc.entities else None

    def _home_regions(self) -> dict[str, str]:
        """level -> the region of that level the document names most, when one region leads
        with two points or more: one per mention (standalone or inside a body's name), three
        when the title names it, two when the focal zone lies in it."""
        if self._homes is None:
            counts = self._region_counts()
            by_level: dict[str, list] = {}
            for name, n in counts.items():
                by_level.setdefault(_level_of(self.rc.ctx.lex, name), []).append((n, name))
            self._homes = {}
            for level, found in by_level.items():
                found.sort(reverse=True)
                if level and found[0][0] >= 2 and (len(found) == 1 or found[0][0] > found[1][0]):
                    self._homes[level] = found[0][1]
        return self._homes

    def _region_counts(self) -> Counter:
        """Points per region name: one per standalone mention or zone named after it (长沙经开区),
        two per mention of its own government or party body (平房区政府) or as the place of a
        post (贵州省委副书记), three when the title names it, two when the focal zone lies in it.
        Places in company names give none."""
        rc = self.rc
        lex = rc.ctx.lex
        suffixes = set(lex.trigger("post_org")) | set(lex.trigger("post_body"))
        counts: Counter = Counter()
        for s in rc.res.spans:
            if s.type == "Region" and rc.res.key_of(s):
                counts[s.name] += 1
            elif s.type in ("Organization", "Zone"):
                entry, rest = self.region_prefix(s.name)
                if entry is None:
                    continue
                if s.type == "Zone":
                    counts[entry.name] += 1
                elif rest in suffixes or rest[1:] in suffixes and rest[0] == entry.name[-1]:
                    counts[entry.name] += 2
        counts.update(self._named_with_posts())
        title = rc.doc.metadata.get("title", "")
        for key, ent in rc.entities.items():
            if key[0] == "Region" and any(form in title for form in {ent.name, *ent.aliases}):
                counts[ent.name] += 3
        for name in self._focal_hosts():
            counts[name] += 2
        return counts

    def _named_with_posts(self) -> Counter:
        """One more point per mention of a region as the place of a post (贵州省|委副书记)."""
        rc = self.rc
        text, lex = rc.ctx.text, rc.ctx.lex
        counts: Counter = Counter()
        for sid, spans in rc.by_sid.items():
            for ts in post_strings(rc.ctx, sid):
                for p in ts.posts:
                    last = p.start + 1 if text[p.start] in lex.words("region_post_char") else p.start
                    counts.update(s.name for s in spans if s.type == "Region" and s.start < p.start <= s.end <= last)
        return counts

    def region_prefix(self, name: str) -> tuple:
        """(the innermost of the lexicon regions a name starts with, after a national prefix such
        as 中共: 内蒙古包头市政府 -> 包头市; the rest of the name), or (None, name)."""
        lex = self.rc.ctx.lex
        for p in ("", *lex.words("national_prefix")):
            if not name.startswith(p):
                continue
            found, pos = None, len(p)
            while (step := _region_at(lex, name, pos)) is not None:
                found, pos = step
            if found is not None:
                return found, name[pos:]
        return None, name

    def _focal_hosts(self) -> list[str]:
        """The regions the focal zone lies in: its host in the zone lexicon (or the region its
        name starts with: 长沙经开区 -> 长沙市) and the regions above that."""
        rc = self.rc
        if rc.focal_zone is None:
            return []
        lex = rc.ctx.lex
        zone = rc.entities[rc.focal_zone].name
        host = next((e.host for e in lex.surfaces.get(zone, ()) if e.type == "Zone" and e.host), "")
        if not host:
            region = self.region_prefix(zone)[0]
            host = region.name if region is not None else ""
        found = []
        while host and host not in found:
            found.append(host)
            parent = lex.regions_by_name.get(host)
            host = parent.host if parent is not None else ""
        return found


def _region_at(lex, name: str, pos: int) -> tuple | None:
    """(the longest lexicon region written at name[pos:], where it ends), if there is one."""
    for end in range(min(len(name), pos + 12), pos + 1, -1):
        entry = next((e for e in lex.surfaces.get(name[pos:end], ()) if e.type == "Region"), None)
        if entry is not None:
            return entry, end
    return None


def _level_of(lex, name: str) -> str:
    """The level of a region by how its name ends (自治区 before 区)."""
    return next((v for v in sorted(set(lex.trigger("post_level").values()), key=len, reverse=True)
                 if v and name.endswith(v)), "")
