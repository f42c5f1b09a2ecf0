"""kg.resolve: short forms, focal-zone references, script variants, and the cross-document merge."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.ingest.reader import make_document
from kg.build import build
from kg.build.document import process_document
from kg.model import DocResult, Entity, Fact
from kg.resolve.document import _abbreviates
from kg.rdf.vocab import NS
from oracles import merge

K = Namespace(NS)
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")

LANZHOU = ("兰州新区加快发展新材料产业\n"
           "兰州新区位于甘肃省兰州市。兰州新区重点发展新材料产业。\n"
           "新区将继续支持企业发展。\n")
TIANJIN = ("滨海新区推进生物医药产业发展\n"
           "天津滨海新区位于天津市。滨海新区重点发展生物医药产业。\n"
           "新区将加快建设创新平台。新区重点发展集成电路产业。\n")
NO_FOCUS = "天津市推进科技创新\n新区将加快建设创新平台。新区重点发展海洋装备产业。\n"


def entities(text: str) -> DocResult:
    return process_document(make_document(text, rel_path="t/doc.txt"))


def build_graph(folder, out) -> Graph:
    report = build([folder], out)
    return Graph().parse(report.output, format="turtle")


def nodes(g: Graph, cls: str, label: str) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDFS.label, Literal(label, lang="zh")) if (s, RDF.type, K[cls]) in g)


def doc_of(g: Graph, name: str) -> URIRef:
    [d] = [d for d, f in g.subject_objects(K.sourceFile) if str(f).endswith("/" + name)]
    return d


# ---------------------------------------------------------------------------- within a document


def test_short_name_resolves_to_full_name_in_the_same_document():
    res = entities("兰州甲乙光电科技有限公司落户兰州新区。\n新区支持甲乙光电、丙丁制药等企业发展。\n")
    companies = {k[1]: e for k, e in res.entities.items() if k[0] == "Enterprise"}
    assert "甲乙光电" not in companies
    assert "甲乙光电" in companies["兰州甲乙光电科技有限公司"].aliases
    assert "丙丁制药" in companies


def test_short_name_without_full_name_stays():
    res = entities("新区支持甲乙光电、丙丁制药等企业发展。\n")
    assert ("Enterprise", "甲乙光电") in res.entities


def test_ambiguous_short_name_is_not_resolved():
    res = entities("兰州甲乙光电科技有限公司和天津甲乙光电材料有限公司签约。\n支持甲乙光电、丙丁制药等企业发展。\n")
    names = {k[1] for k in res.entities if k[0] == "Enterprise"}
    assert {"兰州甲乙光电科技有限公司", "天津甲乙光电材料有限公司", "甲乙光电"} <= names


def test_xinqu_resolves_to_the_focal_zone():
    res = entities(LANZHOU)
    assert res.focal == ("Zone", "兰州新区")
    zone = res.entities[("Zone", "兰州新区")]
    assert "新区" in zone.aliases
    assert not [k for k in res.entities if k[1] in {"新区", "我区"}]


def test_xinqu_without_focal_zone_is_no_entity():
    res = entities(NO_FOCUS)
    assert res.focal is None
    assert not [k for k in res.entities if k[0] == "Zone"]


def test_gaoxinqu_does_not_stand_for_a_xinqu():
    res = entities(LANZHOU + "高新区要加快发展。\n")
    assert "高新区" not in res.entities[("Zone", "兰州新区")].aliases


@pytest.mark.parametrize("short, full, expected", [
    ("德晟源", "兰州德晟源新技术有限责任公司", True),
    ("青岛海洋生物所", "中国科学院青岛海洋生物技术研究所", True),
    ("高原生态所", "中国科学院西宁高原生态研究所", True),
    ("生物医药", "兰州新区", False),
    ("海洋所", "中国科学院青岛海洋生物技术研究院", False),
])
def test_abbreviates(short, full, expected):
    assert _abbreviates(short, full) is expected


# ---------------------------------------------------------------------------- across documents


def test_two_documents_two_focal_zones(write_corpus, tmp_path):
    folder = write_corpus({"lz.txt": LANZHOU, "tj.txt": TIANJIN, "tj2.txt": NO_FOCUS})
    g = build_graph(folder, tmp_path / "out")
    lz_doc, tj_doc, tj2_doc = doc_of(g, "lz.txt"), doc_of(g, "tj.txt"), doc_of(g, "tj2.txt")
    [lanzhou] = nodes(g, "Zone", "兰州新区")
    assert set(g.objects(lanzhou, K.mentionedIn)) == {lz_doc}
    tianjin = [z for z in g.subjects(RDF.type, K.Zone) if "滨海新区" in str(g.value(z, RDFS.label))]
    assert len(tianjin) == 1
    assert tj_doc in set(g.objects(tianjin[0], K.mentionedIn))
    assert Literal("新区", lang="zh") in set(g.objects(tianjin[0], SKOS.altLabel))
    assert not list(g.subjects(RDFS.label, Literal("新区", lang="zh")))
    # no evidence from the Tianjin texts is about 兰州新区
    for ev in g.subjects(RDF.type, K.Evidence):
        if g.value(ev, K.document) in {tj_doc, tj2_doc}:
            assert lanzhou not in {g.value(ev, RDF.subject), g.value(ev, RDF.object)}
    # the industry a Tianjin 新区 sentence names is developed by the Tianjin zone only
    for ic in nodes(g, "Industry", "集成电路"):
        assert (tianjin[0], K.developsIndustry, ic) in g
        assert (lanzhou, K.developsIndustry, ic) not in g


def test_traditional_and_simplified_spellings_merge(write_corpus, tmp_path):
    trad = "蘭州甲乙光電科技有限公司落戶蘭州新區。蘭州新區重點發展生物醫藥產業。\n"
    simp = "兰州甲乙光电科技有限公司落户兰州新区。\n"
    folder = write_corpus({"trad.txt": trad.encode("big5"), "simp.txt": simp})
    g = build_graph(folder, tmp_path / "out")
    companies = [s for s in g.subjects(RDF.type, K.Enterprise) if "光电" in str(g.value(s, RDFS.label))]
    assert len(companies) == 1
    [c] = companies
    assert g.value(c, RDFS.label) == Literal("兰州甲乙光电科技有限公司", lang="zh")
    assert Literal("蘭州甲乙光電科技有限公司", lang="zh-Hant") in set(g.objects(c, SKOS.altLabel))
    assert set(g.objects(c, K.mentionedIn)) == {doc_of(g, "trad.txt"), doc_of(g, "simp.txt")}
    [zone] = nodes(g, "Zone", "兰州新区")
    assert set(g.objects(zone, K.mentionedIn)) == {doc_of(g, "trad.txt"), doc_of(g, "simp.txt")}
    assert g.value(doc_of(g, "trad.txt"), K.sourceScript) == Literal("traditional")
    # no traditional spelling is used as a label
    assert not [lbl for lbl in g.objects(None, RDFS.label) if "蘭" in lbl or "電" in lbl]


def _result(rel, ents, facts=()):
    return DocResult(rel, "0" * 64, "utf-8", "simplified", {}, 1,
                     {e.key: e for e in ents}, list(facts))


def test_merge_joins_short_name_from_another_document():
    full = Entity("Enterprise", "甲乙光电科技有限公司", docs={"a.txt"})
    short = Entity("Enterprise", "甲乙光电", docs={"b.txt"})
    zone = Entity("Zone", "兰州新区", docs={"b.txt"})
    fact = Fact(short.key, "locatedIn", zone.key, "r", "b.txt", 0, 5, "甲乙光电落户兰州新区。")
    ents, facts = merge([_result("b.txt", [short, zone], [fact]), _result("a.txt", [full])])
    assert short.key not in ents
    merged = ents[full.key]
    assert merged.docs == {"a.txt", "b.txt"}
    assert "甲乙光电" in merged.aliases
    assert facts[0].subject == full.key


def test_merge_keeps_ambiguous_short_name_and_other_labels():
    a = Entity("Enterprise", "甲乙光电科技有限公司", docs={"a.txt"})
    b = Entity("Enterprise", "甲乙光电材料有限公司", docs={"b.txt"})
    short = Entity("Enterprise", "甲乙光电", docs={"c.txt"})
    zone = Entity("Zone", "甲乙", docs={"c.txt"})
    ents, _ = merge([_result("a.txt", [a]), _result("b.txt", [b]), _result("c.txt", [short, zone])])
    assert {short.key, a.key, b.key, zone.key} <= set(ents)


def test_merge_same_name_from_two_documents_is_one_entity():
    x = Entity("Zone", "蘭州新區", aliases={"新区"}, originals={"蘭州新區"}, docs={"a.txt"})
    y = Entity("Zone", "兰州新区", docs={"b.txt"})
    assert x.key == y.key
    ents, _ = merge([_result("a.txt", [x]), _result("b.txt", [y])])
    assert len(ents) == 1
    [e] = ents.values()
    assert e.docs == {"a.txt", "b.txt"} and e.originals == {"蘭州新區"}


def test_seed_short_name_kejin_taiji(seed_graph):
    [company] = nodes(seed_graph, "Enterprise", "兰州科近泰基新技术有限责任公司")
    assert Literal("科近泰基", lang="zh") in set(seed_graph.objects(company, SKOS.altLabel))


def resolved(text: str):
    """The resolver of one document after extraction (no relation rule has run)."""
    from kg.build.document import resources
    from kg.extract.context import Context
    from kg.extract.registry import extract
    from kg.resolve.document import DocResolver

    lex, gaz, aff = resources()
    doc = make_document(text, path="t.txt")
    ctx = Context(doc, lex, gaz, aff)
    res = DocResolver(doc, extract(ctx), lex, ctx)
    return res, res.resolve()


def test_the_author_of_an_author_note_is_an_official_after_resolution():
    res, result = resolved("作者:周明远\n白鹭新区加快发展。\n(作者系白鹭新区党工委书记)\n白鹭新区建设提速。")
    person = ("Official", "周明远")
    assert result.entities[person].rules == {"official.author_note"}
    assert list(res.author_notes.values()) == [person]
    facts = {(f.subject, f.predicate, f.object) for f in entities(
        "作者:周明远\n白鹭新区加快发展。\n(作者系白鹭新区党工委书记)\n白鹭新区建设提速。").facts}
    assert (person, "holdsPost", "党工委书记") in facts


def test_no_author_no_author_note_official():
    res, result = resolved("白鹭新区加快发展。\n(作者系白鹭新区党工委书记)\n白鹭新区建设提速。")
    assert not res.author_notes and not any(k[0] == "Official" for k in result.entities)


def test_zone_kinds_short_and_full_from_the_data():
    from kg.build.document import resources
    from kg.resolve.document import ZoneKinds

    kinds = ZoneKinds(resources()[0])
    assert kinds.is_kind("长沙经济技术开发区", "经开区") and kinds.is_kind("长沙经开区", "经开区")
    assert not kinds.is_kind("长沙高新区", "经开区")
    assert kinds.expand("长沙经开区", {"长沙经济技术开发区"}) == "长沙经济技术开发区"
    assert kinds.expand("长沙经开区", {"株洲经济技术开发区"}) is None
    assert kinds.refs["我区"] == "" and kinds.refs["高新区"] == "高新区"


def test_a_focal_zone_joined_to_its_bracketed_full_name_stays_the_focal_zone():
    """`X(Y)` joins the zone Y to X; when Y is the zone the text is about, the focal zone is X
    (it used to keep Y, which then had no entity, and the document failed with a KeyError)."""
    text = ("嘉泰综合保税区推动产业发展\n"
            "2021年长岳合作嘉泰综合保税区(嘉泰综合保税区)产业推介会举行。嘉泰综合保税区引进项目。"
            "嘉泰综合保税区党工委书记王小明出席。\n")
    result = entities(text)
    assert result.focal == ("Zone", "长岳合作嘉泰综合保税区")
    assert result.focal in result.entities
    assert ("Zone", "嘉泰综合保税区") not in result.entities
    assert ("servesIn", ("Official", "王小明"), ("Zone", "长岳合作嘉泰综合保税区")) in {
        (f.predicate, f.subject, f.object) for f in result.facts}
