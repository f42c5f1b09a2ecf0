"""Build kg/data/institutes.tsv: research institutes (mainly the institutes of the Chinese Academy of
Sciences) with their standard short forms and parent academy.

Run by hand; reads local copies of the public sources, downloads nothing:

  python make_institutes.py --cas make/raw/cas_units.tsv --jieba DICT --kg-data DIR \
      [--universities TSV] --out TSV

  --cas           CAS unit names transcribed from two public source files (see the file's header)
  --jieba         jieba/dict.txt from the PyPI sdist jieba==0.42.1: its organisation entries (POS nt) that
                  end in a research-institution word are added (other academies, CASS institutes, ...)
  --kg-data       kg/data of the project (orgs.tsv, regions.tsv; read only): names already in orgs.tsv
                  (中国科学院, 中国工程院, 中国社会科学院 ...) are left to that file
  --universities  the generated universities.tsv: a name in it is not an institute

Short forms, by rule (the academy abbreviations 中科院 and 社科院 are the aliases kg/data/orgs.tsv gives):
  中国科学院X -> 中科院X;  中国科学院X研究所 -> 中科院X所, and X所 when X has >= 4 characters
  (近代物理所; shorter ones such as 化学所 are too generic); the same for 中国社会科学院 -> 社科院.
  Short forms a source gives (长春光机所, 中科院物理所 ...) are added as they are.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from lexicon_common import PROPER_POS, Regions, norm, read_tsv, write_tsv

VERSION = "2026-12-05"
SUFFIX = re.compile(r"(研究所|研究院|科学院|工程院|研究中心|实验室|天文台|天文站|植物园|研究总院|科学中心|"
                    r"创新中心|信息中心|文献情报中心|技术中心)$")
ACADEMIES = {"中国科学院": "中科院", "中国社会科学院": "社科院"}
INTERNATIONAL = ("世界", "国际", "欧洲", "亚洲", "全球")


def _taken(args) -> set[str]:
    """Names and aliases of kg/data/orgs.tsv and the universities: not repeated here."""
    taken: set[str] = set()
    for row in read_tsv(args.kg_data / "orgs.tsv"):
        taken |= {norm(x) for x in [row["name"]] + row.get("aliases", "").split("|") if x}
    if args.universities:
        taken |= {norm(r["name"]) for r in read_tsv(args.universities)}
    return taken


def _cas_names(path: Path, names: dict, given: dict) -> None:
    """The CAS units of the transcription, and the short forms it gives."""
    for row in read_tsv(path):
        name = norm(row["name"])
        names[name].add("cas_list")
        if row.get("short"):
            short = norm(row["short"])
            # the institute's name without 中国科学院 (金属研究所) and short X所 forms with X under 4
            # characters (海洋所, 力学所) are too generic to stand alone
            generic = name.endswith(short) or (re.fullmatch(r".{1,3}所", short) is not None)
            if short != name and (short.startswith("中科院") or not generic):
                given[name].add(short)


def _jieba_names(path: Path, regions, names: dict, skipped: list) -> dict[str, tuple[int, str]]:
    """jieba's organisation entries (nt) ending in a research-institution word; returns the dictionary."""
    jieba: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            word, pos = norm(parts[0]), parts[2]
            jieba.setdefault(word, (int(parts[1]), pos))
            if pos != "nt" or not SUFFIX.search(word):
                continue
            place = regions.leading(word)
            if word.startswith(INTERNATIONAL) or (place and regions.is_country(place) and place != "中国"):
                skipped.append((word, "foreign or international body"))
                continue
            names[word].add("jieba_nt")
    return jieba


def _drop_improper(names: dict, jieba: dict, skipped: list) -> None:
    """A jieba name whose stem (the name minus its suffix) is an ordinary word is no proper name."""
    for word in list(names):
        if "cas_list" in names[word]:
            continue
        stem = SUFFIX.sub("", word)
        entry = jieba.get(stem)
        if not stem or (entry and entry[1] not in PROPER_POS and entry[1] != "ns"):
            skipped.append((word, "no proper part: the name minus its suffix is an ordinary word"))
            del names[word]


def _fold_written_out(names: dict, given: dict, taken: set, skipped: list) -> None:
    """中科院X written out is 中国科学院X: fold it into that row; drop names other files have."""
    for word in sorted(names):
        for full, short in ACADEMIES.items():
            if word.startswith(short) and full + word[len(short):] in names:
                given[full + word[len(short):]].add(word)
                names[full + word[len(short):]] |= names.pop(word)
                break
    for word in sorted(names):
        if word in taken:
            skipped.append((word, "in kg/data/orgs.tsv or universities.tsv"))
            del names[word]


