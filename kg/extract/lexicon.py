"""General knowledge loaded from kg/data (and users' own lexicons), strictly and lazily.

`load()` returns one immutable-ish Lexicon built from the bundled files; `load(extra=[...])`
adds user lexicons whose entries override the defaults for the same surface form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..data import data_path, read_tsv
from ..errors import DataFileError
from ..model import ENTITY_TYPES as ENTITY_CLASSES
from ..text import fold_width, nfc, normalize_whitespace, to_simplified


@dataclass(frozen=True, slots=True)
class Entry:
    """A known entity: canonical name, type, the surface forms that denote it, and where from."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    source: str = ""            # file:line
    priority: int = 50          # user entries 100, curated lists 50-60, big lists 40
    host: str = ""              # zones: host region; regions: parent region name
    zone_kind: str = ""         # zones: national_new_area, national_hitech_zone, ...
    level: str = ""             # regions: country, province, prefecture, county
    concept: str = ""           # industries: concept id in the SKOS scheme
    broader: str = ""           # industries: the broader concept id


@dataclass
class Lexicon:
    entries: list[Entry] = field(default_factory=list)
    surfaces: dict[str, list[Entry]] = field(default_factory=dict)
    suppressed: set[str] = field(default_factory=set)
    posts: dict[str, str] = field(default_factory=dict)
    suffixes: list[tuple[str, str, bool, int]] = field(default_factory=list)
    generic_modifiers: frozenset = frozenset()
    generic_names: frozenset = frozenset()
    abstract: frozenset = frozenset()
    triggers: dict[str, dict[str, str]] = field(default_factory=dict)
    surnames: frozenset = frozenset()
    regions_by_name: dict[str, Entry] = field(default_factory=dict)
    region_hosts: dict[str, set] = field(default_factory=dict)   # region name -> the parents of every division of that name
    industries_by_id: dict[str, Entry] = field(default_factory=dict)
    patterns: dict[str, re.Pattern] = field(default_factory=dict)
    pattern_rules: dict[str, str] = field(default_factory=dict)
    # names known from the big general lists (listed companies, central SOEs, rankings, universities,
    # institutes) and county short forms: matched by an automaton of their own, each only in a
    # context that supports it (kg/extract/gazetteer.py known_spans), never by `lookup`
    known: dict[str, list[Entry]] = field(default_factory=dict)
    ambiguous: dict[str, str] = field(default_factory=dict)   # form -> why it is also an ordinary word
    bodies: dict[str, str] = field(default_factory=dict)      # bodies.tsv: body word -> kind
    county_common: frozenset = frozenset()                     # county short forms that are frequent words
    county_generic: frozenset = frozenset()                    # county names that are ordinary words (新城区)
    _words: dict[str, tuple] = field(default_factory=dict, repr=False)

    def add(self, entry: Entry, *, override: bool = False) -> None:
        self.entries.append(entry)
        for surface in {entry.name, *entry.aliases}:
            if len(surface) < 2:
                continue
            bucket = self.surfaces.setdefault(surface, [])
            if override:
                bucket[:] = [e for e in bucket if e.priority >= entry.priority]
            bucket.append(entry)
            bucket.sort(key=lambda e: (-e.priority, e.type, e.name))

    def lookup(self, surface: str) -> Entry | None:
        bucket = self.surfaces.get(surface)
        return bucket[0] if bucket else None

    def add_known(self, entry: Entry, forms) -> None:
        """A name of the big lists (or a county short form) under each of its forms that the core
        lexicon does not already know: the first entry to claim a form keeps it."""
        self.entries.append(entry)
        for form in forms:
            if len(form) >= 2 and form not in self.surfaces:
                self.known.setdefault(form, []).append(entry)

    def known_entry(self, surface: str) -> Entry | None:
        bucket = self.known.get(surface)
        return bucket[0] if bucket else None

    def trigger(self, role: str) -> dict[str, str]:
        """word -> value of one role of triggers.tsv, in file order."""
        return self.triggers.get(role, {})

    def words(self, role: str) -> tuple[str, ...]:
        """The words of one role of triggers.tsv, in file order (a tuple: `startswith` takes it)."""
        found = self._words.get(role)
        if found is None:
            if role not in TRIGGER_ROLES:
                raise KeyError(f"no trigger role {role!r} (kg/extract/lexicon.py TRIGGER_ROLES)")
            found = self._words[role] = tuple(self.triggers.get(role, {}))
        return found

    def pattern(self, pid: str) -> re.Pattern:
        """The compiled pattern `pid` of patterns.tsv."""
        return self.patterns[pid]

    def rule(self, pid: str) -> str:
        """The rule id that the spans or facts found by pattern `pid` carry (patterns.tsv `rule`)."""
        return self.pattern_rules[pid]

    def is_generic(self, name: str) -> bool:
        return name in self.generic_names or name in self.abstract


