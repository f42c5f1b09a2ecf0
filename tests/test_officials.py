"""Officials: names after (and before) post titles, composed post titles, holdsPost and servesIn.

Every sentence here is written for the test (names are invented)."""

from __future__ import annotations

import pytest

from kg.build.document import process_document
from kg.ingest.reader import make_document, surnames


def result_of(text: str):
    return process_document(make_document(text, path="t.txt"), ())


def officials(text: str) -> set[str]:
    return {e.name for e in result_of(text).entities.values() if e.type == "Official"}


def facts_of(text: str, predicate: str | None = None) -> set[tuple]:
    res = result_of(text)
    names = {key: ent.name for key, ent in res.entities.items()}
    out = set()
    for f in res.facts:
        if predicate is None or f.predicate == predicate:
            obj = names.get(f.object, f.object) if isinstance(f.object, tuple) else f.object
            out.add((names[f.subject], f.predicate, obj))
    return out


def rules_of(text: str, predicate: str) -> set[str]:
    return {f.rule for f in result_of(text).facts if f.predicate == predicate}


# ---------------------------------------------------------------------------- the name after a post

@pytest.mark.parametrize("text, name", [
    ("开发区管委会主任李德华致辞。", "李德华"),             # any verb after the name
    ("副市长周海军一同调研。", "周海军"),                   # an adverb: the three-character reading
    ("秘书长高鼎文及多名企业代表出席。", "高鼎文"),          # a conjunction jieba glues to the name
    ("董事长林志远的讲话引起关注。", "林志远"),             # a particle
    ("在教授吴宏宇看来,项目意义重大。", "吴宏宇"),
    ("会上,市长王俊说,项目进展顺利。", "王俊"),            # a one-character speech verb, then punctuation
    ("总经理梁磊文说,产品供不应求。", "梁磊文"),
    ("高级副总裁宋凯代表双方签约。", "宋凯"),               # 代表: a noun to jieba, a follower here
    ("山东省委书记林一武到滨州市调研。", "林一武"),
    ("党工委专职副书记占文明主持仪式。", "占文明"),          # a surname of the frequency list
])
def test_name_after_a_post_ends_where_a_follower_starts(text, name):
    assert officials(text) == {name}


@pytest.mark.parametrize("text, names", [
    ("市长张三", {"张三"}), ("市长张", set()), ("市长 张三", {"张三"}), ("董事长", set()), ("市长张三、", {"张三"}),
    ("副主任王一、", {"王一"}), ("主任·", set()),
])
def test_a_name_at_the_end_of_the_text(text, names):
    assert officials(text) == names


def test_every_prefix_of_a_title_list_reads_without_error():
    text = "自治区主席艾尔肯·吐尼亚孜,管委会副主任赵文华、钱立,州政协主席尕藏出席。"
    for end in range(1, len(text) + 1):
        officials(text[:end])


def test_two_names_of_one_sentence_joined_by_a_preposition():
    assert officials("校长钱立新与区委书记孙明共同为研究院揭牌。") == {"钱立新", "孙明"}


def test_several_names_after_one_post_each_hold_it():
    facts = facts_of("管委会副主任赵文华、钱立、孙小梅出席。", "holdsPost")
    assert facts == {(n, "holdsPost", "管委会副主任") for n in ("赵文华", "钱立", "孙小梅")}


def test_names_without_a_han_surname_in_a_title_list():
    assert officials("州政协主席尕藏,州人大常委会副主任更登,副州长陈东出席。") == {"尕藏", "更登", "陈东"}


def test_a_name_seen_with_a_title_is_the_same_official_elsewhere():
    res = result_of("董事长林志远出席仪式。林志远表示,公司将扩大产能。")
    assert {e.name for e in res.entities.values() if e.type == "Official"} == {"林志远"}
    assert "official.same_name" in next(e for e in res.entities.values() if e.name == "林志远").rules


