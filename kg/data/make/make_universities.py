"""Build kg/data/universities.tsv: the regular institutions of higher education of mainland China
(普通高等学校, Ministry of Education list) with their province and well-established short names.

Run by hand; reads local copies of the public sources, downloads nothing:

  python make_universities.py --yuanxiao FILE --zhongyang FILE --attestations TSV --kg-data DIR --out TSV

  --yuanxiao      fuwu/yuanxiao.md of github.com/DiamonWoo/Laosheng.top (the MOE 全国高等学校名单 as
                  published 2026-06-18, arranged by province; section 各省普通高等院校)
  --zhongyang     fuwu/zhongyang.md of the same repository (gives 中科大, 国科大, 社科大 as the short names
                  of the CAS and CASS universities)
  --attestations  make/raw/univ_abbrev_attestations.tsv (short-name tables in independent public code files)
  --jieba         jieba/dict.txt from the PyPI sdist jieba==0.42.1 (word frequencies)
  --kg-data       kg/data of the project (regions.tsv; read only)

Short names: a short form is kept when the zhongyang page gives it, or when at least MIN_TABLES independent
tables map it to the same university and no table maps it to another one. Former names: the page's link
titles that are themselves a school name (the school's earlier name) are kept too, unless they are the name
of another school. Nothing is generated mechanically from the full names.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from lexicon_common import PROPER_POS, Regions, load_jieba, norm, read_tsv, write_tsv

VERSION = "2026-12-05"
MIN_TABLES = 3
COMMON_FREQ, ANY_FREQ = 1000, 5000
SCHOOL = re.compile(r"^[\u4e00-\u9fff]+(?:大学|学院|学校)(?:\([\u4e00-\u9fff]+\))?$")


def parse_moe(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(school, province short) pairs from section 各省普通高等院校, and the link texts that are not school
    names (reported)."""
    text = path.read_text(encoding="utf-8")
    start = text.index('<div align="right" id="D2">')
    end = text.index('<div align="right" id="D3">')
    schools: list[tuple[str, str]] = []
    skipped: list[str] = []
    province = None
    for line in text[start:end].splitlines():
        m = re.match(r"<h3 id='(\d\d)'>(\S+?)[\s　]", line)
        if m:
            province = m.group(2)
        if province is None:
            continue
        # an independent college is written as its parent school followed by the link:
        # 南昌航空大学<a ...>科技学院</a> is 南昌航空大学科技学院
        for a in re.finditer(r"([\u4e00-\u9fff]+(?:大学|学院))?<a\b([^>]*)>(.*?)</a>", line):
            name = norm(re.sub(r"<[^>]+>", "", a.group(3)))
            if not name or name == "▲":
                continue
            name = norm(a.group(1) or "") + name
            if not SCHOOL.match(name):
                skipped.append(name)
                continue
            schools.append((name, province))
    return schools, skipped


def _provinces(regions, schools: list[tuple[str, str]]) -> dict[str, str]:
    """school -> full name of its province."""
    province_of: dict[str, str] = {}
    for name, prov in schools:
        fulls = [f for f in regions.short_to_full.get(norm(prov), ()) if regions.by_name[f]["level"] == "province"]
        if len(fulls) != 1:
            raise SystemExit(f"province {prov!r} of {name} not in regions.tsv")
        province_of.setdefault(name, fulls[0])
    return province_of


def _page_short_names(path: Path, names: set, aliases: dict) -> None:
    """Short names on the zhongyang page: 中国科学技术大学 [中科大](url)."""
    text = path.read_text(encoding="utf-8")
    for m in re.finditer(r"([\u4e00-\u9fff]+(?:大学|学院))(?:（[^）]*）)?\s*\[([\u4e00-\u9fff]{2,5})\]\(", text):
        school, short = norm(m.group(1)), norm(m.group(2))
        if school in names:
            aliases[school].add(short)


def _table_short_names(path: Path, names: set, aliases: dict) -> dict[tuple[str, str], set[str]]:
    """Short-name tables: keep a form that >= MIN_TABLES tables give for one school and none for another;
    returns the (short, school) -> tables map."""
    tables: dict[tuple[str, str], set[str]] = defaultdict(set)
    targets_of: dict[str, set[str]] = defaultdict(set)
    for row in read_tsv(path):
        short, target = norm(row["short"]), norm(row["target"])
        if target not in names:
            hits = [n for n in names if n.startswith(target)]
            if len(hits) != 1:
                continue
            target = hits[0]
        tables[(short, target)].add(row["table"])
        targets_of[short].add(target)
    for (short, target), ids in sorted(tables.items()):
        if len(ids) >= MIN_TABLES and len(targets_of[short]) == 1 and len(short) >= 2:
            aliases[target].add(short)
    return tables


