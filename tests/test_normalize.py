"""kg.text: an input/output table per function, plus idempotence and length properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg import text as N

# ---------------------------------------------------------------------------- tables

FOLD_WIDTH = [
    ("ＡＢＣ１２３", "ABC123"),
    ("ａｂｃ", "abc"),
    ("（兰州）", "(兰州)"),
    ("兰州，新区；", "兰州,新区;"),
    ("：？！", ":?!"),
    ("\u3000", " "),
    ("ｈｔｔｐ：／／ｅｘａｍｐｌｅ", "http://example"),
    ("～", "~"),
    ("。、「」《》", "。、「」《》"),   # CJK punctuation has no half-width form to fold to
    ("兰州新区", "兰州新区"),
    ("", ""),
]

WHITESPACE = [
    ("a\r\nb", "a\nb"),
    ("a\rb", "a\nb"),
    ("a\u2028b\u2029c", "a\nb\nc"),
    ("a \t\u00a0 b", "a b"),
    ("a\u2003\u2009b", "a b"),
    ("a  \n  b", "a\nb"),
    ("\u200b兰\u200d州\ufeff新\u00ad区", "兰州新区"),
    ("兰\x01州\x1b新\x7f区\x9b", "兰州新区"),     # control characters
    ("a\x85b", "a\nb"),
    ("  兰州新区  ", "兰州新区"),
    ("段一\n\n段二", "段一\n\n段二"),   # paragraph breaks are kept
    ("兰州新区", "兰州新区"),
    ("", ""),
]

PINYIN = [
    ("蘭州新區(qū)", "蘭州新區"),
    ("經(jīng)濟發(fā)展", "經濟發展"),
    ("綠(lǜ)色", "綠色"),
    ("新區(qū)建設", "新區建設"),
    # real parentheses stay
    ("禾润达(兰州)膜材料有限公司", "禾润达(兰州)膜材料有限公司"),
    ("(BIO)", "(BIO)"),
    ("生物(BIO)科技", "生物(BIO)科技"),
    ("(一)", "(一)"),
    ("第(一)条", "第(一)条"),
    ("中国(甘肃)自由贸易试验区", "中国(甘肃)自由贸易试验区"),
    ("区(qu)", "区(qu)"),          # toneless: cannot be told from an ASCII word
    ("abc(ā)", "abc(ā)"),          # not glued to a CJK character
    ("區 (qū)", "區 (qū)"),          # not glued: a space in between
    ("區(qūqūqūqū)", "區(qūqūqūqū)"),  # longer than a syllable
]

SIMPLIFIED = [
    ("蘭州新區", "兰州新区"),
    ("經濟發展", "经济发展"),
    ("甘肅省蘭州市", "甘肃省兰州市"),
    ("兰州新区", "兰州新区"),
    ("ABC 123 (BIO)", "ABC 123 (BIO)"),
    ("", ""),
]


@pytest.mark.parametrize("text, expected", FOLD_WIDTH)
def test_fold_width(text, expected):
    assert N.fold_width(text) == expected


@pytest.mark.parametrize("text, expected", WHITESPACE)
def test_normalize_whitespace(text, expected):
    assert N.normalize_whitespace(text) == expected


@pytest.mark.parametrize("text, expected", PINYIN)
def test_strip_pinyin_glosses(text, expected):
    assert N.strip_pinyin_glosses(text) == expected


@pytest.mark.parametrize("text, expected", SIMPLIFIED)
def test_to_simplified(text, expected):
    out = N.to_simplified(text)
    assert out == expected
    assert len(out) == len(text)


def test_nfc_composes():
    assert N.nfc("lu\u0308") == "l\u00fc"
    assert N.nfc("l\u00fc") == "l\u00fc"


@pytest.mark.parametrize("raw, simplified, original", [
    ("蘭州新區(qū)", "兰州新区", "蘭州新區"),
    ("ＡＢＣ　蘭州", "ABC 兰州", "ABC 蘭州"),
    ("禾润达(兰州)膜材料\r\n有限公司", "禾润达(兰州)膜材料\n有限公司", "禾润达(兰州)膜材料\n有限公司"),
    ("經(jīng)濟\u200b發展", "经济发展", "經濟發展"),
])
def test_normalize_pair(raw, simplified, original):
    text, orig = N.normalize(raw)
    assert (text, orig) == (simplified, original)
    assert len(text) == len(orig)


def test_fold_name_joins_spellings():
    assert N.fold_name("蘭州新區") == N.fold_name("兰州新区") == "兰州新区"
    assert N.fold_name("“兰州 新区”") == "兰州新区"
    assert N.fold_name("ＡＢＣ公司") == "ABC公司"
    assert N.fold_name("兰州新区") != N.fold_name("兰州市")


# ---------------------------------------------------------------------------- properties

# Text built from pieces that exercise each function: CJK in both scripts, glued pinyin glosses,
# real parentheses, full-width forms, odd spaces and line ends, invisible characters.
_PIECES = st.sampled_from([
    "兰州", "新区", "蘭州", "新區", "經濟", "發展", "區(qū)", "濟(jì)", "綠(lǜ)", "(兰州)", "(BIO)", "(一)",
    "ＡＢＣ", "１２３", "（", "）", "，", "。", "\u3000", " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0",
    "\u200b", "\ufeff", "\u2028", "a", "Z", "9", "(", ")", "ü", "u\u0308", "😀", "「", "」",
])
MIXED = st.lists(_PIECES, max_size=30).map("".join)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
TEXTS = st.one_of(MIXED, ANY_TEXT)
FUNCTIONS = [N.nfc, N.fold_width, N.normalize_whitespace, N.strip_pinyin_glosses, N.to_simplified]
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@PROPS
@given(text=TEXTS)
def test_idempotent(fn, text):
    once = fn(text)
    assert fn(once) == once


@PROPS
@given(text=TEXTS)
@example(text="ｅ\u0301")
def test_chain_idempotent(text):
    once = N.run(text)
    assert N.run(once) == once


@PROPS
@given(text=TEXTS)
def test_to_simplified_preserves_length(text):
    assert len(N.to_simplified(text)) == len(text)


# Traditional characters that OpenCC converts as phrases (several characters at once).
_TRAD = st.text(st.sampled_from("乾隆頭髮後來發財麵條鬆開著名計劃檯風蘭州新區經濟裡面於是"), max_size=30)


@PROPS
@given(text=_TRAD)
def test_to_simplified_preserves_length_on_phrases(text):
    out = N.to_simplified(text)
    assert len(out) == len(text)
    assert N.to_simplified(out) == out


@PROPS
@given(text=TEXTS)
@example(text="蘭州新區(qū)")
def test_normalize_pair_property(text):
    simplified, original = N.normalize(text)
    assert len(simplified) == len(original)
    assert N.to_simplified(original) == simplified
    assert N.normalize(simplified) == (simplified, simplified)


def test_strip_pinyin_glosses_removes_a_run_of_glosses_in_one_pass():
    assert N.strip_pinyin_glosses("區(qū)(qū)建設") == "區建設"


def test_chain_composes_a_folded_letter_with_its_combining_mark():
    once = N.run("ｅ\u0301")
    assert unicodedata.is_normalized("NFC", once)
    assert N.run(once) == once