@pytest.mark.parametrize("text", [
    "市民可拨打市长热线反映问题。",
    "他是一名主任医师。",
    "省委书记处理了此事。",
    "请写信到市长信箱。",
    "区长办公会研究了项目。",
    "主席团成员出席会议。",
    "委员会长期关注此事。",
    "董事长致辞后,项目开工。",
    "董事长有信心完成任务。",
    "副市长和副区长参加了会议。",
    "市委书记高度重视。",
    "公司总经理向来重视安全。",
    "本报记者王小明报道:会议召开。",      # a reporter is an author, not an Official
])
def test_no_official_without_a_name_after_the_post(text):
    assert officials(text) == set()


@pytest.mark.parametrize("text", [
    "华科党委书记指出,要加快发展。",       # an unknown short name of a university
    "华为副董事长出席。",                 # a company before an enterprise post
])
def test_a_name_before_a_post_is_not_an_organisation(text):
    assert officials(text) == set()


@pytest.mark.parametrize("text, name", [
    ("自治区党委副书记、自治区主席艾尔肯·吐尼亚孜出席会议并讲话。", "艾尔肯·吐尼亚孜"),
    ("某某公司首席执行官蒂姆・库克表示,中国市场很重要。", "蒂姆・库克"),
])
def test_transliterated_names_with_middle_dots(text, name):
    assert officials(text) == {name}


def test_english_officer_titles():
    facts = facts_of("公司创始人兼CEO王小川表示,将加大研发投入。", "holdsPost")
    assert facts == {("王小川", "holdsPost", "创始人"), ("王小川", "holdsPost", "CEO")}


def test_a_leader_named_before_the_post():
    assert officials("习近平总书记强调,要发展新质生产力。") == {"习近平"}


def test_surnames_list_is_complete():
    known = surnames()
    assert len(known) > 500
    assert {"占", "法", "欧阳", "司马", "第五", "覃", "佘", "钟离"} <= known


# ---------------------------------------------------------------------------- composed post titles

@pytest.mark.parametrize("text, post", [
    ("园区党工委专职副书记覃立华主持会议。", "党工委专职副书记"),
    ("自治区常务副主席、自治区党委常委李建华出席。", "自治区常务副主席"),
    ("自治区常务副主席、自治区党委常委李建华出席。", "自治区党委常委"),
    ("市人大常委会主任王大明出席。", "市人大常委会主任"),
    ("区政府一级调研员王芳出席。", "一级调研员"),
    ("学校党委常务副书记王大明出席。", "党委常务副书记"),
    ("公司轮值董事长王大明出席。", "轮值董事长"),
])
def test_post_titles_with_their_qualifiers_and_body_words(text, post):
    assert any(p == post for _, _, p in facts_of(text, "holdsPost"))


def test_a_title_chain_goes_over_a_body_no_lexicon_knows():
    facts = facts_of("市委常委、组织部部长钱立新出席。", "holdsPost")
    assert facts == {("钱立新", "holdsPost", "市委常委"), ("钱立新", "holdsPost", "组织部部长")}


def test_a_title_chain_goes_over_a_comma_before_the_list_mark():
    facts = facts_of("县委副书记,、县长周海军主持会议。", "holdsPost")
    assert facts == {("周海军", "holdsPost", "县委副书记"), ("周海军", "holdsPost", "县长")}


# ---------------------------------------------------------------------------- servesIn

def test_posts_without_a_place_are_held_in_the_home_city():
    facts = facts_of("临沂市召开项目推进会。临沂市将加快发展。市委书记张大同出席,副市长李文海主持会议。", "servesIn")
    assert facts == {("张大同", "servesIn", "临沂市"), ("李文海", "servesIn", "临沂市")}
    assert rules_of("临沂市召开项目推进会。临沂市将加快发展。市委书记张大同出席。", "servesIn") == {"rel.servesIn.home"}


def test_provincial_posts_without_a_place_are_held_in_the_home_province():
    facts = facts_of("浙江省加快建设先进制造业基地。浙江省召开会议,省委常委、副省长王五林出席。", "servesIn")
    assert facts == {("王五林", "servesIn", "浙江省")}


def test_a_post_that_names_its_place_is_not_moved_to_the_home_region():
    facts = facts_of("临沂市召开项目推进会。临沂市将加快发展。南京市委书记张大同出席。", "servesIn")
    assert facts == {("张大同", "servesIn", "南京市")}


