"""Regenerate kg/data/zones.tsv from the hand-curated lists below (run by hand).

No maintained machine-readable list of China's national zones is installable here, so the
lists are curated by hand from the official designations (see REFERENCES and each row's
source_note). The script derives the standard short forms (XX高新区, XX高新技术开发区, XX自贸区), checks
that every host region is a division in kg/data/regions.tsv and that no alias is generic or
shared by two zones, and writes the file sorted by kind and name.

Usage: python kg/data/make/make_zones.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "zones.tsv"
REGIONS = HERE.parent / "regions.tsv"

REFERENCES = {
    "national_new_area": "国务院关于同意设立各国家级新区的批复 (1992-2017, 19 areas)",
    "national_hitech_zone": "GB/T 37028-2018 全国主要经济功能区分类与代码, class 103 (169 zones incl. "
                            "苏州工业园区), plus 国务院批复 upgrades since 2018 as noted",
    "independent_innovation_zone": "国务院关于同意建设各国家自主创新示范区的批复 (2009-2022)",
    "free_trade_zone": "国务院关于印发各自由贸易试验区总体方案的通知 (2013-2023, 22 zones)",
}
GENERIC = {"新区", "高新区", "开发区", "园区", "自贸区", "自贸试验区", "自创区", "示范区", "试验区",
           "经开区", "产业园", "工业园", "科技园", "国家自创区", "国家高新区", "国家级新区"}

# (name, host, extra aliases, approval year): host is a division name or short form in regions.tsv.
NEW_AREAS = [
    ("浦东新区", "上海", "上海浦东新区", 1992),
    ("滨海新区", "天津", "天津滨海新区", 2006),
    ("两江新区", "重庆", "重庆两江新区", 2010),
    ("舟山群岛新区", "舟山", "浙江舟山群岛新区", 2011),
    ("兰州新区", "兰州", "甘肃兰州新区", 2012),
    ("南沙新区", "广州", "广州南沙新区", 2012),
    ("西咸新区", "陕西", "陕西西咸新区", 2014),
    ("贵安新区", "贵州", "贵州贵安新区", 2014),
    ("西海岸新区", "青岛", "青岛西海岸新区", 2014),
    ("金普新区", "大连", "大连金普新区", 2014),
    ("天府新区", "四川", "四川天府新区", 2014),
    ("湘江新区", "长沙", "湖南湘江新区", 2015),
    ("江北新区", "南京", "南京江北新区", 2015),
    ("福州新区", "福州", "", 2015),
    ("滇中新区", "昆明", "云南滇中新区", 2015),
    ("哈尔滨新区", "哈尔滨", "", 2015),
    ("长春新区", "长春", "", 2016),
    ("赣江新区", "江西", "江西赣江新区", 2016),
    ("雄安新区", "河北", "河北雄安新区", 2017),
]

# National high-tech zones. A bare prefix P stands for P高新技术产业开发区; the host defaults to the
# division whose short form starts the prefix. Upgrades after GB/T 37028-2018 carry the year.
HITECH = [
    # name or prefix, host (when not the leading city), extra aliases, year upgraded after 2018
    ("中关村科技园区", "北京", "中关村", None),
    ("天津滨海", "天津", "滨海高新区", None),
    ("石家庄", "", "", None), ("保定", "", "", None), ("唐山", "", "", None),
    ("燕郊", "廊坊", "", None), ("承德", "", "", None),
    ("太原", "", "", None), ("长治", "", "", None),
    ("包头稀土", "包头", "", None), ("呼和浩特金山", "呼和浩特", "", None), ("鄂尔多斯", "", "", None),
    ("沈阳", "", "", None), ("大连高新技术产业园区", "大连", "大连高新区", None), ("鞍山", "", "", None),
    ("营口", "", "", None), ("辽阳", "", "", None), ("本溪", "", "", None), ("锦州", "", "", None),
    ("阜新", "", "", None),
    ("长春", "", "", None), ("长春净月", "长春", "净月高新区", None), ("吉林", "吉林市", "", None),
    ("延吉", "延边", "", None), ("通化医药", "通化", "", None),
    ("哈尔滨", "", "", None), ("大庆", "", "", None), ("齐齐哈尔", "", "", None),
    ("上海张江", "上海", "张江高新区", None), ("上海紫竹", "上海", "紫竹高新区", None),
    ("南京", "", "", None), ("苏州", "", "", None), ("无锡", "", "", None), ("常州", "", "", None),
    ("泰州医药", "泰州", "", None), ("昆山", "苏州", "", None), ("江阴", "无锡", "", None),
    ("徐州", "", "", None), ("武进", "常州", "", None), ("南通", "", "", None), ("镇江", "", "", None),
    ("连云港", "", "", None), ("盐城", "", "", None), ("扬州", "", "", None), ("常熟", "苏州", "", None),
    ("宿迁", "", "", None), ("淮安", "", "", None), ("苏州工业园区", "苏州", "苏州工业园", None),
    ("杭州", "", "", None), ("萧山临江", "杭州", "临江高新区", None), ("宁波", "", "", None),
    ("绍兴", "", "", None), ("温州", "", "", None), ("衢州", "", "", None),
    ("湖州莫干山", "湖州", "莫干山高新区", None), ("嘉兴", "", "", None),
    ("合肥", "", "", None), ("蚌埠", "", "", None), ("芜湖", "", "", None),
    ("马鞍山慈湖", "马鞍山", "慈湖高新区", None), ("铜陵狮子山", "铜陵", "狮子山高新区", None),
    ("淮南", "", "", None), ("滁州", "", "", 2022),
    ("福州", "", "", None), ("厦门火炬高技术产业开发区", "厦门", "厦门火炬高新区|厦门高新区", None),
    ("泉州", "", "", None), ("莆田", "", "", None), ("漳州", "", "", None), ("三明", "", "", None),
    ("龙岩", "", "", None),
    ("南昌", "", "", None), ("新余", "", "", None), ("景德镇", "", "", None), ("鹰潭", "", "", None),
    ("抚州", "", "", None), ("吉安", "", "", None), ("赣州", "", "", None),
    ("九江共青城", "九江", "共青城高新区", None), ("宜春丰城", "宜春", "丰城高新区", None),
    ("济南", "", "", None), ("威海火炬高技术产业开发区", "威海", "威海火炬高新区|威海高新区", None),
    ("青岛", "", "", None), ("潍坊", "", "", None), ("淄博", "", "", None), ("济宁", "", "", None),
    ("烟台", "", "", None), ("临沂", "", "", None), ("泰安", "", "", None), ("枣庄", "", "", None),
    ("德州", "", "", None), ("莱芜", "济南", "", None),
    ("黄河三角洲农业高新技术产业示范区", "东营", "黄三角农高区", None),
    ("郑州", "", "", None), ("洛阳", "", "", None), ("安阳", "", "", None), ("南阳", "", "", None),
    ("新乡", "", "", None), ("平顶山", "", "", None), ("焦作", "", "", None), ("信阳", "", "", 2022),
    ("武汉东湖新技术开发区", "武汉", "东湖高新区|武汉东湖高新区", None),
    ("襄阳", "", "", None), ("宜昌", "", "", None), ("孝感", "", "", None), ("荆门", "", "", None),
    ("仙桃", "仙桃市", "", None), ("随州", "", "", None), ("黄冈", "", "", None), ("咸宁", "", "", None),
    ("荆州", "", "", None), ("黄石大冶湖", "黄石", "大冶湖高新区", None), ("潜江", "潜江市", "", None),
    ("长沙", "", "", None), ("株洲", "", "", None), ("湘潭", "", "", None), ("益阳", "", "", None),
    ("衡阳", "", "", None), ("郴州", "", "", None), ("常德", "", "", None), ("怀化", "", "", None),
    ("广州", "", "", None), ("深圳市高新技术产业园区", "深圳", "深圳高新区", None),
    ("中山火炬高技术产业开发区", "中山", "中山火炬开发区|中山火炬高新区", None), ("佛山", "", "", None),
    ("惠州仲恺", "惠州", "仲恺高新区", None), ("珠海", "", "", None),
    ("东莞松山湖", "东莞", "松山湖高新区", None), ("肇庆", "", "", None), ("江门", "", "", None),
    ("源城", "河源", "", None), ("清远", "", "", None), ("汕头", "", "", None), ("湛江", "", "", None),
    ("茂名", "", "", None),
    ("南宁", "", "", None), ("桂林", "", "", None), ("柳州", "", "", None), ("北海", "", "", None),
    ("海口", "", "", None),
    ("重庆", "", "", None), ("璧山", "重庆", "", None), ("荣昌", "重庆", "", None), ("永川", "重庆", "", None),
    ("成都", "", "", None), ("绵阳", "", "", None), ("自贡", "", "", None), ("乐山", "", "", None),
    ("泸州", "", "", None), ("攀枝花钒钛", "攀枝花", "", None), ("德阳", "", "", None), ("内江", "", "", None),
    ("贵阳", "", "", None), ("安顺", "", "", None), ("遵义", "", "", 2022),
    ("昆明", "", "", None), ("玉溪", "", "", None), ("楚雄", "楚雄彝族自治州", "", None),
    ("西安", "", "", None), ("宝鸡", "", "", None),
    ("杨凌农业高新技术产业示范区", "咸阳", "杨凌示范区|杨凌农高区", None),
    ("渭南", "", "", None), ("榆林", "", "", None), ("咸阳", "", "", None), ("安康", "", "", None),
    ("兰州", "", "", None), ("白银", "", "", None),
    ("青海", "西宁", "", None),
    ("银川", "", "", None), ("石嘴山", "", "", None),
    ("乌鲁木齐", "", "", None), ("昌吉", "", "", None), ("克拉玛依", "", "", 2022),
    ("石河子", "石河子市", "", None),
]

# (name, host, aliases, year). Only forms in common use: XX自创区 for the zones named after
# several cities or a region (兰白, 苏南), the park name for the single-park ones.
INNOVATION = [
    ("中关村国家自主创新示范区", "北京", "中关村示范区", 2009),
    ("武汉东湖国家自主创新示范区", "武汉", "东湖示范区|东湖自创区", 2009),
    ("上海张江国家自主创新示范区", "上海", "张江示范区|张江自创区", 2011),
    ("深圳国家自主创新示范区", "深圳", "", 2014),
    ("苏南国家自主创新示范区", "江苏", "苏南自创区", 2014),
    ("长株潭国家自主创新示范区", "湖南", "长株潭自创区", 2014),
    ("天津国家自主创新示范区", "天津", "天津滨海国家自主创新示范区", 2014),
    ("成都国家自主创新示范区", "成都", "", 2015),
    ("西安国家自主创新示范区", "西安", "", 2015),
    ("杭州国家自主创新示范区", "杭州", "", 2015),
    ("珠三角国家自主创新示范区", "广东", "珠三角自创区", 2015),
    ("郑洛新国家自主创新示范区", "河南", "郑洛新自创区", 2016),
    ("山东半岛国家自主创新示范区", "山东", "山东半岛自创区", 2016),
    ("沈大国家自主创新示范区", "辽宁", "沈大自创区", 2016),
    ("福厦泉国家自主创新示范区", "福建", "福厦泉自创区", 2016),
    ("合芜蚌国家自主创新示范区", "安徽", "合芜蚌自创区", 2016),
    ("重庆国家自主创新示范区", "重庆", "", 2016),
    ("宁波温州国家自主创新示范区", "浙江", "甬温自创区", 2018),
    ("兰白国家自主创新示范区", "甘肃", "兰白自创区|兰州白银国家自主创新示范区", 2018),
    ("乌昌石国家自主创新示范区", "新疆", "乌昌石自创区", 2018),
    ("鄱阳湖国家自主创新示范区", "江西", "鄱阳湖自创区", 2019),
    ("长春国家自主创新示范区", "长春", "", 2022),
]

# Free trade zones: 中国(XX)自由贸易试验区, by province short form and year.
FREE_TRADE = [("上海", 2013), ("广东", 2015), ("天津", 2015), ("福建", 2015), ("辽宁", 2017),
              ("浙江", 2017), ("河南", 2017), ("湖北", 2017), ("重庆", 2017), ("四川", 2017),
              ("陕西", 2017), ("海南", 2018), ("山东", 2019), ("江苏", 2019), ("广西", 2019),
              ("河北", 2019), ("云南", 2019), ("黑龙江", 2019), ("北京", 2020), ("湖南", 2020),
              ("安徽", 2020), ("新疆", 2023)]

HITECH_TAILS = ("高新技术产业开发区", "高新技术产业园区", "高技术产业开发区", "新技术开发区",
                "农业高新技术产业示范区", "科技园区", "工业园区")


def load_regions() -> tuple[dict[str, str], dict[str, str]]:
    """Division names and short forms (province/prefecture first) -> full name, from regions.tsv."""
    by_name, by_alias = {}, {}
    rank = {"province": 0, "prefecture": 1, "county": 2, "country": 3}
    rows = []
    header = None
    for line in REGIONS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        rows.append(dict(zip(header, cells)))
    for row in sorted(rows, key=lambda r: (rank[r["level"]], r["code"])):
        by_name.setdefault(row["name"], row["name"])
        for alias in filter(None, row["aliases"].split("|")):
            by_alias.setdefault(alias, row["name"])
    return by_name, by_alias


def resolve(host: str, regions) -> str:
    by_name, by_alias = regions
    if host in by_name:
        return host
    if host in by_alias:
        return by_alias[host]
    raise SystemExit(f"host region {host!r} is not in {REGIONS}")


def hitech_rows(regions) -> list[tuple]:
    rows = []
    for entry, host, extra, year in HITECH:
        name = entry if entry.endswith(HITECH_TAILS) else entry + "高新技术产业开发区"
        aliases = []
        if name.endswith("高新技术产业开发区"):
            prefix = name[: -len("高新技术产业开发区")]
            aliases += [prefix + "高新区", prefix + "高新技术开发区"]
        aliases += [a for a in extra.split("|") if a]
        city = host or entry[:2]
        if not host:  # the leading city: the longest short form the name starts with
            _, by_alias = regions
            city = max((a for a in by_alias if entry.startswith(a)), key=len, default=entry[:2])
        note = ("hand-curated from GB/T 37028-2018 class 103 and 科技部火炬中心 国家高新区名单"
                if year is None else f"hand-curated: upgraded to a national high-tech zone by 国务院批复 ({year})")
        rows.append((name, aliases, "national_hitech_zone", resolve(city, regions), note))
    return rows


def all_rows(regions) -> list[tuple]:
    rows = []
    for name, host, extra, year in NEW_AREAS:
        rows.append((name, [a for a in extra.split("|") if a], "national_new_area", resolve(host, regions),
                     f"hand-curated: national new area approved by 国务院批复 ({year})"))
    rows += hitech_rows(regions)
    for name, host, extra, year in INNOVATION:
        aliases = [a for a in extra.split("|") if a]
        rows.append((name, aliases, "independent_innovation_zone", resolve(host, regions),
                     f"hand-curated: 国务院批复 ({year})"))
    for prov, year in FREE_TRADE:
        name = f"中国({prov})自由贸易试验区"
        aliases = [f"{prov}自贸试验区", f"{prov}自贸区", f"中国({prov})自贸试验区", f"{prov}自由贸易试验区"]
        rows.append((name, aliases, "free_trade_zone", resolve(prov, regions),
                     f"hand-curated: 自由贸易试验区总体方案 国务院 ({year})"))
    return rows


def check(rows: list[tuple]) -> None:
    names = Counter(r[0] for r in rows)
    dup = [n for n, c in names.items() if c > 1]
    if dup:
        raise SystemExit(f"duplicate zone names: {dup}")
    owners = Counter(a for r in rows for a in set(r[1]))
    shared = [a for a, c in owners.items() if c > 1]
    clash = [a for r in rows for a in r[1] if a in names]
    generic = [a for r in rows for a in r[1] if a in GENERIC]
    if shared or clash or generic:
        raise SystemExit(f"bad aliases: shared {shared}, equal to a zone name {clash}, generic {generic}")


def main() -> int:
    rows = all_rows(load_regions())
    check(rows)
    order = list(REFERENCES)
    rows.sort(key=lambda r: (order.index(r[2]), r[0]))
    counts = Counter(r[2] for r in rows)
    header = [
        "# National development zones of China with their host regions and standard short forms.",
        "# source: hand-curated from the official designations:",
        *[f"#   {kind}: {ref}" for kind, ref in REFERENCES.items()],
        "# version: 2024-12 (designations in force at the end of 2024, as far as curated)",
        "# generated-by: kg/data/make/make_zones.py (hand-curated lists inside; aliases derived)",
        "# license: facts from public government documents; this compilation Apache-2.0 (project licence)",
        "# host_region: full name of a division in kg/data/regions.tsv (prefecture city for city-based",
        "#   zones, province for zones spanning several cities).",
        "# counts: " + ", ".join(f"{k} {counts[k]}" for k in order),
        "name\taliases\tkind\thost_region\tsource_note",
    ]
    lines = ["\t".join((n, "|".join(dict.fromkeys(a)), k, h, s)) for n, a, k, h, s in rows]
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, prefix=OUT.name + ".")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(header + lines) + "\n")
    os.replace(tmp, OUT)
    print(f"{OUT}: {len(rows)} zones {dict(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