def _drop_common_and_shared(path: Path, names: set, aliases: dict) -> list[str]:
    """A short form that is mostly something else is dropped: an ordinary word jieba counts >= COMMON_FREQ
    times (重大 a, 东南 ns) or any word it counts >= ANY_FREQ times (人大 j: the people's congress); so is
    an alias that is another school's name or is claimed by two schools. Returns the common ones."""
    jieba = load_jieba(path)
    too_common = []
    for school, forms in aliases.items():
        for f in list(forms):
            e = jieba.get(f)
            if e and (e[0] >= ANY_FREQ or (e[0] >= COMMON_FREQ and e[1] not in PROPER_POS)):
                forms.discard(f)
                too_common.append(f"{f}({school})")
    owners: dict[str, list[str]] = defaultdict(list)
    for school, forms in aliases.items():
        for f in forms:
            owners[f].append(school)
    for f, schs in owners.items():
        if len(schs) > 1 or f in names:
            for s in schs:
                aliases[s].discard(f)
    return too_common


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--yuanxiao", required=True, type=Path)
    ap.add_argument("--zhongyang", required=True, type=Path)
    ap.add_argument("--attestations", required=True, type=Path)
    ap.add_argument("--jieba", required=True, type=Path)
    ap.add_argument("--kg-data", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    regions = Regions(args.kg_data / "regions.tsv")
    schools, skipped = parse_moe(args.yuanxiao)
    province_of = _provinces(regions, schools)
    names = set(province_of)
    aliases: dict[str, set[str]] = defaultdict(set)
    _page_short_names(args.zhongyang, names, aliases)
    tables = _table_short_names(args.attestations, names, aliases)
    too_common = _drop_common_and_shared(args.jieba, names, aliases)

    rows = [[n, "|".join(sorted(aliases.get(n, ()))), province_of[n], "moe"] for n in sorted(names)]
    consensus = sum(1 for (short, target) in tables if short in aliases.get(target, ()))
    n_alias = sum(len(v) for v in aliases.values())
    header = [
        "Mainland China's regular institutions of higher education (普通高等学校: universities, colleges,",
        "  vocational colleges), one row each, with their province and well-established short names.",
        "source: 教育部《全国高等学校名单》(published 2026-06-18) as arranged by province on",
        "  github.com/DiamonWoo/Laosheng.top fuwu/yuanxiao.md (commit 960d764, section 各省普通高等院校);",
        "  Hong Kong, Macao and military institutions are not included",
        "source: short names: github.com/DiamonWoo/Laosheng.top fuwu/zhongyang.md (中科大, 国科大, 社科大) and",
        f"  short-name tables in independent public code files (kg/data/make/raw/univ_abbrev_attestations.tsv;",
        f"  a form is kept when >= {MIN_TABLES} tables give it for the same school and none for another school)",
        f"version: {VERSION}",
        "license: facts from the Ministry of Education's public list; this compilation follows the project licence",
        "generated-by: kg/data/make/make_universities.py",
        "name: the school's name as the ministry lists it, NFKC-folded (campus qualifiers in half-width brackets:",
        "  中国矿业大学(北京)). region: full name of the province-level division (kg/data/regions.tsv).",
        "aliases: |-separated short names; none is generated mechanically from the full name. Short forms",
        f"  that mostly mean something else are dropped: an ordinary word with jieba frequency >= {COMMON_FREQ}",
        f"  or any word with frequency >= {ANY_FREQ} (dropped: {', '.join(sorted(too_common))}). Forms that are",
        "  also ordinary words are flagged in ambiguous_names.tsv.",
        f"rows {len(rows)}, aliases {n_alias} ({consensus} from the tables); anchors skipped as not school names: "
        f"{len(skipped)}",
    ]
    write_tsv(args.out, header, ["name", "aliases", "region", "source"], rows)
    print(f"universities: {len(rows)} rows, {n_alias} aliases ({consensus} from tables); skipped anchors: "
          f"{sorted(set(skipped))[:20]}")


if __name__ == "__main__":
    main()
