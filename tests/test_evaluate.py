"""kg.eval.score and `kg eval`: hand-computed figures on small fixtures, agreement with the
reference scorer (shared/tools/kg_score.py), gold validation and CLI exit codes."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import shared_path
from kg.cli import main
from kg.eval.score import ALL, GoldError, evaluate, fold, max_matching
from kg.rdf.vocab import ENTITY_CLASSES

HERE = Path(__file__).parent
DATA = HERE / "data" / "eval"
GRAPH = DATA / "graph.ttl"
GOLD = DATA / "gold"
REPO = HERE.parent
KG = "https://w3id.org/policykg/ns#"


def figures(score):
    return score.tp, score.output, score.gold


# ---------------------------------------------------------------- helpers for small cases

PREFIXES = f"""@prefix kg: <{KG}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix : <http://example.org/> .
"""


def write_case(tmp_path: Path, turtle: str, entities: list, relations: list, name: str = "g.json"):
    graph = tmp_path / "graph.ttl"
    graph.write_text(PREFIXES + turtle, encoding="utf-8")
    gold = tmp_path / name
    gold.write_text(json.dumps({"document": {"file": "x.txt"}, "entities": entities, "relations": relations},
                               ensure_ascii=False), encoding="utf-8")
    return graph, gold


def ent(etype, name, *aliases):
    return {"type": etype, "name": name, "aliases": list(aliases)}


def rel(s, p, o):
    return {"subject": s, "predicate": p, "object": o}


# ---------------------------------------------------------------- building blocks


def test_fold_script_width_quotes_and_spaces():
    assert fold("藍海集團") == "蓝海集团"
    assert fold("ＡＢＣ 科技") == "ABC科技"
    assert fold("“云岭大学”") == fold("「云岭大学」") == "云岭大学"
    assert fold("云岭市") != fold("云岭")


def test_max_matching_finds_augmenting_path():
    # a first takes x greedily; b can only use x, so a must move to y.
    match = max_matching({"a": ["x", "y"], "b": ["x"], "c": []})
    assert len(match) == 2
    assert match == {"x": "b", "y": "a"}


# ---------------------------------------------------------------- the hand-written fixture

@pytest.fixture(scope="module")
def report():
    return evaluate(GRAPH, [GOLD])


def test_entity_figures_by_type(report):
    # Counted by hand from the comments in graph.ttl and the two gold files.
    expected = {"Zone": (1, 2, 1), "Region": (1, 1, 1), "Enterprise": (2, 2, 2), "Organization": (1, 1, 1),
                "Official": (2, 2, 2), "Industry": (1, 2, 3), "Project": (0, 0, 1), ALL: (8, 10, 11)}
    assert {k: figures(v) for k, v in report.entities.items()} == expected
    assert report.entities[ALL].precision == pytest.approx(0.8)
    assert report.entities[ALL].recall == pytest.approx(8 / 11)
    assert report.entities["Project"].precision == 0.0  # nothing output, something missed


def test_exact_alias_and_traditional_matches(tmp_path):
    graph, gold = write_case(tmp_path, """
        :z a kg:Zone ; rdfs:label "云岭高新区"@zh .
        :e a kg:Enterprise ; rdfs:label "星河电子"@zh .
        :r a kg:Region ; rdfs:label "雲嶺市"@zh .
        :o a kg:Organization ; rdfs:label "云岭"@zh .
    """, [ent("Zone", "云岭高新区"), ent("Enterprise", "星河电子科技有限公司", "星河电子"),
          ent("Region", "云岭市", "云岭"), ent("Organization", "云岭大学")], [])
    r = evaluate(graph, [gold])
    assert figures(r.entities["Zone"]) == (1, 1, 1)          # exact name
    assert figures(r.entities["Enterprise"]) == (1, 1, 1)    # alias
    assert figures(r.entities["Region"]) == (1, 1, 1)        # traditional script folded
    # an alias of another type's entity is no match for this type
    assert figures(r.entities["Organization"]) == (0, 1, 1)


def test_spurious_and_missed_lists(report):
    assert report.spurious_entities == ["Industry:新质生产力", "Zone:孵化园"]
    assert report.missed_entities == ["Industry:新能源", "Industry:生物医药", "Project:星河芯片产业园项目"]
    assert "云岭高新区 developsIndustry 新质生产力" in report.spurious_relations
    assert "王华 servesIn 蓝海集团" in report.missed_relations


def test_gold_entities_merge_across_files(report):
    # 云岭高新区 is in both gold files: one gold Zone, and doc_b's alias counts for it.
    assert report.entities["Zone"].gold == 1
    assert report.gold_files == ["doc_a.json", "doc_b.json"]
    only_a = evaluate(GRAPH, [GOLD], only_docs={"doc_a"})
    assert only_a.gold_files == ["doc_a.json"]
    assert only_a.entities["Official"].gold == 1


def test_relation_figures_by_predicate(report):
    expected = {"locatedIn": (3, 4, 4), "developsIndustry": (1, 2, 3), "inIndustry": (1, 1, 2),
                "holdsPost": (2, 2, 2), "servesIn": (1, 2, 2), "cooperatesWith": (1, 1, 1), ALL: (9, 12, 14)}
    assert {k: figures(v) for k, v in report.relations.items()} == expected


def test_cooperates_with_is_symmetric_and_located_in_is_not(tmp_path):
    graph, gold = write_case(tmp_path, """
        :a a kg:Enterprise ; rdfs:label "星河电子"@zh ; kg:locatedIn :b .
        :b a kg:Zone ; rdfs:label "云岭高新区"@zh .
        :c a kg:Organization ; rdfs:label "云岭大学"@zh ; kg:cooperatesWith :a .
        :b kg:locatedIn :c .
    """, [ent("Enterprise", "星河电子"), ent("Zone", "云岭高新区"), ent("Organization", "云岭大学")],
        [rel("星河电子", "cooperatesWith", "云岭大学"), rel("云岭高新区", "locatedIn", "星河电子")])
    r = evaluate(graph, [gold])
    assert figures(r.relations["cooperatesWith"]) == (1, 1, 1)
    assert figures(r.relations["locatedIn"]) == (0, 2, 1)


def test_holds_post_matches_by_substring_either_way(tmp_path):
    graph, gold = write_case(tmp_path, """
        :a a kg:Official ; rdfs:label "李明"@zh ; kg:holdsPost "高新区党工委书记"@zh .
        :b a kg:Official ; rdfs:label "王华"@zh ; kg:holdsPost "经理"@zh .
        :c a kg:Official ; rdfs:label "张强"@zh ; kg:holdsPost "总经理"@zh .
    """, [ent("Official", "李明"), ent("Official", "王华"), ent("Official", "张强")],
        [rel("李明", "holdsPost", "党工委书记"), rel("王华", "holdsPost", "总经理"),
         rel("张强", "holdsPost", "董事长")])
    r = evaluate(graph, [gold])
    assert figures(r.relations["holdsPost"]) == (2, 3, 3)
    assert r.spurious_relations == ["张强 holdsPost 总经理"]


def test_output_listed_both_ways_counts_once_as_right(tmp_path):
    # Both directions of a symmetric relation match the one gold relation: tp is 1, not 2.
    graph, gold = write_case(tmp_path, """
        :a a kg:Enterprise ; rdfs:label "星河电子"@zh ; kg:cooperatesWith :c .
        :c a kg:Organization ; rdfs:label "云岭大学"@zh ; kg:cooperatesWith :a .
    """, [ent("Enterprise", "星河电子"), ent("Organization", "云岭大学")],
        [rel("星河电子", "cooperatesWith", "云岭大学")])
    assert figures(evaluate(graph, [gold]).relations["cooperatesWith"]) == (1, 2, 1)


def test_relation_endpoint_resolves_to_the_nodes_own_type_then_its_label(tmp_path):
    graph, gold = write_case(tmp_path, """
        :org a kg:Organization ; rdfs:label "蓝海"@zh ; kg:locatedIn :z .
        :ent a kg:Enterprise ; rdfs:label "云岭二号"@zh ; skos:altLabel "云岭一号"@zh ; kg:locatedIn :z .
        :z a kg:Zone ; rdfs:label "云岭高新区"@zh .
    """, [ent("Enterprise", "蓝海集团", "蓝海"), ent("Organization", "蓝海研究院", "蓝海"),
          ent("Enterprise", "云岭一号"), ent("Enterprise", "云岭二号"), ent("Zone", "云岭高新区")],
        [rel("蓝海研究院", "locatedIn", "云岭高新区"), rel("云岭二号", "locatedIn", "云岭高新区")])
    r = evaluate(graph, [gold])
    assert figures(r.relations["locatedIn"]) == (2, 2, 2)


def test_alias_shared_within_a_type_is_dropped(tmp_path):
    graph, gold = write_case(tmp_path, """
        :a a kg:Zone ; rdfs:label "新区"@zh .
    """, [ent("Zone", "滨江新区", "新区"), ent("Zone", "西湖新区", "新区")], [])
    assert figures(evaluate(graph, [gold]).entities["Zone"]) == (0, 1, 2)


def test_per_rule_precision(report):
    # By hand from the evidence nodes in graph.ttl: distinct supported relations, and the right ones.
    # rel.locatedIn.weiyu supports zone-1→region-2 ✓, enterprise-3→zone-1 ✓ (twice), enterprise-4→region-2 ✗.
    expected = {"rel.cooperatesWith.yu": (1, 1), "rel.developsIndustry.focus": (1, 2),
                "rel.holdsPost.title": (2, 2), "rel.locatedIn.focus": (2, 2),
                "rel.locatedIn.weiyu": (2, 3), "rel.servesIn.title_org": (1, 2)}
    assert {k: (v.correct, v.output) for k, v in report.rules.items()} == expected
    assert report.rules["rel.locatedIn.weiyu"].precision == pytest.approx(2 / 3)


# ---------------------------------------------------------------- gold validation

GOOD_ENTITIES = [ent("Zone", "云岭高新区"), ent("Official", "李明")]


@pytest.mark.parametrize("content, fragments", [
    ('{"entities": [', ["not valid JSON", "line 1"]),
    (json.dumps({"entities": [ent("Zoen", "云岭高新区")], "relations": []}, ensure_ascii=False),
     ["entities[0]", "unknown type 'Zoen'", "云岭高新区"]),
    (json.dumps({"entities": GOOD_ENTITIES, "relations": [rel("李明", "worksIn", "云岭高新区")]}, ensure_ascii=False),
     ["relations[0]", "unknown predicate 'worksIn'"]),
    (json.dumps({"entities": GOOD_ENTITIES, "relations": [rel("李明", "servesIn", "云岭新区")]}, ensure_ascii=False),
     ["relations[0]", "object '云岭新区' is not the name of an entity"]),
    (json.dumps({"entities": GOOD_ENTITIES, "relations": [rel("张强", "holdsPost", "总经理")]}, ensure_ascii=False),
     ["relations[0]", "subject '张强'"]),
    (json.dumps({"entities": GOOD_ENTITIES}), ["missing 'relations' list"]),
    (json.dumps({"entities": [ent("Zone", "云岭"), ent("Region", "云岭")], "relations": [rel("李明", "servesIn", "云岭")]},
                ensure_ascii=False), ["subject '李明'"]),
    (json.dumps({"entities": [ent("Zone", "云岭"), ent("Region", "云岭"), ent("Official", "李明")],
                 "relations": [rel("李明", "servesIn", "云岭")]}, ensure_ascii=False), ["several types"]),
    (json.dumps({"entities": [{"type": "Zone", "name": "  "}], "relations": []}), ["non-empty"]),
])
def test_malformed_gold_names_file_and_entry(tmp_path, content, fragments):
    bad = tmp_path / "bad_gold.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as err:
        evaluate(GRAPH, [bad])
    message = str(err.value)
    assert "bad_gold.json" in message
    for fragment in fragments:
        assert fragment in message


def test_holds_post_object_need_not_be_an_entity(tmp_path):
    good = tmp_path / "g.json"
    good.write_text(json.dumps({"entities": GOOD_ENTITIES, "relations": [rel("李明", "holdsPost", "党工委书记")]},
                               ensure_ascii=False), encoding="utf-8")
    assert evaluate(GRAPH, [good]).relations["holdsPost"].gold == 1


def test_no_gold_selected_is_an_error(tmp_path):
    with pytest.raises(GoldError, match="no gold files selected"):
        evaluate(GRAPH, [tmp_path])
    with pytest.raises(GoldError, match="no gold files selected"):
        evaluate(GRAPH, [GOLD], only_docs={"doc_z"})


# ---------------------------------------------------------------- CLI


def run_cli(*args):
    return CliRunner().invoke(main, ["eval", *map(str, args)])


def test_cli_table_and_exit_zero():
    res = run_cli(GRAPH, GOLD)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split()[:4] == ["entities", "P", "R", "F1"]
    assert any(line.split()[0] == "rel.locatedIn.weiyu" and line.split()[1:] == ["0.667", "2", "3"]
               for line in lines if line.strip())
    assert lines[-1].startswith("entity F1 0.762")
    assert "missed_entities" not in res.output


def test_cli_json_verbose():
    res = run_cli(GRAPH, GOLD, "--format", "json", "--verbose")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["relations"]["ALL"]["tp"] == 9
    assert data["rules"]["rel.servesIn.title_org"] == {"precision": 0.5, "correct": 1, "output": 2}
    assert "Project:星河芯片产业园项目" in data["missed_entities"]


def test_cli_verbose_lists_misses():
    res = run_cli(GRAPH, GOLD / "doc_a.json", "-v")
    assert res.exit_code == 0, res.output
    assert "spurious_entities (" in res.output and "Zone:孵化园" in res.output


@pytest.mark.parametrize("options, code", [
    (["--min-entity-f1", "0.7"], 0),
    (["--min-entity-f1", "0.8"], 1),          # entity F1 is 0.762
    (["--min-relation-f1", "0.7"], 1),        # relation F1 is 0.692
    (["--min-entity-f1", "0.7", "--min-relation-f1", "0.6"], 0),
])
def test_cli_thresholds(options, code):
    res = run_cli(GRAPH, GOLD, *options)
    assert res.exit_code == code, res.output


def test_cli_bad_input_exits_2(tmp_path):
    assert run_cli(tmp_path / "missing.ttl", GOLD).exit_code == 2
    assert run_cli(GRAPH, tmp_path / "missing.json").exit_code == 2
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix kg: <x> .\n:a kg:b", encoding="utf-8")
    res = run_cli(broken, GOLD)
    assert res.exit_code == 2 and "broken.ttl" in res.output
    bad_gold = tmp_path / "bad.json"
    bad_gold.write_text('{"entities": [{"type": "Town", "name": "某镇"}], "relations": []}', encoding="utf-8")
    res = run_cli(GRAPH, bad_gold)
    assert res.exit_code == 2 and "bad.json" in res.output and "Town" in res.output


# ---------------------------------------------------------------- agreement with kg_score.py


@pytest.fixture(scope="module")
def kg_score():
    spec = importlib.util.spec_from_file_location("kg_score_reference", shared_path("tools/kg_score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(kg_score, graph: Path, gold: list[Path], only_docs=None) -> dict:
    """kg_score's report on the same files."""
    entities, relations, _ = kg_score.load_gold(gold, only_docs)
    ties = {(g.name, frozenset(g.docs)) for g in entities}
    # kg_score orders the gold entities a node may stand for by name and documents, then by set
    # order; a case where two of them tie would have no single right answer.
    assert len(ties) == len(entities), "gold entities of several types with one name and the same documents"
    types, names, rels = kg_score.load_graph(graph)
    return kg_score.score(entities, relations, types, names, rels, False)


