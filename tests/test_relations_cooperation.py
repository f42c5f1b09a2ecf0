"""cooperatesWith from lists of parties, `分别与`, and agreement titles; sentences written for these
tests."""

from __future__ import annotations

from kg.build.document import process_document
from kg.ingest.reader import make_document


def cooperation(text: str) -> set[tuple]:
    result = process_document(make_document(text, path="t.txt"))
    names = {key: ent.name for key, ent in result.entities.items()}
    return {frozenset((names[f.subject], names[f.object])) for f in result.facts if f.predicate == "cooperatesWith"}


def test_each_listed_party_with_the_one_after_fenbie_yu():
    got = cooperation("会上,青岛市崂山区人民政府、烟台港集团有限公司、潍柴动力股份有限公司分别与腾讯公司签署合作协议。")
    for party in ("青岛市崂山区人民政府", "烟台港集团有限公司", "潍柴动力股份有限公司"):
        assert frozenset((party, "腾讯公司")) in got
    assert frozenset(("烟台港集团有限公司", "潍柴动力股份有限公司")) not in got


def test_fenbie_yu_at_the_end_of_a_cut_text():
    got = cooperation("此外,烟台港集团有限公司、潍柴动力股份有限公司分别与腾讯公司")
    assert frozenset(("烟台港集团有限公司", "腾讯公司")) in got


def test_parties_before_and_after_yu_pair_across_not_within():
    got = cooperation("包头市政府和青山区政府在青山区与甲乙科技股份有限公司、丙丁能源股份有限公司共同签订了投资协议。")
    for left in ("包头市政府", "青山区政府"):
        for right in ("甲乙科技股份有限公司", "丙丁能源股份有限公司"):
            assert frozenset((left, right)) in got
    assert frozenset(("甲乙科技股份有限公司", "丙丁能源股份有限公司")) not in got
    assert frozenset(("包头市政府", "青山区政府")) not in got


def test_the_parties_of_an_agreement_title():
    got = cooperation("双方签订了《长安区人民政府·西北工业大学共建先进材料研究院》协议。")
    assert frozenset(("长安区人民政府", "西北工业大学")) in got


def test_a_title_that_is_no_cooperation_pairs_nothing():
    got = cooperation("会议学习了《长安区人民政府·西北工业大学年度工作报告》。")
    assert not got


def test_a_bare_gongsi_in_a_firms_release_is_the_firm():
    got = cooperation("甲乙新能源科技股份有限公司今日发布公告,公司与宜宾市人民政府签署投资协议。")
    assert frozenset(("甲乙新能源科技股份有限公司", "宜宾市人民政府")) in got