def clean(text: str) -> str:
    """Lexicon entries go through the same normalisation as documents."""
    return to_simplified(normalize_whitespace(fold_width(nfc(text))))


def clean_many(texts: list[str]) -> list[str]:
    """`clean` of each text, in one pass over them all (the big lists have tens of thousands)."""
    if any("\n" in t for t in texts):
        return [clean(t) for t in texts]
    out = clean("\n".join(texts)).split("\n") if texts else []
    return out if len(out) == len(texts) else [clean(t) for t in texts]


def _where(path: Path, line: int) -> str:
    return f"{path.name}:{line}"


def _load_regions(lex: Lexicon) -> list[Entry]:
    """The divisions; returns the county entries, whose short forms are known forms (added once the
    core lexicon is complete, so that a form it knows stays its own)."""
    path = data_path("regions.tsv")
    county_short: list[Entry] = []
    if not path.exists():
        return county_short
    rows = read_tsv(path, ("code", "name", "aliases", "level", "parent_code"), required=("code", "name", "level"))
    names = dict(zip((r["code"] for r in rows), clean_many([r["name"] for r in rows])))
    cells = iter(clean_many([a for r in rows for a in r.list("aliases")]))
    for r in rows:
        level = r["level"]
        if level not in {"country", "province", "prefecture", "county"}:
            raise DataFileError(path, r.line, f"unknown level {level!r}")
        name = names[r["code"]]
        aliases = tuple(a for a in (next(cells) for _ in r.list("aliases")) if a != name)
        if level == "county" and r["name"].endswith(lex.words("zone_district_tail")):
            continue  # national new areas that are also districts (滨海新区) are Zones
        entry = Entry(name, "Region", aliases, _where(path, r.line),
                      priority={"country": 48, "province": 50, "prefecture": 46, "county": 40}[level],
                      host=names.get(r["parent_code"], ""), level=level)
        if level == "county":
            # a county's short form (海淀, 扬中) is often an ordinary word elsewhere: it is a known
            # form, matched only where the document supports it (gazetteer.known_spans)
            lex.add(replace(entry, aliases=()))
            county_short.append(entry)
        else:
            lex.add(entry)
        lex.regions_by_name.setdefault(entry.name, entry)
        lex.region_hosts.setdefault(entry.name, set()).add(entry.host)
    return county_short


def _load_zones(lex: Lexicon) -> None:
    path = data_path("zones.tsv")
    if not path.exists():
        return
    for r in read_tsv(path, ("name", "aliases", "kind", "host_region", "source_note"), required=("name", "kind")):
        lex.add(Entry(clean(r["name"]), "Zone", tuple(clean(a) for a in r.list("aliases")), _where(path, r.line),
                      priority=55, host=clean(r["host_region"]), zone_kind=r["kind"]))