def assert_agree(mine, ref, sections=("entities", "relations")):
    for section in sections:
        rows = getattr(mine, section)
        assert set(rows) == set(ref[section])
        for key, want in ref[section].items():
            got = rows[key]
            assert (got.tp, got.output, got.gold) == (want["tp"], want["output"], want["gold"]), (section, key)
            for m in ("precision", "recall", "f1"):
                assert abs(getattr(got, m) - want[m]) <= 1e-9, (section, key, m)


@pytest.mark.parametrize("graph, gold, only", [
    (GRAPH, [GOLD], None),
    (GRAPH, [GOLD / "doc_b.json"], None),
    (GRAPH, [GOLD], {"doc_a"}),
    (HERE / "data" / "sample_graph.ttl", [GOLD], None),
])
def test_agrees_with_reference_on_fixtures(kg_score, graph, gold, only):
    assert_agree(evaluate(graph, gold, only_docs=only), reference(kg_score, graph, gold, only))


@pytest.mark.parametrize("suffix, fmt", [(".nt", "nt"), (".nq", "nquads"), (".trig", "trig"), (".jsonld", "json-ld")])
def test_every_rdf_format_gives_the_same_report(kg_score, tmp_path, report, suffix, fmt):
    import rdflib

    other = tmp_path / f"graph{suffix}"
    if fmt == "nt":
        rdflib.Graph().parse(GRAPH).serialize(other, format=fmt)
    else:  # the triples in a named graph: scored as if in the default graph
        ds = rdflib.Dataset()
        ds.graph(rdflib.URIRef("http://example.org/doc")).parse(GRAPH, format="turtle")
        ds.serialize(other, format=fmt)
    mine = evaluate(other, [GOLD])
    assert mine.as_dict(verbose=True) == report.as_dict(verbose=True)
    assert_agree(mine, reference(kg_score, other, [GOLD]))


