"""General knowledge loaded from kg/data (and users' own lexicons), strictly and lazily.

`load()` returns one immutable-ish Lexicon built from the bundled files; `load(extra=[...])`
adds user lexicons whose entries override the defaults for the same surface form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    industries_by_id: dict[str, Entry] = field(default_factory=dict)

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

    def trigger(self, role: str) -> dict[str, str]:
        return self.triggers.get(role, {})

    def is_generic(self, name: str) -> bool:
        return name in self.generic_names or name in self.abstract


def clean(text: str) -> str:
    """Lexicon entries go through the same normalisation as documents."""
    return to_simplified(normalize_whitespace(fold_width(nfc(text))))


def _where(path: Path, line: int) -> str:
    return f"{path.name}:{line}"


def _load_regions(lex: Lexicon) -> None:
    path = data_path("regions.tsv")
    if not path.exists():
        return
    rows = read_tsv(path, ("code", "name", "aliases", "level", "parent_code"), required=("code", "name", "level"))
    by_code = {r["code"]: r for r in rows}
    for r in rows:
        level = r["level"]
        if level not in {"country", "province", "prefecture", "county"}:
            raise DataFileError(path, r.line, f"unknown level {level!r}")
        parent = by_code.get(r["parent_code"])
        aliases = tuple(clean(a) for a in r.list("aliases") if clean(a) != clean(r["name"]))
        # County short forms are too often ordinary words (和平, 新城); keep only full names.
        if level == "county":
            aliases = ()
            if r["name"].endswith("新区"):
                continue  # national new areas that are also districts (滨海新区) are Zones
        entry = Entry(clean(r["name"]), "Region", aliases, _where(path, r.line),
                      priority={"country": 48, "province": 50, "prefecture": 46, "county": 40}[level],
                      host=clean(parent["name"]) if parent else "", level=level)
        lex.add(entry)
        lex.regions_by_name.setdefault(entry.name, entry)


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


def load(extra: tuple = ()) -> Lexicon:
    """The bundled lexicon plus user lexicon files (paths, in order; later ones win)."""
    lex = Lexicon()
    _load_regions(lex)
    _load_zones(lex)
    _load_industries(lex)
    _load_orgs(lex)
    posts_path = data_path("posts.tsv")
    kinds = {"party", "government", "legislature", "enterprise", "institute", "military"}
    for r in read_tsv(posts_path, ("title", "kind"), required=("title", "kind")):
        if r["kind"] not in kinds:
            raise DataFileError(posts_path, r.line, f"unknown kind {r['kind']!r}")
        lex.posts[clean(r["title"])] = r["kind"]
    suf_path = data_path("suffixes.tsv")
    for r in read_tsv(suf_path, ("suffix", "type", "strength", "priority"), required=("suffix", "type", "strength", "priority")):
        if r["type"] not in ENTITY_CLASSES or r["strength"] not in {"strong", "weak"}:
            raise DataFileError(suf_path, r.line, "type must be an entity class and strength strong|weak")
        try:
            prio = int(r["priority"])
        except ValueError:
            raise DataFileError(suf_path, r.line, f"priority {r['priority']!r} is not an integer") from None
        lex.suffixes.append((clean(r["suffix"]), r["type"], r["strength"] == "strong", prio))
    gen_path = data_path("generic.tsv")
    groups: dict[str, set] = {"modifier": set(), "name": set(), "abstract": set()}
    for r in read_tsv(gen_path, ("word", "kind"), required=("word", "kind")):
        if r["kind"] not in groups:
            raise DataFileError(gen_path, r.line, f"unknown kind {r['kind']!r}")
        groups[r["kind"]].add(clean(r["word"]))
    lex.generic_modifiers = frozenset(groups["modifier"])
    lex.generic_names = frozenset(groups["name"])
    lex.abstract = frozenset(groups["abstract"])
    trig_path = data_path("triggers.tsv")
    roles = {"enum_head", "locate", "cooperate", "speech", "name_stop", "industry_head", "verb", "bare_zone", "develop",
             "area_develop", "name_scope"}
    for r in read_tsv(trig_path, ("word", "role", "value"), required=("word", "role")):
        if r["role"] not in roles:
            raise DataFileError(trig_path, r.line, f"unknown role {r['role']!r}")
        if r["role"] == "enum_head" and r["value"] not in ENTITY_CLASSES:
            raise DataFileError(trig_path, r.line, f"enum_head value must be an entity class, got {r['value']!r}")
        lex.triggers.setdefault(r["role"], {})[clean(r["word"])] = r["value"]
    lex.surnames = frozenset(r["surname"] for r in read_tsv(data_path("surnames.tsv"), ("surname",), required=("surname",)))
    for path in extra:
        load_user_lexicon(lex, path)
    return lex