def _load_industries(lex: Lexicon) -> None:
    path = data_path("industries.tsv")
    if not path.exists():
        return
    for r in read_tsv(path, ("id", "pref_label", "alt_labels", "broader", "scheme_note"), required=("id", "pref_label")):
        entry = Entry(clean(r["pref_label"]), "Industry", tuple(clean(a) for a in r.list("alt_labels")),
                      _where(path, r.line), priority=52, concept=r["id"], broader=r["broader"])
        lex.add(entry)
        lex.industries_by_id[r["id"]] = entry


def _load_orgs(lex: Lexicon) -> None:
    path = data_path("orgs.tsv")
    for r in read_tsv(path, ("name", "aliases", "type"), required=("name", "type")):
        if r["type"] not in ENTITY_CLASSES:
            raise DataFileError(path, r.line, f"unknown type {r['type']!r}")
        lex.add(Entry(clean(r["name"]), r["type"], tuple(clean(a) for a in r.list("aliases")),
                      _where(path, r.line), priority=58))


# The big general lists: file, columns, the entity type of their rows, the column that gives `host`.
KNOWN_LISTS = (
    ("enterprises.tsv", ("name", "aliases", "industry", "industry_detail", "group", "source", "codes"),
     "Enterprise", "group"),
    ("universities.tsv", ("name", "aliases", "region", "source"), "Organization", "region"),
    ("institutes.tsv", ("name", "aliases", "parent", "source"), "Organization", "parent"),
)
# ambiguous_names.tsv `type` -> the list it names an entity of
_AMBIGUOUS_LIST = {"Enterprise": "enterprises.tsv", "University": "universities.tsv", "Institute": "institutes.tsv"}


def _load_known_lists(lex: Lexicon) -> None:
    """enterprises.tsv, universities.tsv, institutes.tsv (names and their short forms), then
    ambiguous_names.tsv: the forms that count only with an entity trigger nearby. A name given
    twice in a list, or an ambiguous form that is not a form of the entity it names, is an error."""
    forms_of: dict[str, dict[str, set[str]]] = {}
    for fname, columns, etype, host in KNOWN_LISTS:
        path = data_path(fname)
        seen: dict[str, set[str]] = {}
        rows = read_tsv(path, columns, required=("name", "source"))
        cells = iter(clean_many([c for r in rows for c in (r["name"], r[host], *r.list("aliases"))]))
        fname_ = path.name
        for r in rows:
            name, where = next(cells), next(cells)
            if name in seen:
                raise DataFileError(path, r.line, f"name {name!r} given twice")
            aliases = tuple(dict.fromkeys(a for a in (next(cells) for _ in r.list("aliases")) if a != name))
            seen[name] = {name, *aliases}
            lex.add_known(Entry(name, etype, aliases, f"{fname_}:{r.line}", priority=40, host=where), (name, *aliases))
        forms_of[fname] = seen
    path = data_path("ambiguous_names.tsv")
    for r in read_tsv(path, ("alias", "name", "type", "reason"), required=("alias", "name", "type", "reason")):
        listed = forms_of.get(_AMBIGUOUS_LIST.get(r["type"], ""))
        if listed is None:
            raise DataFileError(path, r.line, f"unknown type {r['type']!r}; expected one of {', '.join(_AMBIGUOUS_LIST)}")
        alias = clean(r["alias"])
        if alias not in listed.get(clean(r["name"]), ()):
            raise DataFileError(path, r.line, f"{alias!r} is not a form of {r['name']!r} in {_AMBIGUOUS_LIST[r['type']]}")
        lex.ambiguous[alias] = r["reason"]


BODY_KINDS = frozenset(("party", "government", "legislature", "consultative", "department"))


def _load_bodies(lex: Lexicon) -> None:
    """bodies.tsv: the body words that follow a division's name (政协, 商务局); a word given twice or
    an unknown kind is an error."""
    path = data_path("bodies.tsv")
    for r in read_tsv(path, ("word", "kind"), required=("word", "kind")):
        if r["kind"] not in BODY_KINDS:
            raise DataFileError(path, r.line, f"unknown kind {r['kind']!r}; expected one of {', '.join(sorted(BODY_KINDS))}")
        word = clean(r["word"])
        if word in lex.bodies:
            raise DataFileError(path, r.line, f"body {word!r} given twice")
        lex.bodies[word] = r["kind"]