def test_unknown_graph_suffix_is_bad_input(tmp_path):
    odd = tmp_path / "graph.txt"
    shutil.copyfile(GRAPH, odd)
    res = run_cli(odd, GOLD)
    assert res.exit_code == 2 and "graph.txt" in res.output and "unknown graph format" in res.output


def test_agrees_with_reference_on_built_seeds(kg_score, seed_build, tmp_path):
    built, gold = seed_build.graph_path, REPO / "seeds" / "gold"
    graph = tmp_path / "graph.ttl"
    shutil.copyfile(built, graph)  # a concurrent rebuild must not change it between the two scorers
    assert_agree(evaluate(graph, [gold]), reference(kg_score, graph, [gold]))


def test_merged_node_stands_for_each_gold_entity_it_names(kg_score, tmp_path):
    # One Zone node carries the names of a gold Zone and a gold Region (a corpus-level merge).
    # The post and the location are right for the Region, the cooperation for the Zone: each
    # relation counts as right under the gold entity that makes it right, as in kg_score.
    graph, gold = write_case(tmp_path, """
        :m a kg:Zone ; rdfs:label "云岭高新区"@zh ; skos:altLabel "云岭市"@zh ;
           kg:holdsPost "党工委书记"@zh ; kg:locatedIn :p ; kg:cooperatesWith :u .
        :p a kg:Region ; rdfs:label "滇南省"@zh .
        :u a kg:Organization ; rdfs:label "云岭大学"@zh .
    """, [ent("Zone", "云岭高新区"), ent("Region", "云岭市"), ent("Region", "滇南省"), ent("Organization", "云岭大学")],
        [rel("云岭市", "holdsPost", "党工委书记"), rel("云岭市", "locatedIn", "滇南省"),
         rel("云岭大学", "cooperatesWith", "云岭高新区")])
    r = evaluate(graph, [gold])
    assert figures(r.relations["holdsPost"]) == (1, 1, 1)
    assert figures(r.relations["locatedIn"]) == (1, 1, 1)
    assert figures(r.relations["cooperatesWith"]) == (1, 1, 1)
    assert r.spurious_relations == [] and r.missed_relations == []
    assert_agree(r, reference(kg_score, graph, [gold]))


