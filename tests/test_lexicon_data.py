"""The general-knowledge data files: kg/data/regions.tsv, zones.tsv, industries.tsv and the SKOS
scheme ontology/industries.ttl, read strictly by a small reader of their own (not kg.data), and
the generators in kg/data/make/ on small made-up inputs."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "data"
MAKE = DATA / "make"
TTL = ROOT / "ontology" / "industries.ttl"
GENERIC = {"新区", "高新区", "开发区", "园区", "经开区", "自贸区", "自贸试验区", "自创区", "示范区",
           "试验区", "产业园", "工业园", "科技园", "国家自创区", "国家高新区", "产业", "行业"}
REQUIRED_HEADER = ("source", "version", "generated-by", "license")


class Table:
    def __init__(self, meta, columns, rows):
        self.meta, self.columns, self.rows = meta, columns, rows


def read_table(path: Path, columns: tuple[str, ...]) -> Table:
    """Strict reader: `# key: value` header comments, one column line, rows of exactly that width."""
    text = path.read_bytes().decode("utf-8")  # raises on anything that is not UTF-8
    meta: dict[str, list[str]] = defaultdict(list)
    header = None
    rows = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if line == "":
            continue
        if line.startswith("#"):
            m = re.match(r"# ([a-z-]+): (.+)", line)
            if m:
                meta[m.group(1)].append(m.group(2))
            assert header is None, f"{path}:{lineno}: comment after the column header"
            continue
        cells = line.split("\t")
        if header is None:
            header = tuple(cells)
            assert header == columns, f"{path}:{lineno}: column header {header} != {columns}"
            continue
        assert len(cells) == len(columns), f"{path}:{lineno}: {len(cells)} cells, expected {len(columns)}"
        assert all(c == c.strip() for c in cells), f"{path}:{lineno}: stray whitespace"
        rows.append(dict(zip(columns, cells), line=lineno))
    assert header is not None, f"{path}: no column header"
    for key in REQUIRED_HEADER:
        assert meta.get(key), f"{path}: header lacks '# {key}: ...'"
    return Table(meta, columns, rows)


def split(cell: str) -> list[str]:
    return cell.split("|") if cell else []


@lru_cache(maxsize=None)
def regions() -> Table:
    return read_table(DATA / "regions.tsv", ("code", "name", "aliases", "level", "parent_code"))


@lru_cache(maxsize=None)
def zones() -> Table:
    return read_table(DATA / "zones.tsv", ("name", "aliases", "kind", "host_region", "source_note"))


@lru_cache(maxsize=None)
def industries() -> Table:
    return read_table(DATA / "industries.tsv", ("id", "pref_label", "alt_labels", "broader", "scheme_note"))


def load_make(name: str):
    spec = importlib.util.spec_from_file_location(f"_make_{name}", MAKE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_aliases_clean(rows, name_key, alias_key, path):
    owners = defaultdict(set)
    names = {r[name_key] for r in rows}
    for r in rows:
        aliases = split(r[alias_key])
        assert len(aliases) == len(set(aliases)), f"{path}:{r['line']}: repeated alias"
        for a in aliases:
            assert a and a not in GENERIC, f"{path}:{r['line']}: generic alias {a!r}"
            assert a != r[name_key], f"{path}:{r['line']}: alias equals the name"
            owners[a].add(r[name_key] + "@" + str(r["line"]))
    shared = {a: o for a, o in owners.items() if len(o) > 1}
    assert not shared, f"{path}: aliases shared by several entries: {sorted(shared.items())[:5]}"
    clashes = sorted(a for a in owners if a in names)
    assert not clashes, f"{path}: aliases that are another entry's name: {clashes[:5]}"


# --- the reader itself -------------------------------------------------------------------------

def test_reader_rejects_a_row_of_the_wrong_width(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# source: x\n# version: 1\n# generated-by: hand-curated\n# license: MIT\n"
                   "a\tb\n1\t2\n3\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="bad.tsv:7"):
        read_table(bad, ("a", "b"))


def test_reader_rejects_a_missing_source_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# version: 1\n# generated-by: hand-curated\n# license: MIT\na\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="source"):
        read_table(bad, ("a", "b"))


# --- regions.tsv -------------------------------------------------------------------------------

def test_region_codes_levels_and_parents_are_consistent():
    rows = regions().rows
    by_code = {r["code"]: r for r in rows}
    assert len(by_code) == len(rows), "duplicate codes"
    expected_parent = {"country": set(), "province": set(), "prefecture": {"province"},
                       "county": {"province", "prefecture"}}
    for r in rows:
        assert r["level"] in expected_parent, r
        if r["level"] == "country":
            assert re.fullmatch(r"[A-Z]{2}", r["code"]), r
        else:
            assert re.fullmatch(r"[1-8]\d{5}", r["code"]), r
        if not expected_parent[r["level"]]:
            assert r["parent_code"] == "", r
            continue
        parent = by_code.get(r["parent_code"])
        assert parent is not None, f"line {r['line']}: parent {r['parent_code']} missing"
        assert parent["level"] in expected_parent[r["level"]], r
        # GB/T 2260: a division's code starts with its province's two digits.
        assert r["code"][:2] == r["parent_code"][:2], r


def test_regions_cover_every_level():
    levels = Counter(r["level"] for r in regions().rows)
    assert levels["province"] == 34
    assert levels["prefecture"] >= 330
    assert levels["county"] >= 2800
    assert levels["country"] == 193  # UN member states


def test_region_names_are_unique_where_they_must_be():
    rows = regions().rows
    upper = Counter(r["name"] for r in rows if r["level"] != "county")
    assert [n for n, c in upper.items() if c > 1] == []
    siblings = Counter((r["name"], r["parent_code"]) for r in rows)
    assert [k for k, c in siblings.items() if c > 1] == []
    for r in rows:
        assert re.fullmatch(r"[\u4e00-\u9fff()·]+", r["name"]), f"line {r['line']}: {r['name']!r}"


def test_region_aliases_are_clean():
    rows = regions().rows
    assert_aliases_clean(rows, "name", "aliases", "regions.tsv")
    for r in rows:
        for a in split(r["aliases"]):
            assert len(a) >= 2, r
            prefecture_form = r["name"].endswith("自治州") and a.endswith("州") and r["name"].startswith(a[:-1])
            assert r["level"] == "country" or r["name"].startswith(a) or prefecture_form, r


@pytest.mark.parametrize("name,alias", [
    ("甘肃省", "甘肃"), ("兰州市", "兰州"), ("新疆维吾尔自治区", "新疆"), ("内蒙古自治区", "内蒙古"),
    ("广西壮族自治区", "广西"), ("天津市", "天津"), ("香港特别行政区", "香港"),
    ("临夏回族自治州", "临夏"), ("七里河区", "七里河"), ("永登县", "永登"), ("皋兰县", "皋兰"),
    ("临夏回族自治州", "临夏州"), ("海南藏族自治州", "海南州"), ("恩施土家族苗族自治州", "恩施州"),
])
def test_region_short_forms(name, alias):
    matches = [r for r in regions().rows if r["name"] == name]
    assert matches and all(alias in split(r["aliases"]) for r in matches)


@pytest.mark.parametrize("name", ["城关区", "合作市", "吉林市"])
def test_ambiguous_short_forms_are_not_aliases(name):
    # 城关 is a generic word and two divisions' stem, 合作 an ordinary word, 吉林 the province.
    rows = [r for r in regions().rows if r["name"] == name]
    assert rows and all(r["aliases"] == "" for r in rows)


@pytest.mark.parametrize("country", ["巴基斯坦", "美国", "俄罗斯", "德国", "哈萨克斯坦", "中国"])
def test_countries_present(country):
    assert any(r["name"] == country and r["level"] == "country" for r in regions().rows)


def test_dropped_alias_report_lists_only_real_divisions():
    codes = {r["code"]: r["name"] for r in regions().rows}
    report = (MAKE / "regions_dropped_aliases.tsv").read_text(encoding="utf-8").splitlines()
    body = [line.split("\t") for line in report if line and not line.startswith("#")][1:]
    assert body
    for alias, code, name, reason in body:
        assert codes.get(code) == name and reason
        assert alias not in split(next(r["aliases"] for r in regions().rows if r["code"] == code))


# --- make_regions.py on made-up names ----------------------------------------------------------

@pytest.mark.parametrize("name,stem", [
    ("某某维吾尔自治区", "某某"), ("甲乙丙苗族侗族自治州", "甲乙丙"), ("丙丁哈萨克自治县", "丙丁"),
    ("东乡族自治县", "东乡"), ("内蒙古自治区", "内蒙古"), ("甲乙回族区", "甲乙"), ("戊己县", "戊己"),
    ("戊市", "戊"), ("庚辛新区", "庚辛"), ("壬癸林区", "壬癸"), ("某某特别行政区", "某某"),
])
def test_stem(name, stem):
    assert load_make("make_regions").stem(name) == stem


def test_an_autonomous_prefecture_is_also_its_stem_and_zhou():
    mr = load_make("make_regions")
    rows = [
        {"code": "990000", "name": "甲乙省", "level": "province", "parent_code": ""},
        {"code": "992800", "name": "甲乙藏族自治州", "level": "prefecture", "parent_code": "990000"},
        {"code": "992900", "name": "丙丁回族自治州", "level": "prefecture", "parent_code": "990000"},
        {"code": "990100", "name": "戊己市", "level": "prefecture", "parent_code": "990000"},
    ]
    mr.assign_aliases(rows, {})
    aliases = {r["name"]: r["aliases"] for r in rows}
    # 甲乙 stays with the province; 甲乙州 is the prefecture's own; a city gets no 州 form
    assert aliases == {"甲乙省": ["甲乙"], "甲乙藏族自治州": ["甲乙州"], "丙丁回族自治州": ["丙丁", "丙丁州"],
                       "戊己市": ["戊己"]}


def test_alias_collisions_go_to_the_higher_level():
    mr = load_make("make_regions")
    rows = [
        {"code": "990000", "name": "甲乙省", "level": "province", "parent_code": ""},
        {"code": "990100", "name": "甲乙市", "level": "prefecture", "parent_code": "990000"},
        {"code": "990101", "name": "丙丁区", "level": "county", "parent_code": "990100"},
        {"code": "990201", "name": "丙丁县", "level": "county", "parent_code": "990000"},
        {"code": "990102", "name": "戊己县", "level": "county", "parent_code": "990100"},
        {"code": "990103", "name": "城东区", "level": "county", "parent_code": "990100"},
        {"code": "990104", "name": "合作市", "level": "county", "parent_code": "990100"},
    ]
    dropped = mr.assign_aliases(rows, {"合作": (13478, "vn")})
    aliases = {r["name"]: r["aliases"] for r in rows}
    assert aliases == {"甲乙省": ["甲乙"], "甲乙市": [], "丙丁区": [], "丙丁县": [], "戊己县": ["戊己"],
                       "城东区": [], "合作市": []}
    assert {d[0] for d in dropped} == {"甲乙", "丙丁", "城东", "合作"}


# --- zones.tsv ---------------------------------------------------------------------------------

def test_zone_kinds_hosts_and_names():
    rows = zones().rows
    region_names = {r["name"] for r in regions().rows}
    kinds = {"national_new_area", "national_hitech_zone", "independent_innovation_zone",
             "free_trade_zone", "national_econ_dev_zone"}
    for r in rows:
        assert r["kind"] in kinds, r
        assert r["host_region"] in region_names, f"line {r['line']}: host {r['host_region']!r}"
        assert r["source_note"], r
        assert r["name"] not in GENERIC
    assert len({r["name"] for r in rows}) == len(rows)
    counts = Counter(r["kind"] for r in rows)
    assert counts["national_new_area"] == 19
    assert counts["free_trade_zone"] == 22
    assert counts["national_hitech_zone"] >= 169


def test_zone_aliases_are_clean():
    assert_aliases_clean(zones().rows, "name", "aliases", "zones.tsv")


@pytest.mark.parametrize("name,host,alias", [
    ("兰州新区", "兰州市", None), ("滨海新区", "天津市", None), ("雄安新区", "河北省", "河北雄安新区"),
    ("兰州高新技术产业开发区", "兰州市", "兰州高新区"),
    ("兰白国家自主创新示范区", "甘肃省", "兰白自创区"),
    ("中国(甘肃)自由贸易试验区", None, None),
])
def test_known_zones(name, host, alias):
    rows = {r["name"]: r for r in zones().rows}
    if host is None:  # 甘肃 has no free trade zone
        assert name not in rows
        return
    assert rows[name]["host_region"] == host
    if alias:
        assert alias in split(rows[name]["aliases"])


def test_zones_file_is_what_make_zones_writes():
    mz = load_make("make_zones")
    made = {(n, "|".join(dict.fromkeys(a)), k, h, s) for n, a, k, h, s in mz.all_rows(mz.load_regions())}
    on_disk = {(r["name"], r["aliases"], r["kind"], r["host_region"], r["source_note"]) for r in zones().rows}
    assert made == on_disk


# --- industries.tsv and ontology/industries.ttl ------------------------------------------------

def test_industry_ids_labels_and_hierarchy():
    rows = industries().rows
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert 150 <= len(rows) <= 300
    parent = {}
    for r in rows:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["id"]), r
        assert r["broader"] == "" or r["broader"] in ids, r
        parent[r["id"]] = r["broader"]
        assert not re.search(r"(产业|行业|产业集群|领域)$", r["pref_label"]), r
    for start in ids:  # no cycles
        seen, node = set(), start
        while node:
            assert node not in seen, f"broader cycle through {start}"
            seen.add(node)
            node = parent[node]
    labels = Counter(label for r in rows for label in [r["pref_label"], *split(r["alt_labels"])])
    assert [lab for lab, c in labels.items() if c > 1] == []
    assert not set(labels) & GENERIC


@pytest.mark.parametrize("term", ["新质生产力", "高质量发展", "科技创新", "数字化", "新兴产业", "未来产业",
                                  "传统产业", "产业"])
def test_abstract_terms_are_not_industries(term):
    labels = {label for r in industries().rows for label in [r["pref_label"], *split(r["alt_labels"])]}
    assert term not in labels


@pytest.mark.parametrize("variant,pref", [("先进装备制造", "装备制造"), ("高端装备", "装备制造"),
                                          ("AI", "人工智能"), ("氢燃料电池", "燃料电池")])
def test_qualified_variants_are_alt_labels(variant, pref):
    row = next(r for r in industries().rows if r["pref_label"] == pref)
    assert variant in split(row["alt_labels"])


def test_industries_ttl_is_a_valid_skos_scheme_matching_the_tsv():
    rdflib = pytest.importorskip("rdflib")
    from rdflib.namespace import RDF, SKOS

    g = rdflib.Graph()
    g.parse(TTL, format="turtle")
    rows = {r["id"]: r for r in industries().rows}
    base = "https://w3id.org/policykg/industry/"
    schemes = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 1
    scheme = schemes.pop()
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert {str(c)[len(base):] for c in concepts} == set(rows)
    for c in concepts:
        row = rows[str(c)[len(base):]]
        prefs = list(g.objects(c, SKOS.prefLabel))
        assert len(prefs) == 1 and prefs[0].language == "zh" and str(prefs[0]) == row["pref_label"]
        assert {str(a) for a in g.objects(c, SKOS.altLabel)} == set(split(row["alt_labels"]))
        assert (c, SKOS.inScheme, scheme) in g
        assert str(g.value(c, SKOS.notation)) == row["id"]
        broader = [str(b)[len(base):] for b in g.objects(c, SKOS.broader)]
        assert broader == ([row["broader"]] if row["broader"] else [])


def test_industries_ttl_is_up_to_date():
    conv = load_make("industries_to_skos")
    meta, rows = conv.read(DATA / "industries.tsv")
    assert TTL.read_text(encoding="utf-8") == conv.to_turtle(meta, rows), \
        "run python kg/data/make/industries_to_skos.py"


# --- the list generators (make_ambiguous.py) on made-up words ---------------------------------

def test_ambiguity_rules(tmp_path, monkeypatch):
    import sys
    from types import SimpleNamespace

    monkeypatch.syspath_prepend(str(MAKE))   # the generators import lexicon_common from their folder
    monkeypatch.delitem(sys.modules, "lexicon_common", raising=False)
    ma = load_make("make_ambiguous")
    dict_txt = tmp_path / "dict.txt"
    dict_txt.write_text("驱动力 53 n\n甲乙牌 20 nz\n戊己牌 3 nz\n动力 5000 n\n丙丁 2000 nr\n希望 9000 n\n力士 10 n\n",
                        encoding="utf-8")
    args = SimpleNamespace(kg_data=DATA, jieba=dict_txt)
    rules = ma.Rules(args, industry={"生物医药"}, lesser={"驱动力", "甲乙牌", "戊己牌"})
    assert [r.split("(")[0] for r in rules.reasons("驱动力")] == ["listed_word"]   # a lesser firm's word
    assert [r.split("(")[0] for r in rules.reasons("甲乙牌")] == ["listed_word"]   # ... or a frequent name
    assert rules.reasons("戊己牌") == []                                            # a rare name: its own
    assert rules.reasons("丙丁") == ["frequent_name(jieba nr 2000)"]
    assert rules.reasons("新动力") == ["modifier_phrase(新+动力)"]
    assert rules.reasons("新希望") == ["modifier_phrase(新+希望)"]
    assert rules.reasons("三力士") == []             # one-character modifier + a rare word: a name
    assert rules.reasons("驱动力集团") == []          # names its type
    assert rules.reasons("戊己庚") == []
    assert [r.split("(")[0] for r in rules.reasons("甘肃生物医药")] == ["place_phrase"]
    assert rules.reasons("庚辛港") == ["facility"] and rules.reasons("庚辛机场") == ["facility"]