def _add_county_short_forms(lex: Lexicon, counties: list[Entry]) -> None:
    """County short forms as known forms; county_common.tsv marks the short forms that are frequent
    words (新建, 平原) and the county names that are ordinary words (新城区), each a form of its county."""
    for entry in counties:
        lex.add_known(entry, entry.aliases)
    path = data_path("county_common.tsv")
    common, generic = set(), set()
    for r in read_tsv(path, ("form", "code", "name", "reason"), required=("form", "name")):
        form, name = clean(r["form"]), clean(r["name"])
        entry = lex.regions_by_name.get(name)
        if entry is None or entry.level != "county" or (form != name and form not in entry.aliases):
            raise DataFileError(path, r.line, f"{form!r} is not the name or a short form of a county {r['name']!r}"
                                " in regions.tsv")
        (generic if form == name else common).add(form)
    lex.county_common, lex.county_generic = frozenset(common), frozenset(generic)


def load_user_lexicon(lex: Lexicon, path) -> None:
    """User lexicon: TSV `name<TAB>type<TAB>aliases`; type `-` suppresses a name everywhere."""
    path = Path(path)
    for r in read_tsv(path, ("name", "type", "aliases"), required=("name", "type")):
        name = clean(r["name"])
        if r["type"] == "-":
            lex.suppressed.add(name)
            lex.suppressed.update(clean(a) for a in r.list("aliases"))
            continue
        if r["type"] not in ENTITY_CLASSES:
            raise DataFileError(path, r.line, f"unknown type {r['type']!r}; expected one of "
                                f"{', '.join(ENTITY_CLASSES)} or -")
        lex.add(Entry(name, r["type"], tuple(clean(a) for a in r.list("aliases")), _where(path, r.line),
                      priority=100), override=True)


# The roles of triggers.tsv (described in its header); a row with any other role is an error.
TRIGGER_ROLES = frozenset((
    "enum_head", "locate", "cooperate", "speech", "name_stop", "industry_head", "verb", "bare_zone", "develop",
    "area_develop", "name_scope", "function_word", "lead_prep", "name_counter", "honorific", "lead_verb",
    "develop_after", "industry_after", "industry_not_after", "industry_list_next", "conjunction", "industry_tail",
    "industry_word_end", "industry_generic_rest", "enum_etc", "clause_char", "legal_form", "company_group",
    "post_link", "name_before_char", "zone_ref", "zone_kind_short", "zone_district_tail", "region_post_char",
    "place_end", "zone_own_post", "national_prefix", "peer_zone_kind", "build_verb", "at_prep", "locate_link",
    "locate_adverb", "build_adverb", "coop_adverb",
    "post_qualifier", "post_body", "post_level", "post_org", "body_ref", "name_follower",
    # relations: scopes and containment (kg/relate)
    "province_zone_kind", "zone_rank", "coop_joiner",
    "name_context", "business_unit", "body_level", "body_not_before",
    "party_prefix", "place_body", "street_suffix", "region_not_before", "suffix_word", "post_firm_edge", "firm_post_qualifier",
    "locate_adverb", "build_adverb", "coop_adverb", "zone_part", "honour_kind", "zone_not_lead", "zone_body",
    "list_intro", "project_item_end", "zone_item_end", "project_category", "industry_not_end",
))
LEGAL_FORM_FLAGS = frozenset(("joins", "any_name"))