def test_unresolvable_relations_fall_back_to_the_matched_entity(tmp_path):
    # No reading makes these right; both relations of the merged node resolve to its partner in
    # the entity matching (the Zone), so they are two distinct wrong relations, not one.
    graph, gold = write_case(tmp_path, """
        :m a kg:Zone ; rdfs:label "云岭高新区"@zh ; skos:altLabel "云岭市"@zh ;
           kg:locatedIn :p ; kg:developsIndustry :i .
        :p a kg:Region ; rdfs:label "滇南省"@zh .
        :i a kg:Industry ; rdfs:label "新能源"@zh .
    """, [ent("Zone", "云岭高新区"), ent("Region", "云岭市"), ent("Region", "滇南省"), ent("Industry", "新能源")], [])
    r = evaluate(graph, [gold])
    assert r.spurious_relations == ["云岭高新区 developsIndustry 新能源", "云岭高新区 locatedIn 滇南省"]


# Random graphs and gold over a pool with aliases shared within and across types,
# traditional and full-width spellings, junk names, unnamed nodes and duplicates.
POOL = [
    ("Zone", "云岭高新区", ["高新区", "云岭高新技术产业开发区"], ["雲嶺高新區"]),
    ("Zone", "滨江新区", ["新区"], ["濱江新區"]),
    ("Zone", "西湖新区", ["新区"], []),
    ("Region", "云岭市", ["云岭"], ["雲嶺市"]),
    ("Enterprise", "蓝海集团", ["蓝海"], ["藍海集團", "“蓝海集团”"]),
    ("Organization", "蓝海研究院", ["蓝海"], []),
    ("Enterprise", "ABC科技有限公司", ["ABC科技"], ["ＡＢＣ科技"]),
    ("Official", "李明", [], []),
    ("Official", "王华", [], ["王華"]),
    ("Industry", "电子信息", ["电子信息产业"], ["電子信息"]),
    ("Industry", "新能源", [], []),
    ("Project", "星河芯片项目", [], []),
]
POOL_INDEX: dict[str, set[int]] = {}
for _i, (_, _name, _aliases, _variants) in enumerate(POOL):
    for _n in (_name, *_aliases, *_variants):
        POOL_INDEX.setdefault(_n, set()).add(_i)