@pytest.mark.parametrize("text", [
    "临沂市与潍坊市签约。市委书记张大同出席。",        # two cities named as often: no home city
    "潍坊市召开会议。市委书记张大同出席。",           # named once: too little to call it home
    "会议由市长张三主持。张三指出,要加快发展。",      # no city at all
])
def test_no_home_region_without_one_clear_region(text):
    assert facts_of(text, "servesIn") == set()


def test_a_region_post_is_held_in_its_government_when_the_text_names_it():
    facts = facts_of("山东省人民政府与某某科技有限公司签约。山东省副省长王五林出席。", "servesIn")
    assert facts == {("王五林", "servesIn", "山东省人民政府")}


def test_the_body_carries_along_a_list_and_a_bare_body_is_the_home_one():
    facts = facts_of("南岸区政府区长张大同、副区长李文海,区政府一级调研员王芳出席。南岸区加快发展。", "servesIn")
    assert facts == {(n, "servesIn", "南岸区政府") for n in ("张大同", "李文海", "王芳")}


def test_zone_posts_serve_the_zone_named_before_them_or_the_focal_zone():
    facts = facts_of("滨海新区召开会议。滨海新区管委会副主任赵文华、钱立出席。", "servesIn")
    assert facts == {("赵文华", "servesIn", "滨海新区"), ("钱立", "servesIn", "滨海新区")}
    facts = facts_of("滨海新区召开会议。滨海新区加快发展。会上,管委会副主任赵文华讲话。", "servesIn")
    assert facts == {("赵文华", "servesIn", "滨海新区")}


def test_a_region_of_another_level_before_a_post_is_not_where_it_is_held():
    # 湖北 alone is the province, and no prefecture is called 湖北州: a 州 post after it is not
    # held in the province
    assert facts_of("湖北州委书记张大同出席。", "servesIn") == set()
    # 海南州 is a prefecture (海南藏族自治州, Qinghai), not the province 海南
    assert facts_of("海南州委书记张大同出席。", "servesIn") == {("张大同", "servesIn", "海南藏族自治州")}


def test_a_province_named_as_the_place_of_one_post_is_home_for_the_bare_ones():
    text = "贵州省委副书记、省长陈立明会见客商。省委常委、常务副省长吴建强,副省长郭文海参加会见。"
    assert facts_of(text, "servesIn") == {(n, "servesIn", "贵州省") for n in ("陈立明", "吴建强", "郭文海")}


def test_each_post_after_a_region_is_held_in_that_region_s_body_of_its_kind():
    facts = facts_of("合肥市人民政府与某某汽车签约。合肥市委副书记、市长罗云山出席。", "servesIn")
    assert facts == {("罗云山", "servesIn", "合肥市"), ("罗云山", "servesIn", "合肥市人民政府")}


def test_a_bare_company_or_school_before_a_post_is_the_one_the_text_is_about():
    facts = facts_of("华光科技股份有限公司发布公告。公司董事长张大同表示,将加大投入。", "servesIn")
    assert facts == {("张大同", "servesIn", "华光科技股份有限公司")}
    facts = facts_of("海天大学与华光科技股份有限公司签约。海天大学将培养人才。该校校长张大同表示欢迎。", "servesIn")
    assert facts == {("张大同", "servesIn", "海天大学")}


def test_a_bare_company_with_two_companies_named_as_often_is_no_body():
    assert facts_of("甲乙有限公司与丙丁有限公司签约。公司董事长张大同出席。", "servesIn") == set()


def test_a_company_post_without_a_body_is_held_in_the_company_the_text_names_most():
    text = "华光科技股份有限公司发布公告。华光科技股份有限公司将扩大产能。董事长张大同表示,将加大投入。"
    assert facts_of(text, "servesIn") == {("张大同", "servesIn", "华光科技股份有限公司")}
    # named once: too little to say the text is about that company
    assert facts_of("华光科技股份有限公司发布公告。董事长张大同表示,将加大投入。", "servesIn") == set()