def _academy_forms(name: str, aliases: set) -> str:
    """The academy a name starts with (its parent), adding the academy's short forms to `aliases`."""
    for full, short in ACADEMIES.items():
        if name.startswith(full) and name != full:
            rest = name[len(full):]
            aliases.add(short + rest)
            m = re.match(r"^(.+)研究所$", rest)
            if m:
                aliases.add(short + m.group(1) + "所")
                if len(m.group(1)) >= 4:
                    aliases.add(m.group(1) + "所")
            return full
    return ""


def _rows(names: dict, given: dict, taken: set) -> tuple[list[list[str]], int]:
    rows = []
    n_alias = 0
    for name in sorted(names):
        aliases = set(given.get(name, ()))
        parent = _academy_forms(name, aliases)
        if not parent:
            # a known academy in front: 中国医学科学院X -> parent 中国医学科学院
            for other in names:
                if other != name and name.startswith(other) and re.search(r"(科学院|研究院)$", other):
                    parent = other
        aliases = {a for a in aliases if a != name and len(a) >= 2 and a not in names and a not in taken}
        n_alias += len(aliases)
        src = "|".join(s for s in ("cas_list", "jieba_nt") if s in names[name])
        rows.append([name, "|".join(sorted(aliases)), parent, src])
    return rows, n_alias


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cas", required=True, type=Path)
    ap.add_argument("--jieba", required=True, type=Path)
    ap.add_argument("--kg-data", required=True, type=Path)
    ap.add_argument("--universities", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    regions = Regions(args.kg_data / "regions.tsv")
    taken = _taken(args)
    names: dict[str, set[str]] = defaultdict(set)       # name -> source tags
    given: dict[str, set[str]] = defaultdict(set)       # name -> short forms a source gives
    _cas_names(args.cas, names, given)
    skipped: list[tuple[str, str]] = []
    jieba = _jieba_names(args.jieba, regions, names, skipped)
    _drop_improper(names, jieba, skipped)
    _fold_written_out(names, given, taken, skipped)
    rows, n_alias = _rows(names, given, taken)

    counts = {s: sum(1 for r in rows if s in r[3].split("|")) for s in ("cas_list", "jieba_nt")}
    header = [
        "Research institutes: the institutes and centres of the Chinese Academy of Sciences (CAS) and other",
        "  academies and research institutes known by name, with their standard short forms and parent academy.",
        "source: cas_list: CAS unit names in two public source files, transcribed in",
        "  kg/data/make/raw/cas_units.tsv (the CNKI subscriber-institution list of about 2019-2020 and a 2026",
        "  CAS questionnaire script that also gives the institutes' own short forms)",
        "source: jieba_nt: jieba==0.42.1 dict.txt organisation entries (POS nt) ending in a research-institution",
        "  word (研究所, 研究院, 科学院, 天文台, 实验室 ...); foreign and international bodies and names whose",
        "  stem is an ordinary word (理论物理研究所, 社会科学院) are left out",
        f"version: {VERSION}",
        "license: names of public bodies (facts); jieba is MIT; this compilation follows the project licence",
        "generated-by: kg/data/make/make_institutes.py",
        "name: NFKC-folded. Some CAS names are older than the 2017-2023 reorganisations (e.g.",
        "  中国科学院遥感与数字地球研究所 and 中国科学院电子学研究所, merged into 中国科学院空天信息创新研究院).",
        "aliases: 中国科学院X -> 中科院X; 中国科学院X研究所 -> 中科院X所, and X所 when X has >= 4 characters;",
        "  the same with 中国社会科学院 -> 社科院; plus short forms a source gives. parent: the academy the",
        "  institute belongs to, when its name starts with it. Names in kg/data/orgs.tsv (中国科学院,",
        "  中国工程院, 中国社会科学院, ...) and universities.tsv are not repeated here.",
        f"rows {len(rows)} (cas_list {counts['cas_list']}, jieba_nt {counts['jieba_nt']}), aliases {n_alias}",
    ]
    write_tsv(args.out, header, ["name", "aliases", "parent", "source"], rows)
    print(f"institutes: {len(rows)} rows, {n_alias} aliases; {counts}; skipped {len(skipped)}: "
          + "; ".join(f"{w} ({r})" for w, r in sorted(skipped)[:40]))


if __name__ == "__main__":
    main()