JUNK = ["孵化园", "新质生产力", "高质量发展"]
TITLES = ["党工委书记", "书记", "总经理", "副总经理", "董事长", "區長", "区长"]
REL_PREDICATES = ["locatedIn", "developsIndustry", "inIndustry", "servesIn", "cooperatesWith"]


def _random_case_strategy():
    """A world of facts over POOL; gold files annotate parts of it, the graph outputs other parts
    (sometimes reversed, with wrong types, merged names or wrong titles) plus noise."""
    from hypothesis import strategies as st

    n = len(POOL)
    idx = st.integers(0, n - 1)
    any_surface = st.one_of(idx.map(lambda i: POOL[i][1]), st.sampled_from(JUNK))

    @st.composite
    def case(draw):
        facts = draw(st.lists(st.tuples(idx, st.sampled_from(REL_PREDICATES), idx), min_size=1, max_size=10,
                              unique=True))
        posts = draw(st.lists(st.tuples(idx, st.sampled_from(TITLES)), max_size=4, unique=True))
        golds = []
        for _ in range(draw(st.integers(1, 2))):
            fs = [f for f in facts if draw(st.booleans())]
            ps = [p for p in posts if draw(st.booleans())]
            chosen = {a for a, _, _ in fs} | {b for _, _, b in fs} | {a for a, _ in ps}
            chosen |= set(draw(st.lists(idx, min_size=0 if chosen else 1, max_size=4)))
            golds.append((sorted(chosen), fs, ps))
        nodes, node_of = [], {}
        mentioned = [a for a, _, _ in facts] + [b for _, _, b in facts] + [a for a, _ in posts]
        for i in [i for i in mentioned if draw(st.integers(0, 3))] + draw(st.lists(idx, max_size=4)):
            types = [POOL[i][0] if draw(st.integers(0, 3)) else draw(st.sampled_from(ENTITY_CLASSES))]
            if draw(st.integers(0, 7)) == 0:
                types.append(draw(st.sampled_from(ENTITY_CLASSES)))
            names = draw(st.lists(st.sampled_from([POOL[i][1], *POOL[i][2], *POOL[i][3]]),
                                  min_size=1 if draw(st.integers(0, 5)) else 0, max_size=2))
            if draw(st.integers(0, 5)) == 0:
                names.append(draw(any_surface))  # a wrong merge
            node_of.setdefault(i, []).append(len(nodes))
            nodes.append((types, names))
        for junk in draw(st.lists(st.sampled_from(JUNK), max_size=2)):
            nodes.append(([draw(st.sampled_from(ENTITY_CLASSES))], [junk]))
        rels, out_posts = [], []
        for a, p, b in facts:
            if a in node_of and b in node_of and draw(st.integers(0, 3)):
                x, y = draw(st.sampled_from(node_of[a])), draw(st.sampled_from(node_of[b]))
                rels.append((y, p, x) if draw(st.integers(0, 3)) == 0 else (x, p, y))
        for a, title in posts:
            if a in node_of and draw(st.integers(0, 3)):
                out_posts.append((draw(st.sampled_from(node_of[a])), draw(st.sampled_from([title, title, *TITLES]))))
        if nodes:
            node = st.integers(0, len(nodes) - 1)
            rels += draw(st.lists(st.tuples(node, st.sampled_from(REL_PREDICATES), node), max_size=4))
            out_posts += draw(st.lists(st.tuples(node, st.sampled_from(TITLES)), max_size=2))
        return nodes, rels, out_posts, golds

    return case()