# The patterns of patterns.tsv the code asks for by id; each must be there, and no other.
PATTERN_IDS = frozenset((
    "name.lead_year_scope", "name.lead_count", "enum.head", "enum.last", "industry.develop_after",
    "industry.list_tail", "industry.scale", "industry.count", "industry.qualifier_tail", "industry.qualifier_head",
    "industry.suffix", "industry.quoted_ok", "list.last_item", "list.tail_item", "list.inner_conjunction",
    "company.legal_form", "company.trade", "project.owner_cut", "project.org", "project.owner_not",
    "stem.strong_mark", "suffix.honour", "enum.company_head", "company.inner_form", "company.form_only", "ref.focal_zone", "focal_zone.area_title", "resolve.alias_bracket",
    "official.author_note", "official.dotted_name", "located.container", "coop.with", "coop.hand_in_hand", "coop.carry_on",
    "industry.object_of", "industry.specialty_verb", "industry.topic_verb", "industry.topic_lead",
    # relations: document structure, scopes and containment (kg/relate)
    "located.lead_event", "located.visit_before", "located.visit_after", "located.body_rest", "located.bare_body",
    "located.event_word", "located.event_after", "located.paragraph_lead", "located.venue", "located.venue_verb",
    "located.organiser", "located.part_of_zone", "located.body_lead", "located.city_name",
    "focal_zone.region_lead", "located.own_project", "located.apposition", "located.inside_ref", "located.settle",
    "located.region_firms", "located.visit_object", "located.firm_region",
    "located.zone_body", "industry.purpose", "industry.home_ref", "industry.list_count", "industry.list_head",
    "industry.scope_slot", "industry.trade_bracket", "industry.investor", "industry.firm_head", "coop.respectively", "coop.title",
    "located.county_tail", "located.local_firms", "focal_zone.breadcrumb",
    "industry.product", "located.venue_hint", "located.settle_hint", "located.section_mark", "located.colon_lead",
    "located.heading", "located.build_object", "coop.company_ref",
    "project.zone_rest", "zone.place_lead", "enum.item_tail", "enum.item_intro", "enum.item_intro_end",
    "enum.item_lead", "enum.invested", "enum.invested_name", "project.batch_lead", "enum.item_dateline",
    "project.count", "project.not_name", "industry.frame_tail", "industry.alias_qualifier",
    "industry.coordination", "zone.aim",
))
_PLACEHOLDER = re.compile(r"\{@([a-z_]+)\}")


def _load_posts(lex: Lexicon) -> None:
    path = data_path("posts.tsv")
    kinds = {"party", "government", "legislature", "enterprise", "institute", "military"}
    for r in read_tsv(path, ("title", "kind"), required=("title", "kind")):
        if r["kind"] not in kinds:
            raise DataFileError(path, r.line, f"unknown kind {r['kind']!r}")
        lex.posts[clean(r["title"])] = r["kind"]


def _load_suffixes(lex: Lexicon) -> None:
    path = data_path("suffixes.tsv")
    for r in read_tsv(path, ("suffix", "type", "strength", "priority"), required=("suffix", "type", "strength", "priority")):
        if r["type"] not in ENTITY_CLASSES or r["strength"] not in {"strong", "weak"}:
            raise DataFileError(path, r.line, "type must be an entity class and strength strong|weak")
        try:
            prio = int(r["priority"])
        except ValueError:
            raise DataFileError(path, r.line, f"priority {r['priority']!r} is not an integer") from None
        lex.suffixes.append((clean(r["suffix"]), r["type"], r["strength"] == "strong", prio))


def _load_generic(lex: Lexicon) -> None:
    path = data_path("generic.tsv")
    groups: dict[str, set] = {"modifier": set(), "name": set(), "abstract": set()}
    for r in read_tsv(path, ("word", "kind"), required=("word", "kind")):
        if r["kind"] not in groups:
            raise DataFileError(path, r.line, f"unknown kind {r['kind']!r}")
        groups[r["kind"]].add(clean(r["word"]))
    lex.generic_modifiers = frozenset(groups["modifier"])
    lex.generic_names = frozenset(groups["name"])
    lex.abstract = frozenset(groups["abstract"])


