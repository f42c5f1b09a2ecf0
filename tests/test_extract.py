"""kg.extract: each registered extractor on a tiny text, and offset integrity everywhere."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.context import Context
from kg.extract.registry import EXTRACTORS, extract, get
from kg.ingest.reader import make_document
from kg.build.document import resources


def context(text: str, lexicons: tuple = ()) -> Context:
    lex, gaz, aff = resources(lexicons)
    return Context(make_document(text), lex, gaz, aff)


def spans_of(text: str, names=None):
    ctx = context(text)
    spans = extract(ctx, names)
    check_offsets(ctx, spans)
    return spans


def check_offsets(ctx, spans):
    for s in spans:
        assert ctx.text[s.start:s.end] == s.text, s
        sent = ctx.doc.sentences[s.sid]
        assert sent.start <= s.start < s.end <= sent.end, s


def found(spans, label=None):
    return [s.text for s in spans if label is None or s.type == label]


# ---------------------------------------------------------------------------- suffix


def test_suffix_finds_whole_company_name():
    text = "兰州德晟源新技术有限责任公司承担了该项目。"
    assert "兰州德晟源新技术有限责任公司" in found(spans_of(text, {"suffix"}), "Enterprise")
    assert found(spans_of(text), "Enterprise") == ["兰州德晟源新技术有限责任公司"]


def test_suffix_company_after_verb():
    spans = spans_of("参观位于兰州新区的兰州德晟源新技术有限责任公司展厅。")
    assert "兰州德晟源新技术有限责任公司" in found(spans, "Enterprise")


@pytest.mark.parametrize("text, generic", [
    ("争创全国重点实验室。", "全国重点实验室"),
    ("加快建设国家高新技术企业。", "国家高新技术企业"),
])
def test_generic_names_are_not_entities(text, generic):
    spans = spans_of(text)
    start = make_document(text).text.index(generic)
    assert not [s for s in spans if s.start < start + len(generic) and start < s.end and s.type != "Industry"], spans


# ---------------------------------------------------------------------------- enumerations


def test_enumeration_gives_one_span_per_item():
    spans = spans_of("支持甲乙科技、丙丁制药、戊己集团等企业做大做强。")
    assert found(spans, "Enterprise") == ["甲乙科技", "丙丁制药", "戊己集团"]
    assert {s.rule for s in spans if s.type == "Enterprise"} <= {"enum.enterprise", "suffix.enterprise"}


@pytest.mark.parametrize("text, items", [
    ("园区集聚了甲乙软件、丙丁汽车、戊己科技等50余家高新技术企业。", ["甲乙软件", "丙丁汽车", "戊己科技"]),
    ("引进庚辛集团、壬癸食品等澳门知名品牌企业。", ["庚辛集团", "壬癸食品"]),
    ("甲投、乙投等两大国资平台公司完成组建。", ["甲投", "乙投"]),
])
def test_an_enterprise_head_with_a_count_and_a_description_types_its_items(text, items):
    assert [s for s in found(spans_of(text), "Enterprise") if s in items] == items
    assert not [s for s in spans_of(text) if s.text in items and s.type == "Industry"]


@pytest.mark.parametrize("text", [
    "完善财政、税收等支持企业发展的政策。",           # a verb before the head: not a description
    "鼓励钢铁、建材等传统企业开展节能改造。",        # sectors, not firms
    "吸引总部型、龙头型等平台企业落户。",              # kinds of firm
    "孵化空间、服务平台等为企业提供服务。",
])
def test_an_enterprise_head_does_not_make_firms_of_sectors_kinds_or_verb_phrases(text):
    assert found(spans_of(text), "Enterprise") == []


def test_enumeration_needs_a_list():
    # a single item before 等企业 is not an enumeration
    assert "甲乙科技" not in found(spans_of("甲乙科技等企业做大做强。", {"enum"}))


# ---------------------------------------------------------------------------- industries


def test_industry_compound_is_split():
    lex = resources()[0]
    for term in ("新能源", "新材料"):
        entry = lex.lookup(term)
        if entry is None or entry.type != "Industry":
            pytest.skip(f"{term} is not an Industry in the lexicon")
    spans = spans_of("壮大新材料新能源百亿级产业集群。")
    assert found(spans, "Industry") == ["新材料", "新能源"]


def test_industry_scale_words_and_tail_are_trimmed():
    spans = spans_of("加快培育生物医药千亿级产业集群。", {"industry"})
    names = found(spans, "Industry")
    assert names and all("千亿" not in n and "产业" not in n for n in names), names


# ---------------------------------------------------------------------------- officials


@pytest.mark.parametrize("text, name", [
    ("总经理王晓川说,公司发展很快。", "王晓川"),
    ("兰州德晟源微电子有限公司总经理王晓川说,公司的微流控芯片已实现批量生产。", "王晓川"),
    ("习近平总书记", "习近平"),
    ("4月12日,习近平总书记在一家企业考察时指出,要发展新质生产力。", "习近平"),
    ("青海省省长 林一舟", "林一舟"),
    ("青海省省长林一舟出席会议。", "林一舟"),
    ("董事长王大明表示,项目进展顺利。", "王大明"),
])
def test_official_next_to_post(text, name):
    spans = spans_of(text)
    assert found(spans, "Official") == [name]
    assert {s.rule for s in spans if s.type == "Official"} == {"official.title_name"}


def test_no_official_without_post():
    assert found(spans_of("王晓川说,公司发展很快。"), "Official") == []


def test_official_before_post_followed_by_speech_verb():
    assert found(spans_of("习近平总书记强调,要发展新质生产力。"), "Official") == ["习近平"]


# ---------------------------------------------------------------------------- references


def test_focal_zone_references():
    spans = spans_of("新区要加快发展。我区将继续努力,全区上下一心。", {"ref"})
    assert [(s.text, s.rule) for s in spans] == [("新区", "ref.focus"), ("我区", "ref.focus"), ("全区", "ref.focus")]
    assert all(s.type == "Zone" for s in spans)


def test_no_reference_inside_a_longer_word():
    assert spans_of("兰州新区推进创新区域建设。", {"ref"}) == []


# ---------------------------------------------------------------------------- registry and invariants


def test_every_extractor_rule_id_starts_with_its_name():
    texts = ["兰州新区支持甲乙科技、丙丁制药等企业发展新能源新材料产业。新区要加快发展。",
             "总经理王晓川说,兰州德晟源新技术有限责任公司落户兰州新区。"]
    seen = set()
    for text in texts:
        ctx = context(text)
        for name in EXTRACTORS:
            spans = list(get(name)(ctx))
            check_offsets(ctx, spans)
            for s in spans:
                assert s.rule.startswith(name + "."), (name, s)
                seen.add(name)
    assert {"gazetteer", "suffix", "enum", "official", "ref"} <= seen


def test_an_unknown_extractor_name_is_refused_with_the_known_ones():
    with pytest.raises(KeyError, match="no extractor 'nosuch'; known: gazetteer, suffix"):
        get("nosuch")


def test_every_registered_extractor_resolves_to_a_function():
    assert all(callable(get(name)) for name in EXTRACTORS)


def test_extract_by_name_runs_only_those():
    spans = spans_of("兰州新区支持甲乙科技、丙丁制药等企业发展。新区要加快发展。", {"ref"})
    assert {s.rule for s in spans} == {"ref.focus"}


def test_user_lexicon_entries_are_found_and_suppression_works(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# test lexicon\nname\ttype\taliases\n庚辛未来科技\tEnterprise\t庚辛科技\n兰州新区\t-\t\n",
                    encoding="utf-8")
    ctx = context("庚辛科技落户兰州新区。", (str(path),))
    spans = extract(ctx)
    check_offsets(ctx, spans)
    ent = [s for s in spans if s.type == "Enterprise"]
    assert [(s.text, s.name) for s in ent] == [("庚辛科技", "庚辛未来科技")]
    assert not [s for s in spans if "兰州新区" in s.text]
    # without the user lexicon the zone is known
    assert "兰州新区" in found(spans_of("庚辛科技落户兰州新区。"), "Zone")


def test_seed_spans_keep_offsets(seed_docs):
    lex, gaz, aff = resources()
    for doc in seed_docs.values():
        ctx = Context(doc, lex, gaz, aff)
        for name in EXTRACTORS:
            check_offsets(ctx, list(get(name)(ctx)))
        check_offsets(ctx, extract(ctx))


_WORDS = st.sampled_from(["兰州新区", "新区", "我区", "、", "等企业", "支持", "甲乙科技", "有限公司", "总经理", "王晓川",
                          "说", ",", "。", "\n", "总书记", "习近平", "产业", "新材料", "(", ")", "“", "”", "重点发展",
                          "位于", "兰州市", "研究院", "项目", "×", " ", "😀", "a", "1", "高新区", "三大", "主导产业",
                          "千亿级", "产业集群", "區(qū)"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(_WORDS, max_size=25).map("".join), st.text(max_size=50)))
def test_spans_keep_offsets_property(text):
    ctx = context(text)
    check_offsets(ctx, extract(ctx))


# ---------------------------------------------------------------------------- steps and their order


def test_steps_declare_what_they_require_and_assign_in_a_checked_order():
    from kg.extract.registry import INGEST, STEPS, OrderError, Step, check_order, provides

    assert {"spans", "doc.metadata.speaker", "doc.metadata.authors"} <= provides()
    swapped = {"speaker": STEPS["speaker"], "settle": STEPS["settle"]}
    with pytest.raises(OrderError, match="'speaker' requires spans"):
        check_order(swapped, set(INGEST) | {"candidates"}, "extraction step")
    with pytest.raises(OrderError, match="'x' requires nothing.yet"):
        check_order({"x": Step("m:f", ("nothing.yet",))}, INGEST, "extractor")


def test_the_speaker_step_sets_the_speaker_before_resolution():
    ctx = context("市长 周明远\n(2024年3月5日)\n临江市加快发展。")
    extract(ctx)
    assert ctx.doc.metadata["speaker"] == "周明远" and ctx.doc.metadata["authors"] == ["周明远"]


def test_post_strings_are_found_once_per_document():
    from kg.extract.official import post_strings

    ctx = context("临江市市长周明远说,临江市将加快发展。")
    first = post_strings(ctx, 0)
    assert first and post_strings(ctx, 0) is first


# ---------------------------------------------------------------------------- company name edges


@pytest.mark.parametrize("text, names", [
    ("法国甲乙集团旗下丙丁精密(中国)有限公司在此设厂。", {"法国甲乙集团", "丙丁精密(中国)有限公司"}),
    ("甲乙城建集团与下属丙丁物业服务有限公司共同承办。", {"甲乙城建集团", "丙丁物业服务有限公司"}),
    ("引进一大批以科信泰公司为首的企业。", {"科信泰公司"}),
    ("甲乙股份有限公司长沙基地投产。", {"甲乙股份有限公司"}),     # 有限公司长沙: no 司长
])
def test_a_company_name_does_not_take_in_the_words_before_it(text, names):
    assert set(found(spans_of(text), "Enterprise")) >= names
    assert not [n for n in found(spans_of(text), "Enterprise") if n.startswith(("旗下", "下属", "批", "以"))]


def test_a_name_that_starts_with_a_preposition_character_keeps_it():
    assert "以色列公司" in found(spans_of("与以色列公司合作。"), "Enterprise")


@pytest.mark.parametrize("text, name", [
    ("投资方为锐迈通用机械有限公司。", "锐迈通用机械有限公司"),   # 迈, 通用 read as verbs: on to 为
    ("积极支持通用机械有限公司发展。", "通用机械有限公司"),        # no function word close by: 支持 stays out
])
def test_a_registered_company_name_runs_on_to_a_function_word(text, name):
    assert found(spans_of(text), "Enterprise") == [name]


@pytest.mark.parametrize("text", [
    "重点续建项目加快推进。",                       # a generic modifier, not a firm
    "推介丹徒香醋产业项目。镇江市招商。",             # a place's product (丹徒: a county of 镇江)
    "高端芯片封装ABCD项目落地。",                   # an acronym alone
])
def test_a_project_is_not_owned_by_a_phrase_a_place_product_or_an_acronym(text):
    assert found(spans_of(text), "Enterprise") == []


def test_a_project_is_owned_by_the_firm_named_before_its_phase():
    assert "华信高科" in found(spans_of("华信高科同位素项目开工。"), "Enterprise")


@pytest.mark.parametrize("text", ["携手共建开放新格局、共享美好未来。", "服从大局、顾全大局。"])
def test_an_ordinary_word_ending_like_a_body_is_no_name(text):
    assert found(spans_of(text), "Organization") == []


def test_a_bare_type_word_is_no_enumeration_item():
    # 再度 (an adverb to jieba) cuts the first item to its type word
    assert found(spans_of("周边,再度药业、华星科技、南岭医学等企业陆续建起。"), "Enterprise") == ["华星科技", "南岭医学"]


@pytest.mark.parametrize("text, firm", [
    ("有限公司副总经理李某,青海星光乐能总经理宋某等公司领导出席。", "青海星光乐能"),
    ("会上,星光乐能轮值董事长徐某致辞。", "星光乐能"),          # 轮值 belongs to the post
])
def test_a_firm_named_before_a_company_post(text, firm):
    assert [(s.text, s.rule) for s in spans_of(text) if s.type == "Enterprise"] == [(firm, "suffix.post_firm")]


@pytest.mark.parametrize("text", ["张某某总经理表示。", "公司总经理、集团董事长出席。", "该集团董事长出席。",
                                  "会上,甲乙科技有限公司总经理王某发言。"])
def test_no_firm_before_a_post_from_a_person_a_generic_word_or_a_named_company(text):
    assert [s for s in spans_of(text) if s.rule == "suffix.post_firm"] == []
