"""Build kg/data/ambiguous_names.tsv: the names and aliases in enterprises.tsv, universities.tsv and
institutes.tsv that are also ordinary Chinese words, place names or common phrases. The extractor should
count such a form only with an entity trigger nearby (签约, 落户, 引进, 投资, 集团, 公司, 企业, 高校 ...).

Run by hand after the three lexicons:

  python make_ambiguous.py --enterprises TSV --universities TSV --institutes TSV --jieba DICT \
      --kg-data DIR --out TSV

A form (name or alias) is flagged when any rule holds; `reason` lists every rule that holds:
  common_word      jieba==0.42.1 dict.txt lists it with a POS that is not a proper noun or abbreviation
                   (not nr/nrt/nrfg/nz/nt/j), at frequency >= NOUN_FREQ for nouns and places (n ns l i):
                   平安 a, 长城 ns 1559, 小米 n 396, 联想 v (jieba tags brands such as 携程 n 59 and school
                   short names such as 浙大 ns 44 as rare nouns/places; those are not flagged)
  frequent_name    jieba lists it as a proper noun/abbreviation with frequency >= FREQ (a name that is also
                   used for other things: 人大 12955, 新华 549, 大唐 372, 华为 373, 南水北调 298)
  listed_word      the form of a firm known only from the exchange lists (not a central SOE, not in a
                   ranking) is an ordinary word jieba knows at any frequency (驱动力 n 53), or a proper noun
                   at frequency >= LESSER_NAME_FREQ (徐家汇 nr 57, 新天地 nz 42; not 华大基因 nz 3)
  modifier_phrase  a generic modifier of kg/data/generic.tsv (新, 大, 高端 ...) + an industry term, a generic
                   word or an ordinary word (新产业, 新动力, 新世界); after a one-character modifier an ordinary
                   word only at frequency >= HEAD_FREQ (新希望, not 三力士)
  place            it is a name or short form of a division or country in kg/data/regions.tsv
  place_phrase     a place (division, country, or 中国/国家/全国/中华/中央) followed by an industry term, a
                   verb or adjective (jieba v/vn/a/ad/an/d), or - after a country, province or national word -
                   any ordinary noun: 广州发展, 北京银行, 国家电网, 德国电信 (宁德时代 is not flagged: 时代 is
                   a noun after a city)
  generic          a word of kg/data/generic.tsv or an industry term (kg/data/industries.tsv, 申万 names)
  particle         a form of up to 3 characters containing the particle 的 (美的)
  facility         a form of 3 or more characters ending in a facility word (港, 机场, 高速, 铁路, 大厦, 广场,
                   商城, 城): the port, airport, road or mall as often as the firm (天津港, 白云机场, 大悦城)
Forms ending in a legal form, 集团/控股, 大学/学院/学校, 研究所/研究院/科学院/中心/实验室/天文台/植物园
name their entity type and are not flagged.
  shared           the same form names entities in two of the lexicons
One-character forms never reach the lexicons (the generators drop them).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from lexicon_common import (GROUP_TAILS, LEGAL_FORMS, NATIONAL_PREFIXES, PROPER_POS, Regions, load_jieba,
                            norm, read_tsv, write_tsv)

VERSION = "2026-12-05"
FREQ = 100
# the lists a row comes from that make it a well-known firm; a firm known only from the exchange lists
# (source a_share alone) is "lesser": any word jieba knows reads as that word first (驱动力, 徐家汇, 新天地)
RANKED = ("central_soe", "central_finance", "central_culture", "central_soe_sub", "top500", "private500",
          "internet100", "foreign")
NOUN_FREQ = 100
LESSER_NAME_FREQ = 20   # a lesser firm's form that jieba knows as a proper noun this often is mostly a place or phrase
# a form ending in a facility word names the port, airport, road or mall as often as the firm (天津港,
# 白云机场, 宁沪高速, 大悦城)
FACILITY_TAILS = ("港", "机场", "高速", "铁路", "大厦", "广场", "商城", "城")
HEAD_FREQ = 1000   # after a one-character modifier (新, 大, 三) only a frequent word makes a phrase (新希望, not 三力士)
NOUNLIKE = {"n", "ns", "l", "i"}   # jieba tags many brand names and school short names n or ns at low frequency
CLAUSE_POS = {"v", "vn", "a", "ad", "an", "d"}
# forms ending like this name their entity type and are not flagged: legal forms, group words, schools,
# research bodies
ENTITY_TAILS = LEGAL_FORMS + GROUP_TAILS + ("株式会社", "大学", "学院", "学校", "研究所", "研究院", "科学院",
                                            "研究中心", "实验室", "天文台", "植物园", "中心")


class Rules:
    """The flagging rules over the dictionaries they need (jieba, places, generic and industry words)."""

    def __init__(self, args, industry: set[str], lesser: set[str]):
        self.regions = Regions(args.kg_data / "regions.tsv")
        self.jieba = load_jieba(args.jieba)
        generic_rows = read_tsv(args.kg_data / "generic.tsv")
        self.generic = {norm(r["word"]) for r in generic_rows}
        self.modifiers = sorted({norm(r["word"]) for r in generic_rows if r["kind"] == "modifier"}, key=len, reverse=True)
        self.industry = industry
        self.lesser = lesser

    def reasons(self, form: str) -> list[str]:
        if form.endswith(ENTITY_TAILS):
            return []
        out = self.word_reasons(form) + self.modifier_reasons(form)
        if form in self.regions.all_names:
            out.append("place")
        out += self.place_reasons(form)
        if form in self.generic or form in self.industry:
            out.append("generic")
        if "的" in form and len(form) <= 3:
            out.append("particle")
        if len(form) >= 3 and form.endswith(FACILITY_TAILS):
            out.append("facility")
        return out

    def word_reasons(self, form: str) -> list[str]:
        entry = self.jieba.get(form)
        if not entry:
            return []
        if entry[1] not in PROPER_POS and (entry[1] not in NOUNLIKE or entry[0] >= NOUN_FREQ):
            return [f"common_word(jieba {entry[1]} {entry[0]})"]
        if entry[0] >= FREQ:
            return [f"frequent_name(jieba {entry[1]} {entry[0]})"]
        if form in self.lesser and (entry[1] not in PROPER_POS or entry[0] >= LESSER_NAME_FREQ):
            return [f"listed_word(jieba {entry[1]} {entry[0]})"]
        return []

    def modifier_reasons(self, form: str) -> list[str]:
        head = next((m for m in self.modifiers if form.startswith(m) and len(form) > len(m)), "")
        rest = form[len(head):]
        jieba = self.jieba
        common = rest in jieba and jieba[rest][1] not in PROPER_POS and (len(head) > 1 or jieba[rest][0] >= HEAD_FREQ)
        if head and len(rest) >= 2 and (rest in self.industry or rest in self.generic or common):
            return [f"modifier_phrase({head}+{rest})"]
        return []

    def place_reasons(self, form: str) -> list[str]:
        regions = self.regions
        place = regions.leading(form)
        if not place:
            return []
        rest = form[len(place):]
        e = self.jieba.get(rest)
        broad = place in NATIONAL_PREFIXES or regions.is_country(place) or regions.is_province(place)
        if rest in self.industry or rest in self.generic:
            return [f"place_phrase({place}+{rest}: industry/generic)"]
        if e and e[1] in CLAUSE_POS:
            return [f"place_phrase({place}+{rest}: jieba {e[1]})"]
        if broad and e and e[1] not in PROPER_POS:
            return [f"place_phrase({place}+{rest}: jieba {e[1]})"]
        return []


def _forms(args, industry: set[str]) -> tuple[dict[str, set[tuple[str, str]]], set[str]]:
    """form -> {(type, name)} over the three lexicons, and the forms of firms known only from the exchange
    lists; adds the 申万 industry names to `industry`."""
    forms: dict[str, set[tuple[str, str]]] = defaultdict(set)
    lesser: set[str] = set()
    for path, typ in ((args.enterprises, "Enterprise"), (args.universities, "University"),
                      (args.institutes, "Institute")):
        for row in read_tsv(path):
            if typ == "Enterprise":
                industry |= {row["industry"], row["industry_detail"]} - {""}
            for form in [row["name"]] + [a for a in row["aliases"].split("|") if a]:
                forms[form].add((typ, row["name"]))
                if typ == "Enterprise" and not any(tag in RANKED for tag in row["source"].split("|")):
                    lesser.add(form)
    return forms, lesser


def _flag(forms: dict, rules: Rules) -> tuple[list[list[str]], dict[str, int]]:
    """The rows of the flagged forms, and counts by rule and type."""
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for form in sorted(forms):
        rs = rules.reasons(form)
        owners = sorted(forms[form])
        if len({t for t, _ in owners}) > 1:
            rs.append("shared")
        if not rs:
            continue
        for typ, name in owners:
            rows.append([form, name, typ, "; ".join(rs)])
        counts["forms"] += 1
        for r in rs:
            counts[r.split("(")[0]] += 1
        for typ in {t for t, _ in owners}:
            counts[typ] += 1
    return rows, counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--enterprises", required=True, type=Path)
    ap.add_argument("--universities", required=True, type=Path)
    ap.add_argument("--institutes", required=True, type=Path)
    ap.add_argument("--jieba", required=True, type=Path)
    ap.add_argument("--kg-data", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    industry: set[str] = set()
    for row in read_tsv(args.kg_data / "industries.tsv"):
        industry.add(norm(row["pref_label"]))
        industry |= {norm(a) for a in row.get("alt_labels", "").split("|") if a}
    forms, lesser = _forms(args, industry)
    rules = Rules(args, industry, lesser)
    rows, counts = _flag(forms, rules)
    total = {typ: sum(1 for f, o in forms.items() if any(t == typ for t, _ in o)) for typ in
             ("Enterprise", "University", "Institute")}
    header = [
        "Names and aliases of enterprises.tsv, universities.tsv and institutes.tsv that are also ordinary words,",
        "  place names or common phrases: count them only with an entity trigger nearby (签约, 落户, 引进,",
        "  投资, 集团, 公司, 企业, 高校, 研究所 ...). One row per (form, entity).",
        "source: the three lexicons; jieba==0.42.1 dict.txt (POS, frequency); kg/data regions.tsv, generic.tsv,",
        "  industries.tsv (read only); 申万 industry names from enterprises.tsv",
        f"version: {VERSION}",
        "license: derived data; jieba is MIT; this compilation follows the project licence",
        "generated-by: kg/data/make/make_ambiguous.py",
        "rule: a form is flagged when any of these holds (reason lists all that hold):",
        "  common_word: jieba lists it with a POS other than nr/nrt/nrfg/nz/nt/j - for nouns and places",
        f"    (n ns l i) only at frequency >= {NOUN_FREQ} (平安 a, 长城 ns 1559, 小米 n 396; not 携程 n 59, 浙大 ns 44)",
        f"  frequent_name: jieba lists it as a proper noun/abbreviation with frequency >= {FREQ} (人大, 新华, 华为)",
        f"  listed_word: a firm known only from the exchange lists whose form jieba knows as an ordinary word (驱动力)",
        f"    or as a proper noun at frequency >= {LESSER_NAME_FREQ} (徐家汇, 新天地; not 华大基因 nz 3)",
        "  modifier_phrase: a generic modifier (generic.tsv: 新, 大, 高端) + an industry, generic or ordinary word (新产业);",
        f"    after a one-character modifier an ordinary word only at jieba frequency >= {HEAD_FREQ} (新希望, not 三力士)",
        "  place: a division or country name or short form in regions.tsv",
        "  place_phrase: place or 中国/国家/全国/中华/中央 + industry term, + verb/adjective (jieba v vn a ad an d),",
        "    or, after a country/province/national word, + any ordinary word (广州发展, 北京银行, 国家电网)",
        "  generic: in generic.tsv or an industry term; particle: <= 3 characters containing 的 (美的); facility:",
        "    >= 3 characters ending in 港/机场/高速/铁路/大厦/广场/商城/城 (天津港, 大悦城); shared:",
        "    names entities of two lexicons",
        "  not flagged: forms ending in a legal form, 集团/控股, 大学/学院/学校, 研究所/研究院/科学院/中心/",
        "    实验室/天文台/植物园 (they name their entity type)",
        f"counts: flagged forms {counts['forms']} of {len(forms)} (Enterprise {counts['Enterprise']} of "
        f"{total['Enterprise']}, University {counts['University']} of {total['University']}, Institute "
        f"{counts['Institute']} of {total['Institute']})",
        "  by rule (a form can meet several): " + ", ".join(f"{k} {counts[k]}" for k in
        ("common_word", "frequent_name", "listed_word", "modifier_phrase", "place", "place_phrase", "generic",
         "particle", "facility", "shared")),
    ]
    write_tsv(args.out, header, ["alias", "name", "type", "reason"], rows)
    print(" ".join(h.strip() for h in header[-3:]))


if __name__ == "__main__":
    main()