def _write_random_case(folder: Path, nodes, rels, posts, golds):
    lines = [PREFIXES]
    for i, (types, names) in enumerate(nodes):
        props = ["rdfs:label"] + ["skos:altLabel"] * len(names)
        names = [f"{p} {json.dumps(n, ensure_ascii=False)}@zh" for p, n in zip(props, names)]
        lines.append(f":n{i} " + " ; ".join([f"a kg:{t}" for t in types] + names) + " .")
    lines += [f":n{s} kg:{p} :n{o} ." for s, p, o in rels]
    lines += [f":n{s} kg:holdsPost {json.dumps(t, ensure_ascii=False)}@zh ." for s, t in posts]
    (folder / "graph.ttl").write_text("\n".join(lines), encoding="utf-8")
    (folder / "gold").mkdir()
    for k, (chosen, grels, gposts) in enumerate(golds):
        data = {"document": {"file": f"d{k}.txt"},
                "entities": [ent(POOL[i][0], POOL[i][1], *POOL[i][2]) for i in chosen],
                "relations": [rel(POOL[s][1], p, POOL[o][1]) for s, p, o in grels]
                + [rel(POOL[s][1], "holdsPost", t) for s, t in gposts]}
        (folder / "gold" / f"d{k}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_agrees_with_reference_on_random_cases(kg_score):
    hypothesis = pytest.importorskip("hypothesis")

    # Bounded so that the default run stays short (about 2 s). Shrinking a failure of this
    # strategy takes minutes, so by default a failure is reported as found; it is saved in the
    # example database and replayed first on the next run, which KG_HYPOTHESIS_SHRINK=1 shrinks
    # to a small case.
    phases = [p for p in hypothesis.Phase
              if p is not hypothesis.Phase.shrink or os.environ.get("KG_HYPOTHESIS_SHRINK")]

    @hypothesis.settings(max_examples=150, deadline=timedelta(seconds=10), phases=phases,
                         suppress_health_check=[hypothesis.HealthCheck.too_slow])
    @hypothesis.given(_random_case_strategy())
    def check(case):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            _write_random_case(folder, *case)
            nodes = case[0]
            merged = any(len(set().union(*(POOL_INDEX.get(n, set()) for n in names))) > 1 for _, names in nodes)
            hypothesis.event(f"a node names several pool entities: {merged}")
            assert_agree(evaluate(folder / "graph.ttl", [folder / "gold"]),
                         reference(kg_score, folder / "graph.ttl", [folder / "gold"]))

    check()
