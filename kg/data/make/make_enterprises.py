"""Build kg/data/enterprises.tsv: Chinese listed companies, central SOEs and their listed subsidiaries,
China's largest enterprises and the Chinese names of the world's largest foreign companies, each with the
short names a Chinese reader uses.

Run by hand (not at build time); it reads local copies of the public sources and downloads nothing:

  python make_enterprises.py --ckg DIR --adata CSV --gdvzz DIR --yangqi FILE --jieba DICT \
      --kg-data DIR [--universities TSV] [--institutes TSV] --out TSV --report TSV

  --ckg        data/ of github.com/liuhuanyong/ChainKnowledgeGraph (company.json, company_industry.json,
               industry.json)
  --adata      adata/stock/cache/code.csv from the PyPI wheel adata==2.9.5
  --gdvzz      docs/jobs/ of github.com/gdvzz/logd (list-soe.md, list-chn500-y2025.md,
               list-fic500-y2025.md, list-glb500-y2025.md, list-isc100-y2025.md)
  --yangqi     fuwu/yangqi.md of github.com/DiamonWoo/Laosheng.top
  --jieba      jieba/dict.txt from the PyPI sdist jieba==0.42.1
  --kg-data    kg/data of the project (regions.tsv, orgs.tsv, zones.tsv, generic.tsv, industries.tsv; read only)
  --universities / --institutes   the generated lexicons: an enterprise alias equal to one of their names
               or aliases is dropped
  --report     where to write the aliases that were not kept, with the reason

Output rows are sorted by name; aliases within a row are sorted. See the header written into the TSV for
the column meanings and the alias rules.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from lexicon_common import (NATIONAL_PREFIXES, PROPER_POS, Regions, has_cjk, is_common_word, load_jieba,
                            norm, read_tsv, strip_group_tail, strip_legal_form, write_tsv)

VERSION = "2026-12-05"
SOURCE_ORDER = ["central_soe", "central_finance", "central_culture", "central_soe_sub", "a_share",
                "top500", "private500", "internet100", "foreign"]
OFFICIAL, DERIVED = "official", "derived"
BRAND_SOURCES = {"top500", "private500", "internet100", "foreign"}
NOUN_POS = {"n", "ns", "nz", "nr", "nrt", "nt", "j", "nrfg", "l", "i"}
CJK_CHAR = r"[\u3400-\u9fff]"


@dataclass
class Entity:
    name: str
    aliases: dict[str, str] = field(default_factory=dict)   # alias -> OFFICIAL | DERIVED
    sources: set[str] = field(default_factory=set)
    industry: str = ""
    industry_detail: str = ""
    group: str = ""
    codes: set[str] = field(default_factory=set)
    alias_origin: dict[str, str] = field(default_factory=dict)  # alias -> source tag that gave it

    def add_alias(self, alias: str, kind: str, origin: str) -> None:
        if not alias or alias == self.name:
            return
        old = self.aliases.get(alias)
        if old is None or (old == DERIVED and kind == OFFICIAL):
            self.aliases[alias] = kind
            self.alias_origin[alias] = origin


# ----------------------------------------------------------------------------------------------------
# exchange short names

ST_PREFIX = re.compile(r"^(?:S\*ST|\*ST|SST|ST|PT|XD|XR|DR)")
ONE_LETTER_PREFIX = re.compile(r"^[NCSU](?=" + CJK_CHAR + ")")
SHARE_CLASS_SUFFIX = re.compile(r"(?<=" + CJK_CHAR + r")(?:B股|A|B)$")
DELISTED = re.compile(r"退|^PT|^S\*|^SST|^S(?=" + CJK_CHAR + ")")


def clean_short(raw: str) -> str:
    """Exchange short name without trading-status prefixes and share-class or listing-rule suffixes."""
    s = norm(raw)
    s = re.sub(r"\(退市\)$", "", s)
    s = ST_PREFIX.sub("", s)
    s = ONE_LETTER_PREFIX.sub("", s)
    s = re.sub(r"-[A-Z]{1,3}$", "", s)
    s = SHARE_CLASS_SUFFIX.sub("", s)
    return s


def is_delisted_short(raw: str) -> bool:
    return bool(DELISTED.search(norm(raw)))


def sw_name(raw: str) -> str:
    """Shenwan industry name without the level marks (白酒Ⅲ -> 白酒)."""
    return norm(re.sub(r"[ⅡⅢ]+$", "", raw.strip()))


# ----------------------------------------------------------------------------------------------------
# markdown tables in the gdvzz lists

def md_sections(text: str) -> dict[str, list[str]]:
    """'## title' -> lines until the next '## ' heading."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def table_rows(lines: list[str]) -> list[list[str]]:
    rows = []
    for line in lines:
        if line.startswith("|") and not re.match(r"^\|\s*[-:]", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells and re.match(r"^[\d.]+$", cells[0]):
                rows.append(cells)
    return rows


def split_brand(name: str) -> tuple[str, list[str]]:
    """'北京三快在线科技有限公司(美团)' -> ('北京三快在线科技有限公司', ['美团']): a bracket after the legal
    form is a brand the list gives; brackets inside the name (阿里巴巴(中国)有限公司) belong to the name."""
    m = re.match(r"^(.*?(?:有限公司|有限责任公司|股份公司|公司|集团))\(([^()]+)\)$", name)
    if m:
        return m.group(1), [m.group(2)]
    return name, []


# ----------------------------------------------------------------------------------------------------

class Builder:
    def __init__(self, regions: Regions, jieba: dict, industry_terms: set[str], generic: set[str]):
        self.regions = regions
        self.jieba = jieba
        self.industry_terms = industry_terms
        self.generic = generic
        self.entities: dict[str, Entity] = {}
        self.by_key: dict[str, set[str]] = {}  # name without legal form -> entity names
        self.by_code: dict[str, str] = {}
        self.dropped: list[tuple[str, str, str]] = []
        self.corrupt_ckg: list[tuple[str, str, str]] = []

    # -- entity registry -------------------------------------------------------------------------
    def key(self, name: str) -> str:
        k = strip_legal_form(name)
        return k if len(k) >= 3 else name

    def find(self, name: str) -> Entity | None:
        """The entity with this name, or the one it names without/with a legal form: 中国工商银行 finds
        中国工商银行股份有限公司 and the other way round. Two names that both carry a legal form are two
        entities (东风汽车集团有限公司 is not 东风汽车集团股份有限公司)."""
        if name in self.entities:
            return self.entities[name]
        cands = sorted(self.by_key.get(self.key(name), ()))
        if strip_legal_form(name) == name:
            with_form = [c for c in cands if strip_legal_form(c) != c]
            pick = with_form or cands
            return self.entities[pick[0]] if len(pick) == 1 else None
        bare = [c for c in cands if strip_legal_form(c) == c]
        return self.entities[bare[0]] if len(bare) == 1 else None

    def get(self, name: str, source: str) -> Entity:
        """The entity called `name` (merging on the name without its legal form), created if new. A name
        with a legal form wins over one without (国家开发银行 stays; 中国工商银行 -> ...股份有限公司)."""
        ent = self.find(name)
        if ent is None:
            ent = Entity(name)
            self.entities[name] = ent
            self.by_key.setdefault(self.key(name), set()).add(name)
        elif ent.name != name and strip_legal_form(name) != name and strip_legal_form(ent.name) == ent.name:
            self.rename(ent, name)
        elif ent.name != name:
            ent.add_alias(name, OFFICIAL, source)
        ent.sources.add(source)
        return ent

    def rename(self, ent: Entity, new: str) -> None:
        old = ent.name
        del self.entities[old]
        ent.name = new
        ent.aliases.pop(new, None)
        ent.add_alias(old, OFFICIAL, "rename")
        self.entities[new] = ent
        self.by_key.setdefault(self.key(old), set()).discard(old)
        self.by_key.setdefault(self.key(new), set()).add(new)
        for code, n in list(self.by_code.items()):
            if n == old:
                self.by_code[code] = new

    def merge(self, src: Entity, into: Entity) -> Entity:
        """Fold `src` (a bare exchange short name) into `into` (the same company under its full name)."""
        del self.entities[src.name]
        self.by_key.get(self.key(src.name), set()).discard(src.name)
        into.add_alias(src.name, OFFICIAL, "a_share")
        for a, k in src.aliases.items():
            into.add_alias(a, k, src.alias_origin.get(a, ""))
        into.sources |= src.sources
        into.codes |= src.codes
        into.industry = into.industry or src.industry
        into.industry_detail = into.industry_detail or src.industry_detail
        into.group = into.group or src.group
        for code, n in list(self.by_code.items()):
            if n == src.name:
                self.by_code[code] = into.name
        return into

    # -- derived short forms ---------------------------------------------------------------------
    def generic_form(self, text: str) -> str:
        """Why `text` is not a usable name: '' when it is fine."""
        if len(text) < 2 or not has_cjk(text):
            return "too short or no Chinese"
        if text in self.regions.all_names:
            return "place name"
        if text in self.industry_terms or text in self.generic:
            return "industry or generic term"
        core = strip_group_tail(text)
        if core != text:   # 中国交通建设集团: a group reference, fine unless the rest is only a place
            return "place + group word" if core in self.regions.all_names else ""
        place = self.regions.leading(text)
        if place:
            rest = text[len(place):]
            broad = place in NATIONAL_PREFIXES or self.regions.is_country(place) or self.regions.is_province(place)
            if rest in self.regions.all_names:
                return f"place + place ({place}+{rest})"
            if broad and len(rest) <= 4 and self.only_common_words(rest):
                return f"broad place + ordinary words ({place}+{rest})"
            if not broad and (rest in self.industry_terms or rest in self.generic):
                return f"place + industry word ({place}+{rest})"
        return ""

    def segment(self, text: str) -> list[str]:
        """Forward maximum matching on jieba's dictionary (single characters when nothing matches)."""
        out, i = [], 0
        while i < len(text):
            for j in range(min(len(text), i + 8), i, -1):
                if j - i == 1 or text[i:j] in self.jieba or text[i:j] in self.industry_terms:
                    out.append(text[i:j])
                    i = j
                    break
        return out

    def only_common_words(self, text: str) -> bool:
        """True when `text` is made only of ordinary multi-character words or industry terms (电子科技,
        石油天然气, 旅游); a single character or a proper-noun token makes it name-like (宝武钢铁, 华能)."""
        if text in self.industry_terms or text in self.generic or is_common_word(text, self.jieba):
            return True
        toks = self.segment(text)
        return all(len(t) > 1 and (is_common_word(t, self.jieba) or t in self.industry_terms
                                   or t in self.generic) for t in toks)

    def derive(self, ent: Entity) -> None:
        """Short forms of a legal name: without the legal form (京东集团), without a 集团/控股 tail (京东),
        without a leading place when that tail was removed (浙江吉利 -> 吉利); place qualifiers in brackets
        are dropped (阿里巴巴(中国) -> 阿里巴巴). Forms that are a place, an industry word or a place plus a
        common word (中国核工业, 中国旅游) are not kept."""
        for depth, f in self._derived_forms(ent.name):
            if f == ent.name or f in ent.aliases:
                continue
            why = self._derived_why(ent, depth, f)
            if why:
                self.dropped.append((f, ent.name, "derived: " + why))
            else:
                ent.add_alias(f, DERIVED, f"derived{depth}")

    def _unqualify(self, s: str) -> str:
        """Without place qualifiers in brackets (阿里巴巴(中国) -> 阿里巴巴)."""
        def repl(m: re.Match) -> str:
            inner = m.group(1)
            return "" if inner in self.regions.all_names or inner in ("中国", "集团") else m.group(0)
        return re.sub(r"\(([^()]+)\)", repl, s)

    def _derived_forms(self, name: str) -> list[tuple[int, str]]:
        """(depth, form): 1 without the legal form or bracketed places, 2 without a group tail, 3 without
        the leading place too."""
        forms: list[tuple[int, str]] = []
        d1 = strip_legal_form(name)
        if d1 != name:
            forms.append((1, d1))
        d1b = self._unqualify(d1)
        if d1b != d1:
            forms.append((1, d1b))
        d2 = strip_group_tail(d1b)
        if d2 != d1b:
            forms.append((2, d2))
            rest = self._without_place(name, d2)
            if rest:
                forms.append((3, rest))
        return forms

    def _without_place(self, name: str, d2: str) -> str:
        """d2 without its leading place, when the rest is still a name ('' otherwise; the reason is reported)."""
        place = self.regions.leading(d2)
        rest = d2[len(place):] if place else ""
        if len(rest) < 2:
            return ""
        national = place in NATIONAL_PREFIXES or self.regions.is_country(place)
        entry = self.jieba.get(rest)
        if national and not (entry and entry[1] in PROPER_POS):
            self.dropped.append((rest, name, "derived: national prefix removed and the rest is not "
                                             "a proper noun in jieba"))
            return ""
        if not national and self.only_common_words(rest):
            self.dropped.append((rest, name, "derived: place removed and the rest is ordinary words"))
            return ""
        return rest

    def _derived_why(self, ent: Entity, depth: int, f: str) -> str:
        """Why a derived form is not kept ('' to keep it)."""
        why = self.generic_form(f)
        entry = self.jieba.get(f)
        if not why and entry and entry[1] not in PROPER_POS and entry[1] not in NOUN_POS:
            why = f"ordinary word that is not a noun (jieba {entry[1]})"
        if not why and depth > 1 and entry and entry[1] not in PROPER_POS and not ent.sources & BRAND_SOURCES:
            # 民生控股 -> 民生: a group/place-stripped form that is an ordinary word is a brand name only
            # for the household names of the ranking lists (小米集团 -> 小米)
            why = f"ordinary word (jieba {entry[1]}) after removing 集团/控股 or a place"
        if (not why and depth == 3 and len(f) <= 2 and not ent.sources & BRAND_SOURCES
                and not ent.name.startswith(NATIONAL_PREFIXES)):
            # 上海城投 -> 城投, 山东玻纤 -> 玻纤: for a firm known only from the exchange lists, two characters
            # left after a province or city are a sector abbreviation firms of every province share
            why = "two characters left after removing a province or city: a sector abbreviation many firms share"
        return why

    # -- sources ---------------------------------------------------------------------------------
    def load_a_share(self, ckg: Path, adata_csv: Path) -> None:
        industries = {}
        for line in open(ckg / "industry.json", encoding="utf-8"):
            d = json.loads(line)
            industries[d["code"]] = sw_name(d["name"])
        self.industry_terms |= set(industries.values())
        ind_by_code: dict[str, str] = {}
        listed_2021: dict[str, str] = {}
        for line in open(ckg / "company_industry.json", encoding="utf-8"):
            d = json.loads(line)
            code = d["company_code"].split(".")[0]
            ind_by_code[code] = d["industry_code"]
            listed_2021[code] = d["company_name"]
        adata: dict[str, tuple[str, str]] = {}
        with open(adata_csv, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                adata[row["stock_code"]] = (row["short_name"], row["list_date2"])

        def listed(code: str, ckg_short: str | None) -> bool:
            names = [n for n in (ckg_short, listed_2021.get(code), adata.get(code, ("", ""))[0]) if n]
            if any(is_delisted_short(n) for n in names):
                return False
            if code in adata:
                return bool(adata[code][1])
            return code in listed_2021

        ckg_rows = [json.loads(line) for line in open(ckg / "company.json", encoding="utf-8")]
        code_count: dict[str, int] = {}
        for d in ckg_rows:
            code = d["code"].split(".")[0]
            code_count[code] = code_count.get(code, 0) + 1
        seen = set()
        for d in ckg_rows:
            code = d["code"].split(".")[0]
            name = norm(d["fullname"])
            if not has_cjk(name):
                continue
            if code_count[code] > 1:
                # corrupt rows in the source: one code repeated with other companies' full names; the full
                # name is kept, the code, short name and industry are not trusted
                self.corrupt_ckg.append((d["code"], d["name"], d["fullname"]))
                self.get(name, "a_share")
                continue
            seen.add(code)
            if not listed(code, d["name"]):
                continue
            ent = self.get(name, "a_share")
            ent.codes.add(code)
            self.by_code[code] = ent.name
            for short in {d["name"], adata.get(code, ("", ""))[0]}:
                cleaned = clean_short(short) if short else ""
                # a short name sharing no character with the full name is an old name or a source error
                if cleaned and set(re.findall(CJK_CHAR + "|[A-Za-z]", cleaned)) & set(name):
                    ent.add_alias(cleaned, OFFICIAL, "a_share")
                elif cleaned:
                    self.dropped.append((cleaned, name, "exchange short name shares no character with the full name"))
            l3 = ind_by_code.get(code)
            if l3 and not ent.industry:
                ent.industry = industries.get(l3[:2] + "0000", "")
                ent.industry_detail = industries.get(l3[:4] + "00", "")
        for code, (short, list_date) in sorted(adata.items()):
            if code in seen or code[:3] in ("200", "201", "900") or not list_date or is_delisted_short(short):
                continue
            name = clean_short(short)
            if len(name) < 2:
                continue
            ent = self.get(name, "a_share")
            ent.codes.add(code)
            self.by_code[code] = ent.name

    def load_soe(self, gdvzz: Path, yangqi: Path) -> None:
        sasac = self._soe_lists(gdvzz)
        # 央企名录 short names and listed subsidiaries from the Laosheng page
        text = yangqi.read_text(encoding="utf-8")
        d1 = text.split("国资委央企名录", 1)[1].split("图例与行业统计", 1)[0]
        d2 = text.split("国资委央企发行股票", 1)[1].split("<div id='D5'", 1)[0]
        group_by_id = self._soe_groups(d1, sasac)
        for line in d2.splitlines():
            m = re.match(r"^\[\d+[△▲]\]\(#(\d+)\)", line)
            if m:
                self._soe_subsidiary(line, group_by_id.get(m.group(1), ""))

    def _soe_lists(self, gdvzz: Path) -> list[str]:
        """The SASAC, MOF, culture and finance lists of central enterprises; returns the SASAC names."""
        sections = md_sections((gdvzz / "list-soe.md").read_text(encoding="utf-8"))
        plan = [("国务院国资委履行出资人职责的企业名单", "central_soe"),
                ("国务院授权财政部履行出资人职责的企业", "central_soe"),
                ("国务院授权财政部履行出资人职责的中央文化企业", "central_culture"),
                ("中央金融企业", "central_finance")]
        sasac: list[str] = []
        for title, tag in plan:
            for cells in table_rows(sections[title]):
                raw = norm(cells[1])
                m = re.match(r"^(.*?)\[(.*?)\]$", raw)
                name, alt = (m.group(1), m.group(2)) if m else (raw, "")
                ent = self.get(name, tag)
                if alt:
                    ent.add_alias(alt, OFFICIAL, tag)
                if title.startswith("国务院国资委"):
                    sasac.append(ent.name)
        return sasac

    @staticmethod
    def _group_line(line: str) -> tuple[str, str, list[str]]:
        """A line of the 央企名录 table: short name, anchor id, full names."""
        fields = [f.replace("⠀", "").strip() for f in line.split("\t")]
        m = re.match(r"^\[([^\]]+)\]", fields[1])
        short = norm(m.group(1) if m else re.sub(r"<[^>]+>.*$", "", fields[1]))
        gid = re.search(r'\{:id="(\d+)"\}', line)
        fulls: list[str] = []
        for f in fields[2:]:
            f = re.sub(r"<[^>]+>", "", f).strip()
            if "[" in f or "(http" in f:
                continue
            parts = [norm(x) for x in f.split("／") if x.strip()]
            if parts and all(re.search(r"(有限公司|有限责任公司|总局)$", x) for x in parts):
                fulls = parts
                break
        return short, gid.group(1) if gid else "", fulls

    def _group_target(self, short: str, fulls: list[str], sasac: list[str]):
        """The SASAC group a 央企名录 line names: by a full name, else by the one SASAC name with the short name."""
        for cand in fulls:
            ent = self.find(cand)
            if ent and ent.name in sasac:
                return ent
        if short:
            hits = [n for n in sasac if short in n]
            if len(hits) == 1:
                return self.entities[hits[0]]
        return None

    def _soe_groups(self, d1: str, sasac: list[str]) -> dict[str, str]:
        """Short names and full names of the SASAC groups; returns anchor id -> group name (a group merged
        into another points at that one)."""
        group_by_id: dict[str, str] = {}
        merged_into: dict[str, str] = {}
        for line in d1.splitlines():
            if not re.match(r"^(<del>)?\d+", line) or len(line.split("\t")) < 2:
                continue
            short, gid, fulls = self._group_line(line)
            target = self._group_target(short, fulls, sasac)
            if line.startswith("<del>"):
                into = re.search(r"并入.*?\[#(\d+)\]", line)
                if gid and into:
                    merged_into[gid] = into.group(1)
                continue
            if target is None:
                continue
            if short and short != target.name:
                target.add_alias(short, OFFICIAL, "central_soe")
            for cand in fulls:
                target.add_alias(cand, OFFICIAL, "central_soe")
            if gid:
                group_by_id[gid] = target.name
        for old, new in merged_into.items():
            if new in group_by_id:
                group_by_id[old] = group_by_id[new]
        return group_by_id

    def _soe_subsidiary(self, line: str, group: str) -> None:
        """A listed subsidiary of a central enterprise: its code, full name, short name and group."""
        fields = line.split("\t")
        short = norm(fields[1].replace("⠀", "")) if len(fields) > 1 else ""
        code_m = re.search(r"\[(\d{5,6})\]\(", line)
        full_m = re.findall(r"\[([^\]\[]+)\]\(http[^)]*\)</sub>", line)
        full = norm(full_m[-1]) if full_m else ""
        code = code_m.group(1) if code_m else ""
        hk = "港股" in line
        ent = None
        if code and not hk and code in self.by_code:
            ent = self._listed_subsidiary(self.entities[self.by_code[code]], full)
        elif full and has_cjk(full):
            ent = self.get(full, "central_soe_sub")
            if code:
                ent.codes.add(("HK:" if hk else "") + code)
        if ent is None:
            return
        if group and group != ent.name and not ent.group:
            ent.group = group
        if short:
            ent.add_alias(clean_short(short), OFFICIAL, "central_soe_sub")

    def _listed_subsidiary(self, ent, full: str):
        """An A-share company that the page lists as a subsidiary, renamed to (or merged with) the full
        legal name the page gives when it had only its short name."""
        ent.sources.add("central_soe_sub")
        if full and strip_legal_form(ent.name) == ent.name and strip_legal_form(full) != full:
            other = self.find(full)
            if other is None:
                self.rename(ent, full)
            elif other is not ent and not other.codes:
                ent = self.merge(ent, other)
        return ent

    def load_rankings(self, gdvzz: Path) -> None:
        chn = md_sections((gdvzz / "list-chn500-y2025.md").read_text(encoding="utf-8"))
        for cells in table_rows(chn["排行榜"]):
            self.get(norm(cells[1]), "top500")

        glb = md_sections((gdvzz / "list-glb500-y2025.md").read_text(encoding="utf-8"))
        for cells in table_rows(glb["排行榜"]):
            raw, country = cells[1], cells[4]
            # 中国平安保险（集团）股份有限公司（PING AN INSURANCE): the English name is the last bracket
            m = re.match(r"^(.*)（([^（）]*)[)）]\s*$", raw)
            zh = norm(m.group(1) if m and re.search(r"[A-Za-z]", m.group(2)) else raw)
            if not has_cjk(zh):
                continue
            self.get(zh, "top500" if country == "中国" else "foreign")

        fic = md_sections((gdvzz / "list-fic500-y2025.md").read_text(encoding="utf-8"))
        for title, lines in fic.items():
            if "民营企业" not in title:
                continue
            for cells in table_rows(lines):
                name, brands = split_brand(norm(cells[1]))
                ent = self.get(name, "private500")
                for b in brands:
                    ent.add_alias(b, OFFICIAL, "private500")

        isc = md_sections((gdvzz / "list-isc100-y2025.md").read_text(encoding="utf-8"))
        for title, lines in isc.items():
            if "企业" not in title:
                continue
            for cells in table_rows(lines):
                self.get(norm(cells[1]), "internet100")

    # -- final clean-up --------------------------------------------------------------------------
    def resolve(self, reserved: dict[str, str]) -> None:
        """Every alias names one entity: one that is another entity's name, a place, or a name or alias
        in another lexicon (universities, institutes, orgs, zones) is dropped; one claimed by several
        entities stays with a central SOE group's official short name over any other official short name
        over a derived form, and is dropped when that does not decide."""
        for ent in self.entities.values():
            self.derive(ent)
        owners = self._drop_taken_aliases(reserved)
        for alias, ents in owners.items():
            if len(ents) > 1:
                self._share_out(alias, ents)
        # an exchange short name that is an ordinary word is dropped when the company has another one
        for ent in self.entities.values():
            official = [a for a, k in ent.aliases.items() if k == OFFICIAL]
            for alias in official:
                if is_common_word(alias, self.jieba) and any(not is_common_word(o, self.jieba)
                                                              for o in official if o != alias):
                    del ent.aliases[alias]
                    self.dropped.append((alias, ent.name, "ordinary word; the company has another short name"))

    def _taken_why(self, alias: str, names: set, reserved: dict[str, str]) -> str:
        if len(alias) < 2 or (not has_cjk(alias) and len(alias) <= 2):
            return "one character or too short"
        if alias in names:
            return "is the name of another entity"
        if alias in reserved:
            return reserved[alias]
        if alias in self.regions.all_names:
            return "place name"
        if alias in self.generic:
            return "generic word (kg/data/generic.tsv)"
        return ""

    def _drop_taken_aliases(self, reserved: dict[str, str]) -> dict[str, list[Entity]]:
        """Drop the aliases that name something else; returns alias -> the entities that claim it."""
        names = set(self.entities)
        owners: dict[str, list[Entity]] = {}
        for ent in self.entities.values():
            for alias in list(ent.aliases):
                why = self._taken_why(alias, names, reserved)
                if why:
                    del ent.aliases[alias]
                    self.dropped.append((alias, ent.name, why))
                else:
                    owners.setdefault(alias, []).append(ent)
        return owners

    def _share_out(self, alias: str, ents: list[Entity]) -> None:
        """An alias several entities claim stays with the best-ranked one, or with none on a tie."""
        def rank(e: Entity) -> int:
            kind = e.aliases[alias]
            if kind == OFFICIAL and e.alias_origin.get(alias) == "central_soe" and "central_soe" in e.sources:
                return 0
            if kind == OFFICIAL:
                return 1
            return 1 + int(e.alias_origin.get(alias, "derived9")[-1])

        ranks = sorted((rank(e), e.name) for e in ents)
        keep = ranks[0][1] if ranks[0][0] < ranks[1][0] else None
        for e in ents:
            if e.name != keep:
                del e.aliases[alias]
                why = f"shared; kept by {keep}" if keep else "shared by " + "、".join(sorted(x.name for x in ents))
                self.dropped.append((alias, e.name, why))


def _reserved(args) -> dict[str, str]:
    """Names and aliases of the other lexicons (orgs, zones, universities, institutes) -> where from."""
    reserved: dict[str, str] = {}
    sources = [(args.kg_data / "orgs.tsv", "kg/data/orgs.tsv"), (args.kg_data / "zones.tsv", "kg/data/zones.tsv"),
               (args.universities, "universities.tsv"), (args.institutes, "institutes.tsv")]
    for path, label in sources:
        if not path:
            continue
        for row in read_tsv(path):
            for form in [row["name"]] + row.get("aliases", "").split("|"):
                if form:
                    reserved[norm(form)] = f"name or alias in {label}"
    return reserved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckg", required=True, type=Path)
    ap.add_argument("--adata", required=True, type=Path)
    ap.add_argument("--gdvzz", required=True, type=Path)
    ap.add_argument("--yangqi", required=True, type=Path)
    ap.add_argument("--jieba", required=True, type=Path)
    ap.add_argument("--kg-data", required=True, type=Path)
    ap.add_argument("--universities", type=Path)
    ap.add_argument("--institutes", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--report", required=True, type=Path)
    args = ap.parse_args()

    regions = Regions(args.kg_data / "regions.tsv")
    jieba = load_jieba(args.jieba)
    industry_terms: set[str] = set()
    for row in read_tsv(args.kg_data / "industries.tsv"):
        industry_terms.add(norm(row["pref_label"]))
        industry_terms |= {norm(a) for a in row.get("alt_labels", "").split("|") if a}
    generic = {norm(r["word"]) for r in read_tsv(args.kg_data / "generic.tsv")}
    reserved = _reserved(args)

    b = Builder(regions, jieba, industry_terms, generic)
    b.load_a_share(args.ckg, args.adata)
    b.load_soe(args.gdvzz, args.yangqi)
    b.load_rankings(args.gdvzz)
    b.resolve(reserved)

    rows = []
    for ent in sorted(b.entities.values(), key=lambda e: e.name):
        sources = [s for s in SOURCE_ORDER if s in ent.sources]
        rows.append([ent.name, "|".join(sorted(ent.aliases)), ent.industry, ent.industry_detail, ent.group,
                     "|".join(sources), "|".join(sorted(ent.codes))])
    counts = {s: sum(1 for e in b.entities.values() if s in e.sources) for s in SOURCE_ORDER}
    n_alias = sum(len(e.aliases) for e in b.entities.values())
    header = [
        "Enterprises known by short or brand names: mainland-listed companies (A and B shares, SSE/SZSE/BSE),",
        "  central SOEs (央企) and their listed subsidiaries, central financial and cultural enterprises, the",
        "  Fortune China 500, the ACFIC private-enterprise 500 lists, the ISC internet top-100 lists, and the",
        "  Chinese names of the Fortune Global 500 (foreign companies are tagged `foreign`).",
        "source: A-share: github.com/liuhuanyong/ChainKnowledgeGraph data/company.json, company_industry.json,",
        "  industry.json (commit 4ea9154; exchange lists and 申万2021 industries, 2021-10) + PyPI adata==2.9.5",
        "  adata/stock/cache/code.csv (exchange codes and current short names, listings up to 2023-10)",
        "source: central SOEs: github.com/gdvzz/logd docs/jobs/list-soe.md (commit 86282f4; SASAC 央企名录",
        "  2025-07-29, MOF 财政部履行出资人职责的中央企业名录 2022-10-24) + github.com/DiamonWoo/Laosheng.top",
        "  fuwu/yangqi.md (commit 960d764; SASAC short names, listed subsidiaries and their groups, 2025-08)",
        "source: rankings: github.com/gdvzz/logd docs/jobs/list-chn500-y2025.md (《财富》中国500强 2025),",
        "  list-glb500-y2025.md (《财富》世界500强 2025), list-fic500-y2025.md (全国工商联 民营企业500强 2025),",
        "  list-isc100-y2025.md (中国互联网协会 互联网综合实力前百家 2025)",
        "source: jieba==0.42.1 dict.txt (POS tags, to drop derived forms that are ordinary words);",
        "  kg/data regions.tsv, industries.tsv, generic.tsv, orgs.tsv, zones.tsv (read only)",
        f"version: {VERSION}",
        "license: facts (names, codes, industry classes) from public exchange, government and ranking lists;",
        "  adata is Apache-2.0, jieba MIT; this compilation follows the project licence",
        "generated-by: kg/data/make/make_enterprises.py (dropped aliases: kg/data/make/enterprises_dropped_aliases.tsv)",
        "name: full registered name when a source gives one, else the best-known name; all text NFKC-folded",
        "  (half-width letters, digits, brackets), spaces removed.",
        "aliases: |-separated. Exchange short names with *ST/ST/S/PT/N/C/XD/XR/DR prefixes and -U/-W and",
        "  A/B/B股 suffixes removed; SASAC short names (中核集团, 中国石化); brands a list gives in brackets;",
        "  derived forms: name without legal form (京东集团), without a 集团/控股 tail (京东), without a leading",
        "  place once that tail is gone (浙江吉利 -> 吉利), without place qualifiers in brackets (阿里巴巴(中国)",
        "  -> 阿里巴巴). Derived forms that are a place, an industry word, a place + ordinary words (中国核工业,",
        "  中国旅游), a non-noun ordinary word (东方 s), or - for firms outside the ranking lists - an ordinary",
        "  word left after removing 集团/控股 or a place (民生控股 -> 民生) are not kept. An alias names one",
        "  entity: shared ones stay with a central SOE group's short name, then any official short name, then",
        "  the least-derived form, else are dropped; aliases equal to a place, another",
        "  entity's name, or a name/alias in orgs, zones, universities or institutes are dropped; one-character",
        "  aliases are dropped. Short names that are ordinary words are flagged in ambiguous_names.tsv.",
        "industry: 申万(SW2021) first-level industry of A-share companies (2021-10 classification);",
        "  industry_detail: SW2021 second level. group: the central SOE group of a listed subsidiary.",
        "source: |-joined tags of the lists a row is in; rows per tag: " + ", ".join(
            f"{s} {counts[s]}" for s in SOURCE_ORDER[:5]) + ",",
        "  " + ", ".join(f"{s} {counts[s]}" for s in SOURCE_ORDER[5:]) + f"; rows {len(rows)}, aliases {n_alias}",
        "codes: exchange codes (6 digits; HK:nnnnn for Hong Kong listings).",
    ]
    write_tsv(args.out, header, ["name", "aliases", "industry", "industry_detail", "group", "source", "codes"], rows)

    dropped = sorted(set(b.dropped))
    write_tsv(args.report, [
        "Aliases make_enterprises.py did not keep in enterprises.tsv, with the reason (for review).",
        "source: the sources of enterprises.tsv (see its header)",
        f"version: {VERSION}",
        "license: derived data; this compilation follows the project licence",
        "generated-by: kg/data/make/make_enterprises.py"],
        ["alias", "name", "reason"], [list(d) for d in dropped])
    print(f"corrupt source rows set aside: {len(b.corrupt_ckg)}")
    print(f"enterprises: {len(rows)} rows, {n_alias} aliases, {len(dropped)} dropped; " +
          ", ".join(f"{s}={c}" for s, c in counts.items()))


if __name__ == "__main__":
    main()