def _check_trigger_value(path: Path, r) -> None:
    role, value = r["role"], r["value"]
    if role == "enum_head" and value not in ENTITY_CLASSES:
        raise DataFileError(path, r.line, f"enum_head value must be an entity class, got {value!r}")
    if role == "legal_form" and not set(r.list("value")) <= LEGAL_FORM_FLAGS:
        raise DataFileError(path, r.line, f"legal_form value must be flags from {', '.join(sorted(LEGAL_FORM_FLAGS))}"
                            f" separated by |, got {value!r}")
    if role == "name_context" and not (value and set(r.list("value")) <= {"Enterprise", "Organization"}):
        raise DataFileError(path, r.line, f"name_context value must be Enterprise and/or Organization separated by |,"
                            f" got {value!r}")
    if role == "zone_kind_short" and not value:
        raise DataFileError(path, r.line, "zone_kind_short needs the full form of the kind as its value")


def load_triggers(lex: Lexicon, path=None) -> None:
    """triggers.tsv: word, role, value; an unknown role or a bad value is an error naming file:line."""
    path = Path(path) if path is not None else data_path("triggers.tsv")
    for r in read_tsv(path, ("word", "role", "value"), required=("word", "role")):
        if r["role"] not in TRIGGER_ROLES:
            raise DataFileError(path, r.line, f"unknown role {r['role']!r}")
        _check_trigger_value(path, r)
        lex.triggers.setdefault(r["role"], {})[clean(r["word"])] = r["value"]


def _expand(lex: Lexicon, path: Path, r) -> str:
    """The pattern with each `{@role}` replaced by the words of that trigger role (longest first)."""
    def words(m: re.Match) -> str:
        if m.group(1) not in TRIGGER_ROLES:
            raise DataFileError(path, r.line, f"unknown trigger role {m.group(1)!r} in {{@...}}")
        ordered = sorted(map(re.escape, lex.trigger(m.group(1))), key=len, reverse=True)
        return "|".join(ordered) or "(?!)"

    return _PLACEHOLDER.sub(words, r["pattern"])


def load_patterns(lex: Lexicon, path=None) -> None:
    """patterns.tsv: id, rule, pattern, note. Every id the code uses must be there, and only those;
    `{@role}` in a pattern stands for the words of that role of triggers.tsv (loaded first)."""
    path = Path(path) if path is not None else data_path("patterns.tsv")
    for r in read_tsv(path, ("id", "rule", "pattern", "note"), required=("id", "pattern")):
        pid = r["id"]
        if pid not in PATTERN_IDS:
            raise DataFileError(path, r.line, f"unknown pattern id {pid!r}")
        if pid in lex.patterns:
            raise DataFileError(path, r.line, f"pattern id {pid!r} given twice")
        try:
            lex.patterns[pid] = re.compile(_expand(lex, path, r))
        except re.error as exc:
            raise DataFileError(path, r.line, f"bad regular expression in 'pattern': {exc}") from None
        lex.pattern_rules[pid] = r["rule"]
    missing = sorted(PATTERN_IDS - set(lex.patterns))
    if missing:
        raise DataFileError(path, None, f"missing pattern(s): {', '.join(missing)}")


def load(extra: tuple = ()) -> Lexicon:
    """The bundled lexicon plus user lexicon files (paths, in order; later ones win)."""
    from ..ingest.reader import surnames

    lex = Lexicon()
    load_triggers(lex)
    load_patterns(lex)
    counties = _load_regions(lex)
    _load_zones(lex)
    _load_industries(lex)
    _load_orgs(lex)
    _load_known_lists(lex)
    _add_county_short_forms(lex, counties)
    _load_bodies(lex)
    _load_posts(lex)
    _load_suffixes(lex)
    _load_generic(lex)
    lex.surnames = surnames()
    for path in extra:
        load_user_lexicon(lex, path)
    return lex
